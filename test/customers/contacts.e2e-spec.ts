import { createContact, createCustomer } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('contacts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1${path}`;
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';

  const primaries = async (customerId: string) =>
    (
      await t.sql<{ id: string }>('SELECT id FROM contact WHERE customer_id = $1 AND is_primary', [
        customerId,
      ])
    ).map((r) => r.id);

  it('adds contacts to a customer and lists them in pages', async () => {
    const customer = await createCustomer(t);
    const res = await t
      .http()
      .post(api(`/customers/${customer.id}/contacts`))
      .set('X-API-Key', t.adminKey)
      .send({
        name: 'Jane Doe',
        email: 'jane@corescientific.com',
        phone: '+1 512 555 0134',
        title: 'Head of Procurement',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      customerId: customer.id,
      name: 'Jane Doe',
      email: 'jane@corescientific.com',
      isPrimary: false,
      version: 1,
    });
    const b = await createContact(t, customer.id);
    const c = await createContact(t, customer.id);
    await createContact(t, (await createCustomer(t)).id);

    const page1 = await t
      .http()
      .get(api(`/customers/${customer.id}/contacts?limit=2`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page1.body.items.map((x: { id: string }) => x.id)).toEqual([res.body.id, b.id]);
    const page2 = await t
      .http()
      .get(api(`/customers/${customer.id}/contacts?limit=2&cursor=${page1.body.nextCursor}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page2.body).toEqual({ items: [c], nextCursor: null });
  });

  it('answers 404 for an unknown customer in the path', async () => {
    await t
      .http()
      .get(api(`/customers/${UNKNOWN}/contacts`))
      .set('X-API-Key', t.adminKey)
      .expect(404);
    const res = await t
      .http()
      .post(api(`/customers/${UNKNOWN}/contacts`))
      .set('X-API-Key', t.adminKey)
      .send({ name: 'Nobody' })
      .expect(404);
    expect(res.body.code).toBe('NOT_FOUND');
    await t
      .http()
      .post(api('/customers/not-a-uuid/contacts'))
      .set('X-API-Key', t.adminKey)
      .send({ name: 'Nobody' })
      .expect(404);
  });

  it('validates the e-mail address and refuses unknown fields', async () => {
    const customer = await createCustomer(t);
    const res = await t
      .http()
      .post(api(`/customers/${customer.id}/contacts`))
      .set('X-API-Key', t.adminKey)
      .send({ name: 'X', email: 'not-an-email', isPrimary: 'yes', role: 'ceo' })
      .expect(400);
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'email',
      'isPrimary',
      'role',
    ]);
  });

  it('keeps one primary contact: a new primary demotes the old one', async () => {
    const customer = await createCustomer(t);
    const first = await createContact(t, customer.id, { isPrimary: true });
    expect(first.isPrimary).toBe(true);
    const second = await createContact(t, customer.id, { isPrimary: true });
    expect(await primaries(customer.id)).toEqual([second.id]);

    const list = await t
      .http()
      .get(api(`/customers/${customer.id}/contacts`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(
      list.body.items.map((c: { id: string; isPrimary: boolean; version: number }) => [
        c.id,
        c.isPrimary,
        c.version,
      ]),
    ).toEqual([
      [first.id, false, 2],
      [second.id, true, 1],
    ]);

    // Promoting the first back by PATCH demotes the second.
    const promoted = await t
      .http()
      .patch(api(`/customers/${customer.id}/contacts/${first.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ isPrimary: true })
      .expect(200);
    expect(promoted.body).toMatchObject({ isPrimary: true, version: 3 });
    expect(await primaries(customer.id)).toEqual([first.id]);

    // Another customer's primary is untouched.
    const other = await createCustomer(t);
    const theirs = await createContact(t, other.id, { isPrimary: true });
    expect(await primaries(other.id)).toEqual([theirs.id]);
    expect(await primaries(customer.id)).toEqual([first.id]);

    const demotions = await t.sql<{
      changes: { before: { isPrimary: boolean }; after: { isPrimary: boolean } };
    }>(
      `SELECT changes FROM audit_log WHERE entity_type = 'contact' AND entity_id = $1 AND action = 'updated' ORDER BY id`,
      [second.id],
    );
    expect(demotions.map((d) => d.changes)).toEqual([
      { before: { isPrimary: true }, after: { isPrimary: false } },
    ]);
  });

  it('ends with one primary when primaries are added concurrently', async () => {
    const customer = await createCustomer(t);
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t
          .http()
          .post(api(`/customers/${customer.id}/contacts`))
          .set('X-API-Key', t.adminKey)
          .send({ name: `P${i}`, isPrimary: true }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(await primaries(customer.id)).toHaveLength(1);
  });

  it('has the database refuse a second primary', async () => {
    const customer = await createCustomer(t);
    await createContact(t, customer.id, { isPrimary: true });
    await expect(
      t.sql(`INSERT INTO contact (customer_id, name, is_primary) VALUES ($1, 'Sneaky', true)`, [
        customer.id,
      ]),
    ).rejects.toThrow(/contact_primary_key/);
  });

  it('updates with If-Match and deletes, only under the contact own customer', async () => {
    const customer = await createCustomer(t);
    const contact = await createContact(t, customer.id, { email: 'a@b.co' });
    const path = api(`/customers/${customer.id}/contacts/${contact.id}`);
    const updated = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ title: 'CFO', email: null })
      .expect(200);
    expect(updated.body).toMatchObject({ title: 'CFO', email: null, version: 2 });
    await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ title: 'CEO' })
      .expect(412);
    await t.http().patch(path).set('X-API-Key', t.adminKey).send({ name: null }).expect(400);

    const stranger = await createCustomer(t);
    await t
      .http()
      .patch(api(`/customers/${stranger.id}/contacts/${contact.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ title: 'X' })
      .expect(404);
    await t
      .http()
      .delete(api(`/customers/${stranger.id}/contacts/${contact.id}`))
      .set('X-API-Key', t.adminKey)
      .expect(404);

    await t.http().delete(path).set('X-API-Key', t.adminKey).expect(204);
    await t.http().delete(path).set('X-API-Key', t.adminKey).expect(404);
    const list = await t
      .http()
      .get(api(`/customers/${customer.id}/contacts`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(list.body.items).toEqual([]);
    const audit = await t.sql<{ action: string }>(
      `SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY id`,
      [contact.id],
    );
    expect(audit.map((a) => a.action)).toEqual(['created', 'updated', 'deleted']);
  });

  it('lets sales write contacts; erp, finance and viewer only read', async () => {
    const customer = await createCustomer(t);
    const [sales, erp, finance, viewer] = await Promise.all(
      ['sales', 'erp', 'finance', 'viewer'].map((r) => t.keyFor(r as never)),
    );
    const contact = await createContact(t, customer.id, {}, sales);
    await t
      .http()
      .patch(api(`/customers/${customer.id}/contacts/${contact.id}`))
      .set('X-API-Key', sales)
      .send({ title: 'COO' })
      .expect(200);
    for (const key of [erp, finance, viewer]) {
      await t
        .http()
        .post(api(`/customers/${customer.id}/contacts`))
        .set('X-API-Key', key)
        .send({ name: 'No' })
        .expect(403);
      await t
        .http()
        .patch(api(`/customers/${customer.id}/contacts/${contact.id}`))
        .set('X-API-Key', key)
        .send({ title: 'No' })
        .expect(403);
      await t
        .http()
        .delete(api(`/customers/${customer.id}/contacts/${contact.id}`))
        .set('X-API-Key', key)
        .expect(403);
      await t
        .http()
        .get(api(`/customers/${customer.id}/contacts`))
        .set('X-API-Key', key)
        .expect(200);
    }
    const [row] = await t.sql<{ actor_role: string }>(
      `SELECT actor_role FROM audit_log WHERE entity_id = $1 AND action = 'created'`,
      [contact.id],
    );
    expect(row.actor_role).toBe('sales');
  });
});
