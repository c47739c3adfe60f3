import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppProcess,
  EXTERNAL_DATABASE,
  freePort,
  freshDataDir,
  isAlive,
  postgresProcessesOn,
  postmasterPid,
  removeDataDir,
  runCli,
  startApp,
} from './app-process';

// Each test starts the real app (ts-node, migrations); on a busy machine that alone can take a minute.
jest.setTimeout(240_000);

const GENERATED = /generated an admin API key[^\n]*\n\s*\n\s*(hb_[A-Za-z0-9_-]+)/;
const GENERATED_USER =
  /generated an admin user[^\n]*\n\s*\n\s*email:\s+(\S+)\n\s*password:\s+(\S+)/;

// These steps are about the embedded PostgreSQL in DATA_DIR; with DATABASE_URL nothing is embedded.
const describeEmbedded = EXTERNAL_DATABASE ? describe.skip : describe;

// One data directory through a newcomer's life cycle; the steps build on each other, in order.
describeEmbedded('the embedded install, from first start to crash recovery', () => {
  // Made in beforeAll: a skipped describe still runs its body, and would leave the folder behind.
  let dataDir = '';
  let clusterDir = '';
  const env = (port: number) => ({
    DATA_DIR: dataDir,
    PORT: String(port),
    SEED_DEMO: 'false',
    LOG_LEVEL: 'info',
  });
  let app: AppProcess | undefined;
  let adminKey = '';

  beforeAll(() => {
    dataDir = freshDataDir();
    clusterDir = join(dataDir, 'postgres');
  });

  afterAll(async () => {
    if (app?.running) await app.stop('SIGKILL');
    await removeDataDir(dataDir);
  });

  it('prints a generated admin key on the first start and keeps it in DATA_DIR/admin-api-key (0600)', async () => {
    app = await startApp(env(await freePort())).ready();
    const printed = GENERATED.exec(app.output);
    expect(printed).not.toBeNull();
    adminKey = printed![1];
    const file = join(dataDir, 'admin-api-key');
    expect(readFileSync(file, 'utf8').trim()).toBe(adminKey);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const keys = await app.get('/api/v1/api-keys', adminKey);
    expect(keys.status).toBe(200);
    const body = (await keys.json()) as { items: { name: string; role: string }[] };
    expect(body.items).toEqual([expect.objectContaining({ name: 'local-admin', role: 'admin' })]);
    expect((await app.get('/api/v1/api-keys')).status).toBe(401);
  });

  it('prints a generated admin user on the first start, keeps it in DATA_DIR/admin-user (0600), and it signs in', async () => {
    const printed = GENERATED_USER.exec(app!.output);
    expect(printed).not.toBeNull();
    const [, email, password] = printed!;
    expect(email).toBe('admin@hashbook.local');
    const file = join(dataDir, 'admin-user');
    expect(readFileSync(file, 'utf8')).toBe(`email: ${email}\npassword: ${password}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(app!.output).toMatch(/Sign in at http:\/\/localhost:\d+\/ /);
    const signedIn = await fetch(`${app!.baseUrl}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { user: { role: string } }).user.role).toBe('admin');
    const cookie = signedIn.headers.getSetCookie()[0].split(';')[0];
    const keys = await fetch(`${app!.baseUrl}/api/v1/api-keys`, { headers: { cookie } });
    expect(keys.status).toBe(200);
  });

  it('answers /health and /health/ready without a key', async () => {
    const live = await app!.get('/health');
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: 'ok' });
    const ready = await app!.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
  });

  it('refuses a second process on the same data directory, clearly, with a non-zero exit', async () => {
    const second = startApp(env(await freePort()));
    const exit = await second.exited;
    expect(exit.code).not.toBe(0);
    expect(second.output).toMatch(
      new RegExp(
        `Another Hashbook process \\(pid ${app!.child.pid}\\) is using the data directory`,
      ),
    );
    // The first one is unharmed.
    expect((await app!.get('/api/v1/api-keys', adminKey)).status).toBe(200);
  });

  it('stops node and its PostgreSQL on SIGTERM, leaving no process or runtime file behind', async () => {
    expect(postgresProcessesOn(clusterDir)).toHaveLength(1);
    const exit = await app!.stop('SIGTERM');
    expect(exit.code === 0 || exit.code === 143 || exit.signal === 'SIGTERM').toBe(true);
    expect(postgresProcessesOn(clusterDir)).toEqual([]);
    expect(existsSync(join(clusterDir, 'postmaster.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'hashbook.pid'))).toBe(false);
    expect(existsSync(join(dataDir, 'postgres.port'))).toBe(false);
  });

  it('lets the CLI create a key while the app is stopped (it starts and stops the server itself)', async () => {
    const created = await runCli(
      ['api-keys', 'create', '--name', 'offline-made', '--role', 'viewer'],
      { DATA_DIR: dataDir },
    );
    expect({ code: created.code, stderr: created.stderr }).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^hb_[A-Za-z0-9_-]{43}$/m);
    expect(postgresProcessesOn(clusterDir)).toEqual([]);
  });

  it('restarts on the same data directory: the key still works and no new key is printed', async () => {
    app = await startApp(env(await freePort())).ready();
    expect(app.output).not.toMatch(/generated an admin API key/);
    expect(app.output).not.toMatch(/generated an admin user/);
    expect(app.output).toMatch(/Admin sign-in: see .*admin-user/);
    expect(readFileSync(join(dataDir, 'admin-api-key'), 'utf8').trim()).toBe(adminKey);
    const keys = await app.get('/api/v1/api-keys', adminKey);
    expect(keys.status).toBe(200);
    const names = ((await keys.json()) as { items: { name: string }[] }).items.map((k) => k.name);
    expect(names).toEqual(['local-admin', 'offline-made']);
  });

  it('starts again after the node process was killed hard and its PostgreSQL orphaned', async () => {
    const orphan = postmasterPid(clusterDir)!;
    expect(isAlive(orphan)).toBe(true);
    await app!.stop('SIGKILL');
    // Nothing stopped the server: it is still running, with nobody to stop it.
    expect(isAlive(orphan)).toBe(true);
    expect(postgresProcessesOn(clusterDir)).toEqual([orphan]);

    app = await startApp(env(await freePort())).ready();
    expect(isAlive(orphan)).toBe(false);
    expect((await app.get('/api/v1/api-keys', adminKey)).status).toBe(200);
    expect((await app.get('/health/ready')).status).toBe(200);
    expect(app.output).not.toMatch(/generated an admin API key/);

    await app.stop('SIGTERM');
    expect(postgresProcessesOn(clusterDir)).toEqual([]);
  });
});
