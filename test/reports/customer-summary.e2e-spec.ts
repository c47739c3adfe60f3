import {
  createActivity,
  createCustomer,
  createOpportunity,
  createProductModel,
} from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('customer summary', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  const api = (path: string) => `/api/v1${path}`;
  const today = () => new Date().toISOString().slice(0, 10);

  it('weights the open pipeline by probability, rounding the sum half up to the cent', async () => {
    const customer = await createCustomer(t);
    const other = await createCustomer(t);
    const model = await createProductModel(t, { listPrice: '3060.00' });
    const on = { customerId: customer.id, productModelId: model.id };
    // 1000 × 3060.00 × 25 %      = 765,000.00
    await createOpportunity(t, { ...on, quantity: 1000, stage: 'qualified' });
    // 1 × 3000.01 × 50 %         =   1,500.005
    await createOpportunity(t, { ...on, quantity: 1, unitPrice: '3000.01', stage: 'proposal' });
    // 10 × 2500.00 × 75 %        =  18,750.00
    await createOpportunity(t, { ...on, quantity: 10, unitPrice: '2500.00', stage: 'negotiation' });
    // 20 × 1234.57 × 10 %        =   2,469.14
    await createOpportunity(t, { ...on, quantity: 20, unitPrice: '1234.57' });
    // Left out: won, lost (whatever its probability), and another customer's.
    await createOpportunity(t, { ...on, quantity: 500, stage: 'won' });
    await createOpportunity(t, { ...on, quantity: 500, stage: 'lost', probability: 30 });
    await createOpportunity(t, {
      customerId: other.id,
      productModelId: model.id,
      quantity: 900,
      stage: 'negotiation',
    });
    // Σ = 787,719.145 → 787,719.15 (half up; half-even or truncation would give .14)

    const res = await t
      .http()
      .get(api(`/customers/${customer.id}/summary`))
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(res.body).toEqual({
      customerId: customer.id,
      asOf: today(),
      openOrders: 0,
      backlogUnits: 0,
      backlogValue: '0.00',
      shippedUnits: 0,
      recognizedRevenue: '0.00',
      cashReceived: '0.00',
      refunded: '0.00',
      contractLiability: '0.00',
      receivable: '0.00',
      overdueAmount: '0.00',
      weightedPipelineValue: '787719.15',
      lastActivityAt: null,
    });
  });

  it('follows stage changes of the pipeline', async () => {
    const customer = await createCustomer(t);
    const opportunity = await createOpportunity(t, { customerId: customer.id, quantity: 100 });
    const value = async () =>
      (
        await t
          .http()
          .get(api(`/customers/${customer.id}/summary`))
          .set('X-API-Key', t.adminKey)
          .expect(200)
      ).body.weightedPipelineValue;
    // 100 × 3060.00 × 10 %
    expect(await value()).toBe('30600.00');
    await t
      .http()
      .patch(api(`/opportunities/${opportunity.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ stage: 'negotiation' })
      .expect(200);
    expect(await value()).toBe('229500.00');
    await t
      .http()
      .patch(api(`/opportunities/${opportunity.id}`))
      .set('X-API-Key', t.adminKey)
      .send({ stage: 'won' })
      .expect(200);
    expect(await value()).toBe('0.00');
  });

  it('gives the latest activity time of the customer', async () => {
    const customer = await createCustomer(t);
    await createActivity(t, customer.id, { occurredAt: '2024-03-01T10:00:00Z' });
    await createActivity(t, customer.id, {
      type: 'meeting',
      occurredAt: '2024-05-01T11:30:00+02:00',
    });
    await createActivity(t, customer.id, { type: 'note', occurredAt: '2024-04-01T00:00:00Z' });
    await createActivity(t, (await createCustomer(t)).id, { occurredAt: '2025-01-01T00:00:00Z' });
    const viewer = await t.keyFor('viewer');
    const res = await t
      .http()
      .get(api(`/customers/${customer.id}/summary`))
      .set('X-API-Key', viewer)
      .expect(200);
    expect(res.body.lastActivityAt).toBe('2024-05-01T09:30:00.000Z');
  });

  it('answers 404 for an unknown customer', async () => {
    await t
      .http()
      .get(api('/customers/00000000-0000-4000-8000-000000000000/summary'))
      .set('X-API-Key', t.adminKey)
      .expect(404);
  });
});
