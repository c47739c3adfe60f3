import type { Browser } from 'playwright-core';
import { OrderFactory } from '../support/order-factories';
import {
  type ConsoleApp,
  launchBrowser,
  screenshot,
  seriousViolations,
  signedInPage,
  startConsoleApp,
  units,
} from './support/browser';

/** YYYY-MM of the month `n` months from now (UTC, as the API counts today). */
const month = (n: number) => {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};

// A browser, a real app and axe-core on a shared 2-core machine: more than the default minute.
jest.setTimeout(180_000);

describe('console: capacity held for a quote', () => {
  let app: ConsoleApp;
  let browser: Browser;
  let model: { id: string; sku: string };
  let customer: { id: string; name: string };

  const api = async (path: string, query: Record<string, string> = {}) => {
    const res = await app.http().get(`/api/v1${path}`).query(query).set('X-API-Key', app.adminKey);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp(), launchBrowser()]);
    const f = new OrderFactory(app);
    model = (await f.productModel({ name: 'AvalonMiner A1466' })) as typeof model;
    customer = (await f.customer({ name: 'Hut 8 Mining' })) as typeof customer;
    // Capacity 1,000 a month from next month; a firm order takes 500 of next month's.
    await f.order({
      customerId: customer.id,
      signedOn: new Date().toISOString().slice(0, 10),
      lines: [
        {
          productModelId: model.id,
          tranches: [{ shipDate: `${month(1)}-20`, quantity: 500 }],
        },
      ],
    });
    const capacity = await app
      .http()
      .put('/api/v1/production-capacity')
      .set('X-API-Key', app.adminKey)
      .send({
        items: [1, 2, 3].map((n) => ({ productModelId: model.id, month: month(n), units: 1000 })),
      });
    expect(capacity.status).toBe(200);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('a hold from an availability answer moves the next answer later', async () => {
    const { page } = await signedInPage(browser, app, 'sales');
    await page.getByRole('link', { name: 'Delivery plan' }).click();
    const form = page.getByRole('form', { name: 'Availability' });
    await form.getByRole('combobox', { name: 'Model' }).click();
    await page.getByRole('option', { name: new RegExp(model.sku) }).click();
    await form.getByRole('textbox', { name: 'Quantity' }).fill('1000');
    const ask = async () => {
      await form.getByRole('button', { name: 'Check availability' }).click();
      const answer = await api('/availability', { productModelId: model.id, quantity: '1000' });
      await page
        .getByRole('status')
        .getByText(`Earliest completion month: ${answer.earliestCompletionMonth}`)
        .waitFor();
      return answer.earliestCompletionMonth as string;
    };

    // 500 spare next month and 500 the month after.
    expect(await ask()).toBe(month(2));

    await page.getByRole('button', { name: 'Hold these units' }).click();
    const dialog = page.getByRole('dialog', { name: /Hold 1,000/ });
    await dialog.getByRole('combobox', { name: 'Customer' }).click();
    await page.getByRole('option', { name: customer.name }).click();
    await dialog.getByRole('textbox', { name: 'Note' }).fill('Quote Q-2026-118');
    await dialog.getByRole('button', { name: 'Hold units' }).click();
    await page
      .getByRole('status')
      .getByText(`Held ${units(1000)} ${model.sku}`)
      .waitFor();
    const holds = await api('/holds', { productModelId: model.id, active: 'true' });
    expect(holds.items).toEqual([
      expect.objectContaining({
        customerId: customer.id,
        quantity: 1000,
        note: 'Quote Q-2026-118',
      }),
    ]);

    // The held units come first: the same question now completes a month later.
    expect(await ask()).toBe(month(3));
    await page.getByText(`After ${units(1000)} units held for quotes`).waitFor();

    const table = page.getByRole('table', { name: 'Capacity holds' });
    const row = table.getByRole('row', { name: new RegExp(customer.name) });
    await row.getByText(`${month(1)}: 500 · ${month(2)}: 500`).waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'delivery-plan-holds');

    await row.getByRole('button', { name: /^Release/ }).click();
    await page
      .getByRole('dialog', { name: 'Release hold' })
      .getByRole('button', { name: 'Release' })
      .click();
    await page.getByText('No capacity is held for quotes.').waitFor();
    expect(await ask()).toBe(month(2));
    await page.context().close();
  });
});
