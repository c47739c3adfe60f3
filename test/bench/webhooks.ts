/**
 * Webhook and change-feed bench: `npx ts-node --transpile-only test/bench/webhooks.ts` (or the
 * built `node dist/test/bench/webhooks.js`).
 *
 * Starts a PostgreSQL (embedded, or DATABASE_URL), BENCH_INSTANCES app instances (default 2) as
 * child processes on it, and a receiver on 127.0.0.1 that checks every signature. Writes
 * BENCH_RATE events a second (default 100: customer creations, spread over the instances) for
 * BENCH_DURATION seconds (default 20) to a `*` subscription and reports the latency from the
 * write's commit (its HTTP response) to the receipt of the webhook: p50, p95, p99, max, plus
 * duplicates and losses. Then it fills the feed to BENCH_FEED_EVENTS events (default 200,000) and
 * reads it from the start in pages of 500, reporting events a second.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { runMigrations } from '../../src/database/migrate';
import { verifySignature } from '../../src/integration/signature';

const INSTANCES = Number(process.env.BENCH_INSTANCES ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 100);
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const FEED_EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 200_000);
const SECRET = `whsec_${randomBytes(16).toString('hex')}`;

const EXT = extname(__filename);
const NODE_ARGS = EXT === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : [];
const ROOT = resolve(__dirname, '..', '..', ...(EXT === '.ts' ? [] : ['..']));
const APP_ENTRY = resolve(__dirname, '..', '..', 'src', `main${EXT}`);

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const port = (probe.address() as AddressInfo).port;
      probe.close(() => done(port));
    });
  });
}

async function startApp(
  databaseUrl: string,
  adminKey: string,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, [...NODE_ARGS, APP_ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ADMIN_API_KEY: adminKey,
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '0',
      PORT: String(port),
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const url = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { child, url };
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`The app did not start:\n${output}`);
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15000);
  await exited;
  clearTimeout(timer);
}

async function post(url: string, key: string, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': key },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${text}`);
  return JSON.parse(text);
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

async function main(): Promise<void> {
  let databaseUrl = process.env.DATABASE_URL;
  let stopDatabase = async () => undefined as void;
  let dir: string | undefined;
  if (!databaseUrl) {
    dir = mkdtempSync(join(tmpdir(), 'hashbook-bench-webhooks-'));
    chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({ clusterDir: join(dir, 'postgres') });
    databaseUrl = server.url;
    stopDatabase = () => server.stop();
  }
  const apps: ChildProcess[] = [];
  const receiver = createHttpServer();
  try {
    await runMigrations(databaseUrl);
    const adminKey = `hb_bench_${randomBytes(24).toString('base64url')}`;
    const started = await Promise.all(
      Array.from({ length: INSTANCES }, () => startApp(databaseUrl!, adminKey)),
    );
    apps.push(...started.map((s) => s.child));
    const urls = started.map((s) => s.url);

    // The receiver: time of arrival per entity, every signature checked.
    const arrivals = new Map<string, number[]>();
    let badSignatures = 0;
    receiver.on('request', (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const at = performance.now();
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = request.headers['x-hashbook-signature'] as string | undefined;
        if (!verifySignature(SECRET, raw, header)) badSignatures += 1;
        const entityId = JSON.parse(raw).entityId as string;
        arrivals.set(entityId, [...(arrivals.get(entityId) ?? []), at]);
        response.writeHead(204).end();
      });
    });
    receiver.keepAliveTimeout = 30000;
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    await post(urls[0], adminKey, '/api/v1/webhooks', {
      url: receiverUrl,
      events: ['*'],
      secret: SECRET,
    });

    console.log(
      `Webhooks bench: ${INSTANCES} instance(s), ${RATE} events/s for ${DURATION} s; node ${process.version}, ` +
        `${cpus().length} CPUs shared by PostgreSQL, the app(s), the load and the receiver.`,
    );
    // Open loop: requests leave on schedule whatever the answers do.
    const committed = new Map<string, number>();
    const sentAt = new Map<string, number>();
    const total = RATE * DURATION;
    const failures: string[] = [];
    const inFlight: Promise<void>[] = [];
    const t0 = performance.now();
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 1) await sleep(wait);
      const sent = performance.now();
      inFlight.push(
        post(urls[i % urls.length], adminKey, '/api/v1/customers', {
          name: `Bench customer ${i} ${randomBytes(3).toString('hex')}`,
          segment: 'public_miner',
          country: 'US',
        })
          .then((customer: { id: string }) => {
            committed.set(customer.id, performance.now());
            sentAt.set(customer.id, sent);
          })
          .catch((error: Error) => void failures.push(error.message)),
      );
    }
    await Promise.all(inFlight);
    const loadSeconds = (performance.now() - t0) / 1000;
    const deadline = Date.now() + 30000;
    while ([...committed.keys()].some((id) => !arrivals.has(id)) && Date.now() < deadline)
      await sleep(100);

    const responseToReceipt: number[] = [];
    const requestToReceipt: number[] = [];
    let missing = 0;
    let duplicates = 0;
    for (const [id, at] of committed) {
      const got = arrivals.get(id);
      if (!got) {
        missing += 1;
        continue;
      }
      if (got.length > 1) duplicates += got.length - 1;
      responseToReceipt.push(got[0] - at);
      requestToReceipt.push(got[0] - sentAt.get(id)!);
    }
    const db = new Client(databaseUrl);
    await db.connect();
    const perInstance = (
      await db.query(
        `SELECT last_attempt_by AS instance, count(*)::int AS n, max(attempts)::int AS max_attempts
           FROM webhook_delivery GROUP BY 1 ORDER BY 1`,
      )
    ).rows;

    const latency = stats(responseToReceipt);
    const upper = stats(requestToReceipt);
    console.log(
      `\nLoad: ${committed.size} writes in ${loadSeconds.toFixed(1)} s (${(committed.size / loadSeconds).toFixed(1)}/s), ${failures.length} failed`,
    );
    console.log('\n| webhook latency, ms | n | p50 | p95 | p99 | max |');
    console.log('|---|---:|---:|---:|---:|---:|');
    console.log(
      `| commit (write's response) → receipt | ${latency.count} | ${latency.p50} | ${latency.p95} | ${latency.p99} | ${latency.max} |`,
    );
    console.log(
      `| write's request → receipt | ${upper.count} | ${upper.p50} | ${upper.p95} | ${upper.p99} | ${upper.max} |`,
    );
    console.log(
      `\nDuplicates: ${duplicates}; missing: ${missing}; bad signatures: ${badSignatures}; goal p95 ≤ 1000 ms: ${latency.p95 <= 1000 && missing === 0 && duplicates === 0 ? 'PASS' : 'FAIL'}`,
    );
    console.log(
      'Deliveries per instance:',
      perInstance.map((r) => `${r.instance}: ${r.n} (max attempts ${r.max_attempts})`).join('; '),
    );

    // Feed: fill it up with events as the app writes them, then read it from the start.
    await db.query(`UPDATE webhook_subscription SET active = false`);
    const existing = Number((await db.query('SELECT count(*) AS n FROM event')).rows[0].n);
    const fill = Math.max(0, FEED_EVENTS - existing);
    for (let done = 0; done < fill; done += 50_000) {
      await db.query(
        `INSERT INTO event (txid, type, entity_type, entity_id, data)
         SELECT pg_current_xact_id()::text::bigint, 'customer.updated', 'customer', gen_random_uuid(),
                jsonb_build_object('id', gen_random_uuid(), 'name', 'Bench customer ' || g, 'segment', 'public_miner',
                                   'country', 'US', 'region', 'NA', 'status', 'active', 'version', 2)
           FROM generate_series(1, $1) AS g`,
        [Math.min(50_000, fill - done)],
      );
    }
    await db.query('VACUUM ANALYZE event');
    const events = Number((await db.query('SELECT count(*) AS n FROM event')).rows[0].n);
    const pageTimes: number[] = [];
    let read = 0;
    let cursor: string | undefined;
    const f0 = performance.now();
    for (;;) {
      const p0 = performance.now();
      const res = await fetch(
        `${urls[read % urls.length]}/api/v1/events?limit=500${cursor ? `&after=${cursor}` : ''}`,
        { headers: { 'x-api-key': adminKey } },
      );
      const page = (await res.json()) as { items: unknown[]; nextCursor: string };
      pageTimes.push(performance.now() - p0);
      read += page.items.length;
      cursor = page.nextCursor;
      if (page.items.length === 0) break;
    }
    const feedSeconds = (performance.now() - f0) / 1000;
    const pages = stats(pageTimes);
    console.log(`\n| change feed read | events | seconds | events/s | page p50 ms | page p95 ms |`);
    console.log('|---|---:|---:|---:|---:|---:|');
    console.log(
      `| GET /events?limit=500 from the start | ${read} | ${feedSeconds.toFixed(1)} | ${Math.round(read / feedSeconds)} | ${pages.p50} | ${pages.p95} |`,
    );
    if (read !== events) console.log(`Feed read ${read} events of ${events}: MISMATCH`);
    await db.end();

    const report = {
      at: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      instances: INSTANCES,
      rate: RATE,
      durationSeconds: DURATION,
      webhook: {
        commitToReceiptMs: latency,
        requestToReceiptMs: upper,
        duplicates,
        missing,
        badSignatures,
      },
      feed: {
        events: read,
        seconds: feedSeconds,
        eventsPerSecond: read / feedSeconds,
        pageMs: pages,
      },
    };
    const results = join(ROOT, 'bench-results');
    mkdirSync(results, { recursive: true });
    const file = join(results, `webhooks-${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nFigures in ${file}.`);
  } finally {
    receiver.closeAllConnections();
    receiver.close();
    await Promise.all(apps.map(stopApp));
    await stopDatabase();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  console.error(`The webhooks bench could not run: ${error.message}`);
  process.exit(1);
});
