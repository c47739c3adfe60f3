import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppProcess,
  EXTERNAL_DATABASE,
  freePort,
  freshDataDir,
  freshExternalDatabase,
  randomAdminKey,
  removeDataDir,
  runCli,
  sleep,
  startApp,
} from './app-process';

// Each test starts the real app (ts-node, migrations); on a busy machine that alone can take a minute.
jest.setTimeout(240_000);

interface KeyItem {
  id: string;
  name: string;
  role: string;
  revokedAt: string | null;
}

// Embedded by default; with DATABASE_URL, a fresh database on that server.
describe(`ADMIN_API_KEY and the CLI against a running app (${EXTERNAL_DATABASE ? 'DATABASE_URL' : 'embedded'})`, () => {
  const dataDir = freshDataDir();
  const adminKey = randomAdminKey();
  let database: { url: string; drop(): Promise<void> } | undefined;
  let dbEnv: Record<string, string>;
  let app: AppProcess;

  beforeAll(async () => {
    if (EXTERNAL_DATABASE) database = await freshExternalDatabase();
    dbEnv = database ? { DATABASE_URL: database.url, DATA_DIR: dataDir } : { DATA_DIR: dataDir };
    app = await startApp({
      ...dbEnv,
      PORT: String(await freePort()),
      ADMIN_API_KEY: adminKey,
    }).ready();
  });

  afterAll(async () => {
    if (app?.running) await app.stop();
    await database?.drop();
    await removeDataDir(dataDir);
  });

  it('makes ADMIN_API_KEY an admin key named bootstrap-admin, and generates none', async () => {
    const res = await app.get('/api/v1/api-keys', adminKey);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: KeyItem[] };
    expect(items).toEqual([
      expect.objectContaining({ name: 'bootstrap-admin', role: 'admin', revokedAt: null }),
    ]);
    expect(app.output).not.toMatch(/generated an admin API key/);
    expect(existsSync(join(dataDir, 'admin-api-key'))).toBe(false);
  });

  it('answers liveness and readiness', async () => {
    expect((await app.get('/health')).status).toBe(200);
    const ready = await app.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
    });
  });

  it('creates a key with the CLI that the app accepts, audited as the CLI, and revokes it within 5 s', async () => {
    const created = await runCli(
      ['api-keys', 'create', '--name', 'cli-made', '--role', 'admin', '--json'],
      dbEnv,
    );
    expect({ code: created.code, stderr: created.stderr }).toMatchObject({ code: 0 });
    const key = JSON.parse(created.stdout) as KeyItem & { key: string };
    expect(key).toMatchObject({ name: 'cli-made', role: 'admin', revokedAt: null });
    expect(key.key).toMatch(/^hb_/);

    expect((await app.get('/api/v1/api-keys', key.key)).status).toBe(200);
    const audit = await app.get(`/api/v1/audit-log?entityId=${key.id}`, adminKey);
    expect(((await audit.json()) as { items: unknown[] }).items).toEqual([
      expect.objectContaining({
        action: 'created',
        actor: { type: 'system', id: null, name: 'cli', role: 'admin' },
      }),
    ]);

    const listed = await runCli(['api-keys', 'list'], dbEnv);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${key.id}\\s+cli-made\\s+admin\\s+hb_`, 'm'));

    // The app has just accepted the key, so it sits in its cache when the revoke lands.
    expect((await app.get('/api/v1/api-keys', key.key)).status).toBe(200);
    const revoked = await runCli(['api-keys', 'revoke', key.id], dbEnv);
    expect({ code: revoked.code, stderr: revoked.stderr }).toMatchObject({ code: 0 });
    const since = Date.now();
    let status = 200;
    while (status !== 401 && Date.now() - since < 8000) {
      await sleep(100);
      status = (await app.get('/api/v1/api-keys', key.key)).status;
    }
    expect(status).toBe(401);
    // Within 5 s of the revoke, plus the polling interval.
    expect(Date.now() - since).toBeLessThan(5500);

    const after = await runCli(['api-keys', 'list', '--json'], dbEnv);
    const keys = JSON.parse(after.stdout) as KeyItem[];
    expect(keys.find((k) => k.id === key.id)?.revokedAt).not.toBeNull();
  });

  it('refuses bad CLI input with a usage message and exit code 2', async () => {
    const bad = await runCli(['api-keys', 'create', '--name', 'x', '--role', 'owner'], dbEnv);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /--role must be one of admin, sales, finance, operations, erp, viewer/,
    );
    const unknown = await runCli(
      ['api-keys', 'revoke', '00000000-0000-4000-8000-000000000000'],
      dbEnv,
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/does not exist/);
  });

  it('adds a person with the CLI, whose setup token sets a password they sign in with', async () => {
    const post = (path: string, body: object) =>
      fetch(`${app.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const created = await runCli(
      [
        'users',
        'create',
        '--email',
        'Mei.Lin@hashbook.example',
        '--name',
        'Mei Lin',
        '--role',
        'sales',
      ],
      dbEnv,
    );
    expect({ code: created.code, stderr: created.stderr }).toMatchObject({ code: 0 });
    const token = /^(hbs_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(token).toBeDefined();
    expect(created.stdout).toMatch(/POST http:\/\/localhost:\d+\/api\/v1\/auth\/set-password/);

    const password = 'a long enough passphrase';
    expect((await post('/api/v1/auth/set-password', { token, password })).status).toBe(204);
    const signedIn = await post('/api/v1/auth/sign-in', {
      email: 'mei.lin@hashbook.example',
      password,
    });
    expect(signedIn.status).toBe(200);
    expect(((await signedIn.json()) as { user: { role: string } }).user.role).toBe('sales');

    const listed = await runCli(['users', 'list'], dbEnv);
    expect(listed.stdout).toMatch(/Mei\.Lin@hashbook\.example\s+Mei Lin\s+sales\s+active\s+set/);

    // A lost token or a forgotten password: a new token from the CLI.
    const again = await runCli(
      ['users', 'setup-token', '--email', 'mei.lin@hashbook.example', '--json'],
      dbEnv,
    );
    expect(again.code).toBe(0);
    const reissued = JSON.parse(again.stdout) as { setupToken: string };
    expect(reissued.setupToken).toMatch(/^hbs_/);
    expect(
      (await post('/api/v1/auth/set-password', { token, password: 'another long passphrase' }))
        .status,
    ).toBe(401);

    const audit = await app.get('/api/v1/audit-log?entityType=user', adminKey);
    expect(((await audit.json()) as { items: { action: string; actor: object }[] }).items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          action: 'created',
          actor: { type: 'system', id: null, name: 'cli', role: 'admin' },
        }),
      ]),
    );

    const bad = await runCli(
      ['users', 'create', '--email', 'nope', '--name', 'X', '--role', 'sales'],
      dbEnv,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--email must be an email address/);
    const taken = await runCli(
      ['users', 'create', '--email', 'MEI.LIN@hashbook.example', '--name', 'X', '--role', 'viewer'],
      dbEnv,
    );
    expect(taken.code).toBe(1);
    expect(taken.stderr).toMatch(/already exists/);
  });
});
