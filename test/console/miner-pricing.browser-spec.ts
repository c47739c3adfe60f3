import type { Browser } from 'playwright-core';
import { OrderFactory } from '../support/order-factories';
import {
  type ConsoleApp,
  launchBrowser,
  screenshot,
  seriousViolations,
  signedInPage,
  startConsoleApp,
} from './support/browser';

// A browser, a real app and axe-core on a shared 2-core machine: more than the default minute.
jest.setTimeout(180_000);

/** The 20th of the month `n` months from now. */
const monthAhead = (n: number) => {
  const d = new Date();
  d.setUTCDate(20);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
};

describe('console: orders priced per TH/s', () => {
  let app: ConsoleApp;
  let browser: Browser;
  let order: { id: string; number: string };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp(), launchBrowser()]);
    const f = new OrderFactory(app);
    const model = await f.productModel({ name: 'AvalonMiner A1246', hashrateThs: 90 });
    const customer = await f.customer({ name: 'HIVE Digital' });
    // 28.50 per TH/s × 90 TH/s = 2,565.00 a unit; 3 % tolerance.
    order = await f.order({
      customerId: customer.id,
      signedOn: new Date().toISOString().slice(0, 10),
      hashrateTolerancePercent: 3,
      lines: [
        {
          productModelId: model.id,
          pricePerThs: '28.50',
          tranches: [{ shipDate: monthAhead(2), quantity: 100 }],
        },
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('shows the price per TH/s, and a shipment with delivered TH/s shows its true-up', async () => {
    const { page } = await signedInPage(browser, app, 'operations');
    await page.goto(`${app.url}/orders/${order.id}`);
    await page.getByRole('heading', { name: order.number }).waitFor();
    await page.getByText('hash-rate tolerance 3.00 %').waitFor();
    const tranches = page.getByRole('table', { name: 'Tranches' });
    await tranches.getByRole('columnheader', { name: 'Price per TH/s' }).waitFor();
    await tranches.getByRole('cell', { name: '$28.50' }).waitFor();
    await tranches.getByRole('cell', { name: '$2,565.00' }).waitFor();

    // 40 units are 3,600 TH/s nominal; 3,480 delivered is 120 short, beyond 3 % (108):
    // −120 × 28.50 = −3,420.00.
    await page.getByRole('button', { name: 'Record shipment' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Units to ship from tranche 1').fill('40');
    await dialog.getByLabel('Delivered TH/s of tranche 1').fill('3480');
    await dialog.getByText('nominal 3,600.00').waitFor();
    await dialog.getByRole('button', { name: 'Record shipment' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('tab', { name: 'Shipments' }).click();
    const shipments = page.getByRole('table', { name: 'Shipments' });
    const row = shipments.getByRole('row').filter({ hasText: '40 × #1' });
    await row.getByRole('cell', { name: '3,480.00' }).waitFor();
    await row.getByRole('cell', { name: '-$3,420.00' }).waitFor();
    // The order's value follows: 100 × 2,565.00 − 3,420.00 = 253,080.00.
    await page.getByRole('group', { name: 'Order value' }).getByText('$253,080.00').waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'order-priced-per-ths');

    const [shipment] = (
      await app
        .http()
        .get(`/api/v1/purchase-orders/${order.id}/shipments`)
        .set('X-API-Key', app.adminKey)
    ).body.items;
    expect(shipment).toMatchObject({ deliveredThs: 3480, trueUp: '-3420.00' });
    await page.context().close();
  });
});
