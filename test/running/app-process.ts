import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';

// Runs the real entry points the way a newcomer does, through ts-node so no build is needed.
const ROOT = resolve(__dirname, '..', '..');
const NODE_ARGS = ['-r', 'ts-node/register/transpile-only'];

/** True when the suite runs against an external PostgreSQL instead of the embedded one. */
export const EXTERNAL_DATABASE = Boolean(process.env.DATABASE_URL);

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class AppProcess {
  output = '';
  readonly exited: Promise<Exit>;
  private exit?: Exit;

  constructor(
    readonly child: ChildProcess,
    readonly baseUrl: string,
  ) {
    child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        done(this.exit);
      }),
    );
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** Resolves once GET /health answers; rejects with the output if the process exits first. */
  async ready(timeoutMs = 90000): Promise<this> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.running) {
        throw new Error(
          `Hashbook exited (${JSON.stringify(this.exit)}) before answering:\n${this.output}`,
        );
      }
      try {
        if ((await fetch(`${this.baseUrl}/health`)).ok) return this;
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`Hashbook did not answer within ${timeoutMs} ms:\n${this.output}`);
  }

  /** Sends the signal and waits for the process to end. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 20000): Promise<Exit> {
    if (this.running) this.child.kill(signal);
    return withTimeout(
      this.exited,
      timeoutMs,
      `Hashbook did not exit after ${signal}:\n${this.output}`,
    );
  }

  get(path: string, key?: string): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { headers: key ? { 'X-API-Key': key } : {} });
  }
}

/** The environment of a child: only what the test sets, nothing inherited from a developer's shell. */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ', 'SystemRoot']) {
    if (process.env[name] !== undefined) inherited[name] = process.env[name];
  }
  return { ...inherited, ...env };
}

/** Starts `src/main.ts` with exactly `env` (plus PATH and HOME). Call ready() to wait for it. */
export function startApp(env: Record<string, string> & { PORT: string }): AppProcess {
  const port = env.PORT;
  const child = spawn(process.execPath, [...NODE_ARGS, 'src/main.ts'], {
    cwd: ROOT,
    env: childEnv({ HOST: '127.0.0.1', SEED_DEMO: 'false', LOG_LEVEL: 'info', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new AppProcess(child, `http://127.0.0.1:${port}`);
}

/** Runs `src/cli.ts` to the end. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<Exit & { stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...NODE_ARGS, 'src/cli.ts', ...args], {
    cwd: ROOT,
    env: childEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Exit & { stdout: string; stderr: string }>((finish) =>
    child.once('exit', (code, signal) => finish({ code, signal, stdout, stderr })),
  );
  return withTimeout(done, 30000, `hashbook ${args.join(' ')} did not finish`);
}

/** A fresh data directory, enterable by the OS user postgres runs as. */
export function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hashbook-running-'));
  chmodSync(dir, 0o755);
  return dir;
}

/** Stops anything a test left running on the data directory, then removes it. */
export async function removeDataDir(dir: string): Promise<void> {
  for (const pid of postgresProcessesOn(join(dir, 'postgres'))) {
    try {
      process.kill(pid, 'SIGINT');
    } catch {
      // Gone meanwhile.
    }
  }
  for (
    let waited = 0;
    postgresProcessesOn(join(dir, 'postgres')).length > 0 && waited < 10000;
    waited += 100
  ) {
    await sleep(100);
  }
  rmSync(dir, { recursive: true, force: true });
}

/** Postmaster pids whose command line names this cluster folder. */
export function postgresProcessesOn(clusterDir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      const at = argv.indexOf('-D');
      if (
        argv[0].endsWith('postgres') &&
        at >= 0 &&
        resolve(argv[at + 1]) === resolve(clusterDir)
      ) {
        pids.push(Number(entry));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid recorded in the cluster's postmaster.pid, if any. */
export function postmasterPid(clusterDir: string): number | undefined {
  const file = join(clusterDir, 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
}

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * With DATABASE_URL set: a brand-new empty database on that server (the app migrates it), and a
 * function that drops it.
 */
export async function freshExternalDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL!;
  const name = `hashbook_running_${randomBytes(5).toString('hex')}`;
  const admin = new Client(serverUrl);
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client(serverUrl);
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A key accepted as ADMIN_API_KEY (≥ 24 characters). */
export function randomAdminKey(): string {
  return `hb_test_${randomBytes(24).toString('base64url')}`;
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, fail) => {
      timer = setTimeout(() => fail(new Error(message)), ms);
    }),
  ]);
}
