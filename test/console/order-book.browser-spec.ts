import type { Browser, Page } from 'playwright-core';
import { OrderFactory } from '../support/order-factories';
import {
  type ConsoleApp,
  figure,
  launchBrowser,
  money,
  signedInPage,
  startConsoleApp,
  units,
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

describe('console: the order book by role', () => {
  let app: ConsoleApp;
  let browser: Browser;
  let f: OrderFactory;
  let model: { id: string; sku: string };
  let customer: { id: string; name: string };
  let order: { id: string; number: string };
  let future: { id: string; number: string; lines: { tranches: { id: string }[] }[] };

  const api = async (path: string, query: Record<string, string> = {}) => {
    const res = await app.http().get(`/api/v1${path}`).query(query).set('X-API-Key', app.adminKey);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };
  const figuresOfApi = async (asOf: string) => {
    const backlog = await api('/reports/backlog', { asOf });
    const balances = await api('/reports/contract-balances', { asOf });
    return {
      'Backlog units': units(backlog.totals.openQuantity),
      'Backlog value': money(backlog.totals.openValue),
      'Backlog EH/s': backlog.totals.hashrateEhs.toFixed(4),
      'Contract liability': money(balances.totals.contractLiability),
      Receivable: money(balances.totals.receivable),
    };
  };
  const figuresOnPage = async (page: Page) => ({
    'Backlog units': await figure(page, 'Backlog units'),
    'Backlog value': await figure(page, 'Backlog value'),
    'Backlog EH/s': await figure(page, 'Backlog EH/s'),
    'Contract liability': await figure(page, 'Contract liability'),
    Receivable: await figure(page, 'Receivable'),
  });
  const openOrder = async (page: Page, number: string) => {
    await page.getByRole('link', { name: 'Orders', exact: true }).click();
    await page.getByRole('link', { name: number, exact: true }).click();
    await page.getByRole('heading', { name: number }).waitFor();
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp(), launchBrowser()]);
    f = new OrderFactory(app);
    await f.terms('PT-30', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
    model = (await f.productModel({ name: 'AvalonMiner A1246' })) as typeof model;
    customer = (await f.customer({ name: 'Core Scientific' })) as typeof customer;
    // The worked example of the spec: 6,000 A1246 at $3,060, deposit paid.
    order = await f.order({
      customerId: customer.id,
      signedOn: '2021-02-07',
      paymentTermsCode: 'PT-30',
      lines: [
        {
          productModelId: model.id,
          unitPrice: '3060.00',
          tranches: ['03', '04', '05', '06', '07', '08'].map((m) => ({
            shipDate: `2021-${m}-20`,
            quantity: 1000,
          })),
        },
      ],
    });
    await f.pay(order.id, '2021-02-14', '5508000.00');
    // An order shipping in the months ahead.
    future = await f.order({
      customerId: customer.id,
      signedOn: today(),
      paymentTermsCode: 'PT-30',
      lines: [
        {
          productModelId: model.id,
          unitPrice: '3100.00',
          tranches: [1, 2, 3].map((n) => ({ shipDate: monthAhead(n), quantity: 800 })),
        },
      ],
    });
    const res = await app
      .http()
      .put('/api/v1/production-capacity')
      .set('X-API-Key', app.adminKey)
      .send({
        items: [0, 1, 2, 3, 4, 5].map((n) => ({
          productModelId: model.id,
          month: monthAhead(n).slice(0, 7),
          units: 5000,
        })),
      });
    if (res.status !== 200) throw new Error(`capacity: ${res.status} ${JSON.stringify(res.body)}`);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it("shows the dashboard's five figures as the API has them, today and on a past date", async () => {
    const { page } = await signedInPage(browser, app, 'viewer');
    expect(await figuresOnPage(page)).toEqual(await figuresOfApi(today()));

    const asOf = page.getByRole('textbox', { name: 'As of' });
    await asOf.fill('2021-02-28');
    await asOf.press('Enter');
    await page.waitForURL(/asOf=2021-02-28/);
    await page.getByRole('group', { name: 'Backlog value' }).getByText('$18,360,000.00').waitFor();
    const past = await figuresOnPage(page);
    expect(past).toEqual(await figuresOfApi('2021-02-28'));
    // The worked example, to the cent.
    expect(past).toEqual({
      'Backlog units': '6,000',
      'Backlog value': '$18,360,000.00',
      'Backlog EH/s': '0.5400',
      'Contract liability': '$5,508,000.00',
      Receivable: '$0.00',
    });
    // The date is in the address: a bookmark brings it back.
    await page.reload();
    await page.getByRole('group', { name: 'Backlog value' }).getByText('$18,360,000.00').waitFor();
    await page.context().close();
  });

  it('lets finance record a payment: the billing schedule and the contract liability follow', async () => {
    const { page } = await signedInPage(browser, app, 'finance');
    const before = await figure(page, 'Contract liability');
    expect(before).toBe((await figuresOfApi(today()))['Contract liability']);

    await openOrder(page, order.number);
    await expect(page.getByRole('button', { name: 'Confirm' }).count()).resolves.toBe(0);
    await page.getByRole('button', { name: 'Record payment' }).click();
    const dialog = page.getByRole('dialog');
    // The API's validation message shows beside the field.
    await dialog.getByLabel(/^Amount/).fill('-5');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await dialog
      .getByText(/amount/i)
      .filter({ hasText: /positive|greater|decimal|format/i })
      .first()
      .waitFor();
    await dialog.getByLabel(/^Amount/).fill('2142000.00');
    await dialog.getByRole('button', { name: 'Record payment' }).click();
    await dialog.waitFor({ state: 'detached' });

    const schedule = page.getByRole('table', { name: 'Billing schedule' });
    const first = schedule.getByRole('row').filter({ hasText: '2021-03-01' });
    await first.getByText('paid').waitFor();
    await expect(first.textContent()).resolves.toContain('$2,142,000.00');
    await page.getByRole('tab', { name: 'Payments' }).click();
    await page.getByRole('table', { name: 'Payments' }).getByText('$2,142,000.00').waitFor();

    await page.getByRole('link', { name: 'Dashboard' }).click();
    const expected = (await figuresOfApi(today()))['Contract liability'];
    expect(expected).not.toBe(before);
    await page.getByRole('group', { name: 'Contract liability' }).getByText(expected).waitFor();

    // Keyed in error: reversed, and the liability is what it was.
    await openOrder(page, order.number);
    await page.getByRole('tab', { name: 'Payments' }).click();
    await page.getByRole('button', { name: 'Reverse payment of $2,142,000.00' }).click();
    const reverse = page.getByRole('dialog');
    await reverse.getByLabel(/^Reason/).fill('Posted to the wrong order');
    await reverse.getByRole('button', { name: 'Reverse' }).click();
    await reverse.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Payments' })
      .getByText(/Posted to the wrong order/)
      .waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page.getByRole('group', { name: 'Contract liability' }).getByText(before).waitFor();
    expect((await figuresOfApi(today()))['Contract liability']).toBe(before);
    await page.context().close();
  });

  it('lets sales reschedule a tranche, kept in the amendment history', async () => {
    const { page } = await signedInPage(browser, app, 'sales');
    await openOrder(page, future.number);
    await page.getByRole('button', { name: 'Amend' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Tranche' }).click();
    await page.getByRole('option', { name: /^#3 / }).click();
    const shipDate = dialog.getByRole('textbox', { name: 'Ship date' });
    await shipDate.fill(monthAhead(5));
    await shipDate.press('Enter');
    await dialog.getByLabel(/^Reason/).fill('Customer asked for later delivery');
    await dialog.getByRole('button', { name: 'Amend' }).click();
    await dialog.waitFor({ state: 'detached' });
    const tranche3 = page
      .getByRole('table', { name: 'Tranches' })
      .getByRole('row')
      .filter({ hasText: '#3' });
    await tranche3.getByText(monthAhead(5)).waitFor();
    await page.getByRole('tab', { name: 'Amendment history' }).click();
    await page
      .getByRole('table', { name: 'Amendment history' })
      .getByText('Customer asked for later delivery')
      .waitFor();
    const amendments = await f.all<{ reason: string }>(`/purchase-orders/${future.id}/amendments`);
    expect(amendments.map((a) => a.reason)).toEqual(['Customer asked for later delivery']);
    await page.context().close();
  });

  it('lets sales win an opportunity, convert it, confirm the draft and see the backlog rise', async () => {
    const opportunity = await app
      .http()
      .post('/api/v1/opportunities')
      .set('X-API-Key', app.adminKey)
      .send({
        customerId: customer.id,
        productModelId: model.id,
        quantity: 1500,
        stage: 'negotiation',
        firstDeliveryOn: monthAhead(4),
      });
    expect(opportunity.status).toBe(201);
    const { page } = await signedInPage(browser, app, 'sales');
    const before = (await api('/reports/backlog', { asOf: today() })).totals.openQuantity;
    expect(await figure(page, 'Backlog units')).toBe(units(before));

    await page.getByRole('link', { name: 'Pipeline' }).click();
    const row = page.getByRole('row').filter({ hasText: '1,500' });
    await row.waitFor();
    // The weighted value is the API's, at the negotiation stage's 75 %.
    await row.getByText(money(opportunity.body.weightedValue), { exact: true }).waitFor();
    // Made with an API key, the deal is nobody's: not among this person's own.
    await page.getByRole('switch', { name: 'Only my deals' }).click();
    await page.getByText('No opportunities at this stage.').waitFor();
    await expect(row.count()).resolves.toBe(0);
    await page.getByRole('switch', { name: 'Only my deals' }).click();
    await row.waitFor();
    await row.getByRole('combobox', { name: /Stage of the opportunity/ }).click();
    await page.getByRole('option', { name: 'won' }).click();
    await row.getByRole('button', { name: 'Convert to order' }).click();

    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('confirmed', { exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Billing schedule' }).waitFor();
    await page.getByRole('link', { name: 'Dashboard' }).click();
    await page
      .getByRole('group', { name: 'Backlog units' })
      .getByText(units(before + 1500), { exact: true })
      .waitFor();
    await page.context().close();
  });

  it('lets operations record a shipment and reverse it', async () => {
    const { page } = await signedInPage(browser, app, 'operations');
    await openOrder(page, future.number);
    await expect(page.getByRole('button', { name: 'Record payment' }).count()).resolves.toBe(0);
    expect(await figure(page, 'Open units')).toBe('2,400');

    await page.getByRole('button', { name: 'Record shipment' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Units to ship from tranche 1').fill('500');
    await dialog.getByRole('button', { name: 'Record shipment' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('group', { name: 'Open units' }).getByText('1,900').waitFor();
    await page.getByRole('tab', { name: 'Shipments' }).click();
    const shipments = page.getByRole('table', { name: 'Shipments' });
    await shipments.getByText(/500 × #1/).waitFor();

    await shipments.getByRole('button', { name: /Reverse shipment/ }).click();
    const reverse = page.getByRole('dialog');
    await reverse.getByLabel(/^Reason/).fill('Keyed in error');
    await reverse.getByRole('button', { name: 'Reverse' }).click();
    await reverse.waitFor({ state: 'detached' });
    await shipments.getByText(/Keyed in error/).waitFor();
    await page.getByRole('group', { name: 'Open units' }).getByText('2,400').waitFor();
    const [shipment] = await f.all<{ reversedOn: string | null }>(
      `/purchase-orders/${future.id}/shipments`,
    );
    expect(shipment.reversedOn).toBe(today());
    await page.context().close();
  });

  it('lets sales add a task on a customer and complete it', async () => {
    const { page } = await signedInPage(browser, app, 'sales');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Core Scientific' }).click();
    await page.getByRole('table', { name: 'Activities' }).waitFor();
    await page.getByRole('combobox', { name: 'Type' }).click();
    await page.getByRole('option', { name: 'Task' }).click();
    await page.getByRole('textbox', { name: /^Subject/ }).fill('Send the A1566 quote');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    const row = page
      .getByRole('table', { name: 'Activities' })
      .getByRole('row')
      .filter({ hasText: 'Send the A1566 quote' });
    await row.getByRole('button', { name: 'Complete' }).click();
    await row.getByRole('button', { name: 'Complete' }).waitFor({ state: 'detached' });
    const [task] = await f.all<{ subject: string; completedAt: string | null }>(
      `/customers/${customer.id}/activities`,
    );
    expect(task.subject).toBe('Send the A1566 quote');
    expect(task.completedAt).not.toBeNull();
    await page.context().close();
  });

  it('shows a viewer no write action', async () => {
    const { page } = await signedInPage(browser, app, 'viewer');
    await openOrder(page, order.number);
    await page.getByRole('table', { name: 'Tranches' }).waitFor();
    for (const name of [
      'Confirm',
      'Record payment',
      'Record shipment',
      'Amend',
      'Cancel order',
      'Delete draft',
      'Refund credit',
    ]) {
      await expect(page.getByRole('button', { name }).count()).resolves.toBe(0);
    }
    await page.getByRole('tab', { name: 'Payments' }).click();
    await page.getByRole('table', { name: 'Payments' }).getByText('$5,508,000.00').waitFor();
    await expect(page.getByRole('button', { name: /Reverse/ }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Pipeline' }).click();
    await page.getByRole('table', { name: 'Opportunities' }).waitFor();
    await expect(page.getByRole('button', { name: 'Convert to order' }).count()).resolves.toBe(0);
    await expect(page.getByRole('combobox', { name: /Stage of/ }).count()).resolves.toBe(0);
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('link', { name: 'Core Scientific' }).click();
    await page.getByRole('table', { name: 'Activities' }).waitFor();
    await expect(page.getByRole('button', { name: 'Add' }).count()).resolves.toBe(0);
    await expect(page.getByRole('link', { name: 'Admin' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('answers the availability form with the API’s earliest completion month', async () => {
    const { page } = await signedInPage(browser, app, 'sales');
    await page.getByRole('link', { name: 'Delivery plan' }).click();
    const form = page.getByRole('form', { name: 'Availability' });
    await form.getByRole('combobox', { name: 'Model' }).click();
    await page.getByRole('option', { name: new RegExp(model.sku) }).click();
    await form.getByRole('textbox', { name: 'Quantity' }).fill('2500');
    await form.getByRole('button', { name: 'Check availability' }).click();
    const answer = await api('/availability', { productModelId: model.id, quantity: '2500' });
    expect(answer.earliestCompletionMonth).toMatch(/^\d{4}-\d{2}$/);
    await page
      .getByRole('status')
      .getByText(`Earliest completion month: ${answer.earliestCompletionMonth}`)
      .waitFor();
    await page.context().close();
  });

  it('downloads a report as the CSV the API gives', async () => {
    const { page } = await signedInPage(browser, app, 'finance');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('table', { name: 'Backlog' }).waitFor();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^backlog.*\.csv$/);
    const chunks: Buffer[] = [];
    for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer);
    const csv = Buffer.concat(chunks).toString('utf8');
    const expected = await app
      .http()
      .get('/api/v1/reports/backlog')
      .query({ asOf: today(), groupBy: 'productModel', format: 'csv' })
      .set('X-API-Key', app.adminKey);
    expect(csv).toBe(expected.text);
    expect(csv.split('\n')[0]).toContain('openQuantity');
    await page.context().close();
  });
});
