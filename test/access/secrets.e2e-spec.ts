import { Writable } from 'node:stream';
import type { Response } from 'supertest';
import { createLogger } from '../../src/common/logger';
import { newPassword, sessionCookieOf, uniqueEmail } from '../support/people';
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

// Every secret a run of sign-ins, password changes, setup tokens and single sign-on handles is
// collected, and none may be found in the log (at its most verbose), the audit log, the change
// feed or an error response.
describe('secrets stay out of logs, the audit log, events and error responses', () => {
  const log: string[] = [];
  const secrets = new Map<string, string>();
  const errors: Response[] = [];
  const keep = (what: string, value: string | undefined) => {
    if (!value) throw new Error(`No ${what} to keep`);
    secrets.set(what, value);
  };
  let provider: TestProvider;
  let t: TestApp;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        log.push(chunk.toString());
        done();
      },
    });
    const ssoEmail = uniqueEmail('sso');
    provider = await startProvider({
      sso: { email: ssoEmail, email_verified: true, name: 'Single Sign-On' },
    });
    t = await createTestApp(
      {
        publicUrl: SSO_PUBLIC_URL,
        oidc: {
          issuer: provider.issuer,
          clientId: SSO_CLIENT.id,
          clientSecret: SSO_CLIENT.secret,
          autoCreateRole: 'sales',
        },
      },
      undefined,
      createLogger('trace', sink),
    );
    keep('client secret', SSO_CLIENT.secret);
  });
  afterAll(async () => {
    await t?.close();
    await provider?.stop();
  });

  const send = async (request: Promise<Response>, status: number) => {
    const res = await request;
    expect(res.status).toBe(status);
    if (status >= 400) errors.push(res);
    return res;
  };

  it('runs sign-ins, setup tokens, password changes and single sign-on', async () => {
    // A person made without a password redeems a setup token.
    const email = uniqueEmail('secretive');
    const created = await send(
      t
        .http()
        .post(api('/users'))
        .set('X-API-Key', t.adminKey)
        .send({ email, name: 'Secretive', role: 'sales' }),
      201,
    );
    keep('setup token', created.body.setupToken);
    keep('first password', newPassword());
    await send(
      t
        .http()
        .post(api('/auth/set-password'))
        .send({ token: 'hbs_wrong-token-for-the-log', password: secrets.get('first password') }),
      401,
    );
    keep('weak password', 'weak-pass');
    await send(
      t
        .http()
        .post(api('/auth/set-password'))
        .send({ token: created.body.setupToken, password: secrets.get('weak password') }),
      400,
    );
    await send(
      t
        .http()
        .post(api('/auth/set-password'))
        .send({ token: created.body.setupToken, password: secrets.get('first password') }),
      204,
    );

    // Sign-ins, right and wrong.
    keep('wrong password', newPassword());
    await send(
      t
        .http()
        .post(api('/auth/sign-in'))
        .send({ email, password: secrets.get('wrong password') }),
      401,
    );
    const signedIn = await send(
      t
        .http()
        .post(api('/auth/sign-in'))
        .send({ email, password: secrets.get('first password') }),
      200,
    );
    keep('session token', sessionCookieOf(signedIn));
    keep('CSRF token', signedIn.body.csrfToken);
    const cookie = `hashbook_session=${secrets.get('session token')}`;
    await send(
      t
        .http()
        .post(api('/customers'))
        .set('Cookie', cookie)
        .send({ name: 'No token', segment: 'public_miner', country: 'US' }),
      403,
    );
    await send(
      t
        .http()
        .post(api('/customers'))
        .set('Cookie', cookie)
        .set('X-CSRF-Token', secrets.get('CSRF token')!)
        .send({ name: `Secretive Mining ${email}`, segment: 'public_miner', country: 'US' }),
      201,
    );

    // Password changes, wrong and right.
    keep('second password', newPassword());
    await send(
      t
        .http()
        .post(api('/auth/change-password'))
        .set('Cookie', cookie)
        .set('X-CSRF-Token', secrets.get('CSRF token')!)
        .send({
          currentPassword: secrets.get('wrong password'),
          newPassword: secrets.get('second password'),
        }),
      422,
    );
    await send(
      t
        .http()
        .post(api('/auth/change-password'))
        .set('Cookie', cookie)
        .set('X-CSRF-Token', secrets.get('CSRF token')!)
        .send({
          currentPassword: secrets.get('first password'),
          newPassword: secrets.get('second password'),
        }),
      200,
    );

    // A reset with a new setup token, and a user made with a password.
    const reset = await send(
      t
        .http()
        .post(api(`/users/${created.body.id}/setup-token`))
        .set('X-API-Key', t.adminKey),
      201,
    );
    keep('second setup token', reset.body.setupToken);
    keep('third password', newPassword());
    await send(
      t
        .http()
        .post(api('/auth/set-password'))
        .send({ token: reset.body.setupToken, password: secrets.get('third password') }),
      204,
    );
    keep('given password', newPassword());
    await send(
      t
        .http()
        .post(api('/users'))
        .set('X-API-Key', t.adminKey)
        .send({
          email: uniqueEmail(),
          name: 'Given',
          role: 'viewer',
          password: secrets.get('given password'),
        }),
      201,
    );
    await send(
      t
        .http()
        .post(api('/users'))
        .set('X-API-Key', t.adminKey)
        .send({
          email: 'broken',
          name: 'Broken',
          role: 'viewer',
          password: secrets.get('given password'),
        }),
      400,
    );

    // Single sign-on, and one with a forged state.
    const sso = await signInWithSso(t, 'sso');
    expect(sso.callback.status).toBe(302);
    keep('authorisation code', sso.back.searchParams.get('code')!);
    keep('state', sso.back.searchParams.get('state')!);
    keep('flow cookie', cookieOf(sso.start, 'hashbook_oidc'));
    keep('SSO session token', cookieOf(sso.callback, 'hashbook_session'));
    const forged = await signInWithSso(t, 'sso', {
      tamper: (back) => back.searchParams.set('state', 'forged'),
    });
    expect(forged.callback.status).toBe(400);
    errors.push(forged.callback);
    keep('forged flow code', forged.back.searchParams.get('code')!);
    const me = await send(
      t
        .http()
        .get(api('/auth/me'))
        .set('Cookie', `hashbook_session=${secrets.get('SSO session token')}`),
      200,
    );
    keep('SSO CSRF token', me.body.csrfToken);
    await send(
      t
        .http()
        .post(api('/auth/sign-out'))
        .set('Cookie', `hashbook_session=${secrets.get('SSO session token')}`)
        .set('X-CSRF-Token', me.body.csrfToken),
      204,
    );
    await send(
      t
        .http()
        .get(api('/auth/me'))
        .set('Cookie', `hashbook_session=${secrets.get('SSO session token')}`),
      401,
    );
  });

  it('finds none of them in the log, the audit log, the events or an error response', async () => {
    const logged = log.join('');
    // The log did record the run.
    expect(logged).toContain('/api/v1/auth/sign-in');
    expect(logged).toContain('/api/v1/auth/oidc/callback?code=[redacted]&state=[redacted]');
    const [{ audit }] = await t.sql<{ audit: string }>(
      `SELECT COALESCE(string_agg(row_to_json(a)::text, ''), '') AS audit FROM audit_log a`,
    );
    const [{ events }] = await t.sql<{ events: string }>(
      `SELECT COALESCE(string_agg(row_to_json(e)::text, ''), '') AS events FROM event e`,
    );
    expect(audit).toContain('signed_in');
    expect(audit).toContain('password_changed');
    const answers = errors.map((res) => JSON.stringify({ body: res.body, headers: res.headers }));
    expect(answers).toHaveLength(8);
    const found: string[] = [];
    for (const [what, value] of secrets) {
      if (logged.includes(value)) found.push(`${what} in the log`);
      if (audit.includes(value)) found.push(`${what} in the audit log`);
      if (events.includes(value)) found.push(`${what} in the events`);
      if (answers.some((a) => a.includes(value))) found.push(`${what} in an error response`);
    }
    expect(found).toEqual([]);
    expect(secrets.size).toBe(17);
  });
});
