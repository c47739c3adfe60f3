/**
 * `npm run bench -- plan`: writes a book of 100,000 open tranches (25,000 confirmed orders, 20
 * models, ship dates over 38 months) and 36 months of capacity straight into PostgreSQL with
 * generate_series, then times, one request at a time: the pure allocation, the full plan without
 * cache (both queries and the allocation), and over HTTP the plan read from nothing kept (as of a
 * past day not planned before), then the plan read, availability and capacity, each after a write
 * to the capacity or to one order of every model (all planned again), to one model (that model
 * planned again) or to none (the kept plan, its models' versions unchanged); and the forecast's
 * plan basis. Each write bumps its models' plan versions in its transaction, as the services do.
 * The book also holds capacity for quotes: BENCH_HOLDS active holds (default 1,000) spread over the
 * models, placed after the firm tranches by every plan; figures name the reads that place them.
 * BENCH_TRANCHES scales the book (multiples of 4), BENCH_SAMPLES the samples per figure.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '../../src/access/api-key.service';
import { createApp } from '../../src/app.setup';
import { addDays, today } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { runMigrations } from '../../src/database/migrate';
import { withScratchDatabase } from '../../src/database/scratch-database';
import { allocate, monthIndex, monthOf } from '../../src/planning/allocate';
import { DeliveryPlanService } from '../../src/planning/delivery-plan.service';
import { PlanVersionRepository } from '../../src/planning/plan-version.repository';
import { buildPlanBook, PLAN_MODELS, PLAN_MONTHS, PLAN_TRANCHES_PER_ORDER } from './books';

const TRANCHES = Math.max(
  PLAN_TRANCHES_PER_ORDER,
  Math.floor(Number(process.env.BENCH_TRANCHES ?? 100_000) / PLAN_TRANCHES_PER_ORDER) *
    PLAN_TRANCHES_PER_ORDER,
);
const ORDERS = TRANCHES / PLAN_TRANCHES_PER_ORDER;
const MODELS = PLAN_MODELS;
const MONTHS = PLAN_MONTHS;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const HOLDS = Number(process.env.BENCH_HOLDS ?? 1000);

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

interface Figure {
  p50: number;
  p95: number;
  target?: number;
}

/** p50/p95 of `run` over SAMPLES runs after three warm-ups; `before` runs untimed before each. */
async function time(
  run: () => Promise<unknown> | unknown,
  target?: number,
  before?: () => Promise<unknown>,
): Promise<Figure> {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES + 3; i++) {
    if (before) await before();
    const started = process.hrtime.bigint();
    await run();
    if (i >= 3) samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), target };
}

/** In a scratch database (on DATABASE_URL's server, or a throwaway embedded one), dropped after. */
async function bench(url: string) {
  await runMigrations(url);
  const config = {
    port: 0,
    host: '127.0.0.1',
    dataDir: tmpdir(),
    seedDemo: false,
    logLevel: 'silent' as const,
    rateLimitPerMinute: 0,
    businessTimeZone: 'UTC',
    dbPoolSize: 10,
  };
  const app = await createApp(config, url, createLogger('silent'));
  const db = app.get(DataSource);
  const plans = app.get(DeliveryPlanService);
  const versions = app.get(PlanVersionRepository);
  const asOf = today();
  const startMonth = asOf.slice(0, 7);
  const built = Date.now();
  await buildPlanBook(db, startMonth, { from: 1, to: ORDERS + 1 });
  const [counts] = (await db.query(
    `SELECT (SELECT count(*) FROM purchase_order) AS orders,
              (SELECT count(*) FROM tranche WHERE shipped_quantity + cancelled_quantity < quantity) AS open_tranches,
              (SELECT sum(quantity) FROM tranche) AS open_units,
              (SELECT count(*) FROM production_capacity) AS capacity_rows`,
  )) as Record<string, number>[];
  console.log(`Book written in ${((Date.now() - built) / 1000).toFixed(1)} s:`, counts);
  // Active holds, one every two hours back from now (so plans of past days place some too),
  // expiring over the next 60 days; the writer bumps every model's plan version.
  await db.transaction(async (tx) => {
    await tx.query(
      `INSERT INTO hold (product_model_id, customer_id, quantity, expires_on, note, created_at)
       SELECT m.ids[1 + i % array_length(m.ids, 1)], c.ids[1 + i % array_length(c.ids, 1)],
              100 * (1 + i % 5), $1::date + i % 60, 'Bench quote ' || i,
              now() - ($2 - i) * interval '2 hours'
         FROM generate_series(1, $2::int) AS i,
              (SELECT array_agg(id ORDER BY sku) AS ids FROM product_model WHERE sku LIKE 'PLAN-%') m,
              (SELECT array_agg(DISTINCT customer_id) AS ids FROM purchase_order) c`,
      [asOf, HOLDS],
    );
    const ids = (await tx.query(`SELECT id FROM product_model`)) as { id: string }[];
    await app.get(PlanVersionRepository).bump(
      tx,
      ids.map((row) => row.id),
    );
  });
  const [{ holds }] = (await db.query(
    `SELECT count(*)::int AS holds FROM hold WHERE status = 'active' AND expires_on >= $1::date`,
    [asOf],
  )) as { holds: number }[];
  console.log(`Active holds: ${holds}`);

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const key = (await app.get(ApiKeyService).create('bench', 'viewer')).key;
  const get = (path: string) => async () => {
    const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const models = (
    (await db.query(`SELECT id FROM product_model WHERE sku LIKE 'PLAN-%' ORDER BY sku`)) as {
      id: string;
    }[]
  ).map((m) => m.id);

  const full = await plans.plan(asOf, null);
  const { tranches } = full;
  const capacity = (await db.query(
    `SELECT product_model_id AS "productModelId", to_char(month, 'YYYY-MM') AS month, units FROM production_capacity`,
  )) as { productModelId: string; month: string; units: number }[];
  const statuses: Record<string, number> = {};
  for (let i = 0; i < tranches.length; i++) {
    const status = full.allocation.status(i);
    statuses[status] = (statuses[status] ?? 0) + 1;
  }
  console.log(`Plan of ${tranches.length} open tranches:`, statuses);
  const shuffled = [...tranches].sort((a, b) => (a.trancheId < b.trancheId ? -1 : 1));

  let n = 0;
  const nextModel = () => models[n++ % MODELS];
  // Writes that change nothing but bump their models' versions, as a service's write does, so the
  // kept plans of those models are computed again. They run untimed before the samples marked so.
  const write = (sql: string, params: unknown[], modelIds: string[]) =>
    db.transaction(async (tx) => {
      await tx.query(sql, params);
      await versions.bump(tx, modelIds);
    });
  const touchEveryModel = () => write('UPDATE production_capacity SET units = units', [], models);
  // One order of each model, a different one each time: its models are planned again whole.
  const ordersOf = (
    (await db.query(
      `SELECT array_agg(DISTINCT purchase_order_id::text) AS ids FROM tranche GROUP BY product_model_id`,
    )) as { ids: string[] }[]
  ).map((r) => r.ids);
  let round = 0;
  const touchOrderOfEveryModel = () => {
    round++;
    return write(
      'UPDATE tranche SET quantity = quantity WHERE purchase_order_id = ANY($1::uuid[])',
      [ordersOf.map((ids) => ids[(round * 7919) % ids.length])],
      models,
    );
  };
  let touched = models[0];
  const touchOneModel = () => {
    touched = nextModel();
    return write(
      'UPDATE production_capacity SET units = units WHERE product_model_id = $1',
      [touched],
      [touched],
    );
  };
  // A hold written on one model, as POST /holds does (the row and the version bump in one
  // transaction), then released by the next one, so the number of active holds stays put.
  let lastHold: string | null = null;
  const holdOnOneModel = () =>
    db.transaction(async (tx) => {
      touched = nextModel();
      if (lastHold) {
        await tx.query(`UPDATE hold SET status = 'released', released_at = now() WHERE id = $1`, [
          lastHold,
        ]);
      }
      const [row] = (await tx.query(
        `INSERT INTO hold (product_model_id, customer_id, quantity, expires_on)
         SELECT $1, (SELECT customer_id FROM purchase_order LIMIT 1), 500, $2
         RETURNING id, (SELECT product_model_id FROM hold WHERE id = $3) AS released_model`,
        [touched, addDays(asOf, 14), lastHold],
      )) as { id: string; released_model: string | null }[];
      await versions.bump(tx, [touched, ...(row.released_model ? [row.released_model] : [])]);
      lastHold = row.id;
    });
  const pastAsOf = `${monthOf(monthIndex(asOf) - 3)}-15`;
  let pastDays = 0;
  const results: Record<string, Figure> = {
    'allocate() alone, rows as the database returns them': await time(
      () => allocate({ startMonth, tranches, capacity }),
      300,
    ),
    'allocate() alone, rows shuffled (full sort)': await time(
      () => allocate({ startMonth, tranches: shuffled, capacity }),
      300,
    ),
    'full plan: 2 queries + allocate(), no cache': await time(
      () => plans.read((tx) => plans.planWith(tx, asOf, null)),
      300,
    ),
    [`full plan as of ${pastAsOf} (timeline), no cache`]: await time(
      () => plans.read((tx) => plans.planWith(tx, pastAsOf, null)),
      300,
    ),
    // Each sample asks for the plan as of another past day, which no instance has planned yet.
    'GET /delivery-plan/tranches?asOf=<a past day not asked for before>&limit=100 (every tranche read)':
      await time(() => {
        const day = addDays(pastAsOf, -++pastDays);
        return get(`/api/v1/delivery-plan/tranches?asOf=${day}&limit=100`)();
      }, 300),
    'GET /delivery-plan/tranches?limit=100, after a write to the capacity of every model':
      await time(get('/api/v1/delivery-plan/tranches?limit=100'), 300, touchEveryModel),
    'GET /delivery-plan/tranches?limit=100, after a write to an order of every model': await time(
      get('/api/v1/delivery-plan/tranches?limit=100'),
      300,
      touchOrderOfEveryModel,
    ),
    'GET /delivery-plan/tranches?limit=100, after a write to one model': await time(
      get('/api/v1/delivery-plan/tranches?limit=100'),
      300,
      touchOneModel,
    ),
    'GET /delivery-plan/tranches?limit=100, nothing written since': await time(
      get('/api/v1/delivery-plan/tranches?limit=100'),
      300,
    ),
    'GET /delivery-plan/tranches?status=late&limit=100, nothing written since': await time(
      get('/api/v1/delivery-plan/tranches?status=late&limit=100'),
      300,
    ),
    'GET /availability?quantity=6000, nothing written since': await time(
      () => get(`/api/v1/availability?productModelId=${nextModel()}&quantity=6000`)(),
      50,
    ),
    'GET /availability?quantity=6000, after a write to its model': await time(
      () => get(`/api/v1/availability?productModelId=${touched}&quantity=6000`)(),
      50,
      touchOneModel,
    ),
    [`GET /delivery-plan/holds?limit=100 (${HOLDS} holds), after a write to the capacity of every model (cold plan)`]:
      await time(get('/api/v1/delivery-plan/holds?limit=100'), 300, touchEveryModel),
    'GET /availability?quantity=6000, after a hold created on its model': await time(
      () => get(`/api/v1/availability?productModelId=${touched}&quantity=6000`)(),
      50,
      holdOnOneModel,
    ),
    'GET /availability?quantity=6000&ignoreHoldId=<its newest hold>, after a hold created on its model':
      await time(
        () =>
          get(
            `/api/v1/availability?productModelId=${touched}&quantity=6000&ignoreHoldId=${lastHold}`,
          )(),
        50,
        holdOnOneModel,
      ),
    'GET /production-capacity?limit=100, nothing written since': await time(
      get('/api/v1/production-capacity?limit=100'),
      300,
    ),
    'planForecast(asOf, {}), after a write to one model': await time(
      () => plans.planForecast(asOf, {}),
      300,
      touchOneModel,
    ),
  };

  console.log(
    `\n${tranches.length} open tranches, ${holds} active holds, ${MODELS} models × ${MONTHS} months, ${SAMPLES} samples each`,
  );
  console.log('| measure | p50 ms | p95 ms | target (p95) |');
  console.log('|---|---:|---:|---|');
  for (const [name, r] of Object.entries(results)) {
    const verdict =
      r.target === undefined ? '' : `${r.p95 <= r.target ? 'PASS' : 'FAIL'} (≤ ${r.target} ms)`;
    console.log(`| ${name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${verdict} |`);
  }
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    join('bench-results', 'planning-latest.json'),
    `${JSON.stringify({ at: new Date().toISOString(), counts, holds, statuses, samples: SAMPLES, results }, null, 2)}\n`,
  );
  await app.close();
}

withScratchDatabase(bench).catch((error) => {
  console.error(error);
  process.exit(1);
});
