import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ProductModelService } from '../../src/catalog/product-model.service';
import { NotFoundError, ReferenceNotFoundError, UnprocessableError } from '../../src/common/errors';
import { runAs } from '../../src/common/request-context';
import { CustomerService } from '../../src/customers/customer.service';
import { OpportunityService } from '../../src/customers/opportunities/opportunity.service';
import { createCustomer, createOpportunity, createProductModel } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('opportunities', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1${path}`;
  const UNKNOWN = '00000000-0000-4000-8000-000000000000';

  it('opens an opportunity at the model list price and the lead default probability', async () => {
    const customer = await createCustomer(t);
    const model = await createProductModel(t, { listPrice: '3060.00' });
    const res = await t
      .http()
      .post(api('/opportunities'))
      .set('X-API-Key', t.adminKey)
      .send({
        customerId: customer.id,
        productModelId: model.id,
        quantity: 6000,
        expectedCloseOn: '2021-02-07',
        firstDeliveryOn: '2021-03-20',
      })
      .expect(201);
    expect(res.body).toMatchObject({
      customerId: customer.id,
      productModelId: model.id,
      quantity: 6000,
      unitPrice: '3060.00',
      stage: 'lead',
      probability: 10,
      // 6,000 × $3,060.00 × 10 %
      weightedValue: '1836000.00',
      expectedCloseOn: '2021-02-07',
      firstDeliveryOn: '2021-03-20',
      purchaseOrderId: null,
      version: 1,
    });
    const [row] = await t.sql<{ unit_price_cents: number }>(
      'SELECT unit_price_cents FROM opportunity WHERE id = $1',
      [res.body.id],
    );
    expect(row.unit_price_cents).toBe(306000);
    const read = await t
      .http()
      .get(api(`/opportunities/${res.body.id}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(read.body).toEqual(res.body);
  });

  it('starts each stage at its default probability unless one is given', async () => {
    const customer = await createCustomer(t);
    const model = await createProductModel(t);
    const stages = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];
    const made = [];
    for (const stage of stages)
      made.push(
        await createOpportunity(t, { customerId: customer.id, productModelId: model.id, stage }),
      );
    expect(made.map((o) => o.probability)).toEqual([10, 25, 50, 75, 100, 0]);
    const given = await createOpportunity(t, {
      customerId: customer.id,
      productModelId: model.id,
      stage: 'proposal',
      probability: 35,
      unitPrice: '2999.00',
    });
    expect(given).toMatchObject({ probability: 35, unitPrice: '2999.00' });
  });

  it('weighs each opportunity by its probability, half up to the cent', async () => {
    const customer = await createCustomer(t);
    const model = await createProductModel(t);
    const weigh = async (quantity: number, unitPrice: string, probability: number) =>
      (
        await createOpportunity(t, {
          customerId: customer.id,
          productModelId: model.id,
          quantity,
          unitPrice,
          probability,
        })
      ).weightedValue;
    expect(await weigh(2500, '2999.00', 35)).toBe('2624125.00'); // 2,500 × 2,999.00 × 0.35
    expect(await weigh(1, '0.02', 25)).toBe('0.01'); // 0.5 cent, up
    expect(await weigh(1, '0.05', 29)).toBe('0.01'); // 1.45 cents, down
    expect(await weigh(3, '0.05', 10)).toBe('0.02'); // 1.5 cents, up
  });

  it('resets the probability on a stage change unless one is given, honouring If-Match', async () => {
    const opportunity = await createOpportunity(t, { probability: 40 });
    const path = api(`/opportunities/${opportunity.id}`);
    const same = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .send({ quantity: 2000 })
      .expect(200);
    expect(same.body).toMatchObject({ stage: 'lead', probability: 40, quantity: 2000, version: 2 });
    const moved = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"2"')
      .send({ stage: 'negotiation' })
      .expect(200);
    expect(moved.body).toMatchObject({ stage: 'negotiation', probability: 75, version: 3 });
    const given = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .send({ stage: 'proposal', probability: 60 })
      .expect(200);
    expect(given.body).toMatchObject({ stage: 'proposal', probability: 60 });
    const sameStage = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .send({ stage: 'proposal' })
      .expect(200);
    expect(sameStage.body).toMatchObject({ stage: 'proposal', probability: 60, version: 4 });
    const lost = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .send({ stage: 'lost' })
      .expect(200);
    expect(lost.body.probability).toBe(0);

    const stale = await t
      .http()
      .patch(path)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"2"')
      .send({ stage: 'won' })
      .expect(412);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    const [row] = await t.sql<{ stage: string }>('SELECT stage FROM opportunity WHERE id = $1', [
      opportunity.id,
    ]);
    expect(row.stage).toBe('lost');
  });

  it('takes the new model list price when the model changes without a price', async () => {
    const opportunity = await createOpportunity(t);
    const other = await createProductModel(t, { listPrice: '4500.00' });
    const res = await t
      .http()
      .patch(api(`/opportunities/${opportunity.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ productModelId: other.id })
      .expect(200);
    expect(res.body).toMatchObject({ productModelId: other.id, unitPrice: '4500.00' });
    const third = await createProductModel(t, { listPrice: '5000.00' });
    const priced = await t
      .http()
      .patch(api(`/opportunities/${opportunity.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ productModelId: third.id, unitPrice: '4800.00' })
      .expect(200);
    expect(priced.body).toMatchObject({ productModelId: third.id, unitPrice: '4800.00' });
  });

  it('refuses unknown references and end-of-life models with 422 and the field path', async () => {
    const customer = await createCustomer(t);
    const model = await createProductModel(t);
    const noCustomer = await t
      .http()
      .post(api('/opportunities'))
      .set('X-API-Key', t.adminKey)
      .send({ customerId: UNKNOWN, productModelId: model.id, quantity: 1 })
      .expect(422);
    expect(noCustomer.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: 'customerId' }],
    });
    const noModel = await t
      .http()
      .post(api('/opportunities'))
      .set('X-API-Key', t.adminKey)
      .send({ customerId: customer.id, productModelId: UNKNOWN, quantity: 1 })
      .expect(422);
    expect(noModel.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: 'productModelId' }],
    });

    const eol = await createProductModel(t, { status: 'end_of_life' });
    const refused = await t
      .http()
      .post(api('/opportunities'))
      .set('X-API-Key', t.adminKey)
      .send({ customerId: customer.id, productModelId: eol.id, quantity: 1 })
      .expect(422);
    expect(refused.body).toMatchObject({
      code: 'PRODUCT_MODEL_NOT_ORDERABLE',
      errors: [{ path: 'productModelId' }],
    });
    expect(refused.body.detail).toContain(eol.sku);
    const opportunity = await createOpportunity(t, {
      customerId: customer.id,
      productModelId: model.id,
    });
    const patched = await t
      .http()
      .patch(api(`/opportunities/${opportunity.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ productModelId: eol.id })
      .expect(422);
    expect(patched.body.code).toBe('PRODUCT_MODEL_NOT_ORDERABLE');
    const count = await t.sql('SELECT 1 FROM opportunity WHERE customer_id = $1', [customer.id]);
    expect(count).toHaveLength(1);
  });

  it('validates fields with paths', async () => {
    const res = await t
      .http()
      .post(api('/opportunities'))
      .set('X-API-Key', t.adminKey)
      .send({
        customerId: 'nope',
        productModelId: UNKNOWN,
        quantity: 1.5,
        unitPrice: '3060',
        stage: 'closed',
        probability: 101,
        firstDeliveryOn: '21-03-20',
        purchaseOrderId: UNKNOWN,
      })
      .expect(400);
    expect([...new Set(res.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
      'customerId',
      'firstDeliveryOn',
      'probability',
      'purchaseOrderId',
      'quantity',
      'stage',
      'unitPrice',
    ]);
    const zero = await t
      .http()
      .post(api('/opportunities'))
      .set('X-API-Key', t.adminKey)
      .send({ customerId: UNKNOWN, productModelId: UNKNOWN, quantity: 0 })
      .expect(400);
    expect(zero.body.errors.map((e: { path: string }) => e.path)).toEqual(['quantity']);
    await t
      .http()
      .get(api(`/opportunities/${UNKNOWN}`))
      .set('X-API-Key', t.adminKey)
      .expect(404);
    await t.http().get(api('/opportunities?stage=closed')).set('X-API-Key', t.adminKey).expect(400);
  });

  it('filters by customer and stage, in pages', async () => {
    const customer = await createCustomer(t);
    const model = await createProductModel(t);
    const a = await createOpportunity(t, {
      customerId: customer.id,
      productModelId: model.id,
      stage: 'qualified',
    });
    const b = await createOpportunity(t, { customerId: customer.id, productModelId: model.id });
    const c = await createOpportunity(t, {
      customerId: customer.id,
      productModelId: model.id,
      stage: 'qualified',
    });
    await createOpportunity(t, { productModelId: model.id, stage: 'qualified' });
    const page1 = await t
      .http()
      .get(api(`/opportunities?customerId=${customer.id}&limit=2`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page1.body.items.map((o: { id: string }) => o.id)).toEqual([a.id, b.id]);
    const page2 = await t
      .http()
      .get(api(`/opportunities?customerId=${customer.id}&limit=2&cursor=${page1.body.nextCursor}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page2.body).toEqual({ items: [c], nextCursor: null });
    const qualified = await t
      .http()
      .get(api(`/opportunities?customerId=${customer.id}&stage=qualified`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(qualified.body.items.map((o: { id: string }) => o.id)).toEqual([a.id, c.id]);
  });

  it('lets sales write opportunities; erp, finance and viewer only read; audits and feeds events', async () => {
    const [sales, erp, finance, viewer] = await Promise.all(
      ['sales', 'erp', 'finance', 'viewer'].map((r) => t.keyFor(r as never)),
    );
    const customer = await createCustomer(t);
    const model = await createProductModel(t);
    const opportunity = await createOpportunity(
      t,
      { customerId: customer.id, productModelId: model.id },
      sales,
    );
    await t
      .http()
      .patch(api(`/opportunities/${opportunity.id}`))
      .set('X-API-Key', sales)
      .send({ stage: 'qualified' })
      .expect(200);
    for (const key of [erp, finance, viewer]) {
      await t
        .http()
        .post(api('/opportunities'))
        .set('X-API-Key', key)
        .send({ customerId: customer.id, productModelId: model.id, quantity: 1 })
        .expect(403);
      await t
        .http()
        .patch(api(`/opportunities/${opportunity.id}`))
        .set('X-API-Key', key)
        .send({ quantity: 5 })
        .expect(403);
      await t
        .http()
        .get(api(`/opportunities/${opportunity.id}`))
        .set('X-API-Key', key)
        .expect(200);
    }
    const log = await t
      .http()
      .get(api(`/audit-log?entityType=opportunity&entityId=${opportunity.id}`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(
      log.body.items.map((e: { action: string; actor: { role: string } }) => [
        e.action,
        e.actor.role,
      ]),
    ).toEqual([
      ['created', 'sales'],
      ['updated', 'sales'],
    ]);
    expect(log.body.items[1].changes).toEqual({
      before: { stage: 'lead', probability: 10, weightedValue: '306000.00' },
      after: { stage: 'qualified', probability: 25, weightedValue: '765000.00' },
    });
    const events = await t.sql<{ type: string }>(
      'SELECT type FROM event WHERE entity_id = $1 ORDER BY id',
      [opportunity.id],
    );
    expect(events.map((e) => e.type)).toEqual(['opportunity.created', 'opportunity.updated']);
  });

  describe('services other domains call', () => {
    const tx = <T>(work: (manager: import('typeorm').EntityManager) => Promise<T>) =>
      t.app.get(DataSource).transaction(work);

    it('locks and marks an opportunity converted: won, 100 %, the order id, audited and fed', async () => {
      const opportunities = t.app.get(OpportunityService);
      const opportunity = await createOpportunity(t, {
        stage: 'negotiation',
        firstDeliveryOn: '2030-01-20',
      });
      const purchaseOrderId = randomUUID();
      const actor = {
        type: 'system' as const,
        id: null,
        name: 'conversion-test',
        role: 'sales' as const,
      };
      const converted = await runAs(actor, () =>
        tx(async (manager) => {
          const locked = await opportunities.lockForConversion(manager, opportunity.id);
          expect(locked.purchaseOrderId).toBeNull();
          return opportunities.markConverted(manager, locked, purchaseOrderId);
        }),
      );
      expect(converted).toMatchObject({
        stage: 'won',
        probability: 100,
        purchaseOrderId,
        version: 2,
      });
      const read = await t
        .http()
        .get(api(`/opportunities/${opportunity.id}`))
        .set('X-API-Key', t.adminKey)
        .expect(200);
      expect(read.body).toMatchObject({
        stage: 'won',
        probability: 100,
        purchaseOrderId,
        version: 2,
      });

      const [audit] = await t.sql<{ action: string; actor_name: string; changes: unknown }>(
        `SELECT action, actor_name, changes FROM audit_log WHERE entity_id = $1 AND action = 'converted'`,
        [opportunity.id],
      );
      expect(audit).toEqual({
        action: 'converted',
        actor_name: 'conversion-test',
        changes: {
          before: {
            stage: 'negotiation',
            probability: 75,
            purchaseOrderId: null,
            weightedValue: '2295000.00',
          },
          after: { stage: 'won', probability: 100, purchaseOrderId, weightedValue: '3060000.00' },
        },
      });
      const events = await t.sql<{ type: string }>(
        'SELECT type FROM event WHERE entity_id = $1 ORDER BY id',
        [opportunity.id],
      );
      expect(events.map((e) => e.type)).toEqual(['opportunity.created', 'opportunity.converted']);

      // A converted opportunity no longer changes.
      const refused = await t
        .http()
        .patch(api(`/opportunities/${opportunity.id}`))
        .set('X-API-Key', t.adminKey)
        .send({ stage: 'lost' })
        .expect(409);
      expect(refused.body.code).toBe('INVALID_STATE');
      await expect(
        tx((manager) => opportunities.lockForConversion(manager, UNKNOWN)),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('gives orders the customer and an orderable model, or 422 errors at the given path', async () => {
      const customers = t.app.get(CustomerService);
      const models = t.app.get(ProductModelService);
      const customer = await createCustomer(t);
      const active = await createProductModel(t);
      const eol = await createProductModel(t, { status: 'end_of_life' });
      await tx(async (manager) => {
        expect((await customers.getForOrder(manager, customer.id, 'customerId')).id).toBe(
          customer.id,
        );
        expect(
          (await models.getOrderable(manager, active.id, 'lines[0].productModelId')).listPriceCents,
        ).toBe(306000);
      });
      const missing = await tx((m) => customers.getForOrder(m, UNKNOWN, 'customerId')).catch(
        (e: unknown) => e,
      );
      expect(missing).toBeInstanceOf(ReferenceNotFoundError);
      expect((missing as ReferenceNotFoundError).errors).toEqual([
        { path: 'customerId', message: expect.any(String) },
      ]);
      const garbage = await tx((m) => customers.getForOrder(m, 'CUST-1', 'customerId')).catch(
        (e: unknown) => e,
      );
      expect(garbage).toBeInstanceOf(ReferenceNotFoundError);
      const noModel = await tx((m) =>
        models.getOrderable(m, UNKNOWN, 'lines[1].productModelId'),
      ).catch((e: unknown) => e);
      expect((noModel as ReferenceNotFoundError).errors?.[0].path).toBe('lines[1].productModelId');
      const notOrderable = await tx((m) =>
        models.getOrderable(m, eol.id, 'lines[0].productModelId'),
      ).catch((e: unknown) => e);
      expect(notOrderable).toBeInstanceOf(UnprocessableError);
      expect(notOrderable).toMatchObject({ status: 422, code: 'PRODUCT_MODEL_NOT_ORDERABLE' });
    });
  });
});
