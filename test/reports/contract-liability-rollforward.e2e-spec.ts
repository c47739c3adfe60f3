import { Clock } from '../../src/common/clock';
import { parseMoney } from '../../src/common/money';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { bookingRow } from '../support/report-rows';
import { createTestApp, TestApp } from '../support/test-app';

/** A roll-forward period as [period, opening L, opening R, cash, refunded, recognised, forfeited, closing L, closing R]. */
const row = (p: Record<string, string>) => [
  p.period,
  p.openingLiability,
  p.openingReceivable,
  p.cashReceived,
  p.refunded,
  p.recognizedRevenue,
  p.forfeitedRevenue,
  p.closingLiability,
  p.closingReceivable,
];

/**
 * One order through the API with every kind of correction, every figure computed by hand.
 *
 * Signed 2025-01-10 on PT-30 (30 % deposit due 7 days after signing, 70 % of each tranche 19 days
 * before it ships). T1 10 × $1,000 shipping 02-10: deposit share $3,000 (due 01-17), $7,000 due
 * 01-22. T2 10 × $2,000 shipping 04-20: deposit share $6,000, $14,000 due 04-01.
 *
 * | date  | event                                      | T1 pool | T2 pool | credit | liability | receivable |
 * | 01-17 | P1 $9,000, the deposit                     |   3,000 |   6,000 |      0 |     9,000 |          0 |
 * | 02-10 | S1 ships 4 of T1 with 4/10 of its pool     |   1,800 |   6,000 |      0 |     7,800 |      2,800 |
 * | 03-03 | P2 $30,000: T1's $7,000 settles the $2,800 |   6,000 |  20,000 |  9,000 |    35,000 |          0 |
 * |       |   owed, then T2's $14,000, $9,000 over     |         |         |        |           |            |
 * | 03-05 | T2 cut to $1,500 (Δ −$5,000): the pool's   |   6,000 |  15,000 | 14,000 |    35,000 |          0 |
 * |       |   excess goes to credit                    |         |         |        |           |            |
 * | 03-10 | P3 $1,000, to credit                       |   6,000 |  15,000 | 15,000 |    36,000 |          0 |
 * | 03-12 | F1 refunds $12,000                         |   6,000 |  15,000 |  3,000 |    24,000 |          0 |
 * | 03-18 | S2 ships 3 of T1's 6 with 3/6 of its pool  |   3,000 |  15,000 |  3,000 |    21,000 |          0 |
 * | 03-25 | T1 kept at 7 units: 3 cancelled, forfeiting|       0 |  15,000 |  3,000 |    18,000 |          0 |
 * |       |   the whole $3,000 pool                    |         |         |        |           |            |
 * | 03-28 | P3 reversed                                |       0 |  15,000 |  2,000 |    17,000 |          0 |
 * | 04-05 | S2 reversed: in the book without it, T1 had|   3,000 |  15,000 |  2,000 |    20,000 |          0 |
 * |       |   6 open on 03-25, 3 cancelled forfeiting  |         |         |        |           |            |
 * |       |   3/6 of $6,000 = $3,000 too: 3 stay open  |         |         |        |           |            |
 * | 04-10 | F2 refunds $2,000                          |   3,000 |  15,000 |      0 |    18,000 |          0 |
 * | 04-15 | T3 added, 5 × $1,000 shipping 06-20: its   |   3,000 |  15,000 |      0 |    18,000 |          0 |
 * |       |   $1,500 deposit due 04-22, $3,500 due 06-01 |       |         |        |           |            |
 */
describe('the contract-liability roll-forward of a book with every correction, computed by hand', () => {
  let t: TestApp;
  let f: OrderFactory;
  let customerId: string;
  let order: { id: string; lines: { id: string; tranches: { id: string; shipDate: string }[] }[] };

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    await f.terms('PT-30', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
    customerId = (await f.customer()).id;
    order = await f.order({
      customerId,
      signedOn: '2025-01-10',
      paymentTermsCode: 'PT-30',
      lines: [
        {
          productModelId: (await f.productModel()).id,
          unitPrice: '1000.00',
          tranches: [
            { shipDate: '2025-02-10', quantity: 10 },
            { shipDate: '2025-04-20', quantity: 10, unitPrice: '2000.00' },
          ],
        },
      ],
    });
    const [t1, t2] = tranchesOf(order);
    await f.pay(order.id, '2025-01-17', '9000.00');
    await f.ship(order.id, '2025-02-10', [{ trancheId: t1.id, quantity: 4 }]);
    await f.pay(order.id, '2025-03-03', '30000.00');
    await f.amend(order.id, '2025-03-05', [{ trancheId: t2.id, unitPrice: '1500.00' }]);
    const p3 = await f.pay(order.id, '2025-03-10', '1000.00');
    await f.refund(order.id, '2025-03-12', '12000.00');
    const s2 = await f.ship(order.id, '2025-03-18', [{ trancheId: t1.id, quantity: 3 }]);
    await f.amend(order.id, '2025-03-25', [{ trancheId: t1.id, quantity: 7 }]);
    await f.reversePayment(order.id, p3.id, '2025-03-28');
    await f.reverseShipment(s2.id, '2025-04-05');
    await f.refund(order.id, '2025-04-10', '2000.00');
    await f.amend(order.id, '2025-04-15', [
      { lineId: order.lines[0].id, shipDate: '2025-06-20', quantity: 5, unitPrice: '1000.00' },
    ]);
  });
  afterAll(() => t.close());

  it('rolls each month forward: cash, a reversal, refunds, shipments, a forfeiture and a price cut', async () => {
    const report = await f.report('contract-liability-rollforward', {
      from: '2025-01',
      to: '2025-04',
      customerId,
    });
    expect(report.periods.map(row)).toEqual([
      // 0 + 9,000 = 9,000
      ['2025-01', '0.00', '0.00', '9000.00', '0.00', '0.00', '0.00', '9000.00', '0.00'],
      // 9,000 − 4,000 recognised = 5,000 = 7,800 − 2,800
      ['2025-02', '9000.00', '0.00', '0.00', '0.00', '4000.00', '0.00', '7800.00', '2800.00'],
      // 5,000 + cash (30,000 + 1,000 − 1,000 reversed) − 12,000 refunded − 3,000 (S2) − 3,000
      // forfeited = 17,000 − 0; the price cut moves cash from T2's pool to credit, both liability
      [
        '2025-03',
        '7800.00',
        '2800.00',
        '30000.00',
        '12000.00',
        '3000.00',
        '3000.00',
        '17000.00',
        '0.00',
      ],
      // 17,000 − 2,000 refunded − (−3,000: S2 reversed) = 18,000
      ['2025-04', '17000.00', '0.00', '0.00', '2000.00', '-3000.00', '0.00', '18000.00', '0.00'],
    ]);
    expect(row({ period: 'totals', ...report.totals })).toEqual([
      'totals',
      '0.00',
      '0.00',
      '39000.00',
      '14000.00',
      '4000.00',
      '3000.00',
      '18000.00',
      '0.00',
    ]);
    for (const p of [...report.periods, report.totals]) {
      const m = (k: string) => parseMoney(p[k]);
      expect(m('closingLiability') - m('closingReceivable')).toBe(
        m('openingLiability') -
          m('openingReceivable') +
          m('cashReceived') -
          m('refunded') -
          m('recognizedRevenue') -
          m('forfeitedRevenue'),
      );
    }
  });

  it('closes a period that ends after asOf on the balances at asOf, with the flows up to it', async () => {
    // As of 03-20: P3 not reversed yet, S2 shipped, nothing cancelled: 5,000 + 31,000 − 12,000 −
    // 3,000 = 21,000 (T1 3,000 + T2 15,000 + credit 3,000).
    const report = await f.report('contract-liability-rollforward', {
      from: '2025-03',
      to: '2025-04',
      asOf: '2025-03-20',
      customerId,
    });
    expect(report.periods.map(row)).toEqual([
      [
        '2025-03',
        '7800.00',
        '2800.00',
        '31000.00',
        '12000.00',
        '3000.00',
        '0.00',
        '21000.00',
        '0.00',
      ],
      ['2025-04', '21000.00', '0.00', '0.00', '0.00', '0.00', '0.00', '21000.00', '0.00'],
    ]);
    expect(report.asOf).toBe('2025-03-20');
  });

  it('sums whole quarters, and gives the periods as CSV', async () => {
    const quarters = await f.report('contract-liability-rollforward', {
      from: '2025-01',
      to: '2025-04',
      granularity: 'quarter',
      customerId,
    });
    expect(quarters.periods.map(row)).toEqual([
      ['2025-Q1', '0.00', '0.00', '39000.00', '12000.00', '7000.00', '3000.00', '17000.00', '0.00'],
      ['2025-Q2', '17000.00', '0.00', '0.00', '2000.00', '-3000.00', '0.00', '18000.00', '0.00'],
    ]);
    const res = await t
      .http()
      .get('/api/v1/reports/contract-liability-rollforward')
      .query({ from: '2025-03', to: '2025-03', customerId })
      .set('X-API-Key', t.adminKey)
      .set('Accept', 'text/csv')
      .expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text.trim().split('\n')).toEqual([
      'period,openingLiability,openingReceivable,cashReceived,refunded,recognizedRevenue,forfeitedRevenue,closingLiability,closingReceivable',
      '2025-03,7800.00,2800.00,30000.00,12000.00,3000.00,3000.00,17000.00,0.00',
    ]);
  });

  it('matches the contract balances at the month ends, cash gross of refunds beside what was refunded', async () => {
    const at = async (asOf: string) =>
      (await f.report('contract-balances', { asOf, customerId })).totals;
    // 39,000 − 12,000 − 7,000 − 3,000 = 17,000 (credit 2,000) − 0
    expect(await at('2025-03-31')).toEqual({
      cashReceived: '39000.00',
      refunded: '12000.00',
      recognizedRevenue: '7000.00',
      forfeitedRevenue: '3000.00',
      contractLiability: '17000.00',
      receivable: '0.00',
      unappliedCredit: '2000.00',
    });
    // 39,000 − 14,000 − 4,000 − 3,000 = 18,000 − 0
    expect(await at('2025-04-30')).toEqual({
      cashReceived: '39000.00',
      refunded: '14000.00',
      recognizedRevenue: '4000.00',
      forfeitedRevenue: '3000.00',
      contractLiability: '18000.00',
      receivable: '0.00',
      unappliedCredit: '0.00',
    });
  });

  it('shows reversals and refunds as negative received cash in the cash forecast', async () => {
    const report = await f.report('cash-forecast', {
      from: '2025-01',
      to: '2025-06',
      asOf: '2025-04-30',
      customerId,
    });
    expect(
      report.periods.map((p: Record<string, string>) => [p.period, p.receivedCash, p.expectedCash]),
    ).toEqual([
      ['2025-01', '9000.00', '0.00'],
      ['2025-02', '0.00', '0.00'],
      // 30,000 + 1,000 − 1,000 reversed − 12,000 refunded
      ['2025-03', '18000.00', '0.00'],
      // −2,000 refunded
      ['2025-04', '-2000.00', '0.00'],
      ['2025-05', '0.00', '0.00'],
      // T3's $3,500, due 06-01
      ['2025-06', '0.00', '3500.00'],
    ]);
    expect(report.totals).toEqual({ receivedCash: '25000.00', expectedCash: '3500.00' });
    // T3's deposit, due 04-22
    expect(report.overdue).toEqual({ amount: '1500.00' });
  });

  it('ages what T3 still owes', async () => {
    const report = await f.report('receivables-aging', { asOf: '2025-04-30', customerId });
    // deposit due 04-22: 8 days; $3,500 due 06-01: not due
    expect(report.totals).toEqual({
      notDue: '3500.00',
      days1to30: '1500.00',
      days31to60: '0.00',
      days61to90: '0.00',
      over90: '0.00',
      total: '5000.00',
    });
  });

  it('books the signing, the price cut, the cancellation and the added tranche', async () => {
    const report = await f.report('bookings', { from: '2025-01', to: '2025-04', customerId });
    expect(report.periods.map((p: Record<string, string>) => bookingRow(p))).toEqual([
      ['2025-01', 1, 20, '30000.00', 0, '0.00', 0, '0.00', '0.00', '30000.00'],
      ['2025-02', 0, 0, '0.00', 0, '0.00', 0, '0.00', '0.00', '0.00'],
      // −5,000 (T2 10 × −$500) − 3,000 (T1 3 × $1,000); the reversals change neither
      ['2025-03', 0, 0, '0.00', 0, '0.00', 3, '3000.00', '-5000.00', '-8000.00'],
      ['2025-04', 0, 0, '0.00', 5, '5000.00', 0, '0.00', '0.00', '5000.00'],
    ]);
    // 27,000: T1 4 shipped + 3 open at $1,000, T2 10 at $1,500, T3 5 at $1,000
    expect(report.totals.netValue).toBe('27000.00');
  });

  it('gives the customer summary what was refunded and what is overdue', async () => {
    const clock = jest.spyOn(t.app.get(Clock), 'today').mockReturnValue('2025-04-30');
    try {
      const res = await t
        .http()
        .get(`/api/v1/customers/${customerId}/summary`)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      expect(res.body).toMatchObject({
        asOf: '2025-04-30',
        openOrders: 1,
        // T1 3, T2 10, T3 5 open: 3,000 + 15,000 + 5,000
        backlogUnits: 18,
        backlogValue: '23000.00',
        // S2's 3 units came back
        shippedUnits: 4,
        recognizedRevenue: '4000.00',
        cashReceived: '39000.00',
        refunded: '14000.00',
        contractLiability: '18000.00',
        receivable: '0.00',
        // T3's deposit, due 04-22, before today
        overdueAmount: '1500.00',
      });
    } finally {
      clock.mockRestore();
    }
  });
});
