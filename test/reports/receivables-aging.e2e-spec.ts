import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

const BUCKETS = ['notDue', 'days1to30', 'days31to60', 'days61to90', 'over90', 'total'] as const;
const buckets = (figures: Record<string, string>) => BUCKETS.map((b) => figures[b]);

describe('receivables ageing, computed by hand', () => {
  let t: TestApp;
  let f: OrderFactory;
  let x: string;
  let y: string;
  type Order = {
    id: string;
    number: string;
    lines: { tranches: { id: string; shipDate: string }[] }[];
  };
  let orderA: Order;
  let orderB: Order;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    const model = (await f.productModel()).id;
    x = (await f.customer({ segment: 'hosting_provider', country: 'DE' })).id;
    y = (await f.customer({ segment: 'public_miner', country: 'US' })).id;
    // No payment terms: each tranche is billed in full on its ship date, so each due date below is
    // a ship date. Counted back from asOf 2025-06-30: 03-31 is 91 days, 04-01 90, 05-01 60,
    // 05-30 31, 05-31 30, 06-29 1, 06-30 0.
    const tranche = (shipDate: string, unitPrice: string) => ({
      shipDate,
      quantity: 10,
      unitPrice,
    });
    orderA = await f.order({
      customerId: x,
      signedOn: '2025-03-01',
      lines: [
        {
          productModelId: model,
          unitPrice: '100.00',
          tranches: [
            tranche('2025-03-31', '100.00'), // T1 1,000
            tranche('2025-04-01', '110.00'), // T2 1,100
            tranche('2025-05-01', '120.00'), // T3 1,200
            tranche('2025-05-30', '130.00'), // T4 1,300
            tranche('2025-05-31', '140.00'), // T5 1,400
            tranche('2025-06-29', '150.00'), // T6 1,500
            tranche('2025-06-30', '160.00'), // T7 1,600
          ],
        },
      ],
    });
    const [, , , t4, , t6] = tranchesOf(orderA);
    // $400 goes to the earliest due: T1 is partly paid, 600 left.
    await f.pay(orderA.id, '2025-04-10', '400.00');
    // 4 of T4's 10 units cancelled, nothing paid on it: 4 × 130 = 520 voided, 780 left.
    await f.amend(orderA.id, '2025-05-05', [{ trancheId: t4.id, quantity: 6 }]);
    // T6 moves to 07-10, and its instalment with it: not due on 06-30 any more.
    await f.amend(orderA.id, '2025-06-10', [{ trancheId: t6.id, shipDate: '2025-07-10' }]);
    // Y: one order not due yet, one paid in full (left out of the groups).
    orderB = await f.order({
      customerId: y,
      signedOn: '2025-06-01',
      lines: [
        {
          productModelId: model,
          unitPrice: '200.00',
          tranches: [{ shipDate: '2025-07-15', quantity: 5 }],
        },
      ],
    });
    const paid = await f.order({
      customerId: y,
      signedOn: '2025-03-01',
      lines: [
        {
          productModelId: model,
          unitPrice: '500.00',
          tranches: [{ shipDate: '2025-04-15', quantity: 1 }],
        },
      ],
    });
    await f.pay(paid.id, '2025-04-15', '500.00');
  });
  afterAll(() => t.close());

  it('buckets every unpaid amount by days past its due date in force, on the exact boundaries', async () => {
    const report = await f.report('receivables-aging', {
      asOf: '2025-06-30',
      groupBy: 'purchaseOrder',
    });
    // A: not due T6 1,500 (rescheduled) + T7 1,600 (due on asOf) = 3,100; 1–30 T5 1,400 (30
    // days); 31–60 T3 1,200 (60 days) + T4 780 (31 days) = 1,980; 61–90 T2 1,100 (90 days);
    // over 90 T1 600 (91 days). B: 5 × 200 = 1,000 not due.
    expect(report.groups.map((g: Record<string, string>) => [g.key, g.label])).toEqual(
      [
        [orderA.id, orderA.number],
        [orderB.id, orderB.number],
      ].sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    const group = (id: string) => report.groups.find((g: { key: string }) => g.key === id);
    expect(buckets(group(orderA.id))).toEqual([
      '3100.00',
      '1400.00',
      '1980.00',
      '1100.00',
      '600.00',
      '8180.00',
    ]);
    expect(buckets(group(orderB.id))).toEqual([
      '1000.00',
      '0.00',
      '0.00',
      '0.00',
      '0.00',
      '1000.00',
    ]);
    expect(report.asOf).toBe('2025-06-30');
    expect(buckets(report.totals)).toEqual([
      '4100.00',
      '1400.00',
      '1980.00',
      '1100.00',
      '600.00',
      '9180.00',
    ]);
  });

  it('ages the book as it stood on an earlier date: nothing paid, voided or moved yet', async () => {
    // As of 04-09: T1 (9 days) and T2 (8 days) 1–30 = 2,100; T3…T7 not due: 1,200 + 1,300 + 1,400
    // + 1,500 + 1,600 = 7,000. B not signed yet; the other order of Y not due (04-15).
    const report = await f.report('receivables-aging', { asOf: '2025-04-09', groupBy: 'customer' });
    expect(report.groups.map((g: { key: string }) => g.key)).toEqual([x, y].sort());
    const group = (id: string) => report.groups.find((g: { key: string }) => g.key === id);
    expect(buckets(group(x))).toEqual(['7000.00', '2100.00', '0.00', '0.00', '0.00', '9100.00']);
    expect(buckets(group(y))).toEqual(['500.00', '0.00', '0.00', '0.00', '0.00', '500.00']);
  });

  it('filters by customer, segment and region, and answers totals alone without groupBy', async () => {
    const byRegion = await f.report('receivables-aging', { asOf: '2025-06-30', region: 'EMEA' });
    expect(byRegion.groups).toEqual([]);
    expect(byRegion.totals.total).toBe('8180.00');
    const bySegment = await f.report('receivables-aging', {
      asOf: '2025-06-30',
      segment: 'public_miner',
      groupBy: 'customer',
    });
    expect(bySegment.groups).toEqual([
      expect.objectContaining({ key: y, notDue: '1000.00', total: '1000.00' }),
    ]);
    const byCustomer = await f.report('receivables-aging', { asOf: '2025-06-30', customerId: y });
    expect(byCustomer.totals.total).toBe('1000.00');
    const none = await f.report('receivables-aging', {
      asOf: '2025-06-30',
      segment: 'investment_fund',
      groupBy: 'customer',
    });
    expect(none).toEqual({
      asOf: '2025-06-30',
      totals: {
        notDue: '0.00',
        days1to30: '0.00',
        days31to60: '0.00',
        days61to90: '0.00',
        over90: '0.00',
        total: '0.00',
      },
      groups: [],
    });
  });

  it('gives the same figures as CSV', async () => {
    const res = await t
      .http()
      .get('/api/v1/reports/receivables-aging')
      .query({ asOf: '2025-06-30', groupBy: 'customer', customerId: x, format: 'csv' })
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe('key,label,notDue,days1to30,days31to60,days61to90,over90,total');
    expect(lines[1]).toMatch(
      new RegExp(`^${x},.*,3100.00,1400.00,1980.00,1100.00,600.00,8180.00$`),
    );
    expect(lines).toHaveLength(2);
  });
});
