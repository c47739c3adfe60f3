import { createUser, signIn, uniqueEmail } from '../support/people';
import { createTestApp, TestApp } from '../support/test-app';

const api = (path: string) => `/api/v1${path}`;

// Two instances on one database: whatever one counts or ends, the other sees.
describe('sign-in throttling and sessions across instances', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, a.databaseUrl);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const attempt = (t: TestApp, email: string, password: string) =>
    t.http().post(api('/auth/sign-in')).send({ email, password });

  it('locks an email for 15 minutes after 5 failures within 15 minutes, on every instance', async () => {
    const user = await createUser(a, 'sales');
    for (const [i, t] of [a, b, a, b, a].entries()) {
      const res = await attempt(t, user.email, `wrong password ${i}`);
      expect(res.status).toBe(401);
    }
    for (const t of [b, a]) {
      const locked = await attempt(t, user.email, user.password).expect(429);
      expect(locked.body).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', status: 429 });
      expect(locked.body.detail).toMatch(/15 minutes/);
      expect(locked.headers['set-cookie']).toBeUndefined();
    }
    // Other emails are not affected.
    const other = await createUser(a, 'sales');
    await signIn(b, other);
    const [row] = await a.sql<{ attempts: number; locked: boolean; minutes: number }>(
      `SELECT attempts, locked_until > now() AS locked,
              round(extract(epoch FROM locked_until - now()) / 60)::int AS minutes
         FROM sign_in_throttle WHERE email = $1`,
      [user.email.toLowerCase()],
    );
    expect(row).toEqual({ attempts: 5, locked: true, minutes: 15 });

    // When the lock runs out, the right password works again and the count starts afresh.
    await a.sql(
      `UPDATE sign_in_throttle SET locked_until = now() - interval '1 second',
              window_started_at = now() - interval '16 minutes' WHERE email = $1`,
      [user.email.toLowerCase()],
    );
    await signIn(b, user);
    const left = await a.sql('SELECT 1 FROM sign_in_throttle WHERE email = $1', [
      user.email.toLowerCase(),
    ]);
    expect(left).toEqual([]);
  });

  it('counts unknown emails the same way, so a lock tells nothing about who exists', async () => {
    const nobody = uniqueEmail('nobody');
    for (let i = 0; i < 5; i++)
      await attempt(i % 2 ? a : b, nobody, 'guess guess guess').expect(401);
    const locked = await attempt(a, nobody, 'guess guess guess').expect(429);
    expect(locked.body.code).toBe('TOO_MANY_ATTEMPTS');
  });

  it('forgets the failures before a success, and failures older than the window', async () => {
    const user = await createUser(a, 'viewer');
    for (let i = 0; i < 4; i++) await attempt(a, user.email, 'wrong wrong wrong').expect(401);
    await signIn(b, user);
    for (let i = 0; i < 4; i++) await attempt(b, user.email, 'wrong wrong wrong').expect(401);
    await a.sql(
      `UPDATE sign_in_throttle SET window_started_at = now() - interval '15 minutes 1 second' WHERE email = $1`,
      [user.email.toLowerCase()],
    );
    for (let i = 0; i < 4; i++) await attempt(a, user.email, 'wrong wrong wrong').expect(401);
    await signIn(a, user);
  });

  it('lets at most 5 of many simultaneous attempts through, across instances', async () => {
    const user = await createUser(a, 'viewer');
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => attempt(i % 2 ? a : b, user.email, `wrong ${i} wrong`)),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
    await attempt(a, user.email, user.password).expect(429);
  });

  it('takes as long for an unknown email as for a wrong password', async () => {
    const user = await createUser(a, 'viewer');
    const timed = async (email: string) => {
      const started = process.hrtime.bigint();
      await attempt(a, email, 'a wrong password here').expect(401);
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (values: number[]) =>
      values.sort((x, y) => x - y)[Math.floor(values.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 4; i++) {
      // Fresh emails each time keep clear of the lock.
      unknown.push(await timed(uniqueEmail('nobody')));
      known.push(await timed(user.email));
      if (i === 1) await signIn(a, user);
    }
    const ratio = median(unknown) / median(known);
    // The password hash dominates both (tens of ms); a skipped hash would be a few ms.
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('ends a session everywhere when it signs out or its user is disabled on another instance', async () => {
    const user = await createUser(a, 'sales');
    const first = await signIn(a, user);
    await b.http().get(api('/auth/me')).set('Cookie', first.cookie).expect(200);
    await a
      .http()
      .post(api('/auth/sign-out'))
      .set('Cookie', first.cookie)
      .set('X-CSRF-Token', first.csrfToken)
      .expect(204);
    await b.http().get(api('/auth/me')).set('Cookie', first.cookie).expect(401);

    const second = await signIn(b, user);
    await a.http().get(api('/customers')).set('Cookie', second.cookie).expect(200);
    await b
      .http()
      .patch(api(`/users/${user.id}`))
      .set('X-API-Key', b.adminKey)
      .send({ status: 'disabled' })
      .expect(200);
    await a.http().get(api('/customers')).set('Cookie', second.cookie).expect(401);
  });
});
