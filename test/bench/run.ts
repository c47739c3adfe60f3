import autocannon from 'autocannon';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { runningEmbeddedUrl } from '../../src/database/embedded-postgres';
import { Scenario, SCENARIOS } from './scenarios';

// `npm run bench [-- <filter>]`: the built app and a bare Node http server, each a child process,
// loaded by autocannon with the same connections and duration; figures are reported, not gated.
const CONNECTIONS = positive('BENCH_CONNECTIONS', 50);
const DURATION = positive('BENCH_DURATION', 10);
// A write route reaches its steady rate only after a few seconds of load (V8 optimising the
// request path): measuring from the first second would report the warm-up, not the server.
const WARMUP = positive('BENCH_WARMUP', 5, true);

// dist/test/bench/run.js (built) or test/bench/run.ts (ts-node): the app sits at ../../src/main.
const EXT = extname(__filename);
const NODE_ARGS = EXT === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : [];
const ROOT = resolve(__dirname, '..', '..', ...(EXT === '.ts' ? [] : ['..']));
const APP_ENTRY = resolve(__dirname, '..', '..', 'src', `main${EXT}`);
const HELLO_ENTRY = join(__dirname, `hello-server${EXT}`);
const RESULTS_DIR = join(ROOT, 'bench-results');

interface Figures {
  target: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  ratioToBare: number | null;
  goal: string;
  pass: boolean | null;
}

interface Child {
  process: ChildProcess;
  baseUrl: string;
  /** The end of what it printed, for when it fails. */
  tail(): string;
}

function positive(name: string, fallback: number, zeroAllowed = false): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0)) {
    throw new Error(
      `${name} must be a ${zeroAllowed ? 'non-negative' : 'positive'} number of ${name === 'BENCH_CONNECTIONS' ? 'connections' : 'seconds'}`,
    );
  }
  return value;
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startChild(
  entry: string,
  env: Record<string, string>,
  port: number,
): Promise<Child> {
  // Always the embedded database, whatever the shell points at.
  const { DATABASE_URL: _url, ...inherited } = process.env;
  const child = spawn(process.execPath, [...NODE_ARGS, entry], {
    cwd: ROOT,
    env: { ...inherited, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Always drained, so a chatty child never blocks on a full pipe.
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const handle: Child = { process: child, baseUrl: `http://127.0.0.1:${port}`, tail: () => output };
  for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      if ((await fetch(`${handle.baseUrl}/health`)).ok) return handle;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not start:\n${output}`);
}

async function stopChild(child: Child | undefined): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((done) => child.process.once('exit', done));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 15000);
  await exited;
  clearTimeout(timer);
}

function load(
  baseUrl: string,
  scenario: Scenario,
  adminKey: string,
  state: unknown,
  duration: number,
) {
  const { method = 'GET', path, auth = true, headers = {}, body } = scenario.request;
  const allHeaders: Record<string, string> = { ...headers };
  if (auth) allHeaders['x-api-key'] = adminKey;
  if (body !== undefined) allHeaders['content-type'] ??= 'application/json';
  let sequence = 0;
  const options: autocannon.Options = {
    url: baseUrl,
    connections: CONNECTIONS,
    duration,
    method,
    headers: allHeaders,
    requests: [
      {
        method,
        path,
        headers: allHeaders,
        ...(typeof body === 'function'
          ? {
              setupRequest: (request: autocannon.Request) => ({
                ...request,
                body: JSON.stringify(
                  (body as (state: unknown, sequence: number) => unknown)(state, sequence++),
                ),
              }),
            }
          : body !== undefined
            ? { body: JSON.stringify(body) }
            : {}),
      },
    ],
  };
  return autocannon(options);
}

async function measure(
  baseUrl: string,
  scenario: Scenario,
  adminKey: string,
  state: unknown,
  bare: Figures | undefined,
): Promise<Figures> {
  if (WARMUP > 0) await load(baseUrl, scenario, adminKey, state, WARMUP);
  const result = await load(baseUrl, scenario, adminKey, state, DURATION);
  const reqPerSec = result.requests.average;
  return {
    target: scenario.name,
    reqPerSec,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ratioToBare: bare ? reqPerSec / bare.reqPerSec : null,
    goal: '',
    pass: null,
  };
}

/** The scenario's goal and whether `figures` meet it; `baselinePerSec` from the same run. */
function judge(
  target: Scenario['target'],
  figures: Figures,
  baselinePerSec: number | undefined,
): { goal: string; pass: boolean } {
  const { goal, met } =
    'ratioToBare' in target
      ? {
          goal: `≥ ${Math.round(target.ratioToBare * 100)} % of bare`,
          met: figures.ratioToBare !== null && figures.ratioToBare >= target.ratioToBare,
        }
      : 'ratioToBaseline' in target
        ? {
            goal: `≥ ${Math.round(target.ratioToBaseline * 100)} % of the baseline`,
            met:
              baselinePerSec !== undefined &&
              figures.reqPerSec >= target.ratioToBaseline * baselinePerSec,
          }
        : {
            goal: `≥ ${target.reqPerSec} req/s${target.p99Ms ? `, p99 ≤ ${target.p99Ms} ms` : ''}`,
            met:
              figures.reqPerSec >= target.reqPerSec &&
              (target.p99Ms === undefined || figures.p99Ms <= target.p99Ms),
          };
  // Fast failures are not throughput.
  return { goal, pass: met && figures.errors === 0 && figures.non2xx === 0 };
}

function printTable(rows: Figures[]): void {
  const header = [
    'target',
    'req/s',
    'p50 ms',
    'p99 ms',
    'errors/non-2xx',
    'ratio to bare',
    'goal',
    'result',
  ];
  const cells = rows.map((row) => [
    row.target,
    Math.round(row.reqPerSec).toLocaleString('en-US'),
    String(row.p50Ms),
    String(row.p99Ms),
    `${row.errors}/${row.non2xx}`,
    row.ratioToBare === null ? '-' : `${(row.ratioToBare * 100).toFixed(1)} %`,
    row.goal || '-',
    row.pass === null ? '-' : row.pass ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const numeric = new Set([1, 2, 3, 4, 5]);
  const line = (row: string[]) =>
    row
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
      .join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of cells) console.log(line(row));
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const filter = process.argv.slice(2).join(' ').trim().toLowerCase();
  if (filter === 'webhooks') {
    // Webhook latency from commit to receipt, and feed read throughput; see webhooks.ts.
    await import('./webhooks');
    return;
  }
  if (filter === 'reports') {
    // The reports bench builds its own large book in-process; see reports-bench.ts.
    await import('./reports-bench');
    return;
  }
  if (filter === 'console') {
    // The web console in a headless Chromium on the demo book; see console.ts.
    await import('./console');
    return;
  }
  if (filter === 'plan') {
    // The planning bench writes its own 100,000-tranche book with SQL; see planning.ts.
    await import('./planning');
    return;
  }
  if (filter === 'scale') {
    // Books of 2,000 to 200,000 orders and plans of 100,000 and 1,000,000 tranches; see scale.ts.
    await import('./scale');
    return;
  }
  const scenarios = SCENARIOS.filter((s) => !filter || s.name.toLowerCase().includes(filter));
  if (scenarios.length === 0) {
    console.error(
      `No scenario matches "${filter}". Scenarios:\n${SCENARIOS.map((s) => `  ${s.name}`).join('\n')}`,
    );
    process.exit(1);
  }
  const cores = cpus().length;
  console.log(
    `Hashbook bench: ${CONNECTIONS} connections, ${DURATION} s per target after a ${WARMUP} s warm-up; ` +
      `node ${process.version}, ${cores} CPUs shared by the servers and the load generator.`,
  );

  const dataDir = mkdtempSync(join(tmpdir(), 'hashbook-bench-'));
  chmodSync(dataDir, 0o755);
  const adminKey = `hb_bench_${randomBytes(24).toString('base64url')}`;
  let app: Child | undefined;
  let hello: Child | undefined;
  const cleanUp = async () => {
    await Promise.all([stopChild(app), stopChild(hello)]);
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanUp().then(() => process.exit(130)));

  try {
    [hello, app] = await Promise.all([
      startChild(HELLO_ENTRY, {}, await freePort()),
      startChild(
        APP_ENTRY,
        {
          DATA_DIR: dataDir,
          SEED_DEMO: 'false',
          LOG_LEVEL: 'warn',
          RATE_LIMIT_PER_MINUTE: '0',
          ADMIN_API_KEY: adminKey,
        },
        await freePort(),
      ),
    ]);

    const bareScenario: Scenario = {
      name: 'bare Node http (hello JSON)',
      request: { path: '/', auth: false },
      target: { ratioToBare: 1 },
    };
    process.stdout.write(`  ${bareScenario.name} … `);
    const bare = await measure(hello.baseUrl, bareScenario, adminKey, undefined, undefined);
    bare.ratioToBare = 1;
    console.log(`${Math.round(bare.reqPerSec)} req/s`);
    const rows: Figures[] = [bare];
    await stopChild(hello);

    for (const scenario of scenarios) {
      process.stdout.write(`  ${scenario.name} … `);
      const state = scenario.setup ? await scenario.setup(app.baseUrl, adminKey) : undefined;
      const figures = await measure(app.baseUrl, scenario, adminKey, state, bare);
      console.log(`${Math.round(figures.reqPerSec)} req/s`);
      rows.push(figures);
      let baselinePerSec: number | undefined;
      if (scenario.baseline) {
        process.stdout.write(`  ${scenario.baseline.name} … `);
        const url = runningEmbeddedUrl(join(dataDir, 'postgres'));
        const perSec = url ? await scenario.baseline.run(url, state, DURATION) : 0;
        baselinePerSec = perSec;
        console.log(`${Math.round(perSec)} /s`);
        rows.push({
          target: `  └ ${scenario.baseline.name}`,
          reqPerSec: perSec,
          p50Ms: 0,
          p99Ms: 0,
          requests: Math.round(perSec * DURATION),
          errors: 0,
          non2xx: 0,
          ratioToBare: perSec / bare.reqPerSec,
          goal: `app = ${((figures.reqPerSec / perSec) * 100).toFixed(0)} % of it`,
          pass: null,
        });
      }
      Object.assign(figures, judge(scenario.target, figures, baselinePerSec));
    }

    printTable(rows);
    const report = {
      at: new Date().toISOString(),
      commit: gitCommit(),
      node: process.version,
      cpus: cores,
      cpuModel: cpus()[0]?.model ?? null,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      warmupSeconds: WARMUP,
      filter: filter || null,
      results: rows,
    };
    mkdirSync(RESULTS_DIR, { recursive: true });
    const file = join(RESULTS_DIR, `bench-${report.at.replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    writeFileSync(join(RESULTS_DIR, 'latest.json'), `${JSON.stringify(report, null, 2)}\n`);
    const failed = rows.filter((row) => row.pass === false).length;
    console.log(
      `\n${failed === 0 ? 'Every target met.' : `${failed} target(s) missed (reported, not gated).`} ` +
        `Figures in ${file} and bench-results/latest.json.`,
    );
  } catch (error) {
    console.error(`\nThe bench could not run: ${(error as Error).message}`);
    const exit = app?.process.exitCode ?? app?.process.signalCode;
    if (app && exit !== null && exit !== undefined) console.error(`The app exited (${exit}).`);
    if (app) console.error(`The app's last output:\n${app.tail()}`);
    process.exitCode = 1;
  } finally {
    await cleanUp();
  }
}

void main();
