import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/common/logger';
import { today } from '../../src/common/dates';
import { monthOf } from '../../src/demo/demo-book';
import { DemoSummary, seedDemoIfEmpty } from '../../src/demo/seed';
import { signIn } from '../support/people';
import { createTestApp, TestApp } from '../support/test-app';

const COUNTED = [
  'product_model',
  'payment_terms',
  'customer',
  'contact',
  'activity',
  'opportunity',
  'purchase_order',
  'tranche',
  'amendment',
  'shipment',
  'payment',
  'audit_log',
  'event',
];

describe('demo data', () => {
  let t: TestApp;
  let first: (DemoSummary | null)[];
  const logger = createLogger('silent');
  const dataDir = mkdtempSync(join(tmpdir(), 'hashbook-demo-'));
  const passwordsFile = join(dataDir, 'demo-users');

  const counts = async () => {
    const result: Record<string, number> = {};
    for (const table of COUNTED) {
      const [{ n }] = await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      result[table] = n;
    }
    return result;
  };

  beforeAll(async () => {
    t = await createTestApp();
    // Two starts at once: the advisory lock lets one seed and the other find data.
    first = await Promise.all([
      seedDemoIfEmpty(t.app, logger, { passwordsFile }),
      seedDemoIfEmpty(t.app, logger, { passwordsFile }),
    ]);
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await t.close();
  });

  it('seeds once, and a later start adds nothing', async () => {
    const seeded = first.filter((s) => s !== null);
    expect(seeded).toHaveLength(1);
    expect(seeded[0]!.customers).toBeGreaterThanOrEqual(17);
    const before = await counts();
    expect(await seedDemoIfEmpty(t.app, logger)).toBeNull();
    expect(await counts()).toEqual(before);
    expect(before.customer).toBe(seeded[0]!.customers);
    expect(before.purchase_order).toBe(seeded[0]!.orders);
  });

  it('leaves more than 100,000 units open in confirmed orders', async () => {
    const [{ open }] = await t.sql<{ open: number }>(
      `SELECT SUM(t.quantity - t.shipped_quantity - t.cancelled_quantity)::int AS open
         FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id WHERE o.status = 'confirmed'`,
    );
    expect(open).toBeGreaterThan(100_000);
    expect(open).toBe(first.find((s) => s !== null)!.openUnits);
  });

  it('ships open units in at least 9 of the next 12 months, and some shipped already', async () => {
    const now = today('UTC');
    const months = await t.sql<{ month: string; open: number }>(
      `SELECT to_char(t.ship_date, 'YYYY-MM') AS month, SUM(t.quantity - t.shipped_quantity - t.cancelled_quantity)::int AS open
         FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id
        WHERE o.status = 'confirmed' AND t.quantity - t.shipped_quantity - t.cancelled_quantity > 0
        GROUP BY 1`,
    );
    const coming = new Set(Array.from({ length: 12 }, (_, i) => monthOf(now, i + 1)));
    expect(months.filter((m) => coming.has(m.month) && m.open > 0).length).toBeGreaterThanOrEqual(
      9,
    );
    // Nothing dated up to today is left unshipped, so the book is not born overdue.
    const [{ overdue }] = await t.sql<{ overdue: number }>(
      `SELECT count(*)::int AS overdue FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id
        WHERE o.status = 'confirmed' AND t.ship_date <= $1 AND t.quantity - t.shipped_quantity - t.cancelled_quantity > 0`,
      [now],
    );
    expect(overdue).toBe(0);
    const [recent] = await t.sql<{ shipments: number; payments: number }>(
      `SELECT (SELECT count(*)::int FROM shipment WHERE shipped_on > $1::date - 365) AS shipments,
              (SELECT count(*)::int FROM payment WHERE received_on > $1::date - 365) AS payments`,
      [now],
    );
    expect(recent.shipments).toBeGreaterThan(10);
    expect(recent.payments).toBeGreaterThan(10);
    const [late] = await t.sql<{ future: number }>(
      `SELECT (SELECT count(*)::int FROM shipment WHERE shipped_on > $1) + (SELECT count(*)::int FROM payment WHERE received_on > $1) AS future`,
      [now],
    );
    expect(late.future).toBe(0);
  });

  it('has one order with 600 option units, 200 of them exercised and billed', async () => {
    const [{ id }] = await t.sql<{ id: string }>(
      `SELECT DISTINCT purchase_order_id AS id FROM tranche WHERE option_quantity > 0`,
    );
    const res = await t
      .http()
      .get(`/api/v1/purchase-orders/${id}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(res.body.status).toBe('confirmed');
    const option = res.body.lines[0].tranches[2];
    expect(option).toMatchObject({
      quantity: 200,
      openQuantity: 200,
      exercisedQuantity: 200,
      optionQuantity: 400,
    });
    const instalments = await t.sql<{ key: string }>(
      `SELECT key FROM instalment WHERE purchase_order_id = $1 AND tranche_id = $2`,
      [id, option.id],
    );
    // The exercised units' own deposit and milestone (PT-30).
    expect(instalments.map((i) => i.key.split(':')[0]).sort()).toEqual(['deposit', 'milestone']);
  });

  it("has Core Scientific's public order, shipped and paid as published", async () => {
    const [core] = await t.sql<{ id: string }>(
      `SELECT id FROM customer WHERE name = 'Core Scientific' AND segment = 'public_miner' AND country = 'US'`,
    );
    const res = await t
      .http()
      .get(`/api/v1/purchase-orders?customerId=${core.id}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    const order = res.body.items.find((o: { signedOn: string }) => o.signedOn === '2021-02-07');
    expect(order).toMatchObject({
      status: 'completed',
      paymentTermsCode: 'PT-30',
      totals: { quantity: 6000, value: '18360000.00', shippedQuantity: 6000, openQuantity: 0 },
    });
    expect(order.lines).toHaveLength(1);
    expect(order.lines[0].unitPrice).toBe('3060.00');
    expect(order.lines[0].tranches.map((tr: { shipDate: string }) => tr.shipDate)).toEqual([
      '2021-03-20',
      '2021-04-20',
      '2021-05-20',
      '2021-06-20',
      '2021-07-20',
      '2021-08-20',
    ]);
    const payments = await t.sql<{ amount_cents: number; received_on: string }>(
      'SELECT amount_cents, received_on FROM payment WHERE purchase_order_id = $1 ORDER BY received_on',
      [order.id],
    );
    expect(payments.map((p) => [p.received_on, Number(p.amount_cents)])).toEqual([
      ['2021-02-14', 550_800_000],
      ...['03', '04', '05', '06', '07', '08'].map((m) => [`2021-${m}-01`, 214_200_000]),
    ]);
    const shipments = await t.sql<{ shipped_on: string }>(
      'SELECT shipped_on FROM shipment WHERE purchase_order_id = $1 ORDER BY shipped_on',
      [order.id],
    );
    expect(shipments.map((s) => s.shipped_on)).toEqual(
      order.lines[0].tranches.map((tr: { shipDate: string }) => tr.shipDate),
    );
    const schedule = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}/billing-schedule`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(schedule.body.items.every((i: { status: string }) => i.status === 'paid')).toBe(true);
  });

  it("has HIVE's 6,400 units signed 2021-01-23, all shipped", async () => {
    const rows = await t.sql<{
      quantity: number;
      shipped: number;
      status: string;
      country: string;
    }>(
      `SELECT SUM(t.quantity)::int AS quantity, SUM(t.shipped_quantity)::int AS shipped, o.status, c.country
         FROM purchase_order o JOIN customer c ON c.id = o.customer_id JOIN tranche t ON t.purchase_order_id = o.id
        WHERE c.name = 'HIVE Blockchain' AND c.segment = 'public_miner' AND o.signed_on = '2021-01-23'
        GROUP BY o.id, o.status, c.country`,
    );
    expect(rows).toEqual([{ quantity: 6400, shipped: 6400, status: 'completed', country: 'CA' }]);
  });

  it('has the product line, with the end-of-life model off new orders', async () => {
    const models = await t.sql<{
      sku: string;
      hashrate_ths: string;
      power_w: number;
      status: string;
    }>('SELECT sku, hashrate_ths, power_w, status FROM product_model ORDER BY sku');
    expect(models.map((m) => [m.sku, Number(m.hashrate_ths), m.power_w, m.status])).toEqual([
      ['A1166PRO', 81, 3402, 'end_of_life'],
      ['A1246', 90, 3420, 'active'],
      ['A1266', 100, 3500, 'active'],
      ['A1346', 110, 3300, 'active'],
      ['A1466', 150, 3230, 'active'],
      ['A1566', 185, 3420, 'active'],
    ]);
    const terms = await t.sql<{ code: string }>('SELECT code FROM payment_terms ORDER BY code');
    expect(terms.map((x) => x.code)).toEqual(['NET-0', 'PT-20/30/30/20', 'PT-30', 'PT-50/40']);
  });

  it('has amendments, a cancelled order, drafts and a late payer', async () => {
    const statuses = await t.sql<{ status: string; n: number }>(
      'SELECT status, count(*)::int AS n FROM purchase_order GROUP BY status',
    );
    const byStatus = Object.fromEntries(statuses.map((s) => [s.status, s.n]));
    expect(byStatus.cancelled).toBe(1);
    expect(byStatus.draft).toBeGreaterThanOrEqual(1);
    expect(byStatus.completed).toBeGreaterThanOrEqual(3);
    expect(byStatus.confirmed).toBeGreaterThanOrEqual(10);
    const amendments = await t.sql<{ kind: string; changes: { type: string }[] }>(
      'SELECT kind, changes FROM amendment',
    );
    const types = amendments.flatMap((a) => a.changes.map((c) => c.type));
    expect(types).toEqual(expect.arrayContaining(['reschedule', 'set_quantity', 'cancel']));
    const [{ forfeited }] = await t.sql<{ forfeited: number }>(
      'SELECT count(*)::int AS forfeited FROM forfeiture',
    );
    expect(forfeited).toBeGreaterThan(0);
    const [{ overdue }] = await t.sql<{ overdue: number }>(
      `SELECT count(*)::int AS overdue FROM instalment WHERE status = 'open' AND due_on < $1`,
      [today('UTC')],
    );
    expect(overdue).toBeGreaterThan(0);
  });

  it('has corrections: payment and shipment reversals, a price cut and rise, a refund, a deleted draft', async () => {
    const [counts] = await t.sql<Record<string, number>>(
      `SELECT (SELECT count(*) FROM payment_reversal)::int AS payment_reversals,
              (SELECT count(*) FROM shipment_reversal)::int AS shipment_reversals,
              (SELECT count(*) FROM refund)::int AS refunds`,
    );
    expect(counts).toEqual({ payment_reversals: 1, shipment_reversals: 1, refunds: 1 });
    const prices = await t.sql<{ unit_price_cents: number; contract_unit_price_cents: number }>(
      `SELECT unit_price_cents, contract_unit_price_cents FROM tranche
        WHERE unit_price_cents <> contract_unit_price_cents`,
    );
    expect(prices.some((p) => p.unit_price_cents < p.contract_unit_price_cents)).toBe(true);
    expect(prices.some((p) => p.unit_price_cents > p.contract_unit_price_cents)).toBe(true);
    const events = await t.sql<{ type: string }>('SELECT DISTINCT type FROM event');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'payment.reversed',
        'shipment.reversed',
        'refund.paid',
        'purchase_order.deleted',
      ]),
    );
    // The opportunity whose draft was deleted is back in negotiation, converted into nothing.
    const [withdrawn] = await t.sql<{ stage: string; purchase_order_id: string | null }>(
      `SELECT o.stage, o.purchase_order_id FROM opportunity o
        JOIN event e ON e.entity_id = o.id AND e.type = 'opportunity.converted'`,
    );
    expect(withdrawn).toEqual({ stage: 'negotiation', purchase_order_id: null });
  });

  it('has an order priced per TH/s whose shipments were trued up both ways and once not at all', async () => {
    // 400 units of 150 TH/s at 30.00 per TH/s (4,500.00 a unit), 3 % tolerance: delivered 95.5 %
    // (57,300 of 60,000 TH/s: −2,700 × 30 = −81,000.00), 101.2 % (inside), 104.6 % (62,760:
    // +2,760 × 30 = +82,800.00).
    const [line] = await t.sql<{ price_per_ths_cents: number; unit_price_cents: number }>(
      'SELECT price_per_ths_cents, unit_price_cents FROM order_line WHERE price_per_ths_cents IS NOT NULL',
    );
    expect(line).toEqual({ price_per_ths_cents: 30_00, unit_price_cents: 4_500_00 });
    const items = await t.sql<{ delivered_ths: string; true_up_cents: number }>(
      `SELECT delivered_ths::text, true_up_cents FROM shipment_item i JOIN shipment s ON s.id = i.shipment_id
        WHERE delivered_ths IS NOT NULL ORDER BY s.shipped_on`,
    );
    expect(items).toEqual([
      { delivered_ths: '57300.00', true_up_cents: -81_000_00 },
      { delivered_ths: '60720.00', true_up_cents: 0 },
      { delivered_ths: '62760.00', true_up_cents: 82_800_00 },
    ]);
  });

  it('has customers in every segment and region, each with one primary contact, and open tasks', async () => {
    const [spread] = await t.sql<{ segments: number; regions: number }>(
      'SELECT count(DISTINCT segment)::int AS segments, count(DISTINCT region)::int AS regions FROM customer',
    );
    expect(spread).toEqual({ segments: 4, regions: 4 });
    const primaries = await t.sql<{ n: number }>(
      `SELECT count(ct.id) FILTER (WHERE ct.is_primary)::int AS n FROM customer c LEFT JOIN contact ct ON ct.customer_id = c.id GROUP BY c.id`,
    );
    expect(primaries.every((p) => p.n === 1)).toBe(true);
    const tasks = await t
      .http()
      .get(`/api/v1/activities?open=true`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(tasks.body.items.length).toBeGreaterThanOrEqual(5);
    const stages = await t.sql<{ stage: string }>('SELECT DISTINCT stage FROM opportunity');
    expect(stages.length).toBeGreaterThanOrEqual(5);
  });

  it('writes everything as demo-seed in the audit log and the change feed', async () => {
    const actors = await t.sql<{
      actor_name: string;
      actor_role: string;
      api_key_id: string | null;
    }>(
      `SELECT DISTINCT actor_name, actor_role, api_key_id FROM audit_log
        WHERE entity_type IN ('product_model', 'customer', 'purchase_order', 'shipment', 'payment', 'opportunity')`,
    );
    expect(actors).toEqual([{ actor_name: 'demo-seed', actor_role: 'admin', api_key_id: null }]);
    const res = await t
      .http()
      .get('/api/v1/audit-log?entityType=payment')
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(res.body.items.length).toBeGreaterThan(0);
    expect(res.body.items[0].actor).toEqual({
      type: 'system',
      id: null,
      name: 'demo-seed',
      role: 'admin',
    });
    const events = await t.sql<{ type: string }>('SELECT DISTINCT type FROM event');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'purchase_order.confirmed',
        'purchase_order.completed',
        'shipment.created',
        'payment.received',
      ]),
    );
  });

  it('makes one demo person per role, with generated passwords kept in a 0600 file, who sign in', async () => {
    expect(statSync(passwordsFile).mode & 0o777).toBe(0o600);
    const rows = readFileSync(passwordsFile, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/\s+/));
    expect(rows.map(([, role]) => role)).toEqual([
      'admin',
      'sales',
      'finance',
      'operations',
      'erp',
      'viewer',
    ]);
    const seeded = first.find((s) => s !== null)!;
    expect(seeded.users.map((u) => [u.email, u.role, u.password])).toEqual(rows);
    for (const [email, role, password] of rows) {
      expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
      const session = await signIn(t, { email, password });
      expect(session.user.role).toBe(role);
    }
  });

  it('gives customers, opportunities and tasks to the people who sell, and a chase to finance', async () => {
    const owners = await t.sql<{ name: string; customers: number; opportunities: number }>(
      `SELECT u.name,
              (SELECT count(*)::int FROM customer c WHERE c.owner_id = u.id) AS customers,
              (SELECT count(*)::int FROM opportunity o WHERE o.owner_id = u.id) AS opportunities
         FROM app_user u ORDER BY u.created_at, u.id`,
    );
    const [{ unowned }] = await t.sql<{ unowned: number }>(
      'SELECT count(*)::int AS unowned FROM customer WHERE owner_id IS NULL',
    );
    expect(unowned).toBe(0);
    const byName = Object.fromEntries(owners.map((o) => [o.name, o]));
    expect(byName['Mei Lin'].customers).toBeGreaterThan(0);
    expect(byName['Jonas Berg'].customers).toBeGreaterThan(0);
    expect(byName['Mei Lin'].opportunities + byName['Jonas Berg'].opportunities).toBeGreaterThan(0);

    const rows = readFileSync(passwordsFile, 'utf8')
      .split('\n')
      .filter((line) => line && !line.startsWith('#'))
      .map((line) => line.split(/\s+/));
    const login = (role: string) => {
      const [email, , password] = rows.find(([, r]) => r === role)!;
      return signIn(t, { email, password });
    };
    for (const role of ['sales', 'finance']) {
      const person = await login(role);
      const tasks = await t
        .http()
        .get('/api/v1/activities?assigneeId=me&open=true')
        .set('Cookie', person.cookie)
        .expect(200);
      expect(tasks.body.items.length).toBeGreaterThan(0);
      expect(tasks.body.items.every((a: { type: string }) => a.type === 'task')).toBe(true);
    }
    const mei = await login('sales');
    const mine = await t
      .http()
      .get('/api/v1/customers?ownerId=me&limit=500')
      .set('Cookie', mei.cookie)
      .expect(200);
    expect(mine.body.items.map((c: { name: string }) => c.name)).toContain('Core Scientific');
  });
});

describe('demo capacity', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await seedDemoIfEmpty(t.app, createLogger('silent'));
  });
  afterAll(() => t.close());

  it('fills production capacity for the months ahead, audited as capacity.updated', async () => {
    const rows = await t.sql<{ sku: string; months: number; first: string; units: number }>(
      `SELECT m.sku, count(*)::int AS months, min(left(c.month::text, 7)) AS first, sum(c.units)::int AS units
         FROM production_capacity c JOIN product_model m ON m.id = c.product_model_id GROUP BY m.sku ORDER BY m.sku`,
    );
    const now = monthOf(today('UTC'));
    expect(rows.map((r) => [r.sku, r.months, r.first])).toEqual([
      ['A1246', 6, now],
      ['A1266', 18, now],
      ['A1346', 18, now],
      ['A1466', 18, now],
      ['A1566', 12, now],
    ]);
    expect(rows.find((r) => r.sku === 'A1566')!.units).toBe(72_000);
    const [{ events }] = await t.sql<{ events: number }>(
      `SELECT count(*)::int AS events FROM event WHERE type = 'capacity.updated'`,
    );
    expect(events).toBe(5);
  });

  it('gives a plan with on-time, late and unscheduled tranches', async () => {
    const statuses: Record<string, number> = {};
    let cursor: string | null = null;
    do {
      const res: { body: { items: unknown[]; nextCursor: string | null } } = await t
        .http()
        .get('/api/v1/delivery-plan/tranches')
        .query({ limit: 200, ...(cursor ? { cursor } : {}) })
        .set('X-API-Key', t.adminKey)
        .expect(200);
      for (const item of res.body.items as { status: string }[]) {
        statuses[item.status] = (statuses[item.status] ?? 0) + 1;
      }
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(Object.keys(statuses).sort()).toEqual(['late', 'on_time', 'unscheduled']);
    const [{ open }] = await t.sql<{ open: number }>(
      `SELECT count(*)::int AS open FROM tranche t JOIN purchase_order o ON o.id = t.purchase_order_id
        WHERE o.status <> 'draft' AND t.shipped_quantity + t.cancelled_quantity < t.quantity`,
    );
    expect(statuses.late + statuses.on_time + statuses.unscheduled).toBe(open);
  });

  it('holds capacity for the two open quotes, placed by the plan after the firm tranches', async () => {
    const res = await t
      .http()
      .get('/api/v1/delivery-plan/holds')
      .set('X-API-Key', t.adminKey)
      .expect(200);
    const holds = res.body.items as {
      quantity: number;
      unscheduledUnits: number;
      plannedUnits: { units: number }[];
    }[];
    expect(holds.map((h) => h.quantity).sort((a, b) => a - b)).toEqual([1200, 3000]);
    for (const h of holds) {
      const planned = h.plannedUnits.reduce((sum, m) => sum + m.units, 0);
      expect(planned + h.unscheduledUnits).toBe(h.quantity);
    }
    const [{ events }] = await t.sql<{ events: number }>(
      `SELECT count(*)::int AS events FROM event WHERE type = 'hold.created'`,
    );
    expect(events).toBe(2);
  });
});

describe('demo data that cannot be seeded', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('logs the failure and lets the app start', async () => {
    // Terms alone do not make the database "not empty", but they clash with the demo's own.
    await t
      .http()
      .post('/api/v1/payment-terms')
      .set('X-API-Key', t.adminKey)
      .send({
        code: 'PT-30',
        name: 'House terms',
        depositPercent: 100,
        depositDueDays: 0,
        milestones: [],
      })
      .expect(201);
    const logger = createLogger('silent');
    const error = jest.spyOn(logger, 'error');
    expect(await seedDemoIfEmpty(t.app, logger)).toBeNull();
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][1])).toMatch(
      /Demo data seeding failed .*payment_terms_code_key/,
    );
    await t.http().get('/health/ready').expect(200);
  });
});
