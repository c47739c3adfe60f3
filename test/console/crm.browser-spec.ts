import type { Browser } from 'playwright-core';
import { OrderFactory } from '../support/order-factories';
import { createUser } from '../support/people';
import { type ConsoleApp, launchBrowser, signedInPage, startConsoleApp } from './support/browser';

// A browser and a real app on a shared 2-core machine: more than the default minute.
jest.setTimeout(180_000);

describe('console: customers, contacts, opportunities and people', () => {
  let app: ConsoleApp;
  let browser: Browser;
  let f: OrderFactory;
  let model: { id: string; sku: string };

  const api = async (path: string, query: Record<string, string> = {}) => {
    const res = await app.http().get(`/api/v1${path}`).query(query).set('X-API-Key', app.adminKey);
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  };

  beforeAll(async () => {
    [app, browser] = await Promise.all([startConsoleApp(), launchBrowser()]);
    f = new OrderFactory(app);
    model = (await f.productModel({ name: 'AvalonMiner A1366' })) as typeof model;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it('lets sales create a customer and opens its page; a bad country shows the API message', async () => {
    const { page } = await signedInPage(browser, app, 'sales');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('button', { name: 'New customer' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Bitfarms');
    await dialog.getByRole('combobox', { name: 'Segment' }).click();
    await page.getByRole('option', { name: 'Public miner' }).click();
    await dialog.getByRole('textbox', { name: 'Country' }).fill('ZZZ');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await dialog.getByRole('alert').waitFor();
    await dialog.getByRole('textbox', { name: 'Country' }).fill('CA');
    await dialog.getByRole('button', { name: 'Create customer' }).click();
    await page.getByRole('heading', { name: 'Bitfarms' }).waitFor();

    const found = await api('/customers', { q: 'Bitfarms' });
    expect(found.items).toHaveLength(1);
    expect(found.items[0]).toMatchObject({
      name: 'Bitfarms',
      segment: 'public_miner',
      country: 'CA',
      region: 'NA',
      status: 'prospect',
    });
    expect(new URL(page.url()).pathname).toBe(`/customers/${found.items[0].id}`);
    await page.context().close();
  });

  it('lets sales add a contact and an opportunity on a customer page', async () => {
    const customer = await f.customer({ name: 'Hut 8' });
    const { page } = await signedInPage(browser, app, 'sales');
    await page.goto(`${app.url}/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Hut 8' }).waitFor();

    await page.getByRole('button', { name: 'Add contact' }).click();
    let dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Asher Genoot');
    await dialog.getByRole('textbox', { name: 'Title' }).fill('Head of Procurement');
    await dialog.getByRole('textbox', { name: 'Email' }).fill('asher@hut8.example');
    await dialog.getByRole('checkbox', { name: 'Primary contact' }).check();
    await dialog.getByRole('button', { name: 'Add contact' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Contacts' })
      .getByText('Asher Genoot (primary)')
      .waitFor();
    const contacts = await api(`/customers/${customer.id}/contacts`);
    expect(contacts.items).toEqual([
      expect.objectContaining({
        name: 'Asher Genoot',
        title: 'Head of Procurement',
        email: 'asher@hut8.example',
        isPrimary: true,
      }),
    ]);

    await page.getByRole('button', { name: 'New opportunity' }).click();
    dialog = page.getByRole('dialog');
    await dialog.getByRole('combobox', { name: 'Model' }).click();
    await page.getByRole('option', { name: new RegExp(model.sku) }).click();
    await dialog.getByRole('textbox', { name: 'Quantity' }).fill('1200');
    await dialog.getByRole('textbox', { name: 'Unit price' }).fill('2950.00');
    await dialog.getByRole('combobox', { name: 'Stage' }).click();
    await page.getByRole('option', { name: 'proposal' }).click();
    await dialog.getByRole('button', { name: 'Create opportunity' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page
      .getByRole('table', { name: 'Opportunities of the customer' })
      .getByText('$2,950.00')
      .waitFor();
    const opportunities = await api('/opportunities', { customerId: customer.id });
    expect(opportunities.items).toEqual([
      expect.objectContaining({
        productModelId: model.id,
        quantity: 1200,
        unitPrice: '2950.00',
        stage: 'proposal',
      }),
    ]);
    await page.context().close();
  });

  it("lets an admin change a person's name and role", async () => {
    const person = await createUser(app, 'viewer');
    const { page } = await signedInPage(browser, app, 'admin');
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: `Edit ${person.email}` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: 'Name' }).fill('Lena Fischer');
    await dialog.getByRole('combobox', { name: 'Role' }).click();
    await page.getByRole('option', { name: 'finance' }).click();
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('table', { name: 'Users' }).getByText('Lena Fischer').waitFor();
    const users = await api('/users', { limit: '500' });
    expect(users.items.find((u: { email: string }) => u.email === person.email)).toMatchObject({
      name: 'Lena Fischer',
      role: 'finance',
    });
    await page.context().close();
  });

  it('shows no New customer button to a viewer', async () => {
    const { page } = await signedInPage(browser, app, 'viewer');
    await page.getByRole('link', { name: 'Customers' }).click();
    await page.getByRole('heading', { name: 'Customers' }).waitFor();
    await expect(page.getByRole('button', { name: 'New customer' }).count()).resolves.toBe(0);
    const customer = await f.customer({ name: 'Iris Energy' });
    await page.goto(`${app.url}/customers/${customer.id}`);
    await page.getByRole('heading', { name: 'Iris Energy' }).waitFor();
    await page.getByRole('table', { name: 'Contacts' }).waitFor();
    await expect(page.getByRole('button', { name: 'Add contact' }).count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'New opportunity' }).count()).resolves.toBe(0);
    await page.context().close();
  });
});
