/**
 * `npm run bench -- plan`: writes a book of 100,000 open tranches (25,000 confirmed orders, 20
 * models, ship dates over 38 months) and 36 months of capacity straight into PostgreSQL with
 * generate_series, then times, one request at a time: the pure allocation, the full plan without
 * cache (both queries and the allocation), and over HTTP the plan read from nothing kept (as of a
 * past day not planned before), then the plan read, availability and capacity, each after a write
 * to the capacity or to one order of every model (all planned again), to one model (that model
 * planned again) or to none (the kept plan, its models' versions unchanged); and the forecast's
 * plan basis. Each write bumps its models' plan versions in its transaction, as the services do.
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

const TRANCHES = Math.max(4, Math.floor(Number(process.env.BENCH_TRANCHES ?? 100_000) / 4) * 4);
const ORDERS = TRANCHES / 4;
const MODELS = 20;
const MONTHS = 36;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);

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

/** The book, all in SQL: models, customers, confirmed orders, open tranches, their timeline, capacity. */
async function generate(db: DataSource, startMonth: string): Promise<void> {
  const start = `${startMonth}-01`;
  await db.query(`
    INSERT INTO product_model (sku, name, series, hashrate_ths, power_w, list_price_cents, status)
    SELECT 'PLAN-' || i, 'Bench miner ' || i, 'Bench', 80 + i * 5, 3000 + i * 20, 200000 + i * 10000, 'active'
      FROM generate_series(1, ${MODELS}) AS i`);
  await db.query(`
    INSERT INTO customer (name, legal_name, segment, country, region, status)
    SELECT 'Plan customer ' || i, 'Plan customer ' || i || ' Ltd',
           (ARRAY['public_miner','investment_fund','hosting_provider','individual_operator'])[1 + i % 4],
           (ARRAY['US','DE','BR','JP'])[1 + i % 4], (ARRAY['NA','EMEA','LATAM','APAC'])[1 + i % 4], 'active'
      FROM generate_series(1, 500) AS i`);
  // Orders signed over the last 18 months; each buys one model in 4 monthly tranches whose first
  // ship date falls between two months ago and 34 months ahead, so some are overdue.
  await db.query(
    `
    WITH c AS (SELECT array_agg(id ORDER BY name) AS ids FROM customer WHERE name LIKE 'Plan customer %'),
         o AS (SELECT i, ($1::date - ((i * 7919) % 540) - 1) AS signed_on FROM generate_series(1, ${ORDERS}) AS i)
    INSERT INTO purchase_order (number, customer_id, signed_on, status, confirmed_at)
    SELECT 'PO-' || to_char(o.signed_on, 'YYYY') || '-' || lpad(o.i::text, 6, '0'), c.ids[1 + o.i % 500], o.signed_on,
           'confirmed', now()
      FROM o CROSS JOIN c`,
    [start],
  );
  await db.query(`
    INSERT INTO order_line (purchase_order_id, line_no, product_model_id, unit_price_cents)
    SELECT o.id, 1, m.id, m.list_price_cents
      FROM purchase_order o
      JOIN product_model m ON m.sku = 'PLAN-' || (1 + (substring(o.number from '\\d+$')::int % ${MODELS}))`);
  await db.query(
    `INSERT INTO tranche (purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity,
                          unit_price_cents, contract_quantity, contract_ship_date)
     SELECT o.id, o.customer_id, l.id, l.product_model_id, s,
            ship, q, l.unit_price_cents, q, ship
       FROM purchase_order o
       JOIN order_line l ON l.purchase_order_id = o.id
       CROSS JOIN generate_series(1, 4) AS s
       CROSS JOIN LATERAL (SELECT substring(o.number from '\\d+$')::int AS i) n
       CROSS JOIN LATERAL (
         SELECT ($1::date + make_interval(months => (n.i * 31) % 37 - 2 + s - 1) + ((n.i * 13) % 28) * interval '1 day')::date AS ship,
                20 + (n.i * 17 + s * 29) % 181 AS q) t`,
    [start],
  );
  // The timeline the replay would write for an order with no events: one open segment per tranche.
  await db.query(`
    INSERT INTO tranche_segment (tranche_id, purchase_order_id, customer_id, product_model_id, valid_from, valid_to,
       ship_date, unit_price_cents, quantity, shipped_units, cancelled_units, open_units, cash_cents, pool_cents,
       shipped_value_cents, shipped_cash_cents, forfeited_cents)
    SELECT t.id, t.purchase_order_id, t.customer_id, t.product_model_id, o.signed_on, NULL, t.ship_date,
           t.unit_price_cents, t.quantity, 0, 0, t.quantity, 0, 0, 0, 0, 0
      FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id`);
  // Around what the book asks for a month (110 units a tranche on average), 70 % to 130 % by
  // month: on-time, built-ahead, late and unscheduled tranches all occur.
  const monthly = (TRANCHES / MODELS / 40) * 110;
  await db.query(
    `INSERT INTO production_capacity (product_model_id, month, units)
     SELECT m.id, ($1::date + make_interval(months => k))::date,
            round(${monthly} * (0.7 + 0.6 * ((k * 7 + length(m.sku)) % 10) / 9.0))
       FROM product_model m CROSS JOIN generate_series(0, ${MONTHS - 1}) AS k
      WHERE m.sku LIKE 'PLAN-%'`,
    [start],
  );
  await db.query('VACUUM ANALYZE');
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
  await generate(db, startMonth);
  const [counts] = (await db.query(
    `SELECT (SELECT count(*) FROM purchase_order) AS orders,
              (SELECT count(*) FROM tranche WHERE shipped_quantity + cancelled_quantity < quantity) AS open_tranches,
              (SELECT sum(quantity) FROM tranche) AS open_units,
              (SELECT count(*) FROM production_capacity) AS capacity_rows`,
  )) as Record<string, number>[];
  console.log(`Book written in ${((Date.now() - built) / 1000).toFixed(1)} s:`, counts);

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
    `\n${tranches.length} open tranches, ${MODELS} models × ${MONTHS} months, ${SAMPLES} samples each`,
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
    `${JSON.stringify({ at: new Date().toISOString(), counts, statuses, samples: SAMPLES, results }, null, 2)}\n`,
  );
  await app.close();
}

withScratchDatabase(bench).catch((error) => {
  console.error(error);
  process.exit(1);
});
