import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

// SPEC §4 worked example: 6,000 A1246 (90 TH/s, 3,420 W) at $3,060, signed 2021-02-07, PT-30,
// six tranches of 1,000 on the 20th of Mar…Aug 2021; deposit 30 % × 18,360,000 = 5,508,000.00.
describe('the worked example of the business rules', () => {
  let t: TestApp;
  let f: OrderFactory;
  let order: { id: string; lines: { tranches: { id: string; shipDate: string }[] }[] };
  let customerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    const model = await f.productModel({ hashrateThs: 90, powerW: 3420, listPrice: '3060.00' });
    const customer = await f.customer({
      name: 'Core Scientific',
      segment: 'public_miner',
      country: 'US',
    });
    customerId = customer.id;
    await f.terms('PT-30', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
    order = await f.order({
      customerId,
      signedOn: '2021-02-07',
      paymentTermsCode: 'PT-30',
      lines: [
        {
          productModelId: model.id,
          unitPrice: '3060.00',
          tranches: ['03', '04', '05', '06', '07', '08'].map((m) => ({
            shipDate: `2021-${m}-20`,
            quantity: 1000,
          })),
        },
      ],
    });
    await f.pay(order.id, '2021-02-14', '5508000.00');
  });
  afterAll(() => t.close());

  it('builds the PT-30 billing schedule: deposit 5,508,000.00 and 2,142,000.00 per tranche 19 days before it ships', async () => {
    const res = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}/billing-schedule`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    const items = res.body.items;
    expect(items[0]).toMatchObject({
      kind: 'deposit',
      dueOn: '2021-02-14',
      amount: '5508000.00',
      paidAmount: '5508000.00',
      status: 'paid',
    });
    const milestones = items.filter((i: { kind: string }) => i.kind === 'milestone');
    expect(milestones.map((m: { dueOn: string }) => m.dueOn)).toEqual([
      '2021-03-01',
      '2021-04-01',
      '2021-05-01',
      '2021-06-01',
      '2021-07-01',
      '2021-08-01',
    ]);
    expect(milestones.every((m: { amount: string }) => m.amount === '2142000.00')).toBe(true);
  });

  it('as of 2021-02-28: backlog 6,000 units, $18,360,000, 0.5400 EH/s, 20.52 MW; liability $5,508,000', async () => {
    const backlog = await f.report('backlog', { asOf: '2021-02-28' });
    expect(backlog.totals).toEqual({
      openQuantity: 6000,
      openValue: '18360000.00',
      hashrateThs: 540000,
      hashrateEhs: 0.54,
      powerMw: 20.52,
      orderCount: 1,
      // No option units on this order.
      optionQuantity: 0,
      optionValue: '0.00',
    });
    const balances = await f.report('contract-balances', { asOf: '2021-02-28' });
    expect(balances.totals).toEqual({
      cashReceived: '5508000.00',
      refunded: '0.00',
      recognizedRevenue: '0.00',
      forfeitedRevenue: '0.00',
      contractLiability: '5508000.00',
      receivable: '0.00',
      unappliedCredit: '0.00',
    });
  });

  it('as of 2021-05-31, after three tranches shipped and their balances paid: revenue 9,180,000, cash 11,934,000, liability 2,754,000', async () => {
    const tranches = tranchesOf(order);
    for (const [index, month] of ['03', '04', '05'].entries()) {
      await f.pay(order.id, `2021-${month}-01`, '2142000.00');
      await f.ship(order.id, `2021-${month}-20`, [
        { trancheId: tranches[index].id, quantity: 1000 },
      ]);
    }
    const balances = await f.report('contract-balances', { asOf: '2021-05-31' });
    expect(balances.totals).toEqual({
      cashReceived: '11934000.00',
      refunded: '0.00',
      recognizedRevenue: '9180000.00',
      forfeitedRevenue: '0.00',
      contractLiability: '2754000.00',
      receivable: '0.00',
      unappliedCredit: '0.00',
    });
    const backlog = await f.report('backlog', { asOf: '2021-05-31', groupBy: 'shipMonth' });
    expect(backlog.totals).toMatchObject({
      openQuantity: 3000,
      openValue: '9180000.00',
      hashrateEhs: 0.27,
    });
    expect(backlog.groups.map((g: { key: string }) => g.key)).toEqual([
      '2021-06',
      '2021-07',
      '2021-08',
    ]);
    // Today (nothing has happened since May 2021) reads the current segments: the same figures.
    expect((await f.report('backlog', {})).totals).toEqual(backlog.totals);
    expect((await f.report('contract-balances', {})).totals).toEqual(balances.totals);
    // The past stays as it was: as of 2021-02-28 nothing has shipped yet.
    const before = await f.report('backlog', { asOf: '2021-02-28' });
    expect(before.totals.openQuantity).toBe(6000);
  });

  it('gives the same figures as CSV', async () => {
    const res = await t
      .http()
      .get('/api/v1/reports/contract-balances?asOf=2021-05-31&groupBy=customer')
      .set('X-API-Key', t.adminKey)
      .set('Accept', 'text/csv')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const [header, row] = res.text.trim().split('\n');
    expect(header).toBe(
      'key,label,cashReceived,refunded,recognizedRevenue,forfeitedRevenue,contractLiability,receivable,unappliedCredit',
    );
    expect(row).toBe(
      `${customerId},Core Scientific,11934000.00,0.00,9180000.00,0.00,2754000.00,0.00,0.00`,
    );
  });
});
