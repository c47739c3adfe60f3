import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import type { Role } from '../../src/common/request-context';
import type { TestApp } from './test-app';

export interface TestUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  password: string;
}

/** A signed-in browser: its cookie header and the CSRF token to send on writes. */
export interface Browser {
  user: { id: string; email: string; role: Role };
  cookie: string;
  csrfToken: string;
}

export const uniqueEmail = (prefix = 'person') =>
  `${prefix}.${randomBytes(4).toString('hex')}@hashbook.example`;

export const newPassword = () => `pw-${randomBytes(12).toString('base64url')}`;

/** A user of the role with a password, made by the admin key over the API. */
export async function createUser(
  t: TestApp,
  role: Role,
  overrides: { email?: string; name?: string; password?: string } = {},
): Promise<TestUser> {
  const email = overrides.email ?? uniqueEmail(role);
  const password = overrides.password ?? newPassword();
  const name = overrides.name ?? `Test ${role}`;
  const res = await t
    .http()
    .post('/api/v1/users')
    .set('X-API-Key', t.adminKey)
    .send({ email, name, role, password });
  if (res.status !== 201) {
    throw new Error(`POST /users → ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return { id: res.body.id, email, name, role, password };
}

/** The value of the session cookie a response set, or undefined. */
export function sessionCookieOf(res: Response): string | undefined {
  const header = res.headers['set-cookie'] as unknown as string[] | undefined;
  const line = header?.find((c) => c.startsWith('hashbook_session='));
  const value = line?.split(';')[0].slice('hashbook_session='.length);
  return value ? value : undefined;
}

/** Signs in over the API and returns the browser's cookie and CSRF token. */
export async function signIn(
  t: TestApp,
  user: { email: string; password: string },
): Promise<Browser> {
  const res = await t
    .http()
    .post('/api/v1/auth/sign-in')
    .send({ email: user.email, password: user.password });
  if (res.status !== 200) {
    throw new Error(`sign-in → ${res.status}: ${JSON.stringify(res.body)}`);
  }
  return {
    user: res.body.user,
    cookie: `hashbook_session=${sessionCookieOf(res)}`,
    csrfToken: res.body.csrfToken,
  };
}

/** A user of the role, signed in. */
export async function signedIn(t: TestApp, role: Role): Promise<Browser & { password: string }> {
  const user = await createUser(t, role);
  return { ...(await signIn(t, user)), password: user.password };
}
