import { ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../console/support/chromium';

// `npm run bench -- console`: the built app on a throwaway embedded PostgreSQL with the demo book,
// driven by a headless Chromium. Prints the console's initial JavaScript (gzipped, as served),
// the time from navigation to the dashboard's five figures on screen with a cold cache, and the
// same for the list pages; figures are reported, not gated.
const EXT = extname(__filename);
const NODE_ARGS = EXT === '.ts' ? ['-r', 'ts-node/register/transpile-only'] : [];
const ROOT = resolve(__dirname, '..', '..', ...(EXT === '.ts' ? [] : ['..']));
const APP_ENTRY = resolve(__dirname, '..', '..', 'src', `main${EXT}`);
const CONSOLE_DIR = join(ROOT, 'dist', 'console');
const RUNS = 5;
const FIGURES = [
  'Backlog units',
  'Backlog value',
  'Backlog EH/s',
  'Contract liability',
  'Receivable',
];
const LISTS = [
  { path: '/orders', table: 'Orders' },
  { path: '/customers', table: 'Customers' },
  { path: '/pipeline', table: 'Opportunities' },
];

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

async function startApp(dataDir: string, port: number): Promise<ChildProcess> {
  const { DATABASE_URL: _url, ...inherited } = process.env;
  const child = spawn(process.execPath, [...NODE_ARGS, APP_ENTRY], {
    cwd: ROOT,
    env: {
      ...inherited,
      DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // The demo book is seeded before the server listens.
  for (const deadline = Date.now() + 300_000; Date.now() < deadline;) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  child.kill('SIGKILL');
  throw new Error(`The app did not start:\n${output}`);
}

/** The scripts index.html loads before any page code: the entry and what it imports statically. */
function initialJavaScript(): { files: string[]; gzipBytes: number; rawBytes: number } {
  const html = readFileSync(join(CONSOLE_DIR, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]);
  let gzipBytes = 0;
  let rawBytes = 0;
  for (const file of files) {
    const body = readFileSync(join(CONSOLE_DIR, file));
    rawBytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { files, gzipBytes, rawBytes };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timeToVisible(
  browser: Browser,
  url: string,
  cookie: { name: string; value: string },
  visible: (page: import('playwright-core').Page) => Promise<void>,
): Promise<number> {
  // A new context each time: an empty cache, the session cookie only.
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.addCookies([{ ...cookie, url }]);
  const page = await context.newPage();
  const started = performance.now();
  await page.goto(url, { waitUntil: 'commit' });
  await visible(page);
  const ms = performance.now() - started;
  await context.close();
  return ms;
}

async function run(): Promise<void> {
  const js = initialJavaScript();
  console.log(
    `Console initial JavaScript: ${(js.gzipBytes / 1024).toFixed(1)} KB gzipped ` +
      `(${(js.rawBytes / 1024).toFixed(1)} KB raw, ${js.files.length} file(s)); goal ≤ 350 KB`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'hashbook-bench-console-'));
  chmodSync(dataDir, 0o755);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let app: ChildProcess | undefined;
  let browser: Browser | undefined;
  try {
    const seeding = performance.now();
    [app, browser] = await Promise.all([startApp(dataDir, port), launchChromium()]);
    console.log(
      `App with the demo book up in ${((performance.now() - seeding) / 1000).toFixed(1)} s`,
    );
    const line = readFileSync(join(dataDir, 'demo-users'), 'utf8')
      .split('\n')
      .find((l) => /\sfinance\s/.test(l));
    const [email, , password] = line!.trim().split(/\s+/);
    const signIn = await fetch(`${base}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    const value = /hashbook_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')?.[1];
    if (!signIn.ok || !value) throw new Error(`Sign-in failed: ${signIn.status}`);
    const cookie = { name: 'hashbook_session', value };

    // One uncounted visit of each page warms the server (plans, PostgreSQL's caches); every
    // counted visit still starts with an empty browser cache.
    for (const path of ['/dashboard', ...LISTS.map((l) => l.path)]) {
      await timeToVisible(browser, `${base}${path}`, cookie, (page) =>
        page.getByRole('heading', { level: 1 }).waitFor(),
      );
    }
    const dashboard: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      dashboard.push(
        await timeToVisible(browser, `${base}/dashboard`, cookie, async (page) => {
          for (const label of FIGURES) await page.locator(`[data-figure="${label}"]`).waitFor();
        }),
      );
    }
    const lists: Record<string, number[]> = {};
    for (const list of LISTS) {
      lists[list.path] = [];
      for (let i = 0; i < RUNS; i++) {
        lists[list.path].push(
          await timeToVisible(browser, `${base}${list.path}`, cookie, (page) =>
            page.getByRole('table', { name: list.table }).locator('tbody tr').first().waitFor(),
          ),
        );
      }
    }
    const row = (name: string, values: number[], goal: number) =>
      `  ${name.padEnd(34)} median ${median(values).toFixed(0).padStart(5)} ms   worst ${Math.max(
        ...values,
      )
        .toFixed(0)
        .padStart(5)} ms   goal ≤ ${goal} ms   ${Math.max(...values) <= goal ? 'met' : 'MISSED'}`;
    console.log(`Cold-cache navigation to content on screen, ${RUNS} runs each (demo book):`);
    console.log(row('dashboard: the five figures', dashboard, 1500));
    for (const list of LISTS)
      console.log(row(`${list.path}: first row of the list`, lists[list.path], 1000));
    const report = {
      at: new Date().toISOString(),
      node: process.version,
      initialJsGzipKb: Number((js.gzipBytes / 1024).toFixed(1)),
      initialJsRawKb: Number((js.rawBytes / 1024).toFixed(1)),
      dashboardMs: dashboard.map(Math.round),
      listsMs: Object.fromEntries(Object.entries(lists).map(([k, v]) => [k, v.map(Math.round)])),
    };
    const dir = join(ROOT, 'bench-results');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'console.json'), `${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await browser?.close();
    if (app && app.exitCode === null) {
      const exited = new Promise((done) => app!.once('exit', done));
      app.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

run().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exitCode = 1;
});
