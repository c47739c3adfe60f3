import {
  BALANCE_MOVEMENTS_FROM_TIMELINE,
  BOOKINGS_FROM_TIMELINE,
} from '../../migrations/1796300000000-Bookings';
import { today } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { parseMoney } from '../../src/common/money';
import { seedDemoIfEmpty } from '../../src/demo/seed';
import { OrderFactory, tranchesOf } from '../support/order-factories';
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

  it('keeps each order segment equal to the sums of its tranche segments in force, on every day one starts or ends', async () => {
    const sums = (table: 'tranche_segment' | 'order_segment') => `
      SELECT d.day, s.purchase_order_id, s.customer_id, s.product_model_id,
             ${
               table === 'tranche_segment'
                 ? `sum(s.open_units)::int, sum(s.open_units::bigint * s.unit_price_cents)::bigint,
                    sum(s.cash_cents)::bigint, sum(s.pool_cents)::bigint, sum(s.shipped_value_cents)::bigint,
                    sum(greatest(s.shipped_value_cents - s.shipped_cash_cents, 0))::bigint,
                    sum(s.forfeited_cents)::bigint`
                 : `s.open_units, s.open_value_cents, s.cash_cents, s.pool_cents, s.shipped_value_cents,
                    s.receivable_cents, s.forfeited_cents`
             }
        FROM days d JOIN ${table} s ON s.valid_from <= d.day AND (s.valid_to IS NULL OR s.valid_to > d.day)
       ${table === 'tranche_segment' ? 'GROUP BY 1, 2, 3, 4' : ''}`;
    const days = `
      WITH days AS (
        SELECT valid_from AS day FROM tranche_segment
        UNION SELECT valid_from - 1 FROM tranche_segment
        UNION SELECT valid_to FROM tranche_segment WHERE valid_to IS NOT NULL
      )`;
    const [counts] = await t.sql<{ days: number; rows: number; models: number }>(
      `${days} SELECT (SELECT count(*) FROM days)::int AS days, count(*)::int AS rows,
              (SELECT count(*) FROM (SELECT purchase_order_id FROM order_segment
                GROUP BY purchase_order_id HAVING count(DISTINCT product_model_id) > 1) m)::int AS models
         FROM (${sums('order_segment')}) o`,
    );
    // Many days, many rows, and orders of more than one model among them.
    expect(counts.days).toBeGreaterThan(50);
    expect(counts.rows).toBeGreaterThan(1000);
    expect(counts.models).toBeGreaterThan(0);
    const differ = await t.sql(
      `${days} (${sums('tranche_segment')} EXCEPT ALL ${sums('order_segment')})
         UNION ALL (${sums('order_segment')} EXCEPT ALL ${sums('tranche_segment')}) LIMIT 5`,
    );
    expect(differ).toEqual([]);
  });

  it('writes the bookings and balance movements the migration derives from the timeline', async () => {
    // The demo book has amendments cancelling units, shipments, credit and a cancellation, and no
    // price change or reversal: what the Bookings migration fills in for a book written before it
    // is what the replay writes. Beside it, an order gaining units and a tranche, one of them on
    // its signing date.
    const f = new OrderFactory(t);
    const order = await f.order({
      customerId: (await f.customer()).id,
      signedOn: '2025-02-01',
      lines: [
        {
          productModelId: (await f.productModel()).id,
          unitPrice: '1200.00',
          tranches: [{ shipDate: '2025-05-15', quantity: 10, unitPrice: '1250.00' }],
        },
      ],
    });
    const [tranche] = tranchesOf(order);
    await f.amend(order.id, '2025-02-01', [{ trancheId: tranche.id, quantity: 12 }]);
    await f.amend(order.id, '2025-03-01', [
      { lineId: order.lines[0].id, shipDate: '2025-06-15', quantity: 5 },
    ]);
    await f.amend(order.id, '2025-04-01', [{ trancheId: tranche.id, quantity: 11 }]);
    await f.pay(order.id, '2025-04-02', '20000.00');
    const booked = `SELECT purchase_order_id, customer_id, product_model_id, on_date, kind, units, amount_cents FROM booking`;
    const moved = `SELECT purchase_order_id, customer_id, on_date, cash_received_cents, refunded_cents, recognised_cents,
                          forfeited_cents, liability_cents, receivable_cents FROM balance_movement`;
    const [counts] = await t.sql<{
      signed: number;
      added: number;
      cancelled: number;
      moves: number;
    }>(
      `SELECT count(*) FILTER (WHERE kind = 'signed')::int AS signed, count(*) FILTER (WHERE kind = 'added')::int AS added,
              count(*) FILTER (WHERE kind = 'cancelled')::int AS cancelled,
              (SELECT count(*) FROM balance_movement)::int AS moves
         FROM booking`,
    );
    expect(counts.signed).toBeGreaterThan(10);
    expect(counts.added).toBeGreaterThan(0);
    expect(counts.cancelled).toBeGreaterThan(0);
    expect(counts.moves).toBeGreaterThan(50);
    for (const [written, derived] of [
      [booked, BOOKINGS_FROM_TIMELINE],
      [moved, BALANCE_MOVEMENTS_FROM_TIMELINE],
    ]) {
      const differ = await t.sql(
        `(${written} EXCEPT ALL (${derived})) UNION ALL ((${derived}) EXCEPT ALL ${written}) LIMIT 5`,
      );
      expect(differ).toEqual([]);
    }
  });

  it('recognises exactly the shipped units and value of every tranche on its shipping day', async () => {
    // Beside the demo book, a tranche shipped in two parts on two days.
    const f = new OrderFactory(t);
    const order = await f.order({
      customerId: (await f.customer()).id,
      signedOn: '2025-01-10',
      lines: [
        {
          productModelId: (await f.productModel()).id,
          unitPrice: '2500.00',
          tranches: [{ shipDate: '2025-03-15', quantity: 40 }],
        },
      ],
    });
    const [tranche] = tranchesOf(order);
    await f.ship(order.id, '2025-03-10', [{ trancheId: tranche.id, quantity: 15 }]);
    await f.ship(order.id, '2025-03-20', [{ trancheId: tranche.id, quantity: 25 }]);
    expect(
      await t.sql(
        'SELECT on_date::text, units, amount_cents FROM recognition WHERE tranche_id = $1 ORDER BY on_date',
        [tranche.id],
      ),
    ).toEqual([
      { on_date: '2025-03-10', units: 15, amount_cents: 3_750_000 },
      { on_date: '2025-03-20', units: 25, amount_cents: 6_250_000 },
    ]);
    const shipped = `
      SELECT t.purchase_order_id, t.id, t.customer_id, t.product_model_id, sh.shipped_on,
             sum(i.quantity)::int, sum(i.quantity * t.unit_price_cents)::bigint
        FROM shipment sh
        JOIN shipment_item i ON i.shipment_id = sh.id
        JOIN tranche t ON t.id = i.tranche_id
       GROUP BY 1, 2, 3, 4, 5`;
    const recognised = `
      SELECT purchase_order_id, tranche_id, customer_id, product_model_id, on_date, units, amount_cents
        FROM recognition`;
    const [{ rows }] = await t.sql<{ rows: number }>(
      `SELECT count(*)::int AS rows FROM recognition`,
    );
    expect(rows).toBeGreaterThan(20);
    const differ = await t.sql(
      `(${shipped} EXCEPT ALL ${recognised}) UNION ALL (${recognised} EXCEPT ALL ${shipped}) LIMIT 5`,
    );
    expect(differ).toEqual([]);
  });
});
