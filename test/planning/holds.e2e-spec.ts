import { Clock } from '../../src/common/clock';
import { addDays, today } from '../../src/common/dates';
import { monthIndex, monthOf } from '../../src/planning/allocate';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { expectProblem } from '../support/problems';
import { createTestApp, TestApp } from '../support/test-app';

// Months relative to the current month M0; "today" is pinned to the 14th of M0, so the next day
// is still in M0 and the planning start stays put.
const M0 = monthIndex(today('UTC'));
const m = (k: number) => monthOf(M0 + k);
const d = (k: number, day: number) => `${m(k)}-${String(day).padStart(2, '0')}`;
const TODAY = d(0, 14);

interface Hold {
  id: string;
  status: string;
}

describe('holds', () => {
  let t: TestApp;
  let b: TestApp;
  let f: OrderFactory;
  let sales: string;
  let clock: jest.SpyInstance<string, []>;
  let clockB: jest.SpyInstance<string, []>;

  beforeAll(async () => {
    t = await createTestApp();
    // A second instance on the same database, keeping plans of its own.
    b = await createTestApp({}, t.databaseUrl);
    f = new OrderFactory(t);
    sales = await t.keyFor('sales');
    clock = jest.spyOn(t.app.get(Clock), 'today').mockReturnValue(TODAY);
    clockB = jest.spyOn(b.app.get(Clock), 'today').mockReturnValue(TODAY);
  });
  afterAll(async () => {
    clock.mockRestore();
    clockB.mockRestore();
    await b.close();
    await t.close();
  });

  const on = (app: TestApp) => ({
    get: (path: string, query: Record<string, string | number | boolean> = {}) =>
      app.http().get(`/api/v1${path}`).query(query).set('X-API-Key', app.adminKey),
  });
  const get = (path: string, query: Record<string, string | number | boolean> = {}) =>
    on(t).get(path, query);
  const hold = (body: Record<string, unknown>, key = sales) =>
    t.http().post('/api/v1/holds').set('X-API-Key', key).send(body);
  const release = (id: string, key = sales, app = t) =>
    app.http().delete(`/api/v1/holds/${id}`).set('X-API-Key', key);
  const convert = (id: string, purchaseOrderId: string) =>
    t.http().post(`/api/v1/holds/${id}/convert`).set('X-API-Key', sales).send({ purchaseOrderId });
  const capacity = (productModelId: string, units: Record<number, number>) =>
    t
      .http()
      .put('/api/v1/production-capacity')
      .set('X-API-Key', t.adminKey)
      .send({
        items: Object.entries(units).map(([k, n]) => ({
          productModelId,
          month: m(Number(k)),
          units: n,
        })),
      })
      .expect(200);

  async function availability(
    productModelId: string,
    quantity: number,
    extra: Record<string, string> = {},
    app = t,
  ) {
    const res = await on(app).get('/availability', { productModelId, quantity, ...extra });
    expect(res.status).toBe(200);
    return res.body as {
      earliestCompletionMonth: string | null;
      months: { month: string; units: number }[];
      shortfallUnits: number;
      heldUnits: number;
    };
  }

  async function planHolds(query: Record<string, string>, app = t) {
    const res = await on(app).get('/delivery-plan/holds', { limit: 500, ...query });
    expect(res.status).toBe(200);
    return res.body.items as {
      holdId: string;
      quantity: number;
      plannedUnits: { month: string; units: number }[];
      unscheduledUnits: number;
    }[];
  }

  /** What a refusal must leave as it was: the holds, the audit log and the feed. */
  const written = async () =>
    (
      await t.sql<{ holds: number; audit: number; events: number }>(
        `SELECT (SELECT count(*) FROM hold)::int AS holds,
                (SELECT count(*) FROM audit_log WHERE entity_type = 'hold')::int AS audit,
                (SELECT count(*) FROM event WHERE entity_type = 'hold')::int AS events`,
      )
    )[0];

  async function created(body: Record<string, unknown>): Promise<Hold> {
    const res = await hold(body);
    expect(res.status).toBe(201);
    return res.body as Hold;
  }

  /**
   * Capacity 100 a month, M0–M3. One firm tranche ships on M1-10 with 150 units: 100 in M1 and
   * 50 built ahead in M0. Spare: M0 50, M2 100, M3 100.
   */
  async function bookWithSpare() {
    const model = (await f.productModel()).id;
    const customerId = (await f.customer()).id;
    await f.order({
      customerId,
      signedOn: d(-1, 5),
      lines: [{ productModelId: model, tranches: [{ shipDate: d(1, 10), quantity: 150 }] }],
    });
    await capacity(model, { 0: 100, 1: 100, 2: 100, 3: 100 });
    return { model, customerId };
  }

  it('a hold pushes an availability answer a month later, and stops the day after it expires', async () => {
    const { model, customerId } = await bookWithSpare();
    // 50 in M0, 50 in M2.
    expect(await availability(model, 100)).toEqual(
      expect.objectContaining({
        earliestCompletionMonth: m(2),
        months: [
          { month: m(0), units: 50 },
          { month: m(2), units: 50 },
        ],
        shortfallUnits: 0,
        heldUnits: 0,
      }),
    );

    const h = await created({
      productModelId: model,
      customerId,
      quantity: 100,
      expiresOn: TODAY,
      note: 'Quote Q-17',
    });
    expect(h).toMatchObject({ status: 'active', quantity: 100, expiresOn: TODAY });
    // The hold takes M0's 50 and 50 of M2: the same question now completes in M3.
    expect(await availability(model, 100)).toEqual(
      expect.objectContaining({
        earliestCompletionMonth: m(3),
        months: [
          { month: m(2), units: 50 },
          { month: m(3), units: 50 },
        ],
        heldUnits: 100,
      }),
    );
    expect(await planHolds({ productModelId: model })).toEqual([
      expect.objectContaining({
        holdId: h.id,
        quantity: 100,
        plannedUnits: [
          { month: m(0), units: 50 },
          { month: m(2), units: 50 },
        ],
        unscheduledUnits: 0,
      }),
    ]);
    // The quote that owns the hold sees the answer without it.
    expect((await availability(model, 100, { ignoreHoldId: h.id })).earliestCompletionMonth).toBe(
      m(2),
    );

    // The next day, with no write in between, the hold no longer counts.
    clock.mockReturnValue(addDays(TODAY, 1));
    try {
      expect(await availability(model, 100)).toEqual(
        expect.objectContaining({ earliestCompletionMonth: m(2), heldUnits: 0 }),
      );
      expect(await planHolds({ productModelId: model })).toEqual([]);
      expect((await get(`/holds/${h.id}`).expect(200)).body.status).toBe('expired');
      const listed = await get('/holds', { productModelId: model, active: true }).expect(200);
      expect(listed.body.items).toEqual([]);
      const before = await written();
      expectProblem(await release(h.id), 409, 'INVALID_STATE');
      expect(await written()).toEqual(before);
    } finally {
      clock.mockReturnValue(TODAY);
    }
  });

  it('places holds after every firm tranche of their model, oldest hold first', async () => {
    const model = (await f.productModel()).id;
    const customerId = (await f.customer()).id;
    await capacity(model, { 0: 100, 1: 100 });
    const h1 = await created({
      productModelId: model,
      customerId,
      quantity: 80,
      expiresOn: d(1, 1),
    });
    const h2 = await created({
      productModelId: model,
      customerId,
      quantity: 50,
      expiresOn: d(0, 20),
    });
    // An order signed after both holds still comes first: it takes M0 whole.
    const order = await f.order({
      customerId,
      signedOn: TODAY,
      lines: [{ productModelId: model, tranches: [{ shipDate: d(0, 20), quantity: 100 }] }],
    });
    const firm = await get('/delivery-plan/tranches', { productModelId: model }).expect(200);
    expect(firm.body.items).toEqual([
      expect.objectContaining({
        trancheId: tranchesOf(order)[0].id,
        plannedUnits: [{ month: m(0), units: 100 }],
        status: 'on_time',
      }),
    ]);
    // H1 (older) takes 80 of M1; H2 the 20 left, and 30 of it find no capacity.
    expect(await planHolds({ productModelId: model })).toEqual([
      expect.objectContaining({
        holdId: h1.id,
        plannedUnits: [{ month: m(1), units: 80 }],
        unscheduledUnits: 0,
      }),
      expect.objectContaining({
        holdId: h2.id,
        plannedUnits: [{ month: m(1), units: 20 }],
        unscheduledUnits: 30,
      }),
    ]);
    // Nothing is left; without H1 the 50 units of H2 leave 50 in M1.
    expect(await availability(model, 1)).toEqual(
      expect.objectContaining({ earliestCompletionMonth: null, shortfallUnits: 1, heldUnits: 130 }),
    );
    expect(await availability(model, 50, { ignoreHoldId: h1.id })).toEqual(
      expect.objectContaining({
        earliestCompletionMonth: m(1),
        months: [{ month: m(1), units: 50 }],
        heldUnits: 50,
      }),
    );
    // A hold of another model leaves this answer as it is; a hold id of no hold is refused.
    const other = await bookWithSpare();
    const elsewhere = await created({
      productModelId: other.model,
      customerId,
      quantity: 10,
      expiresOn: TODAY,
    });
    expect((await availability(model, 50, { ignoreHoldId: elsewhere.id })).heldUnits).toBe(130);
    expectProblem(
      await get('/availability', {
        productModelId: model,
        quantity: 1,
        ignoreHoldId: '00000000-0000-4000-8000-000000000000',
      }),
      422,
      'REFERENCE_NOT_FOUND',
    );
    // Customer filter of the plan's holds.
    expect((await planHolds({ customerId: other.customerId })).map((x) => x.holdId)).toEqual([]);
    // Paging follows the placing order.
    const first = await get('/delivery-plan/holds', { productModelId: model, limit: 1 }).expect(
      200,
    );
    expect(first.body.items.map((x: { holdId: string }) => x.holdId)).toEqual([h1.id]);
    const second = await get('/delivery-plan/holds', {
      productModelId: model,
      limit: 1,
      cursor: first.body.nextCursor,
    }).expect(200);
    expect(second.body.items.map((x: { holdId: string }) => x.holdId)).toEqual([h2.id]);
    expect(second.body.nextCursor).toBeNull();
  });

  it('release and convert give the units back; refusals write nothing', async () => {
    const model = (await f.productModel()).id;
    const customerId = (await f.customer()).id;
    await capacity(model, { 0: 100, 1: 100 });
    const first = await created({
      productModelId: model,
      customerId,
      quantity: 100,
      expiresOn: d(1, 1),
    });
    expect((await availability(model, 100)).earliestCompletionMonth).toBe(m(1));
    expect((await release(first.id)).status).toBe(204);
    expect((await availability(model, 100)).earliestCompletionMonth).toBe(m(0));
    expect((await get(`/holds/${first.id}`).expect(200)).body).toMatchObject({
      status: 'released',
      releasedAt: expect.any(String),
    });
    expectProblem(await release(first.id), 409, 'INVALID_STATE');

    const h = await created({
      productModelId: model,
      customerId,
      quantity: 100,
      expiresOn: d(1, 1),
    });
    // The quote's order: 60 units shipping in M0, planned before the hold (M0 60; hold M0 40, M1 60).
    const order = await f.order({
      customerId,
      signedOn: TODAY,
      lines: [{ productModelId: model, tranches: [{ shipDate: d(0, 20), quantity: 60 }] }],
    });
    expect((await availability(model, 40)).earliestCompletionMonth).toBe(m(1));

    // Converting into an order that cannot take the hold's place is refused, with nothing written.
    const otherCustomer = (await f.customer()).id;
    const otherModel = (await f.productModel()).id;
    const ofOther = await f.order({
      customerId: otherCustomer,
      signedOn: TODAY,
      lines: [{ productModelId: model, tranches: [{ shipDate: d(1, 20), quantity: 1 }] }],
    });
    const withoutModel = await f.order({
      customerId,
      signedOn: TODAY,
      lines: [{ productModelId: otherModel, tranches: [{ shipDate: d(1, 20), quantity: 1 }] }],
    });
    const draft = await f.order(
      {
        customerId,
        signedOn: TODAY,
        lines: [{ productModelId: model, tranches: [{ shipDate: d(1, 20), quantity: 1 }] }],
      },
      false,
    );
    // Those orders' own units: ofOther takes 1 of M1 before the hold.
    const before = await written();
    for (const orderId of [ofOther.id, withoutModel.id, draft.id]) {
      expectProblem(await convert(h.id, orderId), 422, 'HOLD_ORDER_MISMATCH');
    }
    expectProblem(
      await convert(h.id, '00000000-0000-4000-8000-000000000000'),
      422,
      'REFERENCE_NOT_FOUND',
    );
    expect(await written()).toEqual(before);

    const converted = await convert(h.id, order.id);
    expect(converted.status).toBe(200);
    expect(converted.body).toMatchObject({
      status: 'converted',
      purchaseOrderId: order.id,
      convertedAt: expect.any(String),
    });
    // The hold's 100 are free again: M0 has 40 spare.
    expect((await availability(model, 40)).earliestCompletionMonth).toBe(m(0));
    expectProblem(await convert(h.id, order.id), 409, 'INVALID_STATE');
    expectProblem(await release(h.id), 409, 'INVALID_STATE');
    expect(await written()).toEqual({
      ...before,
      audit: before.audit + 1,
      events: before.events + 1,
    });

    const events = await t.sql<{ type: string; entity_id: string }>(
      `SELECT type, entity_id FROM event WHERE entity_id = ANY($1::uuid[]) ORDER BY id`,
      [[first.id, h.id]],
    );
    expect(events.map((e) => [e.type, e.entity_id])).toEqual([
      ['hold.created', first.id],
      ['hold.released', first.id],
      ['hold.created', h.id],
      ['hold.converted', h.id],
    ]);
    const feed = await get('/events', { types: 'hold.converted', limit: 500 }).expect(200);
    expect(feed.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ entityId: h.id, type: 'hold.converted' })]),
    );
  });

  it('refuses bad holds with their codes and writes nothing', async () => {
    const model = (await f.productModel()).id;
    const eol = (await f.productModel()).id;
    await t
      .http()
      .patch(`/api/v1/product-models/${eol}`)
      .set('X-API-Key', t.adminKey)
      .send({ status: 'end_of_life' })
      .expect(200);
    const customerId = (await f.customer()).id;
    const good = { productModelId: model, customerId, quantity: 10, expiresOn: TODAY };
    const nobody = '00000000-0000-4000-8000-000000000000';
    const before = await written();
    expectProblem(await hold({ ...good, quantity: 0 }), 400, 'VALIDATION_FAILED');
    expectProblem(await hold({ ...good, quantity: -5 }), 400, 'VALIDATION_FAILED');
    expectProblem(await hold({ ...good, quantity: 1.5 }), 400, 'VALIDATION_FAILED');
    expectProblem(await hold({ ...good, expiresOn: '2026-02-30' }), 400, 'VALIDATION_FAILED');
    expectProblem(await hold({ ...good, note: 'x'.repeat(501) }), 400, 'VALIDATION_FAILED');
    expectProblem(await hold({ ...good, color: 'red' }), 400, 'VALIDATION_FAILED');
    expectProblem(await hold({ ...good, productModelId: eol }), 422, 'PRODUCT_MODEL_NOT_ORDERABLE');
    expectProblem(await hold({ ...good, productModelId: nobody }), 422, 'REFERENCE_NOT_FOUND');
    expectProblem(await hold({ ...good, customerId: nobody }), 422, 'REFERENCE_NOT_FOUND');
    expectProblem(await hold({ ...good, expiresOn: addDays(TODAY, -1) }), 422, 'DATE_OUT_OF_RANGE');
    expectProblem(await hold(good, await t.keyFor('viewer')), 403, 'FORBIDDEN');
    expectProblem(await hold(good, await t.keyFor('finance')), 403, 'FORBIDDEN');
    expectProblem(await get(`/holds/${nobody}`), 404, 'NOT_FOUND');
    expectProblem(await release(nobody), 404, 'NOT_FOUND');
    expect(await written()).toEqual(before);
    // Admin may do what sales does.
    expect((await hold(good, t.adminKey)).status).toBe(201);
  });

  it('releases a hold once when two releases race: the row is locked, then checked', async () => {
    const model = (await f.productModel()).id;
    const customerId = (await f.customer()).id;
    const h = await created({ productModelId: model, customerId, quantity: 5, expiresOn: TODAY });
    const statuses = (await Promise.all([release(h.id), release(h.id), release(h.id)]))
      .map((res) => res.status)
      .sort();
    expect(statuses).toEqual([204, 409, 409]);
    const events = await t.sql(`SELECT type FROM event WHERE entity_id = $1 ORDER BY id`, [h.id]);
    expect(events.map((e) => e.type)).toEqual(['hold.created', 'hold.released']);
  });

  it('creates one hold for a retried request with the same Idempotency-Key', async () => {
    const model = (await f.productModel()).id;
    const customerId = (await f.customer()).id;
    const body = { productModelId: model, customerId, quantity: 7, expiresOn: TODAY };
    const send = () =>
      t
        .http()
        .post('/api/v1/holds')
        .set('X-API-Key', sales)
        .set('Idempotency-Key', `hold-${model}`)
        .send(body);
    const first = await send();
    const again = await send();
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const rows = await t.sql(`SELECT id FROM hold WHERE product_model_id = $1`, [model]);
    expect(rows).toHaveLength(1);
  });

  it('lists holds by customer, model and whether they count', async () => {
    const model = (await f.productModel()).id;
    const c1 = (await f.customer()).id;
    const c2 = (await f.customer()).id;
    const a = await created({
      productModelId: model,
      customerId: c1,
      quantity: 5,
      expiresOn: TODAY,
    });
    const bHold = await created({
      productModelId: model,
      customerId: c2,
      quantity: 5,
      expiresOn: TODAY,
    });
    const c = await created({
      productModelId: model,
      customerId: c1,
      quantity: 5,
      expiresOn: TODAY,
    });
    expect((await release(c.id)).status).toBe(204);
    const ids = async (query: Record<string, string | boolean>) =>
      ((await get('/holds', query).expect(200)).body.items as Hold[]).map((x) => x.id);
    expect(await ids({ productModelId: model })).toEqual([a.id, bHold.id, c.id]);
    expect(await ids({ productModelId: model, customerId: c1 })).toEqual([a.id, c.id]);
    expect(await ids({ productModelId: model, active: true })).toEqual([a.id, bHold.id]);
    expect(await ids({ productModelId: model, active: false })).toEqual([c.id]);
    const page = await get('/holds', { productModelId: model, limit: 2 }).expect(200);
    expect(page.body.nextCursor).toEqual(expect.any(String));
  });

  it('a plan as of a past day places the holds active at the end of that day', async () => {
    const { model, customerId } = await bookWithSpare();
    const h = await created({ productModelId: model, customerId, quantity: 100, expiresOn: TODAY });
    expect((await release(h.id)).status).toBe(204);
    // Created on the 2nd, released on the 12th (UTC, the business time zone here).
    await t.sql(`UPDATE hold SET created_at = $2, released_at = $3 WHERE id = $1`, [
      h.id,
      `${d(0, 2)}T12:00:00Z`,
      `${d(0, 12)}T09:00:00Z`,
    ]);
    const listed = async (asOf: string) =>
      (await planHolds({ productModelId: model, asOf })).map((x) => x.holdId);
    expect(await listed(d(0, 1))).toEqual([]);
    expect(await listed(d(0, 2))).toEqual([h.id]);
    expect(await listed(d(0, 11))).toEqual([h.id]);
    expect(await listed(d(0, 12))).toEqual([]);
    expect((await availability(model, 100, { asOf: d(0, 11) })).earliestCompletionMonth).toBe(m(3));
    expect((await availability(model, 100, { asOf: d(0, 12) })).earliestCompletionMonth).toBe(m(2));
  });

  it('every instance reads a hold change at once', async () => {
    const { model, customerId } = await bookWithSpare();
    // Both instances keep the plan without the hold.
    expect((await availability(model, 100, {}, t)).earliestCompletionMonth).toBe(m(2));
    expect((await availability(model, 100, {}, b)).earliestCompletionMonth).toBe(m(2));
    const h = await created({ productModelId: model, customerId, quantity: 100, expiresOn: TODAY });
    expect((await availability(model, 100, {}, b)).earliestCompletionMonth).toBe(m(3));
    expect((await planHolds({ productModelId: model }, b)).map((x) => x.holdId)).toEqual([h.id]);
    expect((await release(h.id, sales, b)).status).toBe(204);
    expect((await availability(model, 100, {}, t)).earliestCompletionMonth).toBe(m(2));
    expect(await planHolds({ productModelId: model }, t)).toEqual([]);
  });
});
