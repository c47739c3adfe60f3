/**
 * `npm run bench -- reports`: builds a large book (≥ 20,000 orders, ≥ 100,000 tranches,
 * ≥ 2,000,000 open units, with shipments, payments and amendments), then times the backlog by
 * customer, a 24-month revenue forecast, the contract balances, the receivables ageing, and the
 * bookings and contract-liability roll-forward of the last 24 months over HTTP against a bare
 * `SELECT sum(...)` over the same tranche rows. Every order's history goes in with SQL and is
 * replayed by the app's own OrderChangeService.replay, so the timeline is exactly what the API
 * would have built.
 */
import { SingleBar, Presets } from 'cli-progress';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApp } from '../../src/app.setup';
import { ApiKeyService } from '../../src/access/api-key.service';
import { Clock } from '../../src/common/clock';
import { addDays } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { runAs, systemActor } from '../../src/common/request-context';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { OrderChangeService } from '../../src/orders/order-change.service';
import { addMonths } from '../../src/reports/periods';
import { DataSource } from 'typeorm';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 20000);
const CUSTOMERS = 500;
const MODELS = 20;
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const WARMUP = 10;

/** Deterministic PRNG (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  const external = process.env.DATABASE_URL;
  let stop = async () => undefined as void;
  let url = external;
  let dir: string | undefined;
  if (!url) {
    dir = mkdtempSync(join(tmpdir(), 'hashbook-bench-reports-'));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({
      clusterDir: join(dir, 'postgres'),
      ephemeral: true,
    });
    url = server.url;
    stop = () => server.stop();
  }
  try {
    await runMigrations(url);
    const config = {
      port: 0,
      host: '127.0.0.1',
      dataDir: dir ?? tmpdir(),
      seedDemo: false,
      logLevel: 'silent' as const,
      rateLimitPerMinute: 0,
      businessTimeZone: 'UTC',
      dbPoolSize: 10,
    };
    const app = await createApp(config, url, createLogger('silent'));
    const dataSource = app.get(DataSource);
    const book = app.get(OrderChangeService);
    const now = app.get(Clock).today();
    const started = Date.now();
    await runAs(systemActor('bench'), () => generate(dataSource, book, now));
    const built = (Date.now() - started) / 1000;
    const counts = (
      await dataSource.query(
        `SELECT (SELECT count(*) FROM purchase_order) AS orders, (SELECT count(*) FROM tranche) AS tranches,
              (SELECT sum(quantity - shipped_quantity - cancelled_quantity) FROM tranche) AS open_units,
              (SELECT count(*) FROM shipment) AS shipments, (SELECT count(*) FROM payment) AS payments,
              (SELECT count(*) FROM amendment) AS amendments, (SELECT count(*) FROM tranche_segment) AS segments`,
      )
    )[0];
    await dataSource.query('VACUUM ANALYZE');
    console.log(`\nBook built in ${built.toFixed(1)} s:`, counts);

    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const key = (await app.get(ApiKeyService).create('bench', 'finance')).key;
    const from = now.slice(0, 7);
    const to = addMonths(from, 23);
    // The 24 months up to this one: every order of the book was signed in them.
    const past = addMonths(from, -23);
    const bare = new Client(url);
    await bare.connect();
    const time = async (run: () => Promise<void>) => {
      // Warm-up runs first (JIT, plan and buffer caches): steady-state figures, not first calls.
      for (let i = 0; i < WARMUP; i++) await run();
      const samples: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const t0 = process.hrtime.bigint();
        await run();
        samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      samples.sort((a, b) => a - b);
      return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
    };
    const get = (path: string) => async () => {
      const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const bareSum = await time(async () => {
      await bare.query(
        'SELECT sum(quantity - shipped_quantity - cancelled_quantity), sum((quantity - cancelled_quantity) * unit_price_cents) FROM tranche',
      );
    });
    const results: Record<string, { p50: number; p95: number }> = {
      'bare SELECT sum(...) FROM tranche': bareSum,
      'GET /reports/backlog?groupBy=customer': await time(
        get('/api/v1/reports/backlog?groupBy=customer'),
      ),
      [`GET /reports/revenue-forecast (24 months ${from}…${to})`]: await time(
        get(`/api/v1/reports/revenue-forecast?from=${from}&to=${to}`),
      ),
      'GET /reports/contract-balances?groupBy=customer': await time(
        get('/api/v1/reports/contract-balances?groupBy=customer'),
      ),
      'GET /reports/backlog?groupBy=customer (asOf a year ago)': await time(
        get(`/api/v1/reports/backlog?groupBy=customer&asOf=${addDays(now, -365)}`),
      ),
      'GET /reports/receivables-aging?groupBy=customer': await time(
        get('/api/v1/reports/receivables-aging?groupBy=customer'),
      ),
      [`GET /reports/bookings (24 months ${past}…${from})`]: await time(
        get(`/api/v1/reports/bookings?from=${past}&to=${from}`),
      ),
      [`GET /reports/contract-liability-rollforward (24 months ${past}…${from})`]: await time(
        get(`/api/v1/reports/contract-liability-rollforward?from=${past}&to=${from}`),
      ),
    };
    await bare.end();
    console.log('\n| query | p50 ms | p95 ms | p95 ÷ bare p95 | target |');
    console.log('|---|---:|---:|---:|---|');
    for (const [name, r] of Object.entries(results)) {
      const ratio = r.p95 / bareSum.p95;
      const target = name.startsWith('bare')
        ? ''
        : r.p95 <= 200 && ratio <= 3
          ? 'PASS (≤ 200 ms, ≤ 3×)'
          : 'FAIL (≤ 200 ms, ≤ 3×)';
      console.log(
        `| ${name} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${name.startsWith('bare') ? '' : ratio.toFixed(2)} | ${target} |`,
      );
    }
    mkdirSync('bench-results', { recursive: true });
    writeFileSync(
      join('bench-results', 'reports-latest.json'),
      JSON.stringify(
        { at: new Date().toISOString(), counts, buildSeconds: built, results },
        null,
        2,
      ),
    );
    await app.close();
  } finally {
    // BENCH_KEEP leaves the database for a closer look (EXPLAIN …).
    if (!process.env.BENCH_KEEP) {
      await stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
}

async function generate(dataSource: DataSource, book: OrderChangeService, now: string) {
  const rand = random(42);
  await dataSource.query(`
    INSERT INTO product_model (sku, name, series, hashrate_ths, power_w, list_price_cents, status)
    SELECT 'BM-' || i, 'Bench miner ' || i, 'Bench', 80 + i * 5, 3000 + i * 20, 200000 + i * 10000, 'active'
      FROM generate_series(1, ${MODELS}) AS i`);
  await dataSource.query(`
    INSERT INTO customer (name, legal_name, segment, country, region, status)
    SELECT 'Bench customer ' || i, 'Bench customer ' || i || ' Ltd',
           (ARRAY['public_miner','investment_fund','hosting_provider','individual_operator'])[1 + i % 4],
           (ARRAY['US','CA','BR','DE','AE','KZ','JP','AU'])[1 + i % 8],
           (ARRAY['NA','NA','LATAM','EMEA','EMEA','EMEA','APAC','APAC'])[1 + i % 8], 'active'
      FROM generate_series(1, ${CUSTOMERS}) AS i`);
  await dataSource.query(`INSERT INTO payment_terms (code, name, deposit_percent, deposit_due_days, milestones)
    VALUES ('PT-30', 'PT-30', 30, 7, '[{"percent":70,"dueDaysFromShip":-19}]')`);
  const models = (await dataSource.query(
    'SELECT id, list_price_cents FROM product_model ORDER BY sku',
  )) as { id: string; list_price_cents: number }[];
  const customers = (await dataSource.query('SELECT id FROM customer ORDER BY name')) as {
    id: string;
  }[];
  const terms = {
    code: 'PT-30',
    depositPercent: 30,
    depositDueDays: 7,
    milestones: [{ percent: 70, dueDaysFromShip: -19 }],
  };

  const bar = new SingleBar(
    { format: 'Building the book |{bar}| {value}/{total} orders  {eta}s left' },
    Presets.shades_classic,
  );
  bar.start(ORDERS, 0);
  let next = 0;
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= ORDERS) return;
      const plan = orderPlan(rand, n, now, models, customers);
      await dataSource.transaction(async (tx) => {
        const [order] = (await tx.query(
          `INSERT INTO purchase_order (number, customer_id, signed_on, payment_terms_code, terms, status, confirmed_at)
           VALUES ($1, $2, $3, 'PT-30', $4, 'confirmed', now()) RETURNING id`,
          [
            `PO-B-${String(n).padStart(6, '0')}`,
            plan.customerId,
            plan.signedOn,
            JSON.stringify(terms),
          ],
        )) as { id: string }[];
        const [line] = (await tx.query(
          'INSERT INTO order_line (purchase_order_id, line_no, product_model_id, unit_price_cents) VALUES ($1, 1, $2, $3) RETURNING id',
          [order.id, plan.modelId, plan.price],
        )) as { id: string }[];
        const tranches = (await tx.query(
          `INSERT INTO tranche (purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity, unit_price_cents, contract_quantity, contract_ship_date)
           SELECT $1, $2, $3, $4, t.seq, t.ship, t.qty, $5, t.qty, t.ship FROM unnest($6::int[], $7::date[], $8::int[]) AS t(seq, ship, qty)
           RETURNING id, sequence`,
          [
            order.id,
            plan.customerId,
            line.id,
            plan.modelId,
            plan.price,
            plan.tranches.map((_, i) => i + 1),
            plan.tranches.map((t) => t.ship),
            plan.tranches.map((t) => t.qty),
          ],
        )) as { id: string; sequence: number }[];
        const idOf = new Map(tranches.map((t) => [t.sequence, t.id]));
        for (const p of plan.payments) {
          await tx.query(
            'INSERT INTO payment (purchase_order_id, customer_id, amount_cents, received_on) VALUES ($1, $2, $3, $4)',
            [order.id, plan.customerId, p.cents, p.on],
          );
        }
        for (const s of plan.shipments) {
          const [shipment] = (await tx.query(
            'INSERT INTO shipment (purchase_order_id, customer_id, shipped_on) VALUES ($1, $2, $3) RETURNING id',
            [order.id, plan.customerId, s.on],
          )) as { id: string }[];
          await tx.query(
            'INSERT INTO shipment_item (shipment_id, tranche_id, quantity) VALUES ($1, $2, $3)',
            [shipment.id, idOf.get(s.sequence), s.qty],
          );
        }
        for (const a of plan.amendments) {
          const change =
            a.type === 'reschedule'
              ? { type: 'reschedule', trancheId: idOf.get(a.sequence), shipDate: a.shipDate }
              : { type: 'set_quantity', trancheId: idOf.get(a.sequence), quantity: a.quantity };
          await tx.query(
            `INSERT INTO amendment (purchase_order_id, kind, effective_on, reason, changes) VALUES ($1, 'amendment', $2, 'bench', $3)`,
            [order.id, a.on, JSON.stringify([change])],
          );
        }
        const { status } = await book.replay(tx, {
          id: order.id,
          customerId: plan.customerId,
          signedOn: plan.signedOn,
          terms,
        });
        if (status !== 'confirmed')
          await tx.query('UPDATE purchase_order SET status = $2 WHERE id = $1', [order.id, status]);
      });
      bar.increment();
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
  bar.stop();
}

type Amend =
  | { type: 'reschedule'; sequence: number; on: string; shipDate: string }
  | { type: 'set_quantity'; sequence: number; on: string; quantity: number };

/** One order: signed in the last 18 months, 5–6 monthly tranches; the past ones shipped and paid. */
function orderPlan(
  rand: () => number,
  n: number,
  now: string,
  models: { id: string; list_price_cents: number }[],
  customers: { id: string }[],
) {
  const model = models[n % models.length];
  const signedOn = addDays(now, -Math.floor(rand() * 540) - 1);
  const count = 5 + Math.floor(rand() * 2);
  const first = addDays(signedOn, 30 + Math.floor(rand() * 60));
  const tranches = Array.from({ length: count }, (_, i) => ({
    ship: addDays(first, i * 30),
    qty: 40 + Math.floor(rand() * 160),
  }));
  const price = model.list_price_cents;
  const value = tranches.reduce((sum, t) => sum + t.qty * price, 0);
  const deposit = Math.round(value * 0.3);
  const payments: { on: string; cents: number }[] = [];
  const depositOn = addDays(signedOn, 7);
  if (depositOn <= now) payments.push({ on: depositOn, cents: deposit });
  const shipments: { on: string; sequence: number; qty: number }[] = [];
  const amendments: Amend[] = [];
  // An amendment on the last tranche, ten days after signing (before anything of it ships).
  const inForce = tranches.map((t) => ({ ...t }));
  const amendOn = addDays(signedOn, 10);
  const last = inForce[count - 1];
  if (amendOn <= now && rand() < 0.05) {
    last.ship = addDays(last.ship, 30);
    amendments.push({ type: 'reschedule', sequence: count, on: amendOn, shipDate: last.ship });
  } else if (amendOn <= now && rand() < 0.03) {
    last.qty = Math.floor(last.qty / 2);
    amendments.push({ type: 'set_quantity', sequence: count, on: amendOn, quantity: last.qty });
  }
  inForce.forEach((t, i) => {
    const balanceOn = addDays(t.ship, -19);
    if (balanceOn <= now && balanceOn >= signedOn && rand() < 0.9)
      payments.push({ on: balanceOn, cents: Math.round(t.qty * price * 0.7) });
    if (t.ship <= now && rand() < 0.85) shipments.push({ on: t.ship, sequence: i + 1, qty: t.qty });
  });
  return {
    customerId: customers[n % customers.length].id,
    modelId: model.id,
    price,
    signedOn,
    tranches,
    payments,
    shipments,
    amendments,
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
