import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('order book cases computed by hand', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ hashrateThs: 100, powerW: 3500, listPrice: '1000.00' })).id;
    // 20 % deposit 10 days after signing; 30 % 30 days before shipping, 30 % 7 days before, 20 % 270 days after.
    await f.terms('PT-20/30/30/20', 20, 10, [
      { percent: 30, dueDaysFromShip: -30 },
      { percent: 30, dueDaysFromShip: -7 },
      { percent: 20, dueDaysFromShip: 270 },
    ]);
  });
  afterAll(() => t.close());

  describe('tranche prices, a tail paid after shipment, then a cancellation forfeiting a deposit', () => {
    let order: { id: string; lines: { tranches: { id: string; shipDate: string }[] }[] };
    let customerId: string;

    beforeAll(async () => {
      customerId = (await f.customer()).id;
      // T1: 100 × 1,000.00 = 100,000.00 on 2024-03-01; T2: 50 × 1,200.00 (its own price) = 60,000.00 on 2024-04-01.
      order = await f.order({
        customerId,
        signedOn: '2024-01-10',
        paymentTermsCode: 'PT-20/30/30/20',
        lines: [
          {
            productModelId: modelId,
            unitPrice: '1000.00',
            tranches: [
              { shipDate: '2024-03-01', quantity: 100 },
              { shipDate: '2024-04-01', quantity: 50, unitPrice: '1200.00' },
            ],
          },
        ],
      });
    });

    it('builds the schedule: deposit 32,000.00 shared 20,000/12,000 and milestones 30/30/20 % of each tranche', async () => {
      const res = await t
        .http()
        .get(`/api/v1/purchase-orders/${order.id}/billing-schedule`)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      const [t1, t2] = tranchesOf(order);
      const view = res.body.items.map(
        (i: { kind: string; trancheId: string | null; dueOn: string; amount: string }) => [
          i.kind,
          i.trancheId === t1.id ? 'T1' : i.trancheId === t2.id ? 'T2' : null,
          i.dueOn,
          i.amount,
        ],
      );
      expect(view).toEqual([
        ['deposit', null, '2024-01-20', '32000.00'],
        ['milestone', 'T1', '2024-01-31', '30000.00'], // 2024-03-01 − 30 days (leap year)
        ['milestone', 'T1', '2024-02-23', '30000.00'],
        ['milestone', 'T2', '2024-03-02', '18000.00'],
        ['milestone', 'T2', '2024-03-25', '18000.00'],
        ['milestone', 'T1', '2024-11-26', '20000.00'], // 100,000 − 20,000 deposit share − 30,000 − 30,000
        ['milestone', 'T2', '2024-12-27', '12000.00'], // 60,000 − 12,000 − 18,000 − 18,000
      ]);
      expect(await f.report('backlog', { asOf: '2024-01-10', customerId })).toMatchObject({
        totals: {
          openQuantity: 150,
          openValue: '160000.00',
          hashrateThs: 15000,
          hashrateEhs: 0.015,
          powerMw: 0.53,
        },
      });
    });

    it('shows a receivable on the shipped tranche beside a liability on the open one', async () => {
      const [t1] = tranchesOf(order);
      await f.pay(order.id, '2024-01-20', '32000.00');
      await f.pay(order.id, '2024-01-31', '30000.00');
      await f.pay(order.id, '2024-02-23', '30000.00');
      await f.ship(order.id, '2024-03-01', [{ trancheId: t1.id, quantity: 100 }]);
      // T1 received 20,000 + 30,000 + 30,000 = 80,000 against 100,000 shipped: receivable 20,000.
      // T2 holds its deposit share 12,000 for 50 open units: liability 12,000.
      const balances = await f.report('contract-balances', { asOf: '2024-03-01', customerId });
      expect(balances.totals).toEqual({
        cashReceived: '92000.00',
        refunded: '0.00',
        recognizedRevenue: '100000.00',
        forfeitedRevenue: '0.00',
        contractLiability: '12000.00',
        receivable: '20000.00',
        unappliedCredit: '0.00',
      });
      // 92,000 − 100,000 − 0 = 12,000 − 20,000
      const backlog = await f.report('backlog', { asOf: '2024-03-01', customerId });
      expect(backlog.totals).toMatchObject({ openQuantity: 50, openValue: '60000.00' });
    });

    it('cancelling forfeits the pool and voids what was unpaid; the day before is untouched', async () => {
      const res = await t
        .http()
        .post(`/api/v1/purchase-orders/${order.id}/cancel`)
        .set('X-API-Key', t.adminKey)
        .send({ reason: 'Customer withdrew', effectiveOn: '2024-03-10' })
        .expect(200);
      // T1 fully shipped, T2 cancelled: completed (some shipped, nothing open).
      expect(res.body.status).toBe('completed');
      expect(res.body.totals).toMatchObject({
        quantity: 150,
        cancelledQuantity: 50,
        openQuantity: 0,
        value: '100000.00',
        openValue: '0.00',
      });
      const after = await f.report('contract-balances', { asOf: '2024-03-10', customerId });
      expect(after.totals).toEqual({
        cashReceived: '92000.00',
        refunded: '0.00',
        recognizedRevenue: '100000.00',
        forfeitedRevenue: '12000.00',
        contractLiability: '0.00',
        receivable: '20000.00',
        unappliedCredit: '0.00',
      });
      // 92,000 − 100,000 − 12,000 = 0 − 20,000
      const dayBefore = await f.report('contract-balances', { asOf: '2024-03-09', customerId });
      expect(dayBefore.totals).toMatchObject({
        forfeitedRevenue: '0.00',
        contractLiability: '12000.00',
      });
      expect(
        (await f.report('backlog', { asOf: '2024-03-09', customerId })).totals.openQuantity,
      ).toBe(50);
      expect(
        (await f.report('backlog', { asOf: '2024-03-10', customerId })).totals.openQuantity,
      ).toBe(0);

      const schedule = await t
        .http()
        .get(`/api/v1/purchase-orders/${order.id}/billing-schedule`)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      const [, t2] = tranchesOf(order);
      const t2Milestones = schedule.body.items.filter(
        (i: { trancheId: string }) => i.trancheId === t2.id,
      );
      expect(
        t2Milestones.map((i: { voidedAmount: string; status: string }) => [
          i.voidedAmount,
          i.status,
        ]),
      ).toEqual([
        ['18000.00', 'void'],
        ['18000.00', 'void'],
        ['12000.00', 'void'],
      ]);
    });
  });

  describe('a reschedule, seen before and after its effective date', () => {
    it('moves the tranche to its new month only from the effective date on', async () => {
      const customerId = (await f.customer()).id;
      // No terms: the tranche is billed in full (10 × 2,000.00 = 20,000.00) on its ship date.
      const order = await f.order({
        customerId,
        signedOn: '2025-01-10',
        lines: [
          {
            productModelId: modelId,
            unitPrice: '2000.00',
            tranches: [{ shipDate: '2025-03-15', quantity: 10 }],
          },
        ],
      });
      const [tranche] = tranchesOf(order);
      const amended = await f.amend(order.id, '2025-02-01', [
        { trancheId: tranche.id, shipDate: '2025-05-15' },
      ]);
      expect(tranchesOf(amended)[0].shipDate).toBe('2025-05-15');

      const before = await f.report('backlog', {
        asOf: '2025-01-31',
        customerId,
        groupBy: 'shipMonth',
      });
      expect(before.groups).toEqual([
        expect.objectContaining({ key: '2025-03', openQuantity: 10, openValue: '20000.00' }),
      ]);
      const after = await f.report('backlog', {
        asOf: '2025-02-01',
        customerId,
        groupBy: 'shipMonth',
      });
      expect(after.groups).toEqual([
        expect.objectContaining({ key: '2025-05', openQuantity: 10, openValue: '20000.00' }),
      ]);

      const schedule = await t
        .http()
        .get(`/api/v1/purchase-orders/${order.id}/billing-schedule`)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      expect(schedule.body.items).toEqual([
        expect.objectContaining({
          kind: 'milestone',
          dueOn: '2025-05-15',
          amount: '20000.00',
          status: 'open',
        }),
      ]);
      const history = await t
        .http()
        .get(`/api/v1/purchase-orders/${order.id}/amendments`)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      expect(history.body.items).toEqual([
        expect.objectContaining({ effectiveOn: '2025-02-01', kind: 'amendment' }),
      ]);
    });
  });

  describe('payments beyond the schedule', () => {
    it('keep the excess as unapplied credit inside the contract liability', async () => {
      const customerId = (await f.customer()).id;
      const order = await f.order({
        customerId,
        signedOn: '2025-06-01',
        lines: [
          {
            productModelId: modelId,
            unitPrice: '1000.00',
            tranches: [{ shipDate: '2025-07-01', quantity: 5 }],
          },
        ],
      });
      await f.pay(order.id, '2025-06-05', '5000.50');
      const balances = await f.report('contract-balances', { asOf: '2025-06-30', customerId });
      // 5,000.00 settles the only instalment and joins the pool; 0.50 is credit.
      expect(balances.totals).toMatchObject({
        cashReceived: '5000.50',
        contractLiability: '5000.50',
        unappliedCredit: '0.50',
        receivable: '0.00',
      });
    });
  });
});
