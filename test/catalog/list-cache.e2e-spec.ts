import { TableChanges } from '../../src/database/table-changes';
import { PreparedQueries } from '../../src/database/prepared-queries';
import { createProductModel, unique } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';

// Product-model and API-key pages are kept in memory until their table changes, however and
// wherever the change is made.
describe('kept list pages', () => {
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

  const names = async (t: TestApp) =>
    (
      await t
        .http()
        .get('/api/v1/product-models?limit=500')
        .set('X-API-Key', t.adminKey)
        .expect(200)
    ).body.items.map((m: { name: string }) => m.name) as string[];

  it('serves a kept page until this instance, another one or raw SQL changes the table', async () => {
    const model = await createProductModel(a, { name: unique('Kept') });
    await names(a);
    const reads = jest.spyOn(a.app.get(PreparedQueries), 'prepared');
    try {
      expect(await names(a)).toContain(model.name);
      expect(reads).not.toHaveBeenCalled();

      // A write answered by this instance is seen by the very next read.
      const own = await createProductModel(a, { name: unique('Own') });
      expect(await names(a)).toContain(own.name);
      expect(reads).toHaveBeenCalledTimes(1);

      // Another instance's write and a raw SQL update arrive as the table's NOTIFY.
      const other = await createProductModel(b, { name: unique('Other') });
      await until(
        () => names(a),
        (n) => n.includes(other.name),
        2000,
      );
      const renamed = unique('Renamed');
      await a.sql('UPDATE product_model SET name = $1 WHERE id = $2', [renamed, model.id]);
      await until(
        () => names(a),
        (n) => n.includes(renamed) && !n.includes(model.name),
        2000,
      );
    } finally {
      reads.mockRestore();
    }
  });

  it('keeps nothing while it cannot hear changes, and keeps again once it can', async () => {
    const changes = a.app.get(TableChanges);
    await names(a);
    await a.sql(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'hashbook-table-changes' AND datname = current_database()`,
    );
    await until(
      async () => changes.live,
      (live) => !live,
      2000,
    );
    // This change's NOTIFY goes unheard: the page must come from the database.
    const unheard = unique('Unheard');
    await a.sql(
      `UPDATE product_model SET name = $1 WHERE sku = (SELECT min(sku) FROM product_model)`,
      [unheard],
    );
    expect(await names(a)).toContain(unheard);

    await until(
      async () => changes.live,
      (live) => live,
      5000,
    );
    await names(a);
    const reads = jest.spyOn(a.app.get(PreparedQueries), 'prepared');
    try {
      await names(a);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
  });

  it('lists API keys revoked on another instance without waiting', async () => {
    const created = await a
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', a.adminKey)
      .send({ name: unique('kept'), role: 'viewer' })
      .expect(201);
    const revokedAt = async () =>
      (
        await a.http().get('/api/v1/api-keys?limit=500').set('X-API-Key', a.adminKey).expect(200)
      ).body.items.find((k: { id: string }) => k.id === created.body.id).revokedAt as string | null;
    expect(await revokedAt()).toBeNull();
    await b
      .http()
      .delete(`/api/v1/api-keys/${created.body.id}`)
      .set('X-API-Key', b.adminKey)
      .expect(204);
    expect(await until(revokedAt, (at) => at !== null, 2000)).toEqual(expect.any(String));
  });
});
