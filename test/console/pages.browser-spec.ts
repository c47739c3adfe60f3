import type { Browser, Page } from 'playwright-core';
import { createLogger } from '../../src/common/logger';
import { seedDemoIfEmpty } from '../../src/demo/seed';
import {
  type ConsoleApp,
  figure,
  launchBrowser,
  screenshot,
  seriousViolations,
  signedInPage,
  startConsoleApp,
} from './support/browser';

/**
 * Every page on the demo book, as an admin sees it: no serious or critical axe-core violation,
 * and the screenshots the README shows.
 */
// A browser, a real app and axe-core on a shared 2-core machine: more than the default minute.
jest.setTimeout(180_000);

describe('console: every page on the demo book', () => {
  let app: ConsoleApp;
  let browser: Browser;
  let page: Page;
  let coreScientific: { id: string; number: string };

  const api = async (path: string, query: Record<string, string | number> = {}) => {
    const res = await app.http().get(`/api/v1${path}`).query(query).set('X-API-Key', app.adminKey);
    if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
    return res.body;
  };
  const accessible = async (heading: string | RegExp) => {
    await page.getByRole('heading', { name: heading }).first().waitFor();
    await page.locator('[aria-label="Loading"]').first().waitFor({ state: 'detached' });
    expect(await seriousViolations(page)).toEqual([]);
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp(), launchBrowser()]);
    await seedDemoIfEmpty(app.app, createLogger('silent'));
    const customers = await api('/customers', { q: 'Core Scientific' });
    const orders = await api('/purchase-orders', { customerId: customers.items[0].id });
    coreScientific = orders.items[0];
    ({ page } = await signedInPage(browser, app, 'admin'));
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('dashboard', async () => {
    await accessible('Dashboard');
    const backlog = await api('/reports/backlog', {});
    expect(await figure(page, 'Backlog units')).toBe(
      backlog.totals.openQuantity.toLocaleString('en-US'),
    );
    // The charts have drawn their bars.
    await page.locator('.recharts-bar-rectangle').first().waitFor({ state: 'attached' });
    await screenshot(page, 'dashboard');
  });

  it('customers and a customer', async () => {
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('table', { name: 'Customers' }).getByRole('row').nth(1).waitFor();
    await accessible('Customers');
    await page.getByRole('textbox', { name: 'Search' }).fill('Core');
    await page.getByRole('link', { name: 'Core Scientific' }).click();
    await page.getByRole('table', { name: 'Orders of the customer' }).waitFor();
    await accessible('Core Scientific');
  });

  it('pipeline', async () => {
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.getByRole('table', { name: 'Opportunities' }).getByRole('row').nth(1).waitFor();
    await accessible('Pipeline');
  });

  it('orders and an order', async () => {
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('table', { name: 'Orders' }).getByRole('row').nth(1).waitFor();
    await accessible('Orders');
    // Lists page, 15 orders at a time: the rest come on demand.
    const total = (await api('/purchase-orders', { limit: 500 })).items.length;
    expect(total).toBeGreaterThan(15);
    const rows = page.getByRole('table', { name: 'Orders' }).getByRole('row');
    expect(await rows.count()).toBe(16);
    await page.getByRole('button', { name: 'Load more' }).click();
    const body = page.getByRole('table', { name: 'Orders' }).locator('tbody tr');
    await body.nth(Math.min(total, 30) - 1).waitFor();
    expect(await body.count()).toBe(Math.min(total, 30));

    await page.goto(`${app.url}/orders/${coreScientific.id}`);
    await page.getByRole('table', { name: 'Billing schedule' }).getByRole('row').nth(1).waitFor();
    await accessible(coreScientific.number);
    await screenshot(page, 'order');
    for (const tab of ['Payments', 'Shipments', 'Amendment history']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('table', { name: tab }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    }
    await page.getByRole('tab', { name: 'Payments' }).click();
    await page.getByRole('button', { name: 'Record payment' }).click();
    await page.getByRole('dialog').waitFor();
    // Once its opening transition is over.
    await page.waitForTimeout(500);
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
  });

  it('delivery plan', async () => {
    await page.getByRole('link', { name: 'Delivery plan' }).click();
    await page.locator('.recharts-bar-rectangle').first().waitFor({ state: 'attached' });
    await accessible('Delivery plan');
    await screenshot(page, 'delivery-plan');
  });

  it('reports', async () => {
    await page.getByRole('link', { name: 'Reports' }).click();
    for (const tab of [
      'Backlog',
      'Revenue forecast',
      'Cash forecast',
      'Contract balances',
      'Receivables ageing',
      'Bookings',
      'Roll-forward',
    ]) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('table', { name: tab }).waitFor();
      await accessible('Reports');
    }
    await page.getByRole('tab', { name: 'Receivables ageing' }).click();
    await page.getByRole('table', { name: 'Receivables ageing' }).waitFor();
    await screenshot(page, 'reports');
    await page.getByRole('tab', { name: 'Snapshots' }).click();
    await accessible('Reports');
  });

  it('admin', async () => {
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('table', { name: 'Users' }).getByRole('row').nth(1).waitFor();
    await accessible('Admin');
    for (const tab of ['API keys', 'Webhooks']) {
      await page.getByRole('tab', { name: tab }).click();
      await page.getByRole('table', { name: tab }).waitFor();
      expect(await seriousViolations(page)).toEqual([]);
    }
    // Subscribe a webhook; a bad URL first shows the API's message under the field.
    const form = page.getByRole('form', { name: 'New webhook' });
    await form.getByRole('textbox', { name: 'URL' }).fill('not a url');
    await form.getByLabel(/^Signing secret/).fill('a-secret-of-some-length');
    await form.getByRole('button', { name: 'Subscribe' }).click();
    await form.getByText(/url/i).filter({ hasNotText: /^URL/ }).first().waitFor();
    await form.getByRole('textbox', { name: 'URL' }).fill('https://erp.example.com/hooks/hashbook');
    await form.getByRole('button', { name: 'Subscribe' }).click();
    await page
      .getByRole('table', { name: 'Webhooks' })
      .getByText('https://erp.example.com/hooks/hashbook')
      .waitFor();
    const hooks = await api('/webhooks');
    expect(hooks.items.map((h: { url: string }) => h.url)).toContain(
      'https://erp.example.com/hooks/hashbook',
    );
  });

  it('can be used with the keyboard alone', async () => {
    await page.goto(`${app.url}/dashboard`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    // Tab to the navigation's Orders link and follow it with Enter.
    for (let i = 0; i < 30; i++) {
      await page.keyboard.press('Tab');
      const name = await page.locator(':focus').textContent();
      if (name === 'Orders') break;
    }
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Orders' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/orders');
  });
});
