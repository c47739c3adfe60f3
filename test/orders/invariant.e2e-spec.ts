import fc from 'fast-check';
import {
  BALANCE_MOVEMENTS_FROM_TIMELINE,
  BOOKINGS_FROM_TIMELINE,
} from '../../migrations/1796300000000-Bookings';
import { addDays, today } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { formatMoney, parseMoney } from '../../src/common/money';
import { seedDemoIfEmpty } from '../../src/demo/seed';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

interface Balances {
  key: string;
  label: string;
  cashReceived: string;
  /** Reported beside cashReceived once the report shows refunds; else cashReceived is net of them. */
  refunded?: string;
  recognizedRevenue: string;
  forfeitedRevenue: string;
  contractLiability: string;
  receivable: string;
}

/**
 * SPEC §10's identity, cash received − refunded − recognised − forfeited = contract liability −
 * receivable, for every order past draft (of one customer, or all) at every date a tranche or
 * credit segment of the replayed book starts or a refund is paid. Cash received and refunded are
 * summed from the payments (less those reversed by then) and refunds the API lists; the other four
 * figures are the contract-balances report's. Returns the number of order-dates checked.
 */
async function identityHolds(t: TestApp, customerId?: string): Promise<number> {
  const f = new OrderFactory(t);
  const orders = await t.sql<{ id: string }>(
    `SELECT id FROM purchase_order WHERE status <> 'draft' AND ($1::uuid IS NULL OR customer_id = $1)`,
    [customerId ?? null],
  );
  const flows = new Map<string, { on: string; cents: number }[]>();
  for (const { id } of orders) {
    const list: { on: string; cents: number }[] = [];
    for (const p of await f.all<{ amount: string; receivedOn: string; reversedOn: string | null }>(
      `/purchase-orders/${id}/payments`,
    )) {
      list.push({ on: p.receivedOn, cents: parseMoney(p.amount) });
      if (p.reversedOn) list.push({ on: p.reversedOn, cents: -parseMoney(p.amount) });
    }
    for (const r of await f.all<{ amount: string; paidOn: string }>(
      `/purchase-orders/${id}/refunds`,
    ))
      list.push({ on: r.paidOn, cents: -parseMoney(r.amount) });
    flows.set(id, list);
  }
  const days = await t.sql<{ day: string }>(
    `SELECT DISTINCT day::text FROM (
       SELECT valid_from AS day, purchase_order_id, customer_id FROM tranche_segment
       UNION ALL SELECT valid_from, purchase_order_id, customer_id FROM credit_segment
       UNION ALL SELECT paid_on, purchase_order_id, customer_id FROM refund
     ) d WHERE $1::uuid IS NULL OR customer_id = $1 ORDER BY 1`,
    [customerId ?? null],
  );
  let checked = 0;
  for (const { day } of days) {
    const report = await f.report('contract-balances', {
      groupBy: 'purchaseOrder',
      asOf: day,
      ...(customerId ? { customerId } : {}),
    });
    const groups = new Map((report.groups as Balances[]).map((g) => [g.key, g]));
    for (const [id, list] of flows) {
      const net = list.filter((x) => x.on <= day).reduce((sum, x) => sum + x.cents, 0);
      const g = groups.get(id);
      if (!g) {
        if (net !== 0) throw new Error(`order ${id} as of ${day}: cash ${net} but no balances`);
        continue;
      }
      const left = net - parseMoney(g.recognizedRevenue) - parseMoney(g.forfeitedRevenue);
      const right = parseMoney(g.contractLiability) - parseMoney(g.receivable);
      const reported = parseMoney(g.cashReceived) - parseMoney(g.refunded ?? '0.00');
      if (left !== right || reported !== net) {
        throw new Error(
          `${g.label} as of ${day}: received − refunded ${formatMoney(net)} (reported ${formatMoney(reported)}) − recognised − forfeited = ${formatMoney(left)} ≠ liability − receivable ${formatMoney(right)}`,
        );
      }
      checked += 1;
    }
  }
  return checked;
}

// BR-5: cash received − refunded − recognised − forfeited = contract liability − receivable, for
// every order at every date. Checked on the whole demo book (shipments, tails, credit, amendments, a
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
        // Cash received is gross of refunds (SPEC §10).
        const left =
          parseMoney(g.cashReceived) -
          parseMoney(g.refunded) -
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

  it('holds, refunds and reversals counted, at every segment boundary of every order', async () => {
    expect(await identityHolds(t)).toBeGreaterThan(500);
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
    // What the Bookings migration fills in for a book written before price changes, reversals and
    // refunds existed is what the replay writes: compared on every order of the demo book without
    // them (amendments cancelling units, shipments, credit and a cancellation), and on an order
    // gaining units and a tranche, one of them on its signing date.
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
    const corrected = `
      SELECT purchase_order_id FROM refund
      UNION SELECT purchase_order_id FROM payment_reversal
      UNION SELECT purchase_order_id FROM shipment_reversal
      UNION SELECT purchase_order_id FROM amendment
             WHERE jsonb_path_exists(changes, '$[*] ? (@.type == "price_change")')
      UNION SELECT s.purchase_order_id FROM shipment s JOIN shipment_item i ON i.shipment_id = s.id
             WHERE i.true_up_cents <> 0`;
    const [{ orders }] = await t.sql<{ orders: number }>(
      `SELECT count(*)::int AS orders FROM (${corrected}) c`,
    );
    expect(orders).toBeGreaterThan(0);
    const plain = (rows: string) =>
      `SELECT * FROM (${rows}) r WHERE r.purchase_order_id NOT IN (${corrected})`;
    for (const [written, derived] of [
      [booked, BOOKINGS_FROM_TIMELINE],
      [moved, BALANCE_MOVEMENTS_FROM_TIMELINE],
    ]) {
      const differ = await t.sql(
        `(${plain(written)} EXCEPT ALL ${plain(derived)})
         UNION ALL (${plain(derived)} EXCEPT ALL ${plain(written)}) LIMIT 5`,
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
    // A reversed shipment's units and value are taken back on its reversal date; a hash-rate
    // true-up is part of the value (the demo book has true-ups both ways).
    const shipped = `
      SELECT t.purchase_order_id, t.id, t.customer_id, t.product_model_id, sh.on_date,
             sum(sh.sign * i.quantity)::int,
             sum(sh.sign * (i.quantity * t.unit_price_cents + i.true_up_cents))::bigint,
             sum(sh.sign * i.true_up_cents)::bigint
        FROM (SELECT id, shipped_on AS on_date, 1 AS sign FROM shipment
              UNION ALL SELECT shipment_id, reversed_on, -1 FROM shipment_reversal) sh
        JOIN shipment_item i ON i.shipment_id = sh.id
        JOIN tranche t ON t.id = i.tranche_id
       GROUP BY 1, 2, 3, 4, 5
      HAVING sum(i.quantity * sh.sign) <> 0`;
    const recognised = `
      SELECT purchase_order_id, tranche_id, customer_id, product_model_id, on_date, units, amount_cents,
             true_up_cents
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

// The same identity on random books built through the API: payments, shipments, price changes,
// cancellations, refunds and reversals of payments and shipments, at random business dates, each
// kept when the API accepts it (a refusal must be a 409 or 422, never anything else).
describe('the contract-balance identity on random books with corrections', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;
  const TERMS = ['RND-30/70', 'RND-50/25/25', null];
  const SIGNED_ON = '2024-01-01';
  const day = (n: number) => addDays(SIGNED_ON, n);

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel()).id;
    await f.terms('RND-30/70', 30, 7, [{ percent: 70, dueDaysFromShip: -20 }]);
    await f.terms('RND-50/25/25', 50, 3, [
      { percent: 25, dueDaysFromShip: -30 },
      { percent: 25, dueDaysFromShip: 40 },
    ]);
  });
  afterAll(() => t.close());

  type Intent =
    | { t: 'pay'; on: number; cents: number }
    | { t: 'ship'; on: number; tranche: number; share: number }
    | { t: 'price'; on: number; tranche: number; cents: number }
    | { t: 'cancel'; on: number; tranche: number }
    | { t: 'refund'; on: number; share: number }
    | { t: 'reverse_payment'; pick: number; after: number }
    | { t: 'reverse_shipment'; pick: number; after: number };

  const on = fc.integer({ min: 0, max: 240 });
  const intent: fc.Arbitrary<Intent> = fc.oneof(
    {
      arbitrary: fc.record({
        t: fc.constant('pay' as const),
        on,
        cents: fc.integer({ min: 1, max: 2_000_000 }),
      }),
      weight: 5,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('ship' as const),
        on,
        tranche: fc.nat(),
        share: fc.double({ min: 0, max: 1, noNaN: true }),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('price' as const),
        on,
        tranche: fc.nat(),
        cents: fc.integer({ min: 0, max: 400_000 }),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({ t: fc.constant('cancel' as const), on, tranche: fc.nat() }),
      weight: 1,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('refund' as const),
        on,
        share: fc.double({ min: 0.1, max: 1.2, noNaN: true }),
      }),
      weight: 3,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('reverse_payment' as const),
        pick: fc.nat(),
        after: fc.integer({ min: 0, max: 60 }),
      }),
      weight: 2,
    },
    {
      arbitrary: fc.record({
        t: fc.constant('reverse_shipment' as const),
        pick: fc.nat(),
        after: fc.integer({ min: 0, max: 60 }),
      }),
      weight: 2,
    },
  );
  const book = fc.record({
    terms: fc.constantFrom(...TERMS),
    tranches: fc.array(
      fc.record({
        ship: fc.integer({ min: 15, max: 200 }),
        quantity: fc.integer({ min: 1, max: 8 }),
        cents: fc.integer({ min: 50_000, max: 400_000 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
    intents: fc.array(intent, { minLength: 6, maxLength: 14 }),
  });

  it('holds at every segment boundary', async () => {
    const kept: Record<string, number> = {};
    await fc.assert(
      fc.asyncProperty(book, async ({ terms, tranches, intents }) => {
        const customerId = (await f.customer()).id;
        const order = await f.order({
          customerId,
          signedOn: SIGNED_ON,
          ...(terms ? { paymentTermsCode: terms } : {}),
          lines: [
            {
              productModelId: modelId,
              tranches: tranches.map((x) => ({
                shipDate: day(x.ship),
                quantity: x.quantity,
                unitPrice: formatMoney(x.cents),
              })),
            },
          ],
        });
        const ids = tranchesOf(order).map((x) => x.id);
        const payments: { id: string; on: number }[] = [];
        const shipments: { id: string; on: number }[] = [];
        const post = (path: string, body: object) =>
          t.http().post(`/api/v1${path}`).set('X-API-Key', t.adminKey).send(body);
        for (const x of intents) {
          let res;
          switch (x.t) {
            case 'pay':
              res = await post(`/purchase-orders/${order.id}/payments`, {
                amount: formatMoney(x.cents),
                receivedOn: day(x.on),
              });
              if (res.status === 201) payments.push({ id: res.body.id, on: x.on });
              break;
            case 'ship': {
              const current = (
                await t
                  .http()
                  .get(`/api/v1/purchase-orders/${order.id}`)
                  .set('X-API-Key', t.adminKey)
              ).body;
              const tranche = tranchesOf(current)[x.tranche % ids.length] as unknown as {
                id: string;
                openQuantity: number;
              };
              const units = Math.max(1, Math.round(tranche.openQuantity * x.share));
              res = await post(`/purchase-orders/${order.id}/shipments`, {
                shippedOn: day(x.on),
                items: [{ trancheId: tranche.id, quantity: units }],
              });
              if (res.status === 201) shipments.push({ id: res.body.id, on: x.on });
              break;
            }
            case 'price':
            case 'cancel':
              res = await post(`/purchase-orders/${order.id}/amendments`, {
                effectiveOn: day(x.on),
                reason: 'random',
                changes: [
                  x.t === 'price'
                    ? { trancheId: ids[x.tranche % ids.length], unitPrice: formatMoney(x.cents) }
                    : { trancheId: ids[x.tranche % ids.length], cancel: true },
                ],
              });
              break;
            case 'refund': {
              const credit = (await f.report('contract-balances', { asOf: day(x.on), customerId }))
                .totals.unappliedCredit;
              const cents = Math.floor(parseMoney(credit) * x.share);
              if (cents <= 0) continue;
              res = await post(`/purchase-orders/${order.id}/refunds`, {
                amount: formatMoney(cents),
                paidOn: day(x.on),
              });
              break;
            }
            case 'reverse_payment':
            case 'reverse_shipment': {
              const list = x.t === 'reverse_payment' ? payments : shipments;
              if (list.length === 0) continue;
              const item = list[x.pick % list.length];
              const reversedOn = day(item.on + x.after);
              res =
                x.t === 'reverse_payment'
                  ? await post(`/purchase-orders/${order.id}/payments/${item.id}/reverse`, {
                      reversedOn,
                      reason: 'random',
                    })
                  : await post(`/shipments/${item.id}/reverse`, { reversedOn, reason: 'random' });
              break;
            }
          }
          if (res.status >= 300 && res.status !== 409 && res.status !== 422) {
            throw new Error(`${x.t}: ${res.status} ${JSON.stringify(res.body)}`);
          }
          if (res.status < 300) kept[x.t] = (kept[x.t] ?? 0) + 1;
        }
        expect(await identityHolds(t, customerId)).toBeGreaterThan(0);
      }),
      // A fixed seed: the same books every run, among them every kind of correction (checked below).
      { numRuns: 20, seed: 20261203 },
    );
    // Every kind of correction was booked at least once across the runs.
    for (const kind of ['pay', 'ship', 'price', 'refund', 'reverse_payment', 'reverse_shipment']) {
      expect(kept[kind] ?? 0).toBeGreaterThan(0);
    }
  }, 120_000);
});
