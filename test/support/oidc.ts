import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Response } from 'supertest';
import type { TestApp } from './test-app';

/** What the test Hashbook is configured with, and the provider registers as its client. */
export const SSO_PUBLIC_URL = 'http://hashbook.test';
export const SSO_CLIENT = {
  id: 'hashbook-test',
  secret: 'oidc-client-secret-for-tests-only',
  redirectUri: `${SSO_PUBLIC_URL}/api/v1/auth/oidc/callback`,
};

export interface ProviderAccount {
  email?: string;
  email_verified?: boolean;
  name?: string;
}

export interface TestProvider {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts the OpenID provider of test/support/oidc-provider.mjs with these accounts. */
export async function startProvider(
  accounts: Record<string, ProviderAccount>,
): Promise<TestProvider> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'oidc-provider.mjs')], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      OIDC_TEST_CONFIG: JSON.stringify({ client: SSO_CLIENT, accounts }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const issuer = await new Promise<string>((ready, fail) => {
    // A child Node process on a shared 2-core machine under a full test run: give it time.
    const timer = setTimeout(
      () => fail(new Error(`The provider did not start:\n${output}`)),
      45_000,
    );
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split('\n').find((l) => l.startsWith('{"issuer"'));
      if (line) {
        clearTimeout(timer);
        ready((JSON.parse(line) as { issuer: string }).issuer);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`The provider exited (${code}):\n${output}`));
    });
  });
  return {
    issuer,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** The browser's cookies at the provider, by name. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(response: globalThis.Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at);
      const value = pair.slice(at + 1);
      if (value) this.cookies.set(name, value);
      else this.cookies.delete(name);
    }
  }

  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/**
 * What a browser does at the provider: follows the authorisation URL, signs in as `login` on its
 * form, and ends at Hashbook's redirect URI, which is returned (with code, state and iss).
 */
export async function authorizeAt(authorizationUrl: string, login: string): Promise<URL> {
  const jar = new CookieJar();
  let next = authorizationUrl;
  let post: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(next, {
      method: post ? 'POST' : 'GET',
      body: post,
      headers: { cookie: jar.header() },
      redirect: 'manual',
    });
    jar.take(res);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location')!, next);
      if (location.href.startsWith(SSO_CLIENT.redirectUri)) return location;
      next = location.href;
      post = undefined;
      continue;
    }
    if (res.status === 200 && !post && new URL(next).pathname.startsWith('/interaction/')) {
      next = `${next}/login`;
      post = new URLSearchParams({ login });
      continue;
    }
    throw new Error(`The provider answered ${res.status} at ${next}: ${await res.text()}`);
  }
  throw new Error('Too many steps at the provider');
}

/** The value of a cookie a response set. */
export function cookieOf(res: Response, name: string): string | undefined {
  const lines = (res.headers['set-cookie'] as unknown as string[] | undefined) ?? [];
  const line = lines.find((c) => c.startsWith(`${name}=`));
  return line?.split(';')[0].slice(name.length + 1) || undefined;
}

/**
 * Single sign-on from start to callback as `login`: the start's redirect, the provider's pages,
 * and the callback with the flow cookie; the callback's response is returned.
 */
export async function signInWithSso(
  t: TestApp,
  login: string,
  options: { finishOn?: TestApp; tamper?: (callback: URL) => void } = {},
): Promise<{ start: Response; callback: Response; back: URL }> {
  const start = await t.http().get('/api/v1/auth/oidc/start');
  if (start.status !== 302) {
    throw new Error(`oidc/start → ${start.status}: ${JSON.stringify(start.body)}`);
  }
  const back = await authorizeAt(start.headers.location, login);
  options.tamper?.(back);
  const callback = await (options.finishOn ?? t)
    .http()
    .get(`${back.pathname}${back.search}`)
    .set('Cookie', `hashbook_oidc=${cookieOf(start, 'hashbook_oidc')}`);
  return { start, callback, back };
}
