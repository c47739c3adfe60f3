import { hashKey } from '../../src/access/api-key.service';
import { createCustomer, unique } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('customers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1${path}`;
  const ids = (res: { body: { items: { id: string }[] } }) => res.body.items.map((c) => c.id);

  it('creates a customer with defaults and reads it back', async () => {
    const name = unique('Core Scientific');
    const res = await t
      .http()
      .post(api('/customers'))
      .set('X-API-Key', t.adminKey)
      .send({
        name,
        legalName: 'Core Scientific, Inc.',
        segment: 'public_miner',
        country: 'us',
        accountOwner: 'jane@hashbook.dev',
        defaultPaymentTermsCode: 'PT-30',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      name,
      legalName: 'Core Scientific, Inc.',
      segment: 'public_miner',
      country: 'US',
      region: 'NA',
      status: 'prospect',
      externalRef: null,
      accountOwner: 'jane@hashbook.dev',
      defaultPaymentTermsCode: 'PT-30',
      version: 1,
    });
    expect(res.headers.etag).toBe('"1"');
    const read = await t
      .http()
      .get(api(`/customers/${res.body.id}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(read.body).toEqual(res.body);
  });

  it('derives the region from the country and stores it', async () => {
    const expected: Record<string, string> = {
      US: 'NA',
      CA: 'NA',
      MX: 'NA',
      BR: 'LATAM',
      PR: 'LATAM',
      DE: 'EMEA',
      AE: 'EMEA',
      RU: 'EMEA',
      KZ: 'EMEA',
      ZA: 'EMEA',
      JP: 'APAC',
      AU: 'APAC',
      SG: 'APAC',
      IN: 'APAC',
    };
    for (const [country, region] of Object.entries(expected)) {
      const customer = await createCustomer(t, { country: country.toLowerCase() });
      expect([country, customer.country, customer.region]).toEqual([country, country, region]);
      const [row] = await t.sql<{ region: string }>('SELECT region FROM customer WHERE id = $1', [
        customer.id,
      ]);
      expect(row.region).toBe(region);
    }
  });

  it('refuses what is not an ISO 3166-1 alpha-2 code, and other invalid fields, with paths', async () => {
    for (const country of ['XX', 'USA', 'UK', 'XK', '', 12]) {
      const res = await t
        .http()
        .post(api('/customers'))
        .set('X-API-Key', t.adminKey)
        .send({ name: unique('C'), segment: 'public_miner', country })
        .expect(400);
      expect(res.body.errors).toEqual([
        { path: 'country', message: expect.stringMatching(/ISO 3166-1 alpha-2/) },
      ]);
    }
    const res = await t
      .http()
      .post(api('/customers'))
      .set('X-API-Key', t.adminKey)
      .send({
        name: '  ',
        segment: 'whale',
        country: 'US',
        status: 'vip',
        externalRef: 'a/b',
        region: 'EMEA',
      })
      .expect(400);
    expect([...new Set(res.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
      'externalRef',
      'name',
      'region',
      'segment',
      'status',
    ]);
  });

  it('keeps names unique whatever their case', async () => {
    const name = unique('Hive Blockchain');
    const first = await createCustomer(t, { name });
    const res = await t
      .http()
      .post(api('/customers'))
      .set('X-API-Key', t.adminKey)
      .send({ name: ` ${name.toUpperCase()} `, segment: 'public_miner', country: 'CA' })
      .expect(409);
    expect(res.body.code).toBe('DUPLICATE');
    expect(res.body.detail).toMatch(/already exists/);
    expect(res.body.detail).toContain(name.toUpperCase());

    const other = await createCustomer(t);
    const clash = await t
      .http()
      .patch(api(`/customers/${other.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ name: name.toLowerCase() })
      .expect(409);
    expect(clash.body.code).toBe('DUPLICATE');
    // Changing the case of its own name is fine.
    const renamed = await t
      .http()
      .patch(api(`/customers/${first.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ name: name.toLowerCase() })
      .expect(200);
    expect(renamed.body.name).toBe(name.toLowerCase());
  });

  it('creates one customer when the same name is posted concurrently', async () => {
    const name = unique('Race');
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        t
          .http()
          .post(api('/customers'))
          .set('X-API-Key', t.adminKey)
          .send({
            name: i % 2 ? name.toUpperCase() : name,
            segment: 'individual_operator',
            country: 'DE',
          }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
    const rows = await t.sql('SELECT 1 FROM customer WHERE lower(name) = lower($1)', [name]);
    expect(rows).toHaveLength(1);
  });

  it('keeps external refs unique', async () => {
    const ref = unique('SAP');
    await createCustomer(t, { externalRef: ref });
    const res = await t
      .http()
      .post(api('/customers'))
      .set('X-API-Key', t.adminKey)
      .send({ name: unique('C'), segment: 'public_miner', country: 'US', externalRef: ref })
      .expect(409);
    expect(res.body.code).toBe('DUPLICATE');
    expect(res.body.detail).toContain(ref);
    const other = await createCustomer(t);
    await t
      .http()
      .patch(api(`/customers/${other.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ externalRef: ref })
      .expect(409);
    // Many customers may have none.
    await createCustomer(t, { externalRef: null });
    await createCustomer(t, { externalRef: null });
  });

  it('filters by q, segment, region and status', async () => {
    const tag = unique('Filt');
    const a = await createCustomer(t, {
      name: `${tag} Mining`,
      segment: 'public_miner',
      country: 'US',
      status: 'active',
    });
    const b = await createCustomer(t, {
      name: unique('Fund'),
      legalName: `${tag} Capital LP`,
      segment: 'investment_fund',
      country: 'DE',
    });
    const c = await createCustomer(t, {
      name: unique('Host'),
      externalRef: `${tag}-77`,
      segment: 'hosting_provider',
      country: 'JP',
      status: 'inactive',
    });
    const get = (query: string) =>
      t
        .http()
        .get(api(`/customers?q=${tag.toLowerCase()}${query}`))
        .set('X-API-Key', t.adminKey)
        .expect(200);
    expect(ids(await get(''))).toEqual([a.id, b.id, c.id]);
    expect(ids(await get('&segment=investment_fund'))).toEqual([b.id]);
    expect(ids(await get('&region=APAC'))).toEqual([c.id]);
    expect(ids(await get('&region=EMEA&status=prospect'))).toEqual([b.id]);
    expect(ids(await get('&status=active'))).toEqual([a.id]);
    await t.http().get(api('/customers?region=EU')).set('X-API-Key', t.adminKey).expect(400);
    await t.http().get(api('/customers?limit=0')).set('X-API-Key', t.adminKey).expect(400);
  });

  it('pages in creation order while customers are added', async () => {
    const tag = unique('Page');
    const made = [];
    for (let i = 0; i < 3; i++) made.push(await createCustomer(t, { name: `${tag} ${i}` }));
    const page1 = await t
      .http()
      .get(api(`/customers?q=${tag}&limit=2`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(ids(page1)).toEqual([made[0].id, made[1].id]);
    const late = await createCustomer(t, { name: `${tag} late` });
    const page2 = await t
      .http()
      .get(api(`/customers?q=${tag}&limit=2&cursor=${page1.body.nextCursor}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(ids(page2)).toEqual([made[2].id, late.id]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('updates with If-Match and moves the customer with its country', async () => {
    const customer = await createCustomer(t, { country: 'US' });
    const path = api(`/customers/${customer.id}`);
    const moved = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ country: 'br', status: 'active' })
      .expect(200);
    expect(moved.body).toMatchObject({
      country: 'BR',
      region: 'LATAM',
      status: 'active',
      version: 2,
    });
    expect(moved.headers.etag).toBe('"2"');
    const stale = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ country: 'JP' })
      .expect(412);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    const [row] = await t.sql<{ country: string; region: string }>(
      'SELECT country, region FROM customer WHERE id = $1',
      [customer.id],
    );
    expect(row).toEqual({ country: 'BR', region: 'LATAM' });
    await t.http().patch(path).set('X-API-Key', t.adminKey).send({ region: 'APAC' }).expect(400);
    await t.http().patch(path).set('X-API-Key', t.adminKey).send({ segment: null }).expect(400);
    const cleared = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .send({ defaultPaymentTermsCode: null, legalName: 'X Ltd' })
      .expect(200);
    expect(cleared.body).toMatchObject({
      defaultPaymentTermsCode: null,
      legalName: 'X Ltd',
      version: 3,
    });
    await t
      .http()
      .patch(api('/customers/00000000-0000-4000-8000-000000000000'))
      .set('X-API-Key', t.adminKey)
      .send({ status: 'active' })
      .expect(404);
  });

  it('upserts by external ref: 201 when created, 200 when updated', async () => {
    const ref = unique('ERP');
    const path = api(`/customers/by-external-ref/${ref}`);
    const body = { name: unique('Upserted'), segment: 'hosting_provider', country: 'KZ' };
    const created = await t.http().put(path).set('X-API-Key', t.adminKey).send(body).expect(201);
    expect(created.body).toMatchObject({
      externalRef: ref,
      region: 'EMEA',
      status: 'prospect',
      version: 1,
    });
    const activated = await t
      .http()
      .patch(api(`/customers/${created.body.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ status: 'active' })
      .expect(200);
    const updated = await t
      .http()
      .put(path)
      .set('X-API-Key', t.adminKey)
      .send({ ...body, country: 'AE' })
      .expect(200);
    // Fields left out (status) keep their value.
    expect(updated.body).toMatchObject({
      id: created.body.id,
      country: 'AE',
      region: 'EMEA',
      status: 'active',
      version: activated.body.version + 1,
    });
    await t
      .http()
      .put(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send(body)
      .expect(412);
    // A new ref with a name that is taken.
    const taken = await t
      .http()
      .put(api(`/customers/by-external-ref/${unique('ERP')}`))
      .set('X-API-Key', t.adminKey)
      .send(body)
      .expect(409);
    expect(taken.body.code).toBe('DUPLICATE');
    await t
      .http()
      .put(path)
      .set('X-API-Key', t.adminKey)
      .send({ ...body, externalRef: ref })
      .expect(400);
  });

  it('creates one customer when the same new external ref is upserted concurrently', async () => {
    const ref = unique('RACE');
    const body = { name: unique('Race Upsert'), segment: 'public_miner', country: 'NO' };
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        t
          .http()
          .put(api(`/customers/by-external-ref/${ref}`))
          .set('X-API-Key', t.adminKey)
          .send(body),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 201]);
    const rows = await t.sql('SELECT 1 FROM customer WHERE external_ref = $1', [ref]);
    expect(rows).toHaveLength(1);
  });

  it('lets sales and erp write, refuses finance, operations and viewer, and lets any role read', async () => {
    const keys = Object.fromEntries(
      await Promise.all(
        ['sales', 'erp', 'finance', 'operations', 'viewer'].map(async (r) => [
          r,
          await t.keyFor(r as never),
        ]),
      ),
    );
    const bySales = await createCustomer(t, {}, keys.sales);
    await createCustomer(t, {}, keys.erp);
    await t
      .http()
      .patch(api(`/customers/${bySales.id}`))
      .set('X-API-Key', keys.erp)
      .send({ status: 'active' })
      .expect(200);
    await t
      .http()
      .put(api(`/customers/by-external-ref/${unique('S')}`))
      .set('X-API-Key', keys.sales)
      .send({ name: unique('S'), segment: 'public_miner', country: 'US' })
      .expect(201);
    for (const role of ['finance', 'operations', 'viewer']) {
      const res = await t
        .http()
        .post(api('/customers'))
        .set('X-API-Key', keys[role])
        .send({ name: unique('No'), segment: 'public_miner', country: 'US' })
        .expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      await t
        .http()
        .patch(api(`/customers/${bySales.id}`))
        .set('X-API-Key', keys[role])
        .send({ status: 'inactive' })
        .expect(403);
      await t
        .http()
        .put(api(`/customers/by-external-ref/${unique('N')}`))
        .set('X-API-Key', keys[role])
        .send({ name: unique('N'), segment: 'public_miner', country: 'US' })
        .expect(403);
      await t
        .http()
        .get(api(`/customers/${bySales.id}`))
        .set('X-API-Key', keys[role])
        .expect(200);
      await t.http().get(api('/customers')).set('X-API-Key', keys[role]).expect(200);
    }
    await t.http().get(api('/customers')).expect(401);
  });

  it('audits writes with the acting key and feeds customer events', async () => {
    const sales = await t.keyFor('sales');
    const customer = await createCustomer(t, { country: 'JP' }, sales);
    await t
      .http()
      .patch(api(`/customers/${customer.id}`))
      .set('X-API-Key', sales)
      .send({ country: 'DE' })
      .expect(200);
    const rows = await t.sql<{
      action: string;
      actor_name: string;
      actor_role: string;
      api_key_id: string | null;
      changes: { after: Record<string, unknown> };
    }>(
      `SELECT action, actor_name, actor_role, api_key_id, changes FROM audit_log WHERE entity_type = 'customer' AND entity_id = $1 ORDER BY id`,
      [customer.id],
    );
    expect(rows.map((r) => [r.action, r.actor_name, r.actor_role])).toEqual([
      ['created', 'test-sales', 'sales'],
      ['updated', 'test-sales', 'sales'],
    ]);
    const [key] = await t.sql<{ id: string }>('SELECT id FROM api_key WHERE key_hash = $1', [
      hashKey(sales),
    ]);
    expect(rows.map((r) => r.api_key_id)).toEqual([key.id, key.id]);
    expect(rows[1].changes.after).toEqual({ country: 'DE', region: 'EMEA' });
    const events = await t.sql<{ type: string; data: { region: string } }>(
      'SELECT type, data FROM event WHERE entity_id = $1 ORDER BY id',
      [customer.id],
    );
    expect(events.map((e) => [e.type, e.data.region])).toEqual([
      ['customer.created', 'APAC'],
      ['customer.updated', 'EMEA'],
    ]);
  });
});
