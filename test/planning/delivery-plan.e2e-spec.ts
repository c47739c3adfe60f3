import { today } from '../../src/common/dates';
import { monthIndex, monthOf } from '../../src/planning/allocate';
import { DeliveryPlanService } from '../../src/planning/delivery-plan.service';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

// Dates relative to the current month M0 (the planning start when asOf is today): the book is the
// same whenever the test runs. m(k) is month M0+k; d(k, day) a date in it.
const M0 = monthIndex(today('UTC'));
const m = (k: number) => monthOf(M0 + k);
const d = (k: number, day: number) => `${m(k)}-${String(day).padStart(2, '0')}`;

interface Book {
  modelA: string;
  modelB: string;
  /** Tranche ids by name. */
  ids: Record<'X' | 'T1' | 'T2' | 'T3' | 'T4' | 'T5' | 'TB', string>;
  orders: Record<'P0' | 'P1' | 'P2' | 'P3' | 'P4' | 'PB', { id: string; number: string }>;
}

describe('delivery plan', () => {
  let t: TestApp;
  let f: OrderFactory;
  let operations: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    operations = await t.keyFor('operations');
  });
  afterAll(() => t.close());

  const get = (path: string, query: Record<string, string | number> = {}, key = t.adminKey) =>
    t.http().get(`/api/v1${path}`).query(query).set('X-API-Key', key);
  const putCapacity = (items: object[], key = operations) =>
    t.http().put('/api/v1/production-capacity').set('X-API-Key', key).send({ items });

  /**
   * Model A, capacity M0 1,000 · M1 1,000 · M2 500 · M4 1,000 (no row for M3); model B, M1 5,000.
   * Plan order (ship date, signing date, order number, sequence):
   *   X  P0 signed M-4, ship M-1-15, 300 of which 100 shipped on M-1-20 → 200 open (overdue)
   *   T1 P1 signed M-3, ship M0-20, 500
   *   T5 P4 signed M-1, ship M0-20, 100   (same ship date as T1, signed later)
   *   TB PB (model B), ship M1-01, 300
   *   T2 P2 signed M-2, ship M1-10, 1,200
   *   T3 P1,            ship M2-15, 800
   *   T4 P3 signed M-2, ship M4-10, 1,000
   */
  async function buildBook(): Promise<Book> {
    const modelA = (await f.productModel({ listPrice: '3060.00' })).id;
    const modelB = (await f.productModel({ name: 'AvalonMiner A1366', listPrice: '4000.00' })).id;
    const customerId = (await f.customer()).id;
    const order = (signedOn: string, productModelId: string, tranches: object[]) =>
      f.order({ customerId, signedOn, lines: [{ productModelId, tranches }] });
    const P0 = await order(d(-4, 1), modelA, [{ shipDate: d(-1, 15), quantity: 300 }]);
    const P1 = await order(d(-3, 5), modelA, [
      { shipDate: d(0, 20), quantity: 500 },
      { shipDate: d(2, 15), quantity: 800 },
    ]);
    const P2 = await order(d(-2, 5), modelA, [{ shipDate: d(1, 10), quantity: 1200 }]);
    const P3 = await order(d(-2, 10), modelA, [{ shipDate: d(4, 10), quantity: 1000 }]);
    const P4 = await order(d(-1, 1), modelA, [{ shipDate: d(0, 20), quantity: 100 }]);
    const PB = await order(d(-2, 10), modelB, [{ shipDate: d(1, 1), quantity: 300 }]);
    // A draft is not planned.
    await f.order(
      {
        customerId,
        signedOn: d(-1, 2),
        lines: [{ productModelId: modelA, tranches: [{ shipDate: d(0, 1), quantity: 999 }] }],
      },
      false,
    );
    const [X] = tranchesOf(P0);
    await f.ship(P0.id, d(-1, 20), [{ trancheId: X.id, quantity: 100 }]);
    const res = await putCapacity([
      { productModelId: modelA, month: m(0), units: 1000 },
      { productModelId: modelA, month: m(1), units: 1000 },
      { productModelId: modelA, month: m(2), units: 500 },
      { productModelId: modelA, month: m(4), units: 1000 },
      { productModelId: modelB, month: m(1), units: 5000 },
    ]);
    expect(res.status).toBe(200);
    const [T1, T3] = tranchesOf(P1);
    const pick = (o: { id: string; number: string }) => ({ id: o.id, number: o.number });
    return {
      modelA,
      modelB,
      ids: {
        X: X.id,
        T1: T1.id,
        T3: T3.id,
        T2: tranchesOf(P2)[0].id,
        T4: tranchesOf(P3)[0].id,
        T5: tranchesOf(P4)[0].id,
        TB: tranchesOf(PB)[0].id,
      },
      orders: {
        P0: pick(P0),
        P1: pick(P1),
        P2: pick(P2),
        P3: pick(P3),
        P4: pick(P4),
        PB: pick(PB),
      },
    };
  }

  /** The plan of the models, every page, as {name: figures}. */
  async function planOf(book: Book, query: Record<string, string | number> = {}) {
    const names = new Map(Object.entries(book.ids).map(([name, id]) => [id, name]));
    const items: Record<string, unknown>[] = [];
    for (const productModelId of [book.modelA, book.modelB]) {
      const res = await get('/delivery-plan/tranches', { productModelId, limit: 500, ...query });
      expect(res.status).toBe(200);
      expect(res.body.nextCursor).toBeNull();
      items.push(...res.body.items);
    }
    return Object.fromEntries(
      items.map((item) => [
        names.get(item.trancheId as string),
        [
          item.openQuantity,
          item.plannedUnits,
          item.projectedShipMonth,
          item.status,
          item.lateByMonths,
          item.unscheduledUnits,
        ],
      ]),
    );
  }
  const u = (k: number, units: number) => ({ month: m(k), units });

  it('plans the book by hand: overdue, on time, built ahead, late and unscheduled; models apart', async () => {
    const book = await buildBook();
    expect(await planOf(book)).toEqual({
      // 200 open go forward from M0: late by one month.
      X: [200, [u(0, 200)], m(0), 'late', 1, 0],
      T1: [500, [u(0, 500)], m(0), 'on_time', 0, 0],
      T5: [100, [u(0, 100)], m(0), 'on_time', 0, 0],
      // M1 takes 1,000; the other 200 are built ahead in M0 and wait.
      T2: [1200, [u(0, 200), u(1, 1000)], m(1), 'on_time', 0, 0],
      // M2 takes 500; M1 and M0 are full, M3 has no row: 300 in M4.
      T3: [800, [u(2, 500), u(4, 300)], m(4), 'late', 2, 0],
      // What M4 has left, 700; 300 nowhere.
      T4: [1000, [u(4, 700)], null, 'unscheduled', null, 300],
      // Model B's capacity is B's alone.
      TB: [300, [u(1, 300)], m(1), 'on_time', 0, 0],
    });

    const first = await get('/delivery-plan/tranches', {
      productModelId: book.modelA,
      status: 'late',
    }).expect(200);
    expect(first.body.items.map((i: { trancheId: string }) => i.trancheId)).toEqual([
      book.ids.X,
      book.ids.T3,
    ]);
    expect(first.body.items[0]).toEqual({
      trancheId: book.ids.X,
      purchaseOrderId: book.orders.P0.id,
      purchaseOrderNumber: book.orders.P0.number,
      customerId: expect.any(String),
      productModelId: book.modelA,
      shipDate: d(-1, 15),
      openQuantity: 200,
      plannedUnits: [u(0, 200)],
      projectedShipMonth: m(0),
      status: 'late',
      lateByMonths: 1,
      unscheduledUnits: 0,
    });

    // By order: only P1's tranches, planned against the whole book of model A.
    const p1 = await get('/delivery-plan/tranches', { purchaseOrderId: book.orders.P1.id }).expect(
      200,
    );
    expect(
      p1.body.items.map((i: { trancheId: string; plannedUnits: unknown }) => [
        i.trancheId,
        i.plannedUnits,
      ]),
    ).toEqual([
      [book.ids.T1, [u(0, 500)]],
      [book.ids.T3, [u(2, 500), u(4, 300)]],
    ]);
  });

  it('pages through the plan in plan order with a cursor', async () => {
    const book = await buildBook();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { productModelId: book.modelA, limit: 2 };
      if (cursor) query.cursor = cursor;
      const res = await get('/delivery-plan/tranches', query).expect(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((i: { trancheId: string }) => i.trancheId));
      cursor = res.body.nextCursor;
    } while (cursor);
    const { X, T1, T5, T2, T3, T4 } = book.ids;
    expect(seen).toEqual([X, T1, T5, T2, T3, T4]);
    await get('/delivery-plan/tranches', { cursor: 'nonsense' }).expect(400);
  });

  it('reflects new capacity, a shipment and a cancellation on the next read', async () => {
    const book = await buildBook();
    await putCapacity([
      { productModelId: book.modelA, month: m(3), units: 600 },
      { productModelId: book.modelA, month: m(5), units: 500 },
    ]).expect(200);
    const afterCapacity = await planOf(book);
    expect(afterCapacity).toMatchObject({
      X: [200, [u(0, 200)], m(0), 'late', 1, 0],
      T2: [1200, [u(0, 200), u(1, 1000)], m(1), 'on_time', 0, 0],
      // M3 now has capacity: 300 there instead of M4.
      T3: [800, [u(2, 500), u(3, 300)], m(3), 'late', 1, 0],
      T4: [1000, [u(4, 1000)], m(4), 'on_time', 0, 0],
    });
    const capacity = await get('/production-capacity', { productModelId: book.modelA }).expect(200);
    expect(capacity.body).toEqual({
      items: [
        [0, 1000, 1000],
        [1, 1000, 1000],
        [2, 500, 500],
        [3, 600, 300],
        [4, 1000, 1000],
        [5, 500, 0],
      ].map(([k, units, planned]) => ({
        productModelId: book.modelA,
        month: m(k),
        units,
        plannedUnits: planned,
        spareUnits: units - planned,
      })),
      nextCursor: null,
    });

    // Cancelling P2 frees M0 and M1: T3 is built ahead in M1 and on time.
    await t
      .http()
      .post(`/api/v1/purchase-orders/${book.orders.P2.id}/cancel`)
      .set('X-API-Key', t.adminKey)
      .send({ reason: 'customer withdrew', effectiveOn: today('UTC') })
      .expect(200);
    const afterCancel = await planOf(book);
    expect(afterCancel.T2).toBeUndefined();
    expect(afterCancel).toMatchObject({
      T5: [100, [u(0, 100)], m(0), 'on_time', 0, 0],
      T3: [800, [u(1, 300), u(2, 500)], m(2), 'on_time', 0, 0],
      T4: [1000, [u(4, 1000)], m(4), 'on_time', 0, 0],
    });
    const available = await get('/availability', { productModelId: book.modelA, quantity: 1000 });
    expect(available.status).toBe(200);
    // Spare after the plan: M0 200, M1 700, M3 600, M5 500.
    expect(available.body).toEqual({
      productModelId: book.modelA,
      quantity: 1000,
      asOf: today('UTC'),
      earliestCompletionMonth: m(3),
      months: [u(0, 200), u(1, 700), u(3, 100)],
      shortfallUnits: 0,
      heldUnits: 0,
    });

    // Shipping 300 of T1 early leaves 200 open, and 300 more spare in M0.
    const p1 = await get(`/purchase-orders/${book.orders.P1.id}`).expect(200);
    await f.ship(p1.body.id, today('UTC'), [{ trancheId: book.ids.T1, quantity: 300 }]);
    expect((await planOf(book)).T1).toEqual([200, [u(0, 200)], m(0), 'on_time', 0, 0]);
  });

  it('answers availability from the spare capacity the plan leaves, with a shortfall when it runs out', async () => {
    const book = await buildBook();
    // Everything of model A is taken: nothing spare.
    expect(
      (await get('/availability', { productModelId: book.modelA, quantity: 100 })).body,
    ).toMatchObject({
      earliestCompletionMonth: null,
      months: [],
      shortfallUnits: 100,
    });
    await putCapacity([
      { productModelId: book.modelA, month: m(3), units: 600 },
      { productModelId: book.modelA, month: m(5), units: 500 },
    ]).expect(200);
    // Spare after the plan: M3 300, M5 500.
    expect(
      (await get('/availability', { productModelId: book.modelA, quantity: 600 })).body,
    ).toMatchObject({
      earliestCompletionMonth: m(5),
      months: [u(3, 300), u(5, 300)],
      shortfallUnits: 0,
    });
    expect(
      (await get('/availability', { productModelId: book.modelA, quantity: 900 })).body,
    ).toMatchObject({
      earliestCompletionMonth: null,
      months: [u(3, 300), u(5, 500)],
      shortfallUnits: 100,
    });
    // Model B: 5,000 in M1, 300 planned.
    expect(
      (await get('/availability', { productModelId: book.modelB, quantity: 4700 })).body,
    ).toMatchObject({
      earliestCompletionMonth: m(1),
      months: [u(1, 4700)],
      shortfallUnits: 0,
    });
  });

  it('gives the revenue forecast each planned unit in the later of its production and ship months', async () => {
    const book = await buildBook();
    const plans = t.app.get(DeliveryPlanService);
    const forecast = await plans.planForecast(today('UTC'), { productModelId: book.modelA });
    const names = new Map(Object.entries(book.ids).map(([name, id]) => [id, name]));
    expect(
      forecast.rows.map((r) => [names.get(r.trancheId), r.month, r.units, r.unitPriceCents]),
    ).toEqual([
      ['X', m(0), 200, 306000],
      ['T1', m(0), 500, 306000],
      ['T5', m(0), 100, 306000],
      // 200 built ahead in M0 wait for the ship month M1.
      ['T2', m(1), 1200, 306000],
      ['T3', m(2), 500, 306000],
      ['T3', m(4), 300, 306000],
      ['T4', m(4), 700, 306000],
    ]);
    expect(forecast.rows[0]).toMatchObject({
      productModelId: book.modelA,
      purchaseOrderId: book.orders.P0.id,
      customerId: expect.any(String),
    });
    // T4's 300 units no month can take, at 3,060.00.
    expect(forecast.unscheduled).toEqual({ units: 300, valueCents: 91_800_000 });
    const report = await f.report('revenue-forecast', {
      basis: 'plan',
      productModelId: book.modelA,
    });
    expect(report.unscheduled).toEqual({ quantity: 300, value: '918000.00' });

    const modelB = await plans.planForecast(today('UTC'), { productModelId: book.modelB });
    expect(modelB.rows.map((r) => [r.trancheId, r.month, r.units, r.unitPriceCents])).toEqual([
      [book.ids.TB, m(1), 300, 400000],
    ]);
    const customerId = forecast.rows[0].customerId;
    const ofCustomer = await plans.planForecast(today('UTC'), {
      customerId,
      segment: 'public_miner',
    });
    expect([...new Set(ofCustomer.rows.map((r) => r.trancheId))].sort()).toEqual(
      Object.values(book.ids).sort(),
    );
    const none = await plans.planForecast(today('UTC'), {
      customerId,
      segment: 'hosting_provider',
    });
    expect(none).toEqual({ rows: [], unscheduled: { units: 0, valueCents: 0 } });
  });

  it('plans a past asOf from the units and ship dates then in force, from that month, with today’s capacity', async () => {
    const book = await buildBook();
    // On M-1-16, X had 300 open (the 100 shipped on M-1-20) and planning starts in M-1, which has no capacity.
    const plan = await planOf(book, { asOf: d(-1, 16) });
    expect(plan).toEqual({
      X: [300, [u(0, 300)], m(0), 'late', 1, 0],
      T1: [500, [u(0, 500)], m(0), 'on_time', 0, 0],
      T5: [100, [u(0, 100)], m(0), 'on_time', 0, 0],
      T2: [1200, [u(0, 100), u(1, 1000), u(2, 100)], m(2), 'late', 1, 0],
      T3: [800, [u(2, 400), u(4, 400)], m(4), 'late', 2, 0],
      T4: [1000, [u(4, 600)], null, 'unscheduled', null, 400],
      TB: [300, [u(1, 300)], m(1), 'on_time', 0, 0],
    });
    // Before P4 was signed (M-1-01), its tranche is not in the book.
    expect((await planOf(book, { asOf: d(-2, 28) })).T5).toBeUndefined();
  });
});

describe('production capacity', () => {
  let t: TestApp;
  let f: OrderFactory;
  let operations: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    operations = await t.keyFor('operations');
  });
  afterAll(() => t.close());

  const put = (body: object, key = operations) =>
    t.http().put('/api/v1/production-capacity').set('X-API-Key', key).send(body);

  it('upserts in one go with one audit record and one capacity.updated event per request', async () => {
    const model = (await f.productModel()).id;
    const events = async () =>
      (
        await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM event WHERE type = 'capacity.updated'`,
        )
      )[0].n;
    const before = await events();
    const created = await put({
      items: [
        { productModelId: model, month: '2031-02', units: 4000 },
        { productModelId: model, month: '2031-01', units: 3000 },
      ],
    }).expect(200);
    expect(created.body).toEqual({
      items: [
        { productModelId: model, month: '2031-02', units: 4000, plannedUnits: 0, spareUnits: 4000 },
        { productModelId: model, month: '2031-01', units: 3000, plannedUnits: 0, spareUnits: 3000 },
      ],
    });
    expect(await events()).toBe(before + 1);

    await put({ items: [{ productModelId: model, month: '2031-01', units: 0 }] }).expect(200);
    expect(await events()).toBe(before + 2);
    const rows = await t.sql<{ month: string; units: number }>(
      `SELECT to_char(month, 'YYYY-MM') AS month, units FROM production_capacity WHERE product_model_id = $1 ORDER BY month`,
      [model],
    );
    expect(rows).toEqual([
      { month: '2031-01', units: 0 },
      { month: '2031-02', units: 4000 },
    ]);
    const [audit] = await t.sql<{ entity_type: string; actor_role: string; changes: unknown }>(
      `SELECT entity_type, actor_role, changes FROM audit_log WHERE entity_type = 'capacity' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit).toEqual({
      entity_type: 'capacity',
      actor_role: 'operations',
      changes: {
        before: { items: [{ productModelId: model, month: '2031-01', units: 3000 }] },
        after: { items: [{ productModelId: model, month: '2031-01', units: 0 }] },
      },
    });

    const listed = await t
      .http()
      .get('/api/v1/production-capacity')
      .query({ productModelId: model, from: '2031-02', to: '2031-12' })
      .set('X-API-Key', await t.keyFor('viewer'))
      .expect(200);
    expect(listed.body.items).toEqual([
      { productModelId: model, month: '2031-02', units: 4000, plannedUnits: 0, spareUnits: 4000 },
    ]);
  });

  it('lets operations and admin write capacity, not sales or finance', async () => {
    const model = (await f.productModel()).id;
    const body = { items: [{ productModelId: model, month: '2031-03', units: 10 }] };
    const refused = await put(body, await t.keyFor('sales')).expect(403);
    expect(refused.body.code).toBe('FORBIDDEN');
    await put(body, await t.keyFor('finance')).expect(403);
    await put(body, t.adminKey).expect(200);
    await put(body, operations).expect(200);
  });

  it('pages capacity in month order', async () => {
    const model = (await f.productModel()).id;
    await put({
      items: ['2032-03', '2032-01', '2032-02'].map((month) => ({
        productModelId: model,
        month,
        units: 1,
      })),
    }).expect(200);
    const months: string[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string | number> = { productModelId: model, limit: 2 };
      if (cursor) query.cursor = cursor;
      const res = await t
        .http()
        .get('/api/v1/production-capacity')
        .query(query)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      months.push(...res.body.items.map((i: { month: string }) => i.month));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(months).toEqual(['2032-01', '2032-02', '2032-03']);
  });

  it('refuses bad input with 400 and unknown models with 422, writing nothing', async () => {
    const model = (await f.productModel()).id;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const count = async () =>
      (
        await t.sql<{ n: number }>(
          'SELECT count(*)::int AS n FROM production_capacity WHERE product_model_id = $1',
          [model],
        )
      )[0].n;

    const badMonth = await put({
      items: [{ productModelId: model, month: '2031-13', units: 1 }],
    }).expect(400);
    expect(badMonth.body.errors).toEqual([
      { path: 'items[0].month', message: 'month must be a month YYYY-MM' },
    ]);
    await put({ items: [{ productModelId: model, month: '2031-1', units: 1 }] }).expect(400);
    const negative = await put({
      items: [{ productModelId: model, month: '2031-01', units: -1 }],
    }).expect(400);
    expect(negative.body.errors[0].path).toBe('items[0].units');
    await put({ items: [{ productModelId: model, month: '2031-01', units: 1.5 }] }).expect(400);
    await put({ items: [] }).expect(400);
    await put({
      items: [{ productModelId: model, month: '2031-01', units: 1, extra: true }],
    }).expect(400);
    const duplicate = await put({
      items: [
        { productModelId: model, month: '2031-01', units: 1 },
        { productModelId: model, month: '2031-01', units: 2 },
      ],
    }).expect(400);
    expect(duplicate.body.errors[0].path).toBe('items[1].month');

    const missing = await put({
      items: [
        { productModelId: model, month: '2031-01', units: 1 },
        { productModelId: unknown, month: '2031-01', units: 1 },
      ],
    }).expect(422);
    expect(missing.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: 'items[1].productModelId' }],
    });
    expect(await count()).toBe(0);

    const range = await t
      .http()
      .get('/api/v1/production-capacity')
      .query({ from: '2031-05', to: '2031-04' })
      .set('X-API-Key', t.adminKey)
      .expect(400);
    expect(range.body.errors[0].path).toBe('to');
  });

  it('validates the plan and availability queries', async () => {
    const model = (await f.productModel()).id;
    const get = (path: string, query: Record<string, string | number>) =>
      t.http().get(`/api/v1${path}`).query(query).set('X-API-Key', t.adminKey);
    await get('/delivery-plan/tranches', { status: 'early' }).expect(400);
    await get('/delivery-plan/tranches', { asOf: '2026-02-30' }).expect(400);
    await get('/delivery-plan/tranches', { productModelId: 'nope' }).expect(400);
    await get('/availability', { productModelId: model }).expect(400);
    await get('/availability', { productModelId: model, quantity: 0 }).expect(400);
    await get('/availability', { productModelId: model, quantity: 'many' }).expect(400);
    const unknown = await get('/availability', {
      productModelId: '00000000-0000-4000-8000-000000000000',
      quantity: 5,
    }).expect(422);
    expect(unknown.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: 'productModelId' }],
    });
    const none = await get('/availability', {
      productModelId: model,
      quantity: 5,
      asOf: '2030-06-15',
    }).expect(200);
    expect(none.body).toEqual({
      productModelId: model,
      quantity: 5,
      asOf: '2030-06-15',
      earliestCompletionMonth: null,
      months: [],
      shortfallUnits: 5,
      heldUnits: 0,
    });
  });
});
