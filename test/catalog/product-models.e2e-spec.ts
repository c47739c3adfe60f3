import { hashKey } from '../../src/access/api-key.service';
import { createProductModel, unique } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('product models', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1${path}`;

  it('creates a model with derived efficiency, stores the price in cents and reads it back', async () => {
    const sku = unique('A1246');
    const res = await t
      .http()
      .post(api('/product-models'))
      .set('X-API-Key', t.adminKey)
      .send({
        sku,
        name: 'AvalonMiner A1246',
        series: 'A12',
        hashrateThs: 90,
        powerW: 3420,
        listPrice: '3060.00',
        releasedOn: '2021-01-15',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      sku,
      hashrateThs: 90,
      powerW: 3420,
      efficiencyJth: 38,
      listPrice: '3060.00',
      status: 'active',
      releasedOn: '2021-01-15',
      version: 1,
    });
    expect(res.headers.etag).toBe('"1"');
    const [row] = await t.sql<{ list_price_cents: number; hashrate_ths: string }>(
      'SELECT list_price_cents, hashrate_ths::text FROM product_model WHERE id = $1',
      [res.body.id],
    );
    expect(row).toEqual({ list_price_cents: 306000, hashrate_ths: '90.00' });

    const read = await t
      .http()
      .get(api(`/product-models/${res.body.id}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(read.body).toEqual(res.body);
  });

  it('derives efficiency for two-decimal hashrates', async () => {
    const model = await createProductModel(t, { hashrateThs: 104.17, powerW: 3500 });
    expect(model.efficiencyJth).toBe(33.6);
  });

  it('refuses a second model with the same sku with 409 DUPLICATE', async () => {
    const model = await createProductModel(t);
    const res = await t
      .http()
      .post(api('/product-models'))
      .set('X-API-Key', t.adminKey)
      .send({
        sku: model.sku,
        name: 'Other',
        series: 'A12',
        hashrateThs: 81,
        powerW: 3402,
        listPrice: '2000.00',
      })
      .expect(409);
    expect(res.body.code).toBe('DUPLICATE');
    expect(res.body.detail).toContain(model.sku);
    const rows = await t.sql('SELECT 1 FROM product_model WHERE sku = $1', [model.sku]);
    expect(rows).toHaveLength(1);
  });

  it('validates fields with their paths', async () => {
    const res = await t
      .http()
      .post(api('/product-models'))
      .set('X-API-Key', t.adminKey)
      .send({
        sku: 'bad sku/1',
        name: '',
        series: 'A12',
        hashrateThs: 0,
        powerW: 3420.5,
        listPrice: '3060',
        status: 'retired',
        releasedOn: '2021-02-30',
        colour: 'red',
      })
      .expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const paths = new Set(res.body.errors.map((e: { path: string }) => e.path));
    expect([...paths].sort()).toEqual([
      'colour',
      'hashrateThs',
      'listPrice',
      'name',
      'powerW',
      'releasedOn',
      'sku',
      'status',
    ]);
    expect(res.body.errors.find((e: { path: string }) => e.path === 'listPrice').message).toMatch(
      /two decimals/,
    );

    for (const hashrateThs of [-5, 90.123, '90']) {
      const bad = await t
        .http()
        .post(api('/product-models'))
        .set('X-API-Key', t.adminKey)
        .send({
          sku: unique('X'),
          name: 'X',
          series: 'X',
          hashrateThs,
          powerW: 1000,
          listPrice: '1.00',
        })
        .expect(400);
      expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(
        expect.arrayContaining(['hashrateThs']),
      );
    }
  });

  it('filters by q (sku, name or series, ignoring case) and status', async () => {
    const tag = unique('Tag').toLowerCase();
    const a = await createProductModel(t, { sku: `${tag}-1` });
    const b = await createProductModel(t, {
      name: `Miner ${tag.toUpperCase()}`,
      status: 'end_of_life',
    });
    const c = await createProductModel(t, { series: `S-${tag}`, status: 'announced' });
    await createProductModel(t);

    const all = await t
      .http()
      .get(api(`/product-models?q=${tag.toUpperCase()}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(all.body.items.map((m: { id: string }) => m.id)).toEqual([a.id, b.id, c.id]);
    const eol = await t
      .http()
      .get(api(`/product-models?q=${tag}&status=end_of_life`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(eol.body.items.map((m: { id: string }) => m.id)).toEqual([b.id]);
    await t
      .http()
      .get(api('/product-models?status=retired'))
      .set('X-API-Key', t.adminKey)
      .expect(400);
    // LIKE wildcards in q are taken literally.
    const literal = await t
      .http()
      .get(api(`/product-models?q=${encodeURIComponent('%')}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(literal.body.items).toEqual([]);
  });

  it('lists each model exactly as its own read shows it', async () => {
    const series = unique('Same');
    const made = [
      await createProductModel(t, { series, hashrateThs: 104.17, powerW: 3500, listPrice: '0.05' }),
      // 3425 W / 100 TH/s = 34.25 J/TH: half up to 34.3.
      await createProductModel(t, {
        series,
        hashrateThs: 100,
        powerW: 3425,
        listPrice: '12345678.90',
      }),
      await createProductModel(t, {
        series,
        hashrateThs: 90,
        powerW: 3420,
        releasedOn: '2021-01-15',
      }),
    ];
    expect(made.map((m) => m.efficiencyJth)).toEqual([33.6, 34.3, 38]);
    const list = await t
      .http()
      .get(api(`/product-models?q=${series}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(list.headers['content-type']).toBe('application/json; charset=utf-8');
    const reads = [];
    for (const m of made) {
      reads.push(
        (
          await t
            .http()
            .get(api(`/product-models/${m.id}`))
            .set('X-API-Key', t.adminKey)
            .expect(200)
        ).body,
      );
    }
    expect(list.body).toEqual({ items: reads, nextCursor: null });
    const none = await t
      .http()
      .get(api(`/product-models?q=${unique('nothing')}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(none.body).toEqual({ items: [], nextCursor: null });
    const refused = await t
      .http()
      .get(api('/product-models?limit=0'))
      .set('X-API-Key', t.adminKey)
      .expect(400);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'limit' })]);
  });

  it('pages in creation order, stable while rows are inserted', async () => {
    const series = unique('Page');
    const first = [];
    for (let i = 0; i < 3; i++) first.push(await createProductModel(t, { series }));
    const page1 = await t
      .http()
      .get(api(`/product-models?q=${series}&limit=2`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page1.body.items.map((m: { id: string }) => m.id)).toEqual([first[0].id, first[1].id]);
    expect(page1.body.nextCursor).toEqual(expect.any(String));
    const late = await createProductModel(t, { series });
    const page2 = await t
      .http()
      .get(api(`/product-models?q=${series}&limit=2&cursor=${page1.body.nextCursor}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page2.body.items.map((m: { id: string }) => m.id)).toEqual([first[2].id, late.id]);
    expect(page2.body.nextCursor).toBeNull();
  });

  it('updates with If-Match, refusing a stale version with 412', async () => {
    const model = await createProductModel(t);
    const path = api(`/product-models/${model.id}`);
    const updated = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ hashrateThs: 95, listPrice: '2999.99' })
      .expect(200);
    expect(updated.body).toMatchObject({
      version: 2,
      hashrateThs: 95,
      efficiencyJth: 36,
      listPrice: '2999.99',
    });
    expect(updated.headers.etag).toBe('"2"');

    const stale = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({ name: 'Stale' })
      .expect(412);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    const [row] = await t.sql<{ name: string; version: number }>(
      'SELECT name, version FROM product_model WHERE id = $1',
      [model.id],
    );
    expect(row).toEqual({ name: model.name, version: 2 });

    // Null is not a value for a required field; releasedOn may be cleared.
    await t.http().patch(path).set('X-API-Key', t.adminKey).send({ name: null }).expect(400);
    const cleared = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .send({ releasedOn: null, status: 'end_of_life' })
      .expect(200);
    expect(cleared.body).toMatchObject({ releasedOn: null, status: 'end_of_life', version: 3 });
    // Nothing changes: no new version.
    const same = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .send({ status: 'end_of_life' })
      .expect(200);
    expect(same.body.version).toBe(3);
  });

  it('refuses to take another model sku on update', async () => {
    const a = await createProductModel(t);
    const b = await createProductModel(t);
    const res = await t
      .http()
      .patch(api(`/product-models/${b.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ sku: a.sku })
      .expect(409);
    expect(res.body.code).toBe('DUPLICATE');
  });

  it('answers 404 for an unknown or malformed id', async () => {
    await t
      .http()
      .get(api('/product-models/00000000-0000-4000-8000-000000000000'))
      .set('X-API-Key', t.adminKey)
      .expect(404);
    await t.http().get(api('/product-models/nope')).set('X-API-Key', t.adminKey).expect(404);
    await t
      .http()
      .patch(api('/product-models/00000000-0000-4000-8000-000000000000'))
      .set('X-API-Key', t.adminKey)
      .send({ name: 'x' })
      .expect(404);
  });

  it('upserts by sku: 201 when created, 200 when updated, keeping fields left out', async () => {
    const sku = unique('A1466');
    const path = api(`/product-models/by-sku/${sku}`);
    const body = {
      name: 'AvalonMiner A1466',
      series: 'A14',
      hashrateThs: 150,
      powerW: 3230,
      listPrice: '4500.00',
      status: 'announced',
    };
    const created = await t.http().put(path).set('X-API-Key', t.adminKey).send(body).expect(201);
    expect(created.body).toMatchObject({
      sku,
      status: 'announced',
      efficiencyJth: 21.5,
      version: 1,
    });

    const { status: _status, ...withoutStatus } = body;
    const updated = await t
      .http()
      .put(path)
      .set('X-API-Key', t.adminKey)
      .send({ ...withoutStatus, listPrice: '4400.00' })
      .expect(200);
    expect(updated.body).toMatchObject({
      id: created.body.id,
      sku,
      status: 'announced',
      listPrice: '4400.00',
      version: 2,
    });
    await t
      .http()
      .put(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send(body)
      .expect(412);
    // The sku comes from the path only.
    await t
      .http()
      .put(path)
      .set('X-API-Key', t.adminKey)
      .send({ ...body, sku })
      .expect(400);
    await t
      .http()
      .put(api('/product-models/by-sku/bad%20sku'))
      .set('X-API-Key', t.adminKey)
      .send(body)
      .expect(400);
  });

  it('creates one model when the same new sku is upserted concurrently', async () => {
    const sku = unique('RACE');
    const body = {
      name: 'Race',
      series: 'R',
      hashrateThs: 100,
      powerW: 3000,
      listPrice: '1000.00',
    };
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        t
          .http()
          .put(api(`/product-models/by-sku/${sku}`))
          .set('X-API-Key', t.adminKey)
          .send(body),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const rows = await t.sql('SELECT 1 FROM product_model WHERE sku = $1', [sku]);
    expect(rows).toHaveLength(1);
  });

  it('lets erp and admin write, refuses sales, finance and viewer, and lets any role read', async () => {
    const [erp, sales, finance, viewer] = await Promise.all(
      ['erp', 'sales', 'finance', 'viewer'].map((r) => t.keyFor(r as never)),
    );
    const body = () => ({
      sku: unique('ROLE'),
      name: 'R',
      series: 'R',
      hashrateThs: 100,
      powerW: 3000,
      listPrice: '1000.00',
    });
    const created = await t
      .http()
      .post(api('/product-models'))
      .set('X-API-Key', erp)
      .send(body())
      .expect(201);
    for (const key of [sales, finance, viewer]) {
      const res = await t
        .http()
        .post(api('/product-models'))
        .set('X-API-Key', key)
        .send(body())
        .expect(403);
      expect(res.body.code).toBe('FORBIDDEN');
      await t
        .http()
        .patch(api(`/product-models/${created.body.id}`))
        .set('X-API-Key', key)
        .send({ name: 'x' })
        .expect(403);
      await t
        .http()
        .put(api(`/product-models/by-sku/${unique('ROLE')}`))
        .set('X-API-Key', key)
        .send(body())
        .expect(403);
      await t
        .http()
        .get(api(`/product-models/${created.body.id}`))
        .set('X-API-Key', key)
        .expect(200);
    }
    await t
      .http()
      .patch(api(`/product-models/${created.body.id}`))
      .set('X-API-Key', erp)
      .send({ name: 'By ERP' })
      .expect(200);
  });

  it('audits writes with the acting key and feeds product_model events', async () => {
    const erp = await t.keyFor('erp');
    const model = await createProductModel(t, {}, erp);
    await t
      .http()
      .patch(api(`/product-models/${model.id}`))
      .set('X-API-Key', erp)
      .send({ listPrice: '2500.00' })
      .expect(200);
    const log = await t
      .http()
      .get(api(`/audit-log?entityType=product_model&entityId=${model.id}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(log.body.items).toHaveLength(2);
    expect(log.body.items[0]).toMatchObject({
      action: 'created',
      actor: { name: 'test-erp', role: 'erp' },
      changes: { after: { sku: model.sku } },
    });
    expect(log.body.items[1]).toMatchObject({
      action: 'updated',
      actor: { role: 'erp' },
      changes: { before: { listPrice: '3060.00' }, after: { listPrice: '2500.00' } },
    });
    const [key] = await t.sql<{ id: string }>('SELECT id FROM api_key WHERE key_hash = $1', [
      hashKey(erp),
    ]);
    expect(log.body.items.map((e: { actor: object }) => e.actor)).toEqual([
      { type: 'api_key', id: key.id, name: 'test-erp', role: 'erp' },
      { type: 'api_key', id: key.id, name: 'test-erp', role: 'erp' },
    ]);
    const events = await t.sql<{ type: string }>(
      'SELECT type FROM event WHERE entity_id = $1 ORDER BY id',
      [model.id],
    );
    expect(events.map((e) => e.type)).toEqual(['product_model.created', 'product_model.updated']);
  });
});
