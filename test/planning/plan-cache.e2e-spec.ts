import { Client } from 'pg';
import { today } from '../../src/common/dates';
import { monthIndex, monthOf } from '../../src/planning/allocate';
import { DeliveryPlanService } from '../../src/planning/delivery-plan.service';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { trancheFields } from '../support/plan-fields';
import { createTestApp, TestApp } from '../support/test-app';

const M0 = monthIndex(today('UTC'));
const m = (k: number) => monthOf(M0 + k);

// Two instances on one database: each caches the plans it computed, and must still answer every
// read with every change committed before it, whoever made the change and however.
describe('the plan cache across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let f: OrderFactory;
  let writer: Client;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, a.databaseUrl);
    f = new OrderFactory(a);
    writer = new Client(a.databaseUrl);
    await writer.connect();
  });
  afterAll(async () => {
    await writer.end();
    await b.close();
    await a.close();
  });

  async function book() {
    const model = (await f.productModel()).id;
    const customerId = (await f.customer()).id;
    const order = await f.order({
      customerId,
      signedOn: `${m(-1)}-05`,
      lines: [{ productModelId: model, tranches: [{ shipDate: `${m(1)}-10`, quantity: 100 }] }],
    });
    await b
      .http()
      .put('/api/v1/production-capacity')
      .set('X-API-Key', b.adminKey)
      .send({ items: [{ productModelId: model, month: m(1), units: 100 }] })
      .expect(200);
    return { model, trancheId: tranchesOf(order)[0].id };
  }

  const planOn = async (t: TestApp, model: string) => {
    const res = await t
      .http()
      .get('/api/v1/delivery-plan/tranches')
      .query({ productModelId: model })
      .set('X-API-Key', t.adminKey)
      .expect(200);
    const [item] = res.body.items;
    return [item.shipDate, item.plannedUnits, item.status, item.unscheduledUnits];
  };

  it('serves a cached plan only while nothing changed, and sees writes from the other instance and from raw SQL', async () => {
    const { model, trancheId } = await book();
    const service = a.app.get(DeliveryPlanService);
    const computed = jest.spyOn(service, 'readBook');
    try {
      expect(await planOn(a, model)).toEqual([
        `${m(1)}-10`,
        [{ month: m(1), units: 100 }],
        'on_time',
        0,
      ]);
      const afterFirst = computed.mock.calls.length;
      expect(await planOn(a, model)).toEqual([
        `${m(1)}-10`,
        [{ month: m(1), units: 100 }],
        'on_time',
        0,
      ]);
      expect(computed.mock.calls.length).toBe(afterFirst); // served from the cache

      // The other instance cuts M1 to 40 and opens M2.
      await b
        .http()
        .put('/api/v1/production-capacity')
        .set('X-API-Key', b.adminKey)
        .send({
          items: [
            { productModelId: model, month: m(1), units: 40 },
            { productModelId: model, month: m(2), units: 100 },
          ],
        })
        .expect(200);
      expect(await planOn(a, model)).toEqual([
        `${m(1)}-10`,
        [
          { month: m(1), units: 40 },
          { month: m(2), units: 60 },
        ],
        'late',
        0,
      ]);

      // A write no service made, with no event: the triggers still record it.
      await writer.query('UPDATE tranche SET ship_date = $2 WHERE id = $1', [
        trancheId,
        `${m(2)}-10`,
      ]);
      expect(await planOn(a, model)).toEqual([
        `${m(2)}-10`,
        [{ month: m(2), units: 100 }],
        'on_time',
        0,
      ]);
    } finally {
      computed.mockRestore();
    }
  });

  it('plans again only the models a write touched', async () => {
    const first = await book();
    const second = await book();
    const service = a.app.get(DeliveryPlanService);
    await a.http().get('/api/v1/delivery-plan/tranches').set('X-API-Key', a.adminKey).expect(200);
    const reads = jest.spyOn(service, 'readBook');
    try {
      await b
        .http()
        .put('/api/v1/production-capacity')
        .set('X-API-Key', b.adminKey)
        .send({ items: [{ productModelId: first.model, month: m(1), units: 60 }] })
        .expect(200);
      // The other model's plan is still current: nothing is read for it.
      expect(await planOn(a, second.model)).toEqual([
        `${m(1)}-10`,
        [{ month: m(1), units: 100 }],
        'on_time',
        0,
      ]);
      expect(reads).not.toHaveBeenCalled();
      // The whole book reads the changed model's capacity alone.
      const whole = await a
        .http()
        .get('/api/v1/delivery-plan/tranches')
        .query({ limit: 500 })
        .set('X-API-Key', a.adminKey)
        .expect(200);
      expect(reads).toHaveBeenCalledTimes(1);
      expect(reads.mock.calls[0].slice(2)).toEqual([null, { only: [first.model] }]);
      const changed = whole.body.items.find(
        (i: { trancheId: string }) => i.trancheId === first.trancheId,
      );
      expect(changed).toMatchObject({
        plannedUnits: [{ month: m(1), units: 60 }],
        unscheduledUnits: 40,
      });
    } finally {
      reads.mockRestore();
    }
  });

  it('keeps a cached plan while drafts are booked, and plans the model again once one is confirmed', async () => {
    const { model } = await book();
    const service = a.app.get(DeliveryPlanService);
    const plan = async () =>
      (
        await a
          .http()
          .get('/api/v1/delivery-plan/tranches')
          .query({ productModelId: model })
          .set('X-API-Key', a.adminKey)
          .expect(200)
      ).body.items.map((i: { trancheId: string }) => i.trancheId);
    const before = await plan();
    expect(before).toHaveLength(1);
    const reads = jest.spyOn(service, 'readBook');
    try {
      const draft = await f.order(
        {
          customerId: (await f.customer()).id,
          signedOn: `${m(-1)}-20`,
          lines: [{ productModelId: model, tranches: [{ shipDate: `${m(2)}-10`, quantity: 40 }] }],
        },
        false,
      );
      expect(await plan()).toEqual(before);
      expect(reads).not.toHaveBeenCalled();

      await a
        .http()
        .post(`/api/v1/purchase-orders/${draft.id}/confirm`)
        .set('X-API-Key', a.adminKey)
        .send({})
        .expect(200);
      expect(await plan()).toEqual([...before, tranchesOf(draft)[0].id]);
      // Only the confirmed order's tranches are read; the others are kept.
      expect(reads).toHaveBeenCalledTimes(1);
      expect(reads.mock.calls[0].slice(2)).toEqual([{ only: [model], orders: [draft.id] }, null]);
    } finally {
      reads.mockRestore();
    }
  });

  it('after every kind of write, the kept plan equals the plan computed afresh', async () => {
    const service = a.app.get(DeliveryPlanService);
    const [x, y] = [(await f.productModel()).id, (await f.productModel()).id];
    const customerId = (await f.customer()).id;
    const order = (signedOn: string, lines: [string, string[]][], confirm = true) =>
      f.order(
        {
          customerId,
          signedOn,
          lines: lines.map(([productModelId, ships]) => ({
            productModelId,
            tranches: ships.map((shipDate, i) => ({ shipDate, quantity: 30 + 10 * i })),
          })),
        },
        confirm,
      );
    const both = await order(`${m(-2)}-03`, [
      [x, [`${m(0)}-20`, `${m(1)}-20`]],
      [y, [`${m(1)}-05`]],
    ]);
    const onlyX = await order(`${m(-1)}-03`, [[x, [`${m(1)}-01`]]]);
    await order(`${m(-1)}-10`, [[y, [`${m(0)}-25`, `${m(2)}-25`]]]);
    await a
      .http()
      .put('/api/v1/production-capacity')
      .set('X-API-Key', a.adminKey)
      .send({
        items: [0, 1, 2].flatMap((k) => [
          { productModelId: x, month: m(k), units: 50 },
          { productModelId: y, month: m(k), units: 40 },
        ]),
      })
      .expect(200);

    // Every tranche of the two models with its whole plan, in plan order.
    const asOf = today('UTC');
    const shown = (plan: Awaited<ReturnType<DeliveryPlanService['plan']>>) =>
      plan.allocation.order
        .filter((i) => [x, y].includes(plan.tranches[i].productModelId))
        .map((i) => ({ ...trancheFields(plan.tranches[i]), plan: plan.allocation.plan(i) }));
    const afresh = async () => shown(await service.read((tx) => service.planWith(tx, asOf, null)));
    const kept = async () => shown(await service.plan(asOf, null));
    const expectSame = async () => {
      const expected = await afresh();
      expect(await kept()).toEqual(expected);
      return expected;
    };
    const initial = await expectSame();
    expect(initial).toHaveLength(6);

    const [bx1, bx2, by] = tranchesOf(both);
    const writes: (() => Promise<unknown>)[] = [
      // A reschedule and a quantity change through the API, effective today.
      () => f.amend(both.id, asOf, [{ trancheId: bx1.id, shipDate: `${m(2)}-02` }]),
      () => f.amend(onlyX.id, asOf, [{ trancheId: tranchesOf(onlyX)[0].id, quantity: 15 }]),
      // A shipment of part of a tranche of the other model.
      () => f.ship(both.id, asOf, [{ trancheId: by.id, quantity: 10 }]),
      // A new order in both models, confirmed.
      () =>
        order(`${m(-1)}-01`, [
          [x, [`${m(0)}-02`]],
          [y, [`${m(0)}-02`]],
        ]),
      // Raw SQL from outside the services: a ship date and a capacity cut.
      () => writer.query('UPDATE tranche SET ship_date = $2 WHERE id = $1', [bx2.id, `${m(0)}-01`]),
      () =>
        writer.query(
          'UPDATE production_capacity SET units = 20 WHERE product_model_id = $1 AND month = $2',
          [y, `${m(0)}-01`],
        ),
      // The whole of an order cancelled.
      () =>
        a
          .http()
          .post(`/api/v1/purchase-orders/${onlyX.id}/cancel`)
          .set('X-API-Key', a.adminKey)
          .send({ reason: 'Customer withdrew', effectiveOn: asOf })
          .expect(200),
    ];
    let previous = initial;
    for (const write of writes) {
      await write();
      const now = await expectSame();
      expect(now).not.toEqual(previous);
      previous = now;
    }
    // A draft is not planned: the kept plan stays as it was, and still equals a fresh one.
    await order(`${m(-1)}-02`, [[y, [`${m(0)}-03`]]], false);
    expect(await expectSame()).toEqual(previous);
    expect(previous.some((t) => t.trancheId === tranchesOf(onlyX)[0].id)).toBe(false);
  });

  it('sees a write that was in progress when the cached plan was last checked, once it commits', async () => {
    const { model } = await book();
    expect(await planOn(a, model)).toEqual([
      `${m(1)}-10`,
      [{ month: m(1), units: 100 }],
      'on_time',
      0,
    ]);
    await writer.query('BEGIN');
    try {
      await writer.query('UPDATE production_capacity SET units = 30 WHERE product_model_id = $1', [
        model,
      ]);
      // Not committed: the plan is unchanged, and the cache now holds a snapshot that could not see it.
      expect(await planOn(a, model)).toEqual([
        `${m(1)}-10`,
        [{ month: m(1), units: 100 }],
        'on_time',
        0,
      ]);
      await writer.query('COMMIT');
    } catch (error) {
      await writer.query('ROLLBACK');
      throw error;
    }
    expect(await planOn(a, model)).toEqual([
      `${m(1)}-10`,
      [{ month: m(1), units: 30 }],
      'unscheduled',
      70,
    ]);
    expect(await planOn(b, model)).toEqual([
      `${m(1)}-10`,
      [{ month: m(1), units: 30 }],
      'unscheduled',
      70,
    ]);
  });

  it('recomputes a cached plan older than the pruning horizon, whose changes may have been pruned', async () => {
    const { model } = await book();
    const service = a.app.get(DeliveryPlanService);
    expect(await planOn(a, model)).toEqual([
      `${m(1)}-10`,
      [{ month: m(1), units: 100 }],
      'on_time',
      0,
    ]);
    const {
      rows: [{ txid }],
    } = await writer.query<{ txid: string }>(
      `UPDATE production_capacity SET units = 55 WHERE product_model_id = $1
       RETURNING pg_current_xact_id()::text AS txid`,
      [model],
    );
    // Two pruning periods later the change's row is gone …
    const now = Date.now();
    await service.pruneWhenDue(now + 11 * 60 * 1000);
    await service.pruneWhenDue(now + 22 * 60 * 1000);
    // Pruning only passes transactions older than every running one in the cluster, and other test
    // databases share it: finish what pruning does here, so the case does not depend on them.
    await writer.query('DELETE FROM plan_change WHERE txid = $1', [txid]);
    await writer.query(
      'UPDATE plan_change_horizon SET txid = greatest(txid, $1::bigint + 1) WHERE id = 1',
      [txid],
    );
    const left = await writer.query('SELECT 1 FROM plan_change WHERE txid = $1', [txid]);
    expect(left.rowCount).toBe(0);
    // … and the horizon, not the missing row, tells the cache to recompute.
    expect(await planOn(a, model)).toEqual([
      `${m(1)}-10`,
      [{ month: m(1), units: 55 }],
      'unscheduled',
      45,
    ]);
  });

  it('records plan changes by index lookups even on a connection whose planner would rather scan', async () => {
    const { trancheId } = await book();
    const session = new Client(a.databaseUrl);
    const plans: string[] = [];
    session.on('notice', (notice) => plans.push(notice.message ?? ''));
    await session.connect();
    // What the planner believes of a table of a page or two, as on a new database: scanning it
    // whole is cheaper than any index. A trigger's plan made then is kept for the connection.
    let added = 0;
    const recordedScans = async () => {
      plans.length = 0;
      added += 1;
      await session.query(
        `INSERT INTO tranche (id, purchase_order_id, customer_id, line_id, product_model_id, sequence, ship_date, quantity,
                              unit_price_cents, contract_quantity, contract_ship_date)
         SELECT gen_random_uuid(), purchase_order_id, customer_id, line_id, product_model_id, sequence + $2, ship_date,
                quantity, unit_price_cents, quantity, ship_date
           FROM tranche WHERE id = $1`,
        [trancheId, added],
      );
      await session.query(
        'UPDATE purchase_order SET version = version + 1 WHERE id = (SELECT purchase_order_id FROM tranche WHERE id = $1)',
        [trancheId],
      );
      return plans
        .filter((plan) => plan.includes('INSERT INTO plan_change'))
        .map((plan) =>
          [
            ...plan.matchAll(
              /(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)[^\n]*? on (purchase_order|tranche) \w+/g,
            ),
          ]
            .map((scan) => scan[0])
            .join('; '),
        );
    };
    try {
      await session.query(`LOAD 'auto_explain'`);
      await session.query(`SET auto_explain.log_min_duration = 0`);
      await session.query(`SET auto_explain.log_nested_statements = on`);
      await session.query(`SET client_min_messages = log`);
      await session.query(`SET seq_page_cost = 0`);
      await session.query('BEGIN');
      const scans = await recordedScans();
      expect(scans).toHaveLength(2);
      expect(scans[0]).toMatch(/^Index Scan using \S+ on purchase_order o$/);
      expect(scans[1]).toMatch(/^(Bitmap Heap Scan|Index Scan using \S+) on tranche t$/);
      // Without the functions' settings the same session scans both tables whole.
      await session.query('ALTER FUNCTION plan_change_tranche_inserted() RESET ALL');
      await session.query('ALTER FUNCTION plan_change_order_updated() RESET ALL');
      expect(await recordedScans()).toEqual([
        'Seq Scan on purchase_order o',
        'Seq Scan on tranche t',
      ]);
    } finally {
      await session.query('ROLLBACK');
      await session.end();
    }
  });
});
