/**
 * `npm run bench -- scale`: how cost grows with the book. Builds order books of 2,000, 20,000 and
 * 200,000 orders (the reports bench's book, grown in steps in one database) and plan books of
 * 100,000 and 1,000,000 open tranches (the plan bench's, likewise), and prints one growth table:
 * the time to load each order book, every report's p95, the cold full plan (p50/p95), the plan
 * process's RSS, availability after a write to its model, the production-capacity list, and the
 * import path's rate on a sample. Each part runs in a child process of its own, so the RSS is that
 * of the app and its plans alone.
 *
 * SCALE_SIZES (orders, default 2000,20000,200000), SCALE_TRANCHES (default 100000,1000000) and
 * SCALE_IMPORT (orders imported through the API, default 2000; 0 skips it) choose the sizes;
 * SCALE_SAMPLES (default 20) and SCALE_PLAN_SAMPLES (cold plans, default 10) the samples.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { ApiKeyService } from '../../src/access/api-key.service';
import { createApp } from '../../src/app.setup';
import { Clock } from '../../src/common/clock';
import { addDays } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { runAs, systemActor } from '../../src/common/request-context';
import { runMigrations } from '../../src/database/migrate';
import { withScratchDatabase } from '../../src/database/scratch-database';
import { OrderChangeService } from '../../src/orders/order-change.service';
import { DeliveryPlanService } from '../../src/planning/delivery-plan.service';
import { PlanVersionRepository } from '../../src/planning/plan-version.repository';
import {
  BARE_TRANCHE_SUM,
  buildOrderBook,
  buildPlanBook,
  orderBookCounts,
  PLAN_TRANCHES_PER_ORDER,
  reportPaths,
  Timing,
  timeRuns,
} from './books';

/** A comma-separated list of sizes from the environment, ascending; `fallback` when unset. */
function list(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const sizes = raw.split(',').map((v) => Number(v.trim()));
  if (sizes.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`${name} must be a comma-separated list of whole numbers`);
  return sizes.sort((a, b) => a - b);
}
const SIZES = list('SCALE_SIZES', [2000, 20000, 200000]).filter((n) => n > 0);
const TRANCHES = list('SCALE_TRANCHES', [100000, 1000000]).filter((n) => n > 0);
const IMPORT = list('SCALE_IMPORT', [2000]).filter((n) => n > 0);
const SAMPLES = Number(process.env.SCALE_SAMPLES ?? 20);
const PLAN_SAMPLES = Number(process.env.SCALE_PLAN_SAMPLES ?? 10);
const RESULT = 'SCALE-RESULT ';

const config = (dataDir: string) => ({
  port: 0,
  host: '127.0.0.1',
  dataDir,
  seedDemo: false,
  logLevel: 'silent' as const,
  rateLimitPerMinute: 0,
  businessTimeZone: 'UTC',
  dbPoolSize: 10,
});

/** A figure of one size: a time in ms, a p50/p95, a size in MB, or a rate. */
type Figure = Timing | { mb: number } | { perSecond: number; seconds: number; orders: number };
type Figures = Record<string, Record<string, Figure>>;

/** Starts the app on `url`, listening on a free port, with a key of `role`. */
async function started(url: string, role: 'finance' | 'viewer' | 'erp') {
  await runMigrations(url);
  const app = await createApp(config(tmpdir()), url, createLogger('silent'));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const key = (await app.get(ApiKeyService).create('bench', role)).key;
  const get = (path: string) => async () => {
    const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  return { app, base, key, get };
}

/** The highest RSS seen while `run` runs, sampled every 20 ms, in MB. */
async function peakRss<T>(run: () => Promise<T>): Promise<{ result: T; mb: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  try {
    const result = await run();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, mb: peak / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

/** The order books, grown in steps: load time and every report at each size. */
async function bookPart(url: string): Promise<Figures> {
  const { app, get } = await started(url, 'finance');
  const db = app.get(DataSource);
  const book = app.get(OrderChangeService);
  const now = app.get(Clock).today();
  const figures: Figures = {};
  let built = 0;
  for (const size of SIZES) {
    const label = `${size.toLocaleString('en-US')} orders`;
    const t0 = Date.now();
    await runAs(systemActor('bench'), () =>
      buildOrderBook(db, book, now, { from: built, to: size }),
    );
    const seconds = (Date.now() - t0) / 1000;
    const loaded = size - built;
    built = size;
    await db.query('VACUUM ANALYZE');
    console.error(`${label}:`, await orderBookCounts(db));
    const f: Record<string, Figure> = {};
    f['load with the bench builder: SQL + replay per order, 6 connections (orders/s)'] = {
      perSecond: loaded / seconds,
      seconds,
      orders: loaded,
    };
    f['bare SELECT sum(...) FROM tranche'] = await timeRuns(
      () => db.query(BARE_TRANCHE_SUM),
      SAMPLES,
      5,
    );
    for (const [name, path] of Object.entries(reportPaths(now)))
      f[name] = await timeRuns(get(path), SAMPLES, 5);
    figures[label] = f;
    // Each size as soon as it is measured, should a larger one not finish.
    console.error(`${label}: ${JSON.stringify(f)}`);
  }
  await app.close();
  return figures;
}

/** The plan books, grown in steps: the cold plan, its memory, availability and capacity. */
async function planPart(url: string): Promise<Figures> {
  const { app, get } = await started(url, 'viewer');
  const db = app.get(DataSource);
  const plans = app.get(DeliveryPlanService);
  const versions = app.get(PlanVersionRepository);
  const asOf = app.get(Clock).today();
  const figures: Figures = {};
  let orders = 0;
  for (const size of TRANCHES) {
    const label = `${size.toLocaleString('en-US')} open tranches`;
    const to = Math.max(1, Math.floor(size / PLAN_TRANCHES_PER_ORDER));
    const t0 = Date.now();
    await buildPlanBook(db, asOf.slice(0, 7), { from: orders + 1, to: to + 1 });
    orders = to;
    const [counts] = (await db.query(
      `SELECT count(*)::int AS open_tranches FROM tranche WHERE shipped_quantity + cancelled_quantity < quantity`,
    )) as { open_tranches: number }[];
    console.error(`${label}: written in ${((Date.now() - t0) / 1000).toFixed(1)} s`, counts);
    const models = (
      (await db.query(`SELECT id FROM product_model WHERE sku LIKE 'PLAN-%' ORDER BY sku`)) as {
        id: string;
      }[]
    ).map((m) => m.id);
    let n = 0;
    let touched = models[0];
    // A write that changes nothing but moves the model's plan version, as a service's write does.
    const touchOneModel = () => {
      touched = models[n++ % models.length];
      return db.transaction(async (tx) => {
        await tx.query('UPDATE production_capacity SET units = units WHERE product_model_id = $1', [
          touched,
        ]);
        await versions.bump(tx, [touched]);
      });
    };
    const f: Record<string, Figure> = {};
    global.gc?.();
    const cold = await peakRss(() =>
      timeRuns(() => plans.read((tx) => plans.planWith(tx, asOf, null)), PLAN_SAMPLES, 1),
    );
    f['full plan from cold: 2 queries + allocate(), nothing kept'] = cold.result;
    f['RSS of the plan process, peak during the cold plans (MB)'] = { mb: cold.mb };
    await get('/api/v1/delivery-plan/tranches?limit=100')();
    global.gc?.();
    f['RSS with the whole plan kept, after a first plan read (MB)'] = {
      mb: process.memoryUsage.rss() / 2 ** 20,
    };
    f['GET /availability?quantity=6000, after a write to its model'] = await timeRuns(
      () => get(`/api/v1/availability?productModelId=${touched}&quantity=6000`)(),
      SAMPLES,
      3,
      touchOneModel,
    );
    f['GET /production-capacity?limit=100, nothing written since'] = await timeRuns(
      get('/api/v1/production-capacity?limit=100'),
      SAMPLES,
      3,
    );
    f['GET /production-capacity?limit=100, after a write to one model'] = await timeRuns(
      get('/api/v1/production-capacity?limit=100'),
      SAMPLES,
      3,
      touchOneModel,
    );
    figures[label] = f;
  }
  await app.close();
  return figures;
}

/**
 * The import path: `size` orders of the bench book's shape (5–6 tranches) posted as JSON to
 * /imports/purchase-orders with confirm=true in batches of 200, one after the other, as the CLI
 * import does: each order created, confirmed and replayed in its batch's transaction.
 */
async function importPart(url: string): Promise<Figures> {
  const { app, base, key } = await started(url, 'erp');
  const db = app.get(DataSource);
  const now = app.get(Clock).today();
  await db.query(`
    INSERT INTO product_model (sku, name, series, hashrate_ths, power_w, list_price_cents, status)
    SELECT 'IM-' || i, 'Import miner ' || i, 'Bench', 80 + i * 5, 3000 + i * 20, 200000 + i * 10000, 'active'
      FROM generate_series(1, 20) AS i`);
  await db.query(`INSERT INTO payment_terms (code, name, deposit_percent, deposit_due_days, milestones)
    VALUES ('PT-30', 'PT-30', 30, 7, '[{"percent":70,"dueDaysFromShip":-19}]')`);
  await db.query(`
    INSERT INTO customer (name, legal_name, segment, country, region, status, external_ref)
    SELECT 'Import customer ' || i, 'Import customer ' || i || ' Ltd', 'public_miner', 'US', 'NA', 'active', 'C-' || i
      FROM generate_series(1, 500) AS i`);
  const figures: Figures = {};
  let done = 0;
  for (const size of IMPORT) {
    const t0 = Date.now();
    for (let at = done; at < size; at += 200) {
      const batch = Array.from({ length: Math.min(200, size - at) }, (_, k) => {
        const n = at + k;
        const signedOn = addDays(now, -((n * 7919) % 540) - 1);
        const count = 5 + (n % 2);
        return {
          externalRef: `IMP-${n}`,
          customerExternalRef: `C-${1 + (n % 500)}`,
          signedOn,
          paymentTermsCode: 'PT-30',
          lines: [
            {
              sku: `IM-${1 + (n % 20)}`,
              tranches: Array.from({ length: count }, (_, i) => ({
                shipDate: addDays(signedOn, 30 + (n % 60) + i * 30),
                quantity: 40 + ((n * 31 + i * 17) % 160),
              })),
            },
          ],
        };
      });
      const res = await fetch(`${base}/api/v1/imports/purchase-orders?confirm=true`, {
        method: 'POST',
        headers: { 'x-api-key': key, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
      });
      if (res.status !== 201) throw new Error(`import: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    }
    const seconds = (Date.now() - t0) / 1000;
    const loaded = size - done;
    done = size;
    figures[`${size.toLocaleString('en-US')} orders`] = {
      'load through POST /imports/purchase-orders?confirm=true, batches of 200 (orders/s)': {
        perSecond: loaded / seconds,
        seconds,
        orders: loaded,
      },
    };
  }
  await app.close();
  return figures;
}

const PARTS: Record<string, (url: string) => Promise<Figures>> = {
  book: bookPart,
  plan: planPart,
  import: importPart,
};

/** Runs one part in a child process of its own and returns its figures. */
function child(part: string): Promise<Figures> {
  return new Promise((done, fail) => {
    const proc = spawn(
      process.execPath,
      [...process.execArgv, '--expose-gc', __filename, '--part', part],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    proc.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT));
      if (code === 0 && line) done(JSON.parse(line.slice(RESULT.length)) as Figures);
      else fail(new Error(`the ${part} part failed (${code}):\n${out.slice(-4000)}`));
    });
  });
}

const TARGETS: [RegExp, string, (f: Figure) => boolean][] = [
  [/^GET \/reports/, 'p95 ≤ 200 ms', (f) => 'p95' in f && f.p95 <= 200],
  [/^full plan from cold/, 'p95 ≤ 2 s at 1 M', (f) => 'p95' in f && f.p95 <= 2000],
  [/^RSS of the plan process/, '≤ 1.5 GB at 1 M', (f) => 'mb' in f && f.mb <= 1536],
  [/^GET \/availability/, 'p95 ≤ 50 ms', (f) => 'p95' in f && f.p95 <= 50],
  [/^load through/, '200,000 in ≤ 10 min (≥ 334/s)', (f) => 'perSecond' in f && f.perSecond >= 334],
];

function show(f: Figure | undefined): string {
  if (!f) return '';
  if ('p95' in f) return `${f.p50.toFixed(1)} / ${f.p95.toFixed(1)}`;
  if ('mb' in f) return `${Math.round(f.mb).toLocaleString('en-US')} MB`;
  return `${f.perSecond.toFixed(0)}/s (${f.orders.toLocaleString('en-US')} in ${f.seconds.toFixed(0)} s)`;
}

/** One table: a row per measure, a column per size (blank where the measure is not of that book). */
function growthTable(all: Figures): string {
  const sizes = Object.keys(all);
  const measures: string[] = [];
  for (const size of sizes)
    for (const m of Object.keys(all[size])) if (!measures.includes(m)) measures.push(m);
  const lines = [
    `| measure (p50 / p95 ms unless said) | ${sizes.join(' | ')} | target |`,
    `|---|${sizes.map(() => '---:').join('|')}|---|`,
  ];
  for (const m of measures) {
    const target = TARGETS.find(([re]) => re.test(m));
    const cells = sizes.map((s) => show(all[s][m]));
    lines.push(`| ${m} | ${cells.join(' | ')} | ${target ? target[1] : ''} |`);
  }
  return lines.join('\n');
}

async function main() {
  const at = new Date();
  const load = loadavg().map((l) => l.toFixed(2));
  console.log(
    `Growth bench: orders ${SIZES.join(', ') || '-'}; open tranches ${TRANCHES.join(', ') || '-'}; ` +
      `import sample ${IMPORT.join(', ') || '-'}; node ${process.version}, ${cpus().length} CPUs; ` +
      `load average ${load.join(' ')} at ${at.toISOString()}`,
  );
  const all: Figures = {};
  const parts = [
    ...(TRANCHES.length ? ['plan'] : []),
    ...(IMPORT.length ? ['import'] : []),
    ...(SIZES.length ? ['book'] : []),
  ];
  for (const part of parts) {
    const t0 = Date.now();
    for (const [size, figures] of Object.entries(await child(part)))
      all[size] = { ...all[size], ...figures };
    console.log(
      `  ${part} part done in ${((Date.now() - t0) / 1000).toFixed(0)} s (load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')})`,
    );
  }
  // Order-book columns first, by size, then the plan books.
  const ordered: Figures = {};
  const keys = Object.keys(all).sort((a, b) => {
    const plan = (k: string) => (k.includes('tranches') ? 1 : 0);
    const size = (k: string) => Number(k.replace(/\D/g, ''));
    return plan(a) - plan(b) || size(a) - size(b);
  });
  for (const k of keys) ordered[k] = all[k];
  const table = growthTable(ordered);
  console.log(`\n${table}`);
  console.log(
    `\nLoad average at the end: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(
    join('bench-results', 'scale-latest.json'),
    `${JSON.stringify({ at: at.toISOString(), loadAverage: load, figures: ordered }, null, 2)}\n`,
  );
}

const partAt = process.argv.indexOf('--part');
if (partAt >= 0) {
  const part = PARTS[process.argv[partAt + 1]];
  withScratchDatabase(part)
    .then((figures) => {
      process.stdout.write(`${RESULT}${JSON.stringify(figures)}\n`);
      process.exit(0);
    })
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
