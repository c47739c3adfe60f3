import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Role } from '../../../src/common/request-context';
import type { AppConfig } from '../../../src/config/config';
import { createUser, type TestUser } from '../../support/people';
import { createTestApp, type TestApp } from '../../support/test-app';
import { launchChromium } from './chromium';

export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'docs', 'screenshots');

/** The app listening on a loopback port, and its address. */
export interface ConsoleApp extends TestApp {
  url: string;
}

export async function startConsoleApp(overrides: Partial<AppConfig> = {}): Promise<ConsoleApp> {
  const t = await createTestApp(overrides);
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const address = t.app.getHttpServer().address() as { port: number };
  return Object.assign(t, { url: `http://127.0.0.1:${address.port}` });
}

export async function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** A new page of its own (own cookies), at a laptop's size. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    timezoneId: 'UTC',
  });
  return context.newPage();
}

export async function signInThroughPage(
  page: Page,
  app: ConsoleApp,
  user: { email: string; password: string },
  path = '/sign-in',
): Promise<void> {
  await page.goto(`${app.url}${path}`);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

/** A person of the role, signed in on a fresh page, on the dashboard. */
export async function signedInPage(
  browser: Browser,
  app: ConsoleApp,
  role: Role,
): Promise<{ page: Page; user: TestUser }> {
  const user = await createUser(app, role);
  const page = await newPage(browser);
  await signInThroughPage(page, app, user);
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  return { page, user };
}

/** The text of a headline figure (a group labelled by its name). */
export async function figure(page: Page, label: string): Promise<string> {
  const group = page.getByRole('group', { name: label, exact: true });
  const value = group.locator(`[data-figure="${label}"]`);
  await value.waitFor();
  return (await value.textContent())?.trim() ?? '';
}

/** Serious and critical axe-core violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .map((n) => `${n.target.join(' ')} ${n.any[0]?.message ?? ''}`)
          .slice(0, 3)
          .join(' | ')}`,
    );
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** `$1,234,567.00` as the console shows a money string of the API. */
export function money(value: string): string {
  const [whole, cents] = value.replace('-', '').split('.');
  return `${value.startsWith('-') ? '-' : ''}$${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${cents}`;
}

export const units = (n: number) => n.toLocaleString('en-US');
