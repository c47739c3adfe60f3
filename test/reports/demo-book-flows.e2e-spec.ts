import { today } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { parseMoney } from '../../src/common/money';
import { addMonths } from '../../src/reports/periods';
import { seedDemoIfEmpty } from '../../src/demo/seed';
import { createTestApp, TestApp } from '../support/test-app';

// The roll-forward and bookings over the whole demo book, month by month from the first signing
// to today, against the reports that read the timeline another way: the contract balances and
// the backlog at every month end.
describe('the roll-forward and bookings on the demo book', () => {
  let t: TestApp;
  let first: string;
  let last: string;

  const report = async (path: string, query: Record<string, string>) =>
    (
      await t
        .http()
        .get(`/api/v1/reports/${path}`)
        .query(query)
        .set('X-API-Key', t.adminKey)
        .expect(200)
    ).body;
  /** The last day of a month YYYY-MM, or today for this month. */
  const monthEnd = (month: string) => {
    const end = new Date(`${addMonths(month, 1)}-01T00:00:00Z`);
    const day = new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10);
    return day > today() ? today() : day;
  };
  const cents = parseMoney;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoIfEmpty(t.app, createLogger('silent'));
    const [row] = await t.sql<{ first: string }>(
      `SELECT to_char(min(signed_on), 'YYYY-MM') AS first FROM purchase_order WHERE status <> 'draft'`,
    );
    first = row.first;
    last = today().slice(0, 7);
  });
  afterAll(() => t.close());

  it('rolls every month forward exactly, each month opening where the last closed, closing on the contract balances', async () => {
    const roll = await report('contract-liability-rollforward', { from: first, to: last });
    expect(roll.periods.length).toBeGreaterThan(12);
    let cash = 0;
    let moving = 0;
    for (const [i, p] of roll.periods.entries()) {
      const opening = cents(p.openingLiability) - cents(p.openingReceivable);
      const closing = cents(p.closingLiability) - cents(p.closingReceivable);
      const flows =
        cents(p.cashReceived) -
        cents(p.refunded) -
        cents(p.recognizedRevenue) -
        cents(p.forfeitedRevenue);
      expect([p.period, closing]).toEqual([p.period, opening + flows]);
      if (i === 0) {
        expect([p.openingLiability, p.openingReceivable]).toEqual(['0.00', '0.00']);
      } else {
        const before = roll.periods[i - 1];
        expect([p.openingLiability, p.openingReceivable]).toEqual([
          before.closingLiability,
          before.closingReceivable,
        ]);
      }
      // The balances the contract-balances report reads from the order and credit segments.
      const balances = (await report('contract-balances', { asOf: monthEnd(p.period) })).totals;
      cash += cents(p.cashReceived);
      expect([p.period, p.closingLiability, p.closingReceivable, cash]).toEqual([
        p.period,
        balances.contractLiability,
        balances.receivable,
        cents(balances.cashReceived),
      ]);
      if (cents(p.recognizedRevenue) !== 0 && cents(p.cashReceived) !== 0) moving += 1;
    }
    expect(moving).toBeGreaterThan(6);
    expect(roll.totals).toMatchObject({
      openingLiability: '0.00',
      closingLiability: roll.periods.at(-1).closingLiability,
    });
  });

  it('adds up the same way by quarter', async () => {
    const months = await report('contract-liability-rollforward', { from: first, to: last });
    const quarters = await report('contract-liability-rollforward', {
      from: first,
      to: last,
      granularity: 'quarter',
    });
    expect(quarters.periods[0].period).toMatch(/^\d{4}-Q[1-4]$/);
    expect(quarters.totals).toEqual(months.totals);
    expect(quarters.periods.at(-1).closingLiability).toBe(months.periods.at(-1).closingLiability);
  });

  it('books, month after month, what the book is worth: Σ net bookings = recognised revenue + backlog value', async () => {
    const bookings = await report('bookings', { from: first, to: last });
    const [{ orders }] = await t.sql<{ orders: number }>(
      `SELECT count(*)::int AS orders FROM purchase_order WHERE status <> 'draft'`,
    );
    expect(bookings.totals.orderCount).toBe(orders);
    expect(cents(bookings.totals.cancelledValue)).toBeGreaterThan(0);
    let net = 0;
    for (const p of bookings.periods) {
      expect(cents(p.netValue)).toBe(
        cents(p.grossValue) +
          cents(p.addedValue) -
          cents(p.cancelledValue) +
          cents(p.priceChangeValue),
      );
      net += cents(p.netValue);
      const asOf = monthEnd(p.period);
      const [balances, backlog] = await Promise.all([
        report('contract-balances', { asOf }),
        report('backlog', { asOf }),
      ]);
      expect([p.period, net]).toEqual([
        p.period,
        cents(balances.totals.recognizedRevenue) + cents(backlog.totals.openValue),
      ]);
    }
  });
});
