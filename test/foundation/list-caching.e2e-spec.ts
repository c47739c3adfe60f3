import { createProductModel, unique } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

// Lists are read from the database on every request; clients that keep pages revalidate them with
// the page's weak ETag.
describe('list pages over HTTP', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, a.databaseUrl);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  const list = (t: TestApp, path: string, etag?: string) => {
    const req = t.http().get(`/api/v1${path}`).set('X-API-Key', t.adminKey);
    return etag === undefined ? req : req.set('If-None-Match', etag);
  };

  it('sends a weak ETag, answers 304 without a body while the page is unchanged, and 200 after a change', async () => {
    const series = unique('Tagged');
    const model = await createProductModel(a, { series });
    const path = `/product-models?q=${series}`;

    const first = await list(a, path).expect(200);
    const etag = first.headers.etag;
    expect(etag).toMatch(/^W\/"[^"]+"$/);
    expect(first.body.items.map((m: { id: string }) => m.id)).toEqual([model.id]);

    const unchanged = await list(a, path, etag).expect(304);
    expect(unchanged.text).toBe('');
    expect(unchanged.headers.etag).toBe(etag);
    expect(unchanged.headers['content-type']).toBeUndefined();
    // One of several tags, and the tag without W/, also match (weak comparison).
    await list(a, path, `"stale", ${etag}`).expect(304);
    await list(a, path, etag.slice(2)).expect(304);

    await a
      .http()
      .patch(`/api/v1/product-models/${model.id}`)
      .set('X-API-Key', a.adminKey)
      .send({ name: 'AvalonMiner A1246 Pro' })
      .expect(200);
    const changed = await list(a, path, etag).expect(200);
    expect(changed.headers.etag).toMatch(/^W\/"[^"]+"$/);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body.items[0].name).toBe('AvalonMiner A1246 Pro');
    await list(a, path, changed.headers.etag).expect(304);
  });

  it('keeps the strong ETag of a single resource: its version', async () => {
    const model = await createProductModel(a);
    const read = await list(a, `/product-models/${model.id}`).expect(200);
    expect(read.headers.etag).toBe('"1"');
  });

  it('shows a change made on another instance or with SQL at the next read', async () => {
    const created = await a
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', a.adminKey)
      .send({ name: unique('listed'), role: 'viewer' })
      .expect(201);
    const keys = await list(a, '/api-keys?limit=500').expect(200);
    const find = (body: { items: { id: string; revokedAt: string | null }[] }) =>
      body.items.find((k) => k.id === created.body.id);
    expect(find(keys.body)?.revokedAt).toBeNull();

    await b
      .http()
      .delete(`/api/v1/api-keys/${created.body.id}`)
      .set('X-API-Key', b.adminKey)
      .expect(204);
    const revoked = await list(a, '/api-keys?limit=500', keys.headers.etag).expect(200);
    expect(find(revoked.body)?.revokedAt).toEqual(expect.any(String));

    const model = await createProductModel(b, { series: unique('Elsewhere') });
    const path = `/product-models?q=${model.series}`;
    const before = await list(a, path).expect(200);
    expect(before.body.items.map((m: { id: string }) => m.id)).toEqual([model.id]);
    const renamed = unique('Renamed');
    await a.sql('UPDATE product_model SET name = $1 WHERE id = $2', [renamed, model.id]);
    const after = await list(a, path, before.headers.etag).expect(200);
    expect(after.body.items[0].name).toBe(renamed);
  });
});
