import { today } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { parseMoney } from '../../src/common/money';
import { seedDemoIfEmpty } from '../../src/demo/seed';
import { createTestApp, TestApp } from '../support/test-app';

// BR-5: cash received − recognised − forfeited = contract liability − receivable, for every order
// at every date. Checked on the whole demo book (shipments, tails, credit, amendments, a
// cancellation) at every month end from the first signing to today.
describe('the contract-balance identity on the demo book', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoIfEmpty(t.app, createLogger('silent'));
  });
  afterAll(() => t.close());

  it('holds for every order at every month end', async () => {
    const [{ first }] = await t.sql<{ first: string }>(
      `SELECT min(signed_on)::text AS first FROM purchase_order WHERE status <> 'draft'`,
    );
    const dates: string[] = [];
    for (let d = new Date(`${first.slice(0, 7)}-01T00:00:00Z`); ;) {
      d.setUTCMonth(d.getUTCMonth() + 1);
      const end = new Date(d.getTime() - 86_400_000).toISOString().slice(0, 10);
      if (end > today()) break;
      dates.push(end);
    }
    dates.push(today());
    let checked = 0;
    let nonZero = 0;
    for (const asOf of dates) {
      const res = await t
        .http()
        .get(`/api/v1/reports/contract-balances?groupBy=purchaseOrder&asOf=${asOf}`)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      for (const g of [...res.body.groups, { label: 'totals', ...res.body.totals }]) {
        const left =
          parseMoney(g.cashReceived) -
          parseMoney(g.recognizedRevenue) -
          parseMoney(g.forfeitedRevenue);
        const right = parseMoney(g.contractLiability) - parseMoney(g.receivable);
        if (left !== right) throw new Error(`${g.label} as of ${asOf}: ${left} ≠ ${right}`);
        checked += 1;
        if (parseMoney(g.cashReceived) !== 0) nonZero += 1;
      }
    }
    expect(dates.length).toBeGreaterThan(12);
    expect(nonZero).toBeGreaterThan(50);
    expect(checked).toBeGreaterThan(nonZero);
  });
});
