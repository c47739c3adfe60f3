import { createUser, uniqueEmail } from '../support/people';
import {
  cookieOf,
  signInWithSso,
  SSO_CLIENT,
  SSO_PUBLIC_URL,
  startProvider,
  TestProvider,
} from '../support/oidc';
import { createTestApp, TestApp } from '../support/test-app';

const api = (path: string) => `/api/v1${path}`;

// Against a real OpenID provider (oidc-provider) started by the test on a loopback port.
describe('single sign-on with OpenID Connect', () => {
  const mei = uniqueEmail('Mei.Lin');
  const stranger = uniqueEmail('stranger');
  const newcomer = uniqueEmail('newcomer');
  const unverified = uniqueEmail('unverified');
  const disabled = uniqueEmail('disabled');
  let provider: TestProvider;
  let t: TestApp;
  let creating: TestApp;
  let meiId: string;

  beforeAll(async () => {
    provider = await startProvider({
      mei: { email: mei.toUpperCase(), email_verified: true, name: 'Mei Lin' },
      stranger: { email: stranger, email_verified: true, name: 'A Stranger' },
      newcomer: { email: newcomer, email_verified: true, name: 'Nora Newcomer' },
      unverified: { email: unverified, email_verified: false },
      disabled: { email: disabled, email_verified: true },
    });
    const oidc = {
      issuer: provider.issuer,
      clientId: SSO_CLIENT.id,
      clientSecret: SSO_CLIENT.secret,
    };
    t = await createTestApp({ publicUrl: SSO_PUBLIC_URL, oidc });
    // A second instance on the same database, creating unknown people as viewers.
    creating = await createTestApp(
      { publicUrl: SSO_PUBLIC_URL, oidc: { ...oidc, autoCreateRole: 'viewer' } },
      t.databaseUrl,
    );
    meiId = (await createUser(t, 'sales', { email: mei, name: 'Mei Lin' })).id;
    const off = await createUser(t, 'sales', { email: disabled });
    await t
      .http()
      .patch(api(`/users/${off.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ status: 'disabled' })
      .expect(200);
    await createUser(t, 'finance', { email: unverified });
  });
  afterAll(async () => {
    await creating?.close();
    await t?.close();
    await provider?.stop();
  });

  it('tells the sign-in page that single sign-on is there', async () => {
    await t
      .http()
      .get(api('/auth/config'))
      .expect(200, { sso: true, ssoStartUrl: '/api/v1/auth/oidc/start' });
  });

  it('redirects to the provider with the code flow, PKCE, state and nonce, keeping the flow in a short-lived cookie', async () => {
    const start = await t.http().get(api('/auth/oidc/start')).expect(302);
    const url = new URL(start.headers.location);
    expect(url.origin).toBe(provider.issuer);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: SSO_CLIENT.id,
      response_type: 'code',
      redirect_uri: SSO_CLIENT.redirectUri,
      scope: 'openid email profile',
      code_challenge_method: 'S256',
    });
    expect(params.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.state).toEqual(expect.any(String));
    expect(params.nonce).toEqual(expect.any(String));
    const [cookie] = start.headers['set-cookie'] as unknown as string[];
    expect(cookie.split('; ')).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/api/v1/auth/oidc', 'Max-Age=600']),
    );
    // Only a hash of the flow cookie is kept, beside what the callback needs.
    const flow = cookieOf(start, 'hashbook_oidc')!;
    const rows = await t.sql<{ flow_hash: string; state: string }>(
      'SELECT flow_hash, state FROM oidc_login WHERE state = $1',
      [params.state],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].flow_hash).not.toContain(flow);
  });

  it('signs in the active user with the verified email of the ID token and redirects to the console', async () => {
    const { callback } = await signInWithSso(t, 'mei');
    expect(callback.status).toBe(302);
    expect(callback.headers.location).toBe('/');
    const session = cookieOf(callback, 'hashbook_session');
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookies = callback.headers['set-cookie'] as unknown as string[];
    expect(cookies.find((c) => c.startsWith('hashbook_session='))!.split('; ')).toEqual(
      expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/']),
    );
    // The flow cookie is cleared.
    expect(cookies.find((c) => c.startsWith('hashbook_oidc='))).toMatch(/^hashbook_oidc=;/);

    const me = await t
      .http()
      .get(api('/auth/me'))
      .set('Cookie', `hashbook_session=${session}`)
      .expect(200);
    expect(me.body.user).toMatchObject({ id: meiId, role: 'sales' });
    await t
      .http()
      .post(api('/customers'))
      .set('Cookie', `hashbook_session=${session}`)
      .set('X-CSRF-Token', me.body.csrfToken)
      .send({ name: `SSO Mining ${meiId}`, segment: 'public_miner', country: 'US' })
      .expect(201);
    const [audit] = await t.sql<{
      actor_type: string;
      user_id: string;
      changes: { after: object };
    }>(
      `SELECT actor_type, user_id, changes FROM audit_log
        WHERE entity_id = $1 AND action = 'signed_in' ORDER BY id DESC LIMIT 1`,
      [meiId],
    );
    expect(audit).toMatchObject({ actor_type: 'user', user_id: meiId });
    expect(audit.changes.after).toMatchObject({ method: 'sso' });
  });

  it('finishes on another instance a sign-on started on this one', async () => {
    const { callback } = await signInWithSso(t, 'mei', { finishOn: creating });
    expect(callback.status).toBe(302);
    await t
      .http()
      .get(api('/auth/me'))
      .set('Cookie', `hashbook_session=${cookieOf(callback, 'hashbook_session')}`)
      .expect(200);
  });

  it('refuses a callback whose state is not the flow’s, and the flow cannot be finished afterwards', async () => {
    let original: URL | undefined;
    const { start, callback } = await signInWithSso(t, 'mei', {
      tamper: (back) => {
        original = new URL(back);
        back.searchParams.set('state', 'forged-state');
      },
    });
    expect(callback.status).toBe(400);
    expect(callback.body.code).toBe('SSO_STATE_INVALID');
    expect(cookieOf(callback, 'hashbook_session')).toBeUndefined();
    // The real answer, replayed after the forged one, finds the flow used.
    const replay = await t
      .http()
      .get(`${original!.pathname}${original!.search}`)
      .set('Cookie', `hashbook_oidc=${cookieOf(start, 'hashbook_oidc')}`)
      .expect(400);
    expect(replay.body.code).toBe('SSO_STATE_INVALID');
    // Without the flow cookie (another browser), the provider's answer is refused too.
    const elsewhere = await signInWithSso(t, 'mei', {
      tamper: () => undefined,
    });
    expect(elsewhere.callback.status).toBe(302);
    await t.http().get(`${elsewhere.back.pathname}${elsewhere.back.search}`).expect(400);
  });

  it('refuses an email that is no active user with 403 NOT_A_USER, creating nobody', async () => {
    for (const login of ['stranger', 'disabled', 'unverified']) {
      const { callback } = await signInWithSso(t, login);
      expect({ login, status: callback.status, code: callback.body.code }).toEqual({
        login,
        status: 403,
        code: 'NOT_A_USER',
      });
      expect(cookieOf(callback, 'hashbook_session')).toBeUndefined();
    }
    const made = await t.sql('SELECT 1 FROM app_user WHERE lower(email) = lower($1)', [stranger]);
    expect(made).toEqual([]);
  });

  it('creates an unknown person with OIDC_AUTO_CREATE_ROLE, and signs them in', async () => {
    const { callback } = await signInWithSso(creating, 'newcomer');
    expect(callback.status).toBe(302);
    const session = `hashbook_session=${cookieOf(callback, 'hashbook_session')}`;
    const me = await creating.http().get(api('/auth/me')).set('Cookie', session).expect(200);
    expect(me.body.user).toMatchObject({
      email: newcomer,
      name: 'Nora Newcomer',
      role: 'viewer',
      status: 'active',
      passwordSet: false,
    });
    const [audit] = await t.sql<{ actor_type: string; actor_name: string }>(
      `SELECT actor_type, actor_name FROM audit_log WHERE entity_id = $1 AND action = 'created'`,
      [me.body.user.id],
    );
    expect(audit).toEqual({ actor_type: 'system', actor_name: 'single-sign-on' });
    // A second sign-on finds the user made by the first.
    const again = await signInWithSso(creating, 'newcomer');
    expect(again.callback.status).toBe(302);
    const [{ n }] = await t.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM app_user WHERE lower(email) = lower($1)',
      [newcomer],
    );
    expect(n).toBe(1);
    // Still no one without a verified email, and no disabled user is revived.
    expect((await signInWithSso(creating, 'unverified')).callback.status).toBe(403);
    expect((await signInWithSso(creating, 'disabled')).callback.status).toBe(403);
  });
});
