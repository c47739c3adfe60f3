import type { Browser } from 'playwright-core';
import { createUser } from '../support/people';
import {
  type ConsoleApp,
  launchBrowser,
  newPage,
  seriousViolations,
  signInThroughPage,
  signedInPage,
  startConsoleApp,
} from './support/browser';

// A browser, a real app and axe-core on a shared 2-core machine: more than the default minute.
jest.setTimeout(180_000);

describe('console: signing in', () => {
  let app: ConsoleApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('serves the console at / and deep links, and keeps the API problems under /api', async () => {
    const page = await newPage(browser);
    const deep = await page.goto(`${app.url}/orders/00000000-0000-0000-0000-000000000000`);
    expect(deep?.status()).toBe(200);
    expect(deep?.headers()['content-type']).toMatch(/^text\/html/);
    expect(deep?.headers()['content-security-policy']).toContain("script-src 'self'");
    // Not signed in: to sign-in, remembering the page.
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(new URL(page.url()).searchParams.get('next')).toBe(
      '/orders/00000000-0000-0000-0000-000000000000',
    );
    expect(await seriousViolations(page)).toEqual([]);
    const unknown = await page.request.get(`${app.url}/api/v1/nowhere`);
    expect(unknown.status()).toBe(404);
    expect((await unknown.json()).code).toBe('ROUTE_NOT_FOUND');
    await page.context().close();
  });

  it('signs in with a good password, shows the API message for a wrong one, and signs out', async () => {
    const user = await createUser(app, 'sales', { name: 'Mei Lin' });
    const page = await newPage(browser);
    await signInThroughPage(page, app, { email: user.email, password: 'not-the-password-1' });
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/password is wrong/i);
    expect(new URL(page.url()).pathname).toBe('/sign-in');

    await page.getByLabel(/^Password/).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await expect(page.getByText('Mei Lin').isVisible()).resolves.toBe(true);
    await expect(page.getByLabel('Role sales').isVisible()).resolves.toBe(true);
    // Sales sees no admin page.
    await expect(page.getByRole('link', { name: 'Admin' }).count()).resolves.toBe(0);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    const me = await page.request.get(`${app.url}/api/v1/auth/me`);
    expect(me.status()).toBe(401);
    await page.context().close();
  });

  it('shows the throttling message after five wrong passwords, even with the right one', async () => {
    const user = await createUser(app, 'finance');
    const page = await newPage(browser);
    await page.goto(`${app.url}/sign-in`);
    for (let attempt = 1; attempt <= 5; attempt++) {
      await page.getByLabel('Email').fill(user.email);
      await page.getByLabel(/^Password/).fill(`wrong-password-${attempt}`);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page
        .getByRole('alert')
        .filter({ hasText: /password is wrong/i })
        .waitFor();
    }
    await page.getByLabel(/^Password/).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: /too many/i })
      .waitFor();
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await page.context().close();
  });

  it('sends a person whose session ended to sign-in, then back to where they were', async () => {
    const { page, user } = await signedInPage(browser, app, 'viewer');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await app.sql('DELETE FROM user_session');
    // The next request of the page finds no session.
    await page.getByRole('combobox', { name: 'Region' }).click();
    await page.getByRole('option', { name: 'EMEA' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    const next = new URL(page.url()).searchParams.get('next');
    expect(next).toBe('/customers?region=EMEA');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel(/^Password/).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(
      '/customers?region=EMEA',
    );
    await page.context().close();
  });
});

describe('console: signing in with single sign-on configured', () => {
  let app: ConsoleApp;
  let browser: Browser;

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startConsoleApp({
        oidc: { issuer: 'http://127.0.0.1:9/issuer', clientId: 'hashbook', clientSecret: 'secret' },
      }),
      launchBrowser(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('offers Sign in with SSO, leading to the API’s start of the flow', async () => {
    const page = await newPage(browser);
    await page.goto(`${app.url}/sign-in`);
    const sso = page.getByRole('link', { name: 'Sign in with SSO' });
    await sso.waitFor();
    expect(await sso.getAttribute('href')).toBe('/api/v1/auth/oidc/start');
    await page.context().close();
  });
});
