import { OrderFactory, tranchesOf } from '../support/order-factories';
import { bookingRow } from '../support/report-rows';
import { createTestApp, TestApp } from '../support/test-app';

type Figures = Record<string, string | number>;
const row = bookingRow;

/**
 * Bookings computed by hand. O1 (customer X, model M1) signed in January: T1 10 × $1,000, T2 5 ×
 * $2,000. In March: O2 (customer Y, model M2, 4 × $3,000) signed on 03-03; O1 gains a tranche T3
 * of 6 × $1,100 (03-10) and 2 units on T1 (03-12), loses T2's 5 units (03-15, 5 × $2,000), T1's
 * 12 open units go to $900 (03-20, Δ −$1,200) and T3's 6 to $1,250 (03-25, Δ +$900); O3 (X, M1,
 * 2 × $1,000) signed 03-28 and cancelled whole on 04-02. A draft signed in March counts nowhere.
 */
describe('bookings, computed by hand', () => {
  let t: TestApp;
  let f: OrderFactory;
  let m1: string;
  let m2: string;
  let x: string;
  let y: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    m1 = (await f.productModel({ listPrice: '1000.00' })).id;
    m2 = (await f.productModel({ listPrice: '3000.00' })).id;
    x = (await f.customer({ segment: 'hosting_provider', country: 'DE' })).id;
    y = (await f.customer({ segment: 'public_miner', country: 'US' })).id;
    const o1 = await f.order({
      customerId: x,
      signedOn: '2025-01-15',
      lines: [
        {
          productModelId: m1,
          unitPrice: '1000.00',
          tranches: [
            { shipDate: '2025-05-20', quantity: 10 },
            { shipDate: '2025-06-20', quantity: 5, unitPrice: '2000.00' },
          ],
        },
      ],
    });
    const [t1, t2] = tranchesOf(o1);
    await f.order({
      customerId: y,
      signedOn: '2025-03-03',
      lines: [{ productModelId: m2, tranches: [{ shipDate: '2025-07-10', quantity: 4 }] }],
    });
    await f.order(
      {
        customerId: y,
        signedOn: '2025-03-05',
        lines: [{ productModelId: m2, tranches: [{ shipDate: '2025-07-10', quantity: 100 }] }],
      },
      false,
    );
    const added = await f.amend(o1.id, '2025-03-10', [
      { lineId: o1.lines[0].id, shipDate: '2025-08-20', quantity: 6, unitPrice: '1100.00' },
    ]);
    const t3 = tranchesOf(added).find((tranche) => ![t1.id, t2.id].includes(tranche.id))!;
    await f.amend(o1.id, '2025-03-12', [{ trancheId: t1.id, quantity: 12 }]);
    await f.amend(o1.id, '2025-03-15', [{ trancheId: t2.id, cancel: true }]);
    await f.amend(o1.id, '2025-03-20', [{ trancheId: t1.id, unitPrice: '900.00' }]);
    await f.amend(o1.id, '2025-03-25', [{ trancheId: t3.id, unitPrice: '1250.00' }]);
    const o3 = await f.order({
      customerId: x,
      signedOn: '2025-03-28',
      lines: [{ productModelId: m1, tranches: [{ shipDate: '2025-09-01', quantity: 2 }] }],
    });
    await t
      .http()
      .post(`/api/v1/purchase-orders/${o3.id}/cancel`)
      .set('X-API-Key', t.adminKey)
      .send({ reason: 'Withdrawn', effectiveOn: '2025-04-02' })
      .expect(200);
  });
  afterAll(() => t.close());

  it('lists every month with orders signed, units added and cancelled, price changes and the net', async () => {
    const report = await f.report('bookings', { from: '2025-01', to: '2025-04' });
    expect(report.periods.map((p: Figures) => row(p))).toEqual([
      ['2025-01', 1, 15, '20000.00', 0, '0.00', 0, '0.00', '0.00', '20000.00'],
      ['2025-02', 0, 0, '0.00', 0, '0.00', 0, '0.00', '0.00', '0.00'],
      // gross O2 12,000 + O3 2,000; added 6 × 1,100 + 2 × 1,000 = 8,600; cancelled 5 × 2,000;
      // price −1,200 + 900 = −300; net 14,000 + 8,600 − 10,000 − 300 = 12,300
      ['2025-03', 2, 6, '14000.00', 8, '8600.00', 5, '10000.00', '-300.00', '12300.00'],
      ['2025-04', 0, 0, '0.00', 0, '0.00', 2, '2000.00', '0.00', '-2000.00'],
    ]);
    // 30,300 = what the book holds now: T1 12 × 900 + T3 6 × 1,250 + O2 4 × 3,000
    expect(row(report.totals)).toEqual([
      undefined,
      3,
      21,
      '34000.00',
      8,
      '8600.00',
      7,
      '12000.00',
      '-300.00',
      '30300.00',
    ]);
    expect([report.from, report.to, report.granularity]).toEqual(['2025-01', '2025-04', 'month']);
  });

  it('sums whole quarters', async () => {
    const report = await f.report('bookings', {
      from: '2025-02',
      to: '2025-04',
      granularity: 'quarter',
    });
    expect(report.periods.map((p: Figures) => row(p))).toEqual([
      ['2025-Q1', 3, 21, '34000.00', 8, '8600.00', 5, '10000.00', '-300.00', '32300.00'],
      ['2025-Q2', 0, 0, '0.00', 0, '0.00', 2, '2000.00', '0.00', '-2000.00'],
    ]);
  });

  it('groups each period by product model', async () => {
    const report = await f.report('bookings', {
      from: '2025-03',
      to: '2025-03',
      groupBy: 'productModel',
    });
    const [march] = report.periods;
    expect(march.groups.map((g: Figures) => g.key)).toEqual([m1, m2].sort());
    const group = (id: string) =>
      row(
        march.groups.find((g: Figures) => g.key === id),
        'key',
      );
    expect(group(m1)).toEqual([
      m1,
      1,
      2,
      '2000.00',
      8,
      '8600.00',
      5,
      '10000.00',
      '-300.00',
      '300.00',
    ]);
    expect(group(m2)).toEqual([m2, 1, 4, '12000.00', 0, '0.00', 0, '0.00', '0.00', '12000.00']);
    expect(row(march)).toEqual([
      '2025-03',
      2,
      6,
      '14000.00',
      8,
      '8600.00',
      5,
      '10000.00',
      '-300.00',
      '12300.00',
    ]);
  });

  it('filters by region, segment, customer and model', async () => {
    const march = async (query: Record<string, string>) =>
      row((await f.report('bookings', { from: '2025-03', to: '2025-03', ...query })).periods[0]);
    const o2 = ['2025-03', 1, 4, '12000.00', 0, '0.00', 0, '0.00', '0.00', '12000.00'];
    expect(await march({ region: 'NA' })).toEqual(o2);
    expect(await march({ customerId: y })).toEqual(o2);
    expect(await march({ productModelId: m2 })).toEqual(o2);
    expect(await march({ segment: 'hosting_provider' })).toEqual([
      '2025-03',
      1,
      2,
      '2000.00',
      8,
      '8600.00',
      5,
      '10000.00',
      '-300.00',
      '300.00',
    ]);
  });

  it('shows the bookings as they stood on an earlier date', async () => {
    // As of 03-16: O2 signed, T3 and T1's 2 units added, T2 cancelled; no price change nor O3 yet.
    const report = await f.report('bookings', {
      from: '2025-03',
      to: '2025-03',
      asOf: '2025-03-16',
    });
    expect(row(report.periods[0])).toEqual([
      '2025-03',
      1,
      4,
      '12000.00',
      8,
      '8600.00',
      5,
      '10000.00',
      '0.00',
      '10600.00',
    ]);
  });

  it('gives one CSV row per period and group', async () => {
    const res = await t
      .http()
      .get('/api/v1/reports/bookings')
      .query({ from: '2025-03', to: '2025-04', groupBy: 'customer', format: 'csv' })
      .set('X-API-Key', t.adminKey)
      .expect(200);
    const lines = res.text.trim().split('\n');
    expect(lines[0]).toBe(
      'period,key,label,orderCount,grossUnits,grossValue,addedUnits,addedValue,cancelledUnits,cancelledValue,priceChangeValue,netValue',
    );
    // March: X and Y; April: X
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 2))).toEqual([
      ...[x, y].sort().map((key) => ['2025-03', key]),
      ['2025-04', x],
    ]);
    expect(lines.find((l) => l.startsWith(`2025-03,${y},`))).toMatch(
      /,1,4,12000\.00,0,0\.00,0,0\.00,0\.00,12000\.00$/,
    );
  });
});
