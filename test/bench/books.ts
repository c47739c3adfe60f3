/**
 * The books the benches build, shared by the reports, plan and scale benches: an order book whose
 * every order goes in with SQL and is replayed by the app's own OrderChangeService.replay (so its
 * timeline is exactly what the API would have built), and a plan book of open tranches written
 * straight into PostgreSQL with generate_series. Both can grow in steps: each call adds the orders
 * numbered `from` (inclusive) to `to` (exclusive) to what earlier calls wrote.
 */
import { Presets, SingleBar } from 'cli-progress';
import { DataSource } from 'typeorm';
import { addDays } from '../../src/common/dates';
import { OrderChangeService } from '../../src/orders/order-change.service';
import { addMonths } from '../../src/reports/periods';

export const ORDER_BOOK_MODELS = 20;
export const ORDER_BOOK_CUSTOMERS = 500;
export const PLAN_MODELS = 20;
export const PLAN_MONTHS = 36;
/** Open tranches per order of the plan book. */
export const PLAN_TRANCHES_PER_ORDER = 4;

/** Deterministic PRNG (mulberry32). */
export function random(seed: number) {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The p-th percentile of ascending `sorted` (nearest rank). */
export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

export interface Timing {
  p50: number;
  p95: number;
}

/** p50/p95 in ms of `run` over `samples` runs after `warmup` untimed ones; `before` runs untimed before each. */
export async function timeRuns(
  run: () => Promise<unknown> | unknown,
  samples: number,
  warmup: number,
  before?: () => Promise<unknown>,
): Promise<Timing> {
  const taken: number[] = [];
  for (let i = 0; i < samples + warmup; i++) {
    if (before) await before();
    const started = process.hrtime.bigint();
    await run();
    if (i >= warmup) taken.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  taken.sort((a, b) => a - b);
  return { p50: percentile(taken, 50), p95: percentile(taken, 95) };
}

const PAYMENT_TERMS = {
  code: 'PT-30',
  depositPercent: 30,
  depositDueDays: 7,
  milestones: [{ percent: 70, dueDaysFromShip: -19 }],
};

interface OrderBookRefs {
  models: { id: string; list_price_cents: number }[];
  customers: { id: string }[];
}

/** The order book's models, customers and payment terms: written on the first call, read after. */
async function orderBookRefs(dataSource: DataSource): Promise<OrderBookRefs> {
  const [{ n }] = (await dataSource.query(
    `SELECT count(*)::int AS n FROM product_model WHERE sku LIKE 'BM-%'`,
  )) as { n: number }[];
  if (n === 0) {
    await dataSource.query(`
      INSERT INTO product_model (sku, name, series, hashrate_ths, power_w, list_price_cents, status)
      SELECT 'BM-' || i, 'Bench miner ' || i, 'Bench', 80 + i * 5, 3000 + i * 20, 200000 + i * 10000, 'active'
        FROM generate_series(1, ${ORDER_BOOK_MODELS}) AS i`);
    await dataSource.query(`
      INSERT INTO customer (name, legal_name, segment, country, region, status)
      SELECT 'Bench customer ' || i, 'Bench customer ' || i || ' Ltd',
             (ARRAY['public_miner','investment_fund','hosting_provider','individual_operator'])[1 + i % 4],
             (ARRAY['US','CA','BR','DE','AE','KZ','JP','AU'])[1 + i % 8],
             (ARRAY['NA','NA','LATAM','EMEA','EMEA','EMEA','APAC','APAC'])[1 + i % 8], 'active'
        FROM generate_series(1, ${ORDER_BOOK_CUSTOMERS}) AS i`);
    await dataSource.query(`INSERT INTO payment_terms (code, name, deposit_percent, deposit_due_days, milestones)
      VALUES ('PT-30', 'PT-30', 30, 7, '[{"percent":70,"dueDaysFromShip":-19}]')`);
  }
  const models = (await dataSource.query(
    `SELECT id, list_price_cents FROM product_model WHERE sku LIKE 'BM-%' ORDER BY sku`,
  )) as OrderBookRefs['models'];
  const customers = (await dataSource.query(
    `SELECT id FROM customer WHERE name LIKE 'Bench customer %' ORDER BY name`,
  )) as OrderBookRefs['customers'];
  return { models, customers };
}

/**
 * Adds orders `from`…`to − 1` of the bench order book: each signed in the last 18 months with 5–6
 * monthly tranches, its past deposits and balances paid and past tranches shipped, a few amended;
 * written with SQL, one transaction per order on `workers` connections, and replayed by the book.
 */
export async function buildOrderBook(
  dataSource: DataSource,
  book: OrderChangeService,
  now: string,
  range: { from: number; to: number; workers?: number },
): Promise<void> {
  const { models, customers } = await orderBookRefs(dataSource);
  const terms = PAYMENT_TERMS;
  const bar = new SingleBar(
    { format: 'Building the book |{bar}| {value}/{total} orders  {eta}s left' },
    Presets.shades_classic,
  );
  bar.start(range.to - range.from, 0);
  let next = range.from;
  const worker = async () => {
    for (;;) {
      const n = next++;
      if (n >= range.to) return;
      // Seeded by the order's number, so a book grown in steps is the book built at once.
      const plan = orderPlan(random(42 + n * 7919), n, now, models, customers);
      await dataSource.transaction(async (tx) => {
        const [order] = (await tx.query(
          `INSERT INTO purchase_order (number, customer_id, signed_on, payment_terms_code, terms, status, confirmed_at)
           VALUES ($1, $2, $3, 'PT-30', $4, 'confirmed', now()) RETURNING id`,
          [
            `PO-B-${String(n).padStart(6, '0')}`,
            plan.customerId,
            plan.signedOn,
            JSON.stringify(terms),
          ],
        )) as { id: string }[];
        const [line] = (await tx.query(
          'INSERT INTO order_line (purchase_order_id, line_no, product_model_id, unit_price_cents) VALUES ($1, 1, $2, $3) RETURNING id',
          [order.id, plan.modelId, plan.price],
        )) as { id: string }[];
        const tranches = (await tx.query(
          `INSERT INTO tranche (purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity, unit_price_cents, contract_quantity, contract_ship_date)
           SELECT $1, $2, $3, $4, t.seq, t.ship, t.qty, $5, t.qty, t.ship FROM unnest($6::int[], $7::date[], $8::int[]) AS t(seq, ship, qty)
           RETURNING id, sequence`,
          [
            order.id,
            plan.customerId,
            line.id,
            plan.modelId,
            plan.price,
            plan.tranches.map((_, i) => i + 1),
            plan.tranches.map((t) => t.ship),
            plan.tranches.map((t) => t.qty),
          ],
        )) as { id: string; sequence: number }[];
        const idOf = new Map(tranches.map((t) => [t.sequence, t.id]));
        for (const p of plan.payments) {
          await tx.query(
            'INSERT INTO payment (purchase_order_id, customer_id, amount_cents, received_on) VALUES ($1, $2, $3, $4)',
            [order.id, plan.customerId, p.cents, p.on],
          );
        }
        for (const s of plan.shipments) {
          const [shipment] = (await tx.query(
            'INSERT INTO shipment (purchase_order_id, customer_id, shipped_on) VALUES ($1, $2, $3) RETURNING id',
            [order.id, plan.customerId, s.on],
          )) as { id: string }[];
          await tx.query(
            'INSERT INTO shipment_item (shipment_id, tranche_id, quantity) VALUES ($1, $2, $3)',
            [shipment.id, idOf.get(s.sequence), s.qty],
          );
        }
        for (const a of plan.amendments) {
          const change =
            a.type === 'reschedule'
              ? { type: 'reschedule', trancheId: idOf.get(a.sequence), shipDate: a.shipDate }
              : { type: 'set_quantity', trancheId: idOf.get(a.sequence), quantity: a.quantity };
          await tx.query(
            `INSERT INTO amendment (purchase_order_id, kind, effective_on, reason, changes) VALUES ($1, 'amendment', $2, 'bench', $3)`,
            [order.id, a.on, JSON.stringify([change])],
          );
        }
        const { status } = await book.replay(tx, {
          id: order.id,
          customerId: plan.customerId,
          signedOn: plan.signedOn,
          terms,
        });
        if (status !== 'confirmed')
          await tx.query('UPDATE purchase_order SET status = $2 WHERE id = $1', [order.id, status]);
      });
      bar.increment();
    }
  };
  await Promise.all(Array.from({ length: range.workers ?? 6 }, worker));
  bar.stop();
}

type Amend =
  | { type: 'reschedule'; sequence: number; on: string; shipDate: string }
  | { type: 'set_quantity'; sequence: number; on: string; quantity: number };

/** One order: signed in the last 18 months, 5–6 monthly tranches; the past ones shipped and paid. */
function orderPlan(
  rand: () => number,
  n: number,
  now: string,
  models: { id: string; list_price_cents: number }[],
  customers: { id: string }[],
) {
  const model = models[n % models.length];
  const signedOn = addDays(now, -Math.floor(rand() * 540) - 1);
  const count = 5 + Math.floor(rand() * 2);
  const first = addDays(signedOn, 30 + Math.floor(rand() * 60));
  const tranches = Array.from({ length: count }, (_, i) => ({
    ship: addDays(first, i * 30),
    qty: 40 + Math.floor(rand() * 160),
  }));
  const price = model.list_price_cents;
  const value = tranches.reduce((sum, t) => sum + t.qty * price, 0);
  const deposit = Math.round(value * 0.3);
  const payments: { on: string; cents: number }[] = [];
  const depositOn = addDays(signedOn, 7);
  if (depositOn <= now) payments.push({ on: depositOn, cents: deposit });
  const shipments: { on: string; sequence: number; qty: number }[] = [];
  const amendments: Amend[] = [];
  // An amendment on the last tranche, ten days after signing (before anything of it ships).
  const inForce = tranches.map((t) => ({ ...t }));
  const amendOn = addDays(signedOn, 10);
  const last = inForce[count - 1];
  if (amendOn <= now && rand() < 0.05) {
    last.ship = addDays(last.ship, 30);
    amendments.push({ type: 'reschedule', sequence: count, on: amendOn, shipDate: last.ship });
  } else if (amendOn <= now && rand() < 0.03) {
    last.qty = Math.floor(last.qty / 2);
    amendments.push({ type: 'set_quantity', sequence: count, on: amendOn, quantity: last.qty });
  }
  inForce.forEach((t, i) => {
    const balanceOn = addDays(t.ship, -19);
    if (balanceOn <= now && balanceOn >= signedOn && rand() < 0.9)
      payments.push({ on: balanceOn, cents: Math.round(t.qty * price * 0.7) });
    if (t.ship <= now && rand() < 0.85) shipments.push({ on: t.ship, sequence: i + 1, qty: t.qty });
  });
  return {
    customerId: customers[n % customers.length].id,
    modelId: model.id,
    price,
    signedOn,
    tranches,
    payments,
    shipments,
    amendments,
  };
}

/** What the order book holds, counted. */
export async function orderBookCounts(dataSource: DataSource): Promise<Record<string, string>> {
  return (
    (await dataSource.query(
      `SELECT (SELECT count(*) FROM purchase_order) AS orders, (SELECT count(*) FROM tranche) AS tranches,
              (SELECT sum(quantity - shipped_quantity - cancelled_quantity) FROM tranche) AS open_units,
              (SELECT count(*) FROM shipment) AS shipments, (SELECT count(*) FROM payment) AS payments,
              (SELECT count(*) FROM amendment) AS amendments, (SELECT count(*) FROM tranche_segment) AS segments`,
    )) as Record<string, string>[]
  )[0];
}

/**
 * The reports the reports bench times, by name: each a path of the API. The 24 months from this
 * one for the forecast; the 24 up to this one (when every order of the book was signed) for
 * bookings and the roll-forward.
 */
export function reportPaths(now: string): Record<string, string> {
  const from = now.slice(0, 7);
  const to = addMonths(from, 23);
  const past = addMonths(from, -23);
  return {
    'GET /reports/backlog?groupBy=customer': '/api/v1/reports/backlog?groupBy=customer',
    [`GET /reports/revenue-forecast (24 months ${from}…${to})`]: `/api/v1/reports/revenue-forecast?from=${from}&to=${to}`,
    'GET /reports/contract-balances?groupBy=customer':
      '/api/v1/reports/contract-balances?groupBy=customer',
    'GET /reports/backlog?groupBy=customer (asOf a year ago)': `/api/v1/reports/backlog?groupBy=customer&asOf=${addDays(now, -365)}`,
    'GET /reports/receivables-aging?groupBy=customer':
      '/api/v1/reports/receivables-aging?groupBy=customer',
    [`GET /reports/bookings (24 months ${past}…${from})`]: `/api/v1/reports/bookings?from=${past}&to=${from}`,
    [`GET /reports/contract-liability-rollforward (24 months ${past}…${from})`]: `/api/v1/reports/contract-liability-rollforward?from=${past}&to=${from}`,
  };
}

/** The bare sum over the tranche rows the reports are compared with. */
export const BARE_TRANCHE_SUM =
  'SELECT sum(quantity - shipped_quantity - cancelled_quantity), sum((quantity - cancelled_quantity) * unit_price_cents) FROM tranche';

/**
 * Adds orders `from`…`to − 1` (1-based) of the plan book, all in SQL: confirmed orders each buying
 * one model in 4 monthly tranches, their timeline (one open segment per tranche, what the replay
 * writes for an order with no events); the models and customers on the first call. Then the
 * capacity: 36 months from `startMonth`, around what the whole book asks for a month (110 units a
 * tranche on average), 70 % to 130 % by month, so on-time, built-ahead, late and unscheduled
 * tranches all occur.
 */
export async function buildPlanBook(
  db: DataSource,
  startMonth: string,
  range: { from: number; to: number },
): Promise<void> {
  const start = `${startMonth}-01`;
  const { from, to } = range;
  if (from === 1) {
    await db.query(`
      INSERT INTO product_model (sku, name, series, hashrate_ths, power_w, list_price_cents, status)
      SELECT 'PLAN-' || i, 'Bench miner ' || i, 'Bench', 80 + i * 5, 3000 + i * 20, 200000 + i * 10000, 'active'
        FROM generate_series(1, ${PLAN_MODELS}) AS i`);
    await db.query(`
      INSERT INTO customer (name, legal_name, segment, country, region, status)
      SELECT 'Plan customer ' || i, 'Plan customer ' || i || ' Ltd',
             (ARRAY['public_miner','investment_fund','hosting_provider','individual_operator'])[1 + i % 4],
             (ARRAY['US','DE','BR','JP'])[1 + i % 4], (ARRAY['NA','EMEA','LATAM','APAC'])[1 + i % 4], 'active'
        FROM generate_series(1, 500) AS i`);
  }
  // Orders signed over the last 18 months; each buys one model in 4 monthly tranches whose first
  // ship date falls between two months ago and 34 months ahead, so some are overdue.
  await db.query(
    `
    WITH c AS (SELECT array_agg(id ORDER BY name) AS ids FROM customer WHERE name LIKE 'Plan customer %'),
         o AS (SELECT i, ($1::date - ((i * 7919) % 540) - 1) AS signed_on FROM generate_series($2::int, $3::int - 1) AS i)
    INSERT INTO purchase_order (number, customer_id, signed_on, status, confirmed_at)
    SELECT 'PO-' || to_char(o.signed_on, 'YYYY') || '-' || lpad(o.i::text, 6, '0'), c.ids[1 + o.i % 500], o.signed_on,
           'confirmed', now()
      FROM o CROSS JOIN c`,
    [start, from, to],
  );
  const added = `substring(o.number from '\\d+$')::int BETWEEN ${from} AND ${to - 1}`;
  await db.query(`
    INSERT INTO order_line (purchase_order_id, line_no, product_model_id, unit_price_cents)
    SELECT o.id, 1, m.id, m.list_price_cents
      FROM purchase_order o
      JOIN product_model m ON m.sku = 'PLAN-' || (1 + (substring(o.number from '\\d+$')::int % ${PLAN_MODELS}))
     WHERE ${added}`);
  await db.query(
    `INSERT INTO tranche (purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity,
                          unit_price_cents, contract_quantity, contract_ship_date)
     SELECT o.id, o.customer_id, l.id, l.product_model_id, s,
            ship, q, l.unit_price_cents, q, ship
       FROM purchase_order o
       JOIN order_line l ON l.purchase_order_id = o.id
       CROSS JOIN generate_series(1, ${PLAN_TRANCHES_PER_ORDER}) AS s
       CROSS JOIN LATERAL (SELECT substring(o.number from '\\d+$')::int AS i) n
       CROSS JOIN LATERAL (
         SELECT ($1::date + make_interval(months => (n.i * 31) % 37 - 2 + s - 1) + ((n.i * 13) % 28) * interval '1 day')::date AS ship,
                20 + (n.i * 17 + s * 29) % 181 AS q) t
      WHERE ${added}`,
    [start],
  );
  await db.query(`
    INSERT INTO tranche_segment (tranche_id, purchase_order_id, customer_id, product_model_id, valid_from, valid_to,
       ship_date, unit_price_cents, quantity, shipped_units, cancelled_units, open_units, cash_cents, pool_cents,
       shipped_value_cents, shipped_cash_cents, forfeited_cents)
    SELECT t.id, t.purchase_order_id, t.customer_id, t.product_model_id, o.signed_on, NULL, t.ship_date,
           t.unit_price_cents, t.quantity, 0, 0, t.quantity, 0, 0, 0, 0, 0
      FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id
     WHERE ${added}`);
  const tranches = (to - 1) * PLAN_TRANCHES_PER_ORDER;
  const monthly = (tranches / PLAN_MODELS / 40) * 110;
  await db.query(`DELETE FROM production_capacity`);
  await db.query(
    `INSERT INTO production_capacity (product_model_id, month, units)
     SELECT m.id, ($1::date + make_interval(months => k))::date,
            round(${monthly} * (0.7 + 0.6 * ((k * 7 + length(m.sku)) % 10) / 9.0))
       FROM product_model m CROSS JOIN generate_series(0, ${PLAN_MONTHS - 1}) AS k
      WHERE m.sku LIKE 'PLAN-%'`,
    [start],
  );
  await db.query('VACUUM ANALYZE');
}
