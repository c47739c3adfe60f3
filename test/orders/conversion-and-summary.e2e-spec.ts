import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('opportunity conversion and the customer summary', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ listPrice: '3060.00' })).id;
  });
  afterAll(() => t.close());

  it('converts an opportunity into a draft order once, and refuses one without a first delivery date', async () => {
    const customerId = (await f.customer()).id;
    const sales = await t.keyFor('sales');
    const opportunity = await t
      .http()
      .post('/api/v1/opportunities')
      .set('X-API-Key', sales)
      .send({
        customerId,
        productModelId: modelId,
        quantity: 6000,
        stage: 'negotiation',
        firstDeliveryOn: '2025-03-20',
      })
      .expect(201);
    const order = await t
      .http()
      .post(`/api/v1/opportunities/${opportunity.body.id}/convert`)
      .set('X-API-Key', sales)
      .send({ signedOn: '2025-02-07' })
      .expect(201);
    expect(order.body).toMatchObject({ status: 'draft', customerId, signedOn: '2025-02-07' });
    expect(tranchesOf(order.body)).toEqual([
      expect.objectContaining({ shipDate: '2025-03-20', quantity: 6000, unitPrice: '3060.00' }),
    ]);
    expect(order.body.totals.value).toBe('18360000.00');
    const won = await t
      .http()
      .get(`/api/v1/opportunities/${opportunity.body.id}`)
      .set('X-API-Key', sales)
      .expect(200);
    expect(won.body).toMatchObject({
      stage: 'won',
      probability: 100,
      purchaseOrderId: order.body.id,
    });
    const twice = await t
      .http()
      .post(`/api/v1/opportunities/${opportunity.body.id}/convert`)
      .set('X-API-Key', sales)
      .send({})
      .expect(409);
    expect(twice.body.code).toBe('ALREADY_CONVERTED');

    const undated = await t
      .http()
      .post('/api/v1/opportunities')
      .set('X-API-Key', sales)
      .send({ customerId, productModelId: modelId, quantity: 10 })
      .expect(201);
    const refused = await t
      .http()
      .post(`/api/v1/opportunities/${undated.body.id}/convert`)
      .set('X-API-Key', sales)
      .send({})
      .expect(422);
    expect(refused.body.code).toBe('FIRST_DELIVERY_MISSING');
    await t
      .http()
      .post('/api/v1/opportunities/00000000-0000-4000-8000-000000000000/convert')
      .set('X-API-Key', sales)
      .send({})
      .expect(404);
  });

  it('fills the summary with backlog, revenue, cash, liability and receivable', async () => {
    const customerId = (await f.customer()).id;
    await f.terms('PT-30', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
    // 2 tranches of 5 × 1,000.00; deposit 3,000 (1,500 each) paid; the first ships unpaid beyond it.
    const order = await f.order({
      customerId,
      signedOn: '2025-01-10',
      paymentTermsCode: 'PT-30',
      lines: [
        {
          productModelId: modelId,
          unitPrice: '1000.00',
          tranches: [
            { shipDate: '2025-03-01', quantity: 5 },
            { shipDate: '2025-04-01', quantity: 5 },
          ],
        },
      ],
    });
    await f.pay(order.id, '2025-01-17', '3000.00');
    await f.ship(order.id, '2025-03-01', [{ trancheId: tranchesOf(order)[0].id, quantity: 5 }]);
    const summary = await t
      .http()
      .get(`/api/v1/customers/${customerId}/summary`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    // Shipped 5,000 received 1,500: receivable 3,500; the open tranche holds 1,500: liability.
    expect(summary.body).toMatchObject({
      openOrders: 1,
      backlogUnits: 5,
      backlogValue: '5000.00',
      shippedUnits: 5,
      recognizedRevenue: '5000.00',
      cashReceived: '3000.00',
      contractLiability: '1500.00',
      receivable: '3500.00',
    });
  });
});
