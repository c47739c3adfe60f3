import { createCustomer, unique } from '../support/crm-factories';
import {
  createUser,
  newPassword,
  sessionCookieOf,
  signIn,
  signedIn,
  uniqueEmail,
} from '../support/people';
import { createTestApp, TestApp } from '../support/test-app';

const api = (path: string) => `/api/v1${path}`;

describe('sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const customers = async () =>
    (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM customer'))[0].n;

  it('signs in with email and password: the user, a CSRF token and an HttpOnly, SameSite=Lax cookie', async () => {
    const user = await createUser(t, 'sales', { email: uniqueEmail('Mei.Lin') });
    const res = await t
      .http()
      .post(api('/auth/sign-in'))
      .send({ email: ` ${user.email.toUpperCase()} `, password: user.password })
      .expect(200);
    expect(res.body).toEqual({
      user: expect.objectContaining({ id: user.id, email: user.email, role: 'sales' }),
      csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const [cookie] = res.headers['set-cookie'] as unknown as string[];
    const attributes = cookie.split('; ').slice(1);
    expect(cookie).toMatch(/^hashbook_session=[A-Za-z0-9_-]{43};/);
    expect(attributes).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', 'Max-Age=604800']),
    );
    expect(attributes).not.toContain('Secure');
    // Only the token's hash is stored.
    const token = sessionCookieOf(res)!;
    const stored = await t.sql<{ token_hash: string }>(
      'SELECT token_hash FROM user_session WHERE user_id = $1',
      [user.id],
    );
    expect(stored).toHaveLength(1);
    expect(stored[0].token_hash).not.toContain(token);

    const me = await t
      .http()
      .get(api('/auth/me'))
      .set('Cookie', `hashbook_session=${token}`)
      .expect(200);
    expect(me.body).toEqual({ user: res.body.user, csrfToken: res.body.csrfToken });
  });

  it('marks the cookie Secure when the request came over HTTPS through the proxy', async () => {
    const user = await createUser(t, 'viewer');
    const res = await t
      .http()
      .post(api('/auth/sign-in'))
      .set('X-Forwarded-Proto', 'https')
      .send({ email: user.email, password: user.password })
      .expect(200);
    const [cookie] = res.headers['set-cookie'] as unknown as string[];
    expect(cookie.split('; ')).toEqual(expect.arrayContaining(['Secure', 'HttpOnly']));
  });

  it('refuses a sign-in with a missing field (400), a wrong password, an unknown email and a disabled user alike (401)', async () => {
    const user = await createUser(t, 'sales');
    const missing = await t
      .http()
      .post(api('/auth/sign-in'))
      .send({ email: user.email })
      .expect(400);
    expect(missing.body.code).toBe('VALIDATION_FAILED');
    await t.http().post(api('/auth/sign-in')).send({ password: user.password }).expect(400);

    const answers = [];
    answers.push(
      await t
        .http()
        .post(api('/auth/sign-in'))
        .send({ email: user.email, password: 'wrong password!' })
        .expect(401),
    );
    answers.push(
      await t
        .http()
        .post(api('/auth/sign-in'))
        .send({ email: uniqueEmail('nobody'), password: user.password })
        .expect(401),
    );
    const disabled = await createUser(t, 'sales');
    await t
      .http()
      .patch(api(`/users/${disabled.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ status: 'disabled' })
      .expect(200);
    answers.push(
      await t
        .http()
        .post(api('/auth/sign-in'))
        .send({ email: disabled.email, password: disabled.password })
        .expect(401),
    );
    const bodies = answers.map(({ body: { requestId: _id, ...rest } }) => rest);
    expect(bodies[0]).toMatchObject({ code: 'INVALID_CREDENTIALS', status: 401 });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    for (const answer of answers) expect(answer.headers['set-cookie']).toBeUndefined();
  });

  it('treats a session like a key of its role: reads, writes with the CSRF token, audited as the user', async () => {
    const sales = await signedIn(t, 'sales');
    await t.http().get(api('/customers')).set('Cookie', sales.cookie).expect(200);
    await t.http().head(api('/customers')).set('Cookie', sales.cookie).expect(200);
    const created = await t
      .http()
      .post(api('/customers'))
      .set('Cookie', sales.cookie)
      .set('X-CSRF-Token', sales.csrfToken)
      .send({ name: unique('Session Mining'), segment: 'public_miner', country: 'US' })
      .expect(201);
    // Made by a person: they own it unless they say otherwise.
    expect(created.body.ownerId).toBe(sales.user.id);
    const log = await t
      .http()
      .get(api(`/audit-log?entityType=customer&entityId=${created.body.id}`))
      .set('Cookie', sales.cookie)
      .expect(200);
    expect(log.body.items).toEqual([
      expect.objectContaining({
        action: 'created',
        actor: { type: 'user', id: sales.user.id, name: 'Test sales', role: 'sales' },
      }),
    ]);
    // Roles as for keys: sales may not touch API keys.
    await t.http().get(api('/api-keys')).set('Cookie', sales.cookie).expect(403);
    const admin = await signedIn(t, 'admin');
    await t.http().get(api('/api-keys')).set('Cookie', admin.cookie).expect(200);
  });

  it('refuses a write by cookie without the CSRF token, or with a wrong one: 403, nothing written', async () => {
    const sales = await signedIn(t, 'sales');
    const before = await customers();
    const idempotencyRecords = async () =>
      (
        await t.sql<{ n: number }>(
          'SELECT count(*)::int AS n FROM idempotency_record WHERE caller_id = $1',
          [sales.user.id],
        )
      )[0].n;
    const body = { name: unique('Forged Mining'), segment: 'public_miner', country: 'US' };
    const without = await t
      .http()
      .post(api('/customers'))
      .set('Cookie', sales.cookie)
      .set('Idempotency-Key', 'forged-1')
      .send(body)
      .expect(403);
    expect(without.body.code).toBe('CSRF_TOKEN_MISSING');
    const wrong = await t
      .http()
      .post(api('/customers'))
      .set('Cookie', sales.cookie)
      .set(
        'X-CSRF-Token',
        sales.csrfToken.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')),
      )
      .send(body)
      .expect(403);
    expect(wrong.body.code).toBe('CSRF_TOKEN_MISSING');
    const other = await signedIn(t, 'sales');
    await t
      .http()
      .post(api('/customers'))
      .set('Cookie', sales.cookie)
      .set('X-CSRF-Token', other.csrfToken)
      .send(body)
      .expect(403);
    const customer = await createCustomer(t);
    await t
      .http()
      .patch(api(`/customers/${customer.id}`))
      .set('Cookie', sales.cookie)
      .send({ legalName: 'Forged, Inc.' })
      .expect(403);
    await t
      .http()
      .delete(api(`/api-keys/00000000-0000-4000-8000-000000000000`))
      .set('Cookie', (await signedIn(t, 'admin')).cookie)
      .expect(403);
    expect(await customers()).toBe(before + 1);
    expect(await idempotencyRecords()).toBe(0);
    const [{ legal_name }] = await t.sql<{ legal_name: string | null }>(
      'SELECT legal_name FROM customer WHERE id = $1',
      [customer.id],
    );
    expect(legal_name).toBeNull();
  });

  it('refuses a viewer session writing (403), with its CSRF token', async () => {
    const viewer = await signedIn(t, 'viewer');
    await t.http().get(api('/customers')).set('Cookie', viewer.cookie).expect(200);
    const res = await t
      .http()
      .post(api('/customers'))
      .set('Cookie', viewer.cookie)
      .set('X-CSRF-Token', viewer.csrfToken)
      .send({ name: unique('Viewer Mining'), segment: 'public_miner', country: 'US' })
      .expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('needs no CSRF token with an API key, even beside a cookie; the key decides', async () => {
    const viewer = await signedIn(t, 'viewer');
    const salesKey = await t.keyFor('sales');
    await t
      .http()
      .post(api('/customers'))
      .set('Cookie', viewer.cookie)
      .set('X-API-Key', salesKey)
      .send({ name: unique('Keyed Mining'), segment: 'public_miner', country: 'US' })
      .expect(201);
    // A bad key is not rescued by a good cookie.
    await t
      .http()
      .get(api('/customers'))
      .set('Cookie', viewer.cookie)
      .set('X-API-Key', 'hb_unknown')
      .expect(401);
    const me = await t.http().get(api('/auth/me')).set('X-API-Key', salesKey).expect(403);
    expect(me.body.code).toBe('FORBIDDEN');
  });

  it('refuses a forged, expired or signed-out session with 401', async () => {
    await t
      .http()
      .get(api('/auth/me'))
      .set('Cookie', 'hashbook_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
      .expect(401);
    const forged = await t
      .http()
      .get(api('/customers'))
      .set('Cookie', 'hashbook_session=not-even-a-token')
      .expect(401);
    expect(forged.body.detail).toMatch(/session/);

    const idle = await signedIn(t, 'sales');
    await t.sql(
      `UPDATE user_session SET last_seen_at = now() - interval '12 hours 1 second' WHERE user_id = $1`,
      [idle.user.id],
    );
    await t.http().get(api('/auth/me')).set('Cookie', idle.cookie).expect(401);

    const old = await signedIn(t, 'sales');
    await t.sql(
      `UPDATE user_session SET created_at = now() - interval '7 days 1 second' WHERE user_id = $1`,
      [old.user.id],
    );
    await t.http().get(api('/auth/me')).set('Cookie', old.cookie).expect(401);

    const out = await signedIn(t, 'sales');
    const refused = await t
      .http()
      .post(api('/auth/sign-out'))
      .set('Cookie', out.cookie)
      .expect(403);
    expect(refused.body.code).toBe('CSRF_TOKEN_MISSING');
    await t.http().get(api('/auth/me')).set('Cookie', out.cookie).expect(200);
    const done = await t
      .http()
      .post(api('/auth/sign-out'))
      .set('Cookie', out.cookie)
      .set('X-CSRF-Token', out.csrfToken)
      .expect(204);
    const [cleared] = done.headers['set-cookie'] as unknown as string[];
    expect(cleared).toMatch(/^hashbook_session=;/);
    await t.http().get(api('/auth/me')).set('Cookie', out.cookie).expect(401);
    // Signing out without a session is a no-op.
    await t.http().post(api('/auth/sign-out')).expect(204);
    const [{ n }] = await t.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM user_session WHERE user_id = $1',
      [out.user.id],
    );
    expect(n).toBe(0);
  });

  it('ends a disabled user’s sessions at once, and applies a role change at once', async () => {
    const person = await signedIn(t, 'sales');
    await t.http().get(api('/customers')).set('Cookie', person.cookie).expect(200);
    await t
      .http()
      .patch(api(`/users/${person.user.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ role: 'viewer' })
      .expect(200);
    await t
      .http()
      .post(api('/customers'))
      .set('Cookie', person.cookie)
      .set('X-CSRF-Token', person.csrfToken)
      .send({ name: unique('Demoted Mining'), segment: 'public_miner', country: 'US' })
      .expect(403);
    await t
      .http()
      .patch(api(`/users/${person.user.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ status: 'disabled' })
      .expect(200);
    await t.http().get(api('/customers')).set('Cookie', person.cookie).expect(401);
    // Enabling them again does not bring the old session back.
    await t
      .http()
      .patch(api(`/users/${person.user.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ status: 'active' })
      .expect(200);
    await t.http().get(api('/customers')).set('Cookie', person.cookie).expect(401);
  });

  it('changes the password: the current one is needed, other sessions end, this one goes on', async () => {
    const user = await createUser(t, 'finance');
    const here = await signIn(t, user);
    const elsewhere = await signIn(t, user);
    const wrong = await t
      .http()
      .post(api('/auth/change-password'))
      .set('Cookie', here.cookie)
      .set('X-CSRF-Token', here.csrfToken)
      .send({ currentPassword: 'not my password', newPassword: newPassword() })
      .expect(422);
    expect(wrong.body).toMatchObject({
      code: 'CURRENT_PASSWORD_WRONG',
      errors: [{ path: 'currentPassword', message: 'is wrong' }],
    });
    const weak = await t
      .http()
      .post(api('/auth/change-password'))
      .set('Cookie', here.cookie)
      .set('X-CSRF-Token', here.csrfToken)
      .send({ currentPassword: user.password, newPassword: user.email })
      .expect(400);
    expect(weak.body.errors).toEqual([
      { path: 'newPassword', message: 'must not be the email address' },
    ]);
    await t
      .http()
      .post(api('/auth/change-password'))
      .set('Cookie', here.cookie)
      .send({ currentPassword: user.password, newPassword: newPassword() })
      .expect(403);

    const password = newPassword();
    const changed = await t
      .http()
      .post(api('/auth/change-password'))
      .set('Cookie', here.cookie)
      .set('X-CSRF-Token', here.csrfToken)
      .send({ currentPassword: user.password, newPassword: password })
      .expect(200);
    expect(changed.body).toEqual({
      user: expect.objectContaining({ id: user.id }),
      csrfToken: here.csrfToken,
    });
    await t.http().get(api('/auth/me')).set('Cookie', here.cookie).expect(200);
    await t.http().get(api('/auth/me')).set('Cookie', elsewhere.cookie).expect(401);
    await t
      .http()
      .post(api('/auth/sign-in'))
      .send({ email: user.email, password: user.password })
      .expect(401);
    await signIn(t, { email: user.email, password });
  });

  it('moves last_seen_at at most once a minute, not on every request', async () => {
    const person = await signedIn(t, 'viewer');
    const lastSeen = async () =>
      (
        await t.sql<{ last_seen_at: Date }>(
          'SELECT last_seen_at FROM user_session WHERE user_id = $1',
          [person.user.id],
        )
      )[0].last_seen_at.getTime();
    await t.sql(
      `UPDATE user_session SET last_seen_at = now() - interval '30 seconds' WHERE user_id = $1`,
      [person.user.id],
    );
    const recent = await lastSeen();
    await t.http().get(api('/auth/me')).set('Cookie', person.cookie).expect(200);
    expect(await lastSeen()).toBe(recent);
    await t.sql(
      `UPDATE user_session SET last_seen_at = now() - interval '61 seconds' WHERE user_id = $1`,
      [person.user.id],
    );
    const stale = await lastSeen();
    await t.http().get(api('/auth/me')).set('Cookie', person.cookie).expect(200);
    expect(await lastSeen()).toBeGreaterThan(stale + 60_000);
  });

  it('scopes an Idempotency-Key to the person', async () => {
    const a = await signedIn(t, 'sales');
    const b = await signedIn(t, 'sales');
    const send = (who: typeof a, name: string) =>
      t
        .http()
        .post(api('/customers'))
        .set('Cookie', who.cookie)
        .set('X-CSRF-Token', who.csrfToken)
        .set('Idempotency-Key', 'same-key')
        .send({ name, segment: 'public_miner', country: 'US' });
    const first = await send(a, unique('Scoped A')).expect(201);
    const replay = await send(a, first.body.name).expect(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body.id).toBe(first.body.id);
    const theirs = await send(b, unique('Scoped B')).expect(201);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('tells the sign-in page that single sign-on is not configured', async () => {
    await t.http().get(api('/auth/config')).expect(200, { sso: false, ssoStartUrl: null });
    const start = await t.http().get(api('/auth/oidc/start')).expect(404);
    expect(start.body.code).toBe('SSO_NOT_CONFIGURED');
  });

  it('lists the people routes in the OpenAPI document, the sign-in ones open to anyone', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
      components: { securitySchemes: Record<string, object> };
      security: object[];
    };
    const routes = [
      ['post', '/api/v1/users'],
      ['get', '/api/v1/users'],
      ['get', '/api/v1/users/{id}'],
      ['patch', '/api/v1/users/{id}'],
      ['post', '/api/v1/users/{id}/setup-token'],
      ['get', '/api/v1/auth/config'],
      ['post', '/api/v1/auth/sign-in'],
      ['get', '/api/v1/auth/me'],
      ['post', '/api/v1/auth/sign-out'],
      ['post', '/api/v1/auth/change-password'],
      ['post', '/api/v1/auth/set-password'],
      ['get', '/api/v1/auth/oidc/start'],
      ['get', '/api/v1/auth/oidc/callback'],
    ];
    for (const [method, path] of routes) expect(doc.paths[path]?.[method]).toBeDefined();
    for (const [method, path] of [
      ['get', '/api/v1/auth/config'],
      ['post', '/api/v1/auth/sign-in'],
      ['post', '/api/v1/auth/set-password'],
      ['get', '/api/v1/auth/oidc/callback'],
    ]) {
      expect(doc.paths[path][method].security).toEqual([]);
    }
    expect(doc.paths['/api/v1/auth/me'].get.security).toBeUndefined();
    expect(doc.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'hashbook_session',
    });
    expect(doc.security).toEqual(expect.arrayContaining([{ session: [] }]));
    expect(JSON.stringify(doc)).not.toContain('x-hashbook-public');
  });
});
