/**
 * `npm run bench -- reports`: builds a large book (≥ 20,000 orders, ≥ 100,000 tranches,
 * ≥ 2,000,000 open units, with shipments, payments and amendments), then times the backlog by
 * customer, a 24-month revenue forecast, the contract balances, the receivables ageing, and the
 * bookings and contract-liability roll-forward of the last 24 months over HTTP against a bare
 * `SELECT sum(...)` over the same tranche rows. Every order's history goes in with SQL and is
 * replayed by the app's own OrderChangeService.replay, so the timeline is exactly what the API
 * would have built.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createApp } from '../../src/app.setup';
import { ApiKeyService } from '../../src/access/api-key.service';
import { Clock } from '../../src/common/clock';
import { createLogger } from '../../src/common/logger';
import { runAs, systemActor } from '../../src/common/request-context';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { OrderChangeService } from '../../src/orders/order-change.service';
import { DataSource } from 'typeorm';
import {
  BARE_TRANCHE_SUM,
  buildOrderBook,
  orderBookCounts,
  reportPaths,
  Timing,
  timeRuns,
} from './books';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 20000);
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 40);
const WARMUP = 10;

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
    await runAs(systemActor('bench'), () =>
      buildOrderBook(dataSource, book, now, { from: 0, to: ORDERS }),
    );
    const built = (Date.now() - started) / 1000;
    const counts = await orderBookCounts(dataSource);
    await dataSource.query('VACUUM ANALYZE');
    console.log(`\nBook built in ${built.toFixed(1)} s:`, counts);

    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.getHttpServer().address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const key = (await app.get(ApiKeyService).create('bench', 'finance')).key;
    const bare = new Client(url);
    await bare.connect();
    // Warm-up runs first (JIT, plan and buffer caches): steady-state figures, not first calls.
    const time = (run: () => Promise<void>) => timeRuns(run, SAMPLES, WARMUP);
    const get = (path: string) => async () => {
      const res = await fetch(`${base}${path}`, { headers: { 'x-api-key': key } });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const bareSum = await time(async () => {
      await bare.query(BARE_TRANCHE_SUM);
    });
    const results: Record<string, Timing> = { 'bare SELECT sum(...) FROM tranche': bareSum };
    for (const [name, path] of Object.entries(reportPaths(now)))
      results[name] = await time(get(path));
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

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
