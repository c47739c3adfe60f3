import type { Browser, Page } from 'playwright-core';
import { OrderFactory } from '../support/order-factories';
import {
  type ConsoleApp,
  figure,
  launchBrowser,
  money,
  screenshot,
  seriousViolations,
  signedInPage,
  startConsoleApp,
} from './support/browser';

const today = () => new Date().toISOString().slice(0, 10);
/** The 20th of the month `n` months from now. */
const monthAhead = (n: number) => {
  const d = new Date();
  d.setUTCDate(20);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};

// A browser, a real app and axe-core on a shared 2-core machine: more than the default minute.
jest.setTimeout(180_000);

describe('console: options', () => {
  let app: ConsoleApp;
  let browser: Browser;
  let f: OrderFactory;
  let order: { id: string; number: string };

  const backlogValue = async () => {
    const res = await app
      .http()
      .get('/api/v1/reports/backlog')
      .query({ asOf: today() })
      .set('X-API-Key', app.adminKey);
    if (res.status !== 200) throw new Error(`backlog: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.totals.openValue as string;
  };
  const openOrder = async (page: Page, number: string) => {
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('link', { name: number, exact: true }).click();
    await page.getByRole('heading', { name: number }).waitFor();
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp(), launchBrowser()]);
    f = new OrderFactory(app);
    await f.terms('PT-30', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
    const model = await f.productModel({ name: 'AvalonMiner A1566', listPrice: '3000.00' });
    const customer = await f.customer({ name: 'Hive Digital' });
    // 100 firm units at $3,000.00 and 40 option units at $3,000.00, exercisable for a month.
    order = await f.order({
      customerId: customer.id,
      signedOn: today(),
      paymentTermsCode: 'PT-30',
      lines: [
        {
          productModelId: model.id,
          unitPrice: '3000.00',
          tranches: [
            { shipDate: monthAhead(2), quantity: 100 },
            { shipDate: monthAhead(3), quantity: 40, optionExerciseBy: monthAhead(1) },
          ],
        },
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("exercising an option raises the dashboard's backlog", async () => {
    const { page } = await signedInPage(browser, app, 'sales');
    // 100 × $3,000.00 = $300,000.00: the 40 options are not backlog.
    const before = await backlogValue();
    expect(await figure(page, 'Backlog value')).toBe(money(before));

    await openOrder(page, order.number);
    const options = page.getByRole('table', { name: 'Options' });
    const row = options.getByRole('row').filter({ hasText: '#2' });
    await row.getByText(monthAhead(1)).waitFor();
    await expect(row.textContent()).resolves.toContain('40');
    await row.getByRole('button', { name: 'Exercise tranche #2' }).click();
    const dialog = page.getByRole('dialog');
    // More than remain: the API's refusal shows in the form, and nothing changes.
    await dialog.getByRole('textbox', { name: /^Units/ }).fill('41');
    await dialog.getByRole('button', { name: 'Exercise' }).click();
    await dialog.getByText(/only 40 remain/).waitFor();
    await dialog.getByRole('textbox', { name: /^Units/ }).fill('15');
    await dialog.getByRole('button', { name: 'Exercise' }).click();
    await dialog.waitFor({ state: 'detached' });
    // 25 left, 15 exercised; the tranche now has 15 firm units open.
    await row.getByText('25', { exact: true }).waitFor();
    await row.getByText('15', { exact: true }).waitFor();
    await page.getByRole('group', { name: 'Open units' }).getByText('115').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'order-options');

    // 15 × $3,000.00 = $45,000.00 more backlog.
    const after = await backlogValue();
    const cents = (value: string) => Math.round(Number(value) * 100);
    expect(cents(after) - cents(before)).toBe(4_500_000);
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page
      .getByRole('group', { name: 'Backlog value' })
      .getByText(money(after), { exact: true })
      .waitFor();
    await page.context().close();
  });

  it('shows a viewer the options but no Exercise action', async () => {
    const { page } = await signedInPage(browser, app, 'viewer');
    await openOrder(page, order.number);
    await page.getByRole('table', { name: 'Options' }).waitFor();
    await expect(page.getByRole('button', { name: /^Exercise/ }).count()).resolves.toBe(0);
    await page.context().close();
  });
});
