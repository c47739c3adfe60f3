import { createTestApp, TestApp } from '../support/test-app';
import { createUser, newPassword, signIn, signedIn, uniqueEmail } from '../support/people';

const api = (path: string) => `/api/v1${path}`;

describe('users', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, key = t.adminKey) =>
    t.http().post(api(path)).set('X-API-Key', key).send(body);

  it('creates a user with a password: never returned, stored as an argon2id hash', async () => {
    const email = uniqueEmail('Mei.Lin');
    const password = newPassword();
    const res = await post('/users', { email, name: 'Mei Lin', role: 'sales', password }).expect(
      201,
    );
    expect(res.body).toEqual({
      id: expect.any(String),
      email,
      name: 'Mei Lin',
      role: 'sales',
      status: 'active',
      passwordSet: true,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify(res.body)).not.toContain(password);
    const [row] = await t.sql<{ password_hash: string }>(
      'SELECT password_hash FROM app_user WHERE id = $1',
      [res.body.id],
    );
    expect(row.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row.password_hash).not.toContain(password);
    const read = await t
      .http()
      .get(api(`/users/${res.body.id}`))
      .set('X-API-Key', t.adminKey);
    expect(read.body).toEqual(res.body);
    expect(read.headers.etag).toBe('"1"');
  });

  it('creates a user without a password with a one-time setup token valid 72 hours', async () => {
    const email = uniqueEmail();
    const before = Date.now();
    const res = await post('/users', { email, name: 'Kenji Sato', role: 'operations' }).expect(201);
    expect(res.body).toMatchObject({ email, passwordSet: false });
    expect(res.body.setupToken).toMatch(/^hbs_[A-Za-z0-9_-]{43}$/);
    const expires = Date.parse(res.body.setupTokenExpiresAt);
    expect(expires - before).toBeGreaterThan(72 * 3600_000 - 60_000);
    expect(expires - before).toBeLessThan(72 * 3600_000 + 60_000);
    const tokens = await t.sql<{ token_hash: string }>(
      'SELECT token_hash FROM user_setup_token WHERE user_id = $1',
      [res.body.id],
    );
    expect(tokens).toHaveLength(1);
    expect(tokens[0].token_hash).not.toContain(res.body.setupToken);
    // The token is not shown again.
    const read = await t
      .http()
      .get(api(`/users/${res.body.id}`))
      .set('X-API-Key', t.adminKey);
    expect(read.body.setupToken).toBeUndefined();

    // Before a password is set, nothing signs the person in.
    await t
      .http()
      .post(api('/auth/sign-in'))
      .send({ email, password: 'anything long enough' })
      .expect(401);

    const password = newPassword();
    await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token: res.body.setupToken, password })
      .expect(204);
    const session = await signIn(t, { email, password });
    expect(session.user).toMatchObject({ id: res.body.id, passwordSet: true, role: 'operations' });

    // Used once.
    const again = await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token: res.body.setupToken, password: newPassword() })
      .expect(401);
    expect(again.body.code).toBe('INVALID_SETUP_TOKEN');
    await signIn(t, { email, password });
  });

  it('refuses a weak password at set-password without using the token up, and an expired token', async () => {
    const email = uniqueEmail();
    const created = await post('/users', { email, name: 'Amara Osei', role: 'finance' }).expect(
      201,
    );
    const token = created.body.setupToken as string;
    const short = await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token, password: 'short' })
      .expect(400);
    expect(short.body.errors).toEqual([
      { path: 'password', message: 'must be at least 12 characters' },
    ]);
    const asEmail = await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token, password: email.toUpperCase() })
      .expect(400);
    expect(asEmail.body.errors).toEqual([
      { path: 'password', message: 'must not be the email address' },
    ]);
    const missing = await t.http().post(api('/auth/set-password')).send({ token }).expect(400);
    expect(new Set(missing.body.errors.map((e: { path: string }) => e.path))).toEqual(
      new Set(['password']),
    );

    await t.sql(
      `UPDATE user_setup_token SET expires_at = now() - interval '1 second' WHERE user_id = $1`,
      [created.body.id],
    );
    const expired = await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token, password: newPassword() })
      .expect(401);
    expect(expired.body.code).toBe('INVALID_SETUP_TOKEN');
    const unknown = await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token: 'hbs_nothing', password: newPassword() })
      .expect(401);
    expect(unknown.body.code).toBe('INVALID_SETUP_TOKEN');
  });

  it('issues a new setup token that replaces the old ones, also to reset a forgotten password', async () => {
    const user = await createUser(t, 'sales');
    const first = await post(`/users/${user.id}/setup-token`, {}).expect(201);
    const second = await post(`/users/${user.id}/setup-token`, {}).expect(201);
    expect(second.body.setupToken).not.toBe(first.body.setupToken);
    const session = await signIn(t, user);
    await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token: first.body.setupToken, password: newPassword() })
      .expect(401);
    const password = newPassword();
    await t
      .http()
      .post(api('/auth/set-password'))
      .send({ token: second.body.setupToken, password })
      .expect(204);
    // A reset ends every session of the person; the old password no longer works.
    await t.http().get(api('/auth/me')).set('Cookie', session.cookie).expect(401);
    await t
      .http()
      .post(api('/auth/sign-in'))
      .send({ email: user.email, password: user.password })
      .expect(401);
    await signIn(t, { email: user.email, password });

    await post(`/users/00000000-0000-4000-8000-000000000000/setup-token`, {}).expect(404);
    const disabled = await createUser(t, 'viewer');
    await t
      .http()
      .patch(api(`/users/${disabled.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ status: 'disabled' })
      .expect(200);
    const refused = await post(`/users/${disabled.id}/setup-token`, {}).expect(409);
    expect(refused.body.code).toBe('INVALID_STATE');
  });

  it('keeps emails unique ignoring case', async () => {
    const email = uniqueEmail('Priya.Nair');
    await post('/users', { email, name: 'Priya Nair', role: 'sales' }).expect(201);
    const clash = await post('/users', {
      email: ` ${email.toUpperCase()} `,
      name: 'Another Priya',
      role: 'viewer',
    }).expect(409);
    expect(clash.body.code).toBe('DUPLICATE');
  });

  it('refuses invalid users with 400 and field paths, echoing no password', async () => {
    const password = 'tiny-secret';
    const res = await post('/users', {
      email: 'not-an-email',
      name: '  ',
      role: 'boss',
      password,
      colour: 'red',
    }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(new Set(res.body.errors.map((e: { path: string }) => e.path))).toEqual(
      new Set(['colour', 'email', 'name', 'role']),
    );
    const weak = await post('/users', {
      email: uniqueEmail(),
      name: 'Weak',
      role: 'viewer',
      password,
    }).expect(400);
    expect(weak.body.errors).toEqual([
      { path: 'password', message: 'must be at least 12 characters' },
    ]);
    expect(JSON.stringify([res.body, weak.body])).not.toContain(password);
    const email = uniqueEmail();
    const same = await post('/users', { email, name: 'Same', role: 'viewer', password: email });
    expect(same.status).toBe(400);
    expect(same.body.errors).toEqual([
      { path: 'password', message: 'must not be the email address' },
    ]);
  });

  it('lists users in pages, filtered by role, status and text', async () => {
    const marker = uniqueEmail('pager').split('@')[0];
    for (let i = 0; i < 3; i++) {
      await post('/users', {
        email: `${marker}.${i}@hashbook.example`,
        name: `Pager ${i}`,
        role: 'finance',
      }).expect(201);
    }
    const first = await t
      .http()
      .get(api(`/users?q=${marker}&limit=2`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(first.body.items.map((u: { name: string }) => u.name)).toEqual(['Pager 0', 'Pager 1']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t
      .http()
      .get(api(`/users?q=${marker}&limit=2&cursor=${first.body.nextCursor}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(second.body).toEqual({
      items: [expect.objectContaining({ name: 'Pager 2' })],
      nextCursor: null,
    });
    const finance = await t
      .http()
      .get(api('/users?role=finance&status=active&limit=500'))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(finance.body.items.every((u: { role: string }) => u.role === 'finance')).toBe(true);
    await t
      .http()
      .get(api('/users/00000000-0000-4000-8000-000000000000'))
      .set('X-API-Key', t.adminKey)
      .expect(404);
  });

  it('changes name, role and status with If-Match; users are never deleted', async () => {
    const user = await createUser(t, 'viewer');
    const changed = await t
      .http()
      .patch(api(`/users/${user.id}`))
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ name: 'Sofia Rossi', role: 'sales' })
      .expect(200);
    expect(changed.body).toMatchObject({ name: 'Sofia Rossi', role: 'sales', version: 2 });
    const stale = await t
      .http()
      .patch(api(`/users/${user.id}`))
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ status: 'disabled' })
      .expect(412);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    await t
      .http()
      .patch(api(`/users/${user.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ email: 'new@hashbook.example' })
      .expect(400);
    await t
      .http()
      .delete(api(`/users/${user.id}`))
      .set('X-API-Key', t.adminKey)
      .expect(404);
    const audit = await t.sql<{ action: string; changes: unknown }>(
      `SELECT action, changes FROM audit_log WHERE entity_type = 'user' AND entity_id = $1 ORDER BY id`,
      [user.id],
    );
    expect(audit).toEqual([
      {
        action: 'created',
        changes: { before: null, after: expect.objectContaining({ role: 'viewer' }) },
      },
      {
        action: 'updated',
        changes: {
          before: { name: 'Test viewer', role: 'viewer' },
          after: { name: 'Sofia Rossi', role: 'sales' },
        },
      },
    ]);
  });

  it('lets only admins, by key or session, manage users', async () => {
    const salesKey = await t.keyFor('sales');
    await t.http().get(api('/users')).set('X-API-Key', salesKey).expect(403);
    const sales = await signedIn(t, 'sales');
    await t.http().get(api('/users')).set('Cookie', sales.cookie).expect(403);
    const refused = await t
      .http()
      .post(api('/users'))
      .set('Cookie', sales.cookie)
      .set('X-CSRF-Token', sales.csrfToken)
      .send({ email: uniqueEmail(), name: 'Nope', role: 'admin' })
      .expect(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    await t.http().get(api('/users')).expect(401);

    const admin = await signedIn(t, 'admin');
    const made = await t
      .http()
      .post(api('/users'))
      .set('Cookie', admin.cookie)
      .set('X-CSRF-Token', admin.csrfToken)
      .send({ email: uniqueEmail(), name: 'Made by a person', role: 'viewer' })
      .expect(201);
    const [audit] = await t.sql<{ actor_type: string; user_id: string; api_key_id: string | null }>(
      `SELECT actor_type, user_id, api_key_id FROM audit_log WHERE entity_id = $1 AND action = 'created'`,
      [made.body.id],
    );
    expect(audit).toEqual({ actor_type: 'user', user_id: admin.user.id, api_key_id: null });
  });

  it('refuses an admin disabling themself (409), while another admin may', async () => {
    const admin = await signedIn(t, 'admin');
    const self = await t
      .http()
      .patch(api(`/users/${admin.user.id}`))
      .set('Cookie', admin.cookie)
      .set('X-CSRF-Token', admin.csrfToken)
      .send({ status: 'disabled' })
      .expect(409);
    expect(self.body.code).toBe('CANNOT_DISABLE_SELF');
    await t.http().get(api('/auth/me')).set('Cookie', admin.cookie).expect(200);
    // Renaming oneself is fine.
    await t
      .http()
      .patch(api(`/users/${admin.user.id}`))
      .set('Cookie', admin.cookie)
      .set('X-CSRF-Token', admin.csrfToken)
      .send({ name: 'Ada Admin' })
      .expect(200);

    const other = await signedIn(t, 'admin');
    await t
      .http()
      .patch(api(`/users/${admin.user.id}`))
      .set('Cookie', other.cookie)
      .set('X-CSRF-Token', other.csrfToken)
      .send({ status: 'disabled' })
      .expect(200);
    await t.http().get(api('/auth/me')).set('Cookie', admin.cookie).expect(401);
  });
});
