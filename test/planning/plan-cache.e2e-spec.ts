import { today } from '../../src/common/dates';
import { monthIndex, monthOf } from '../../src/planning/allocate';
import { DeliveryPlanService } from '../../src/planning/delivery-plan.service';
import { PlanVersionRepository } from '../../src/planning/plan-version.repository';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { trancheFields } from '../support/plan-fields';
import { createTestApp, TestApp } from '../support/test-app';

const M0 = monthIndex(today('UTC'));
const m = (k: number) => monthOf(M0 + k);

// Two instances on one database: each keeps the plans it computed, and must still answer every
// read with every change committed before it, on whichever instance it was made.
describe('the kept plans across instances', () => {
  let a: TestApp;
  let b: TestApp;
  let f: OrderFactory;
  let fb: OrderFactory;

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, a.databaseUrl);
    f = new OrderFactory(a);
    fb = new OrderFactory(b);
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  async function oneTrancheModel() {
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
    return { model, orderId: order.id, trancheId: tranchesOf(order)[0].id };
  }

  const putCapacity = (t: TestApp, items: object[]) =>
    t
      .http()
      .put('/api/v1/production-capacity')
      .set('X-API-Key', t.adminKey)
      .send({ items })
      .expect(200);

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

  const capacityOn = async (t: TestApp, model: string) => {
    const res = await t
      .http()
      .get('/api/v1/production-capacity')
      .query({ productModelId: model })
      .set('X-API-Key', t.adminKey)
      .expect(200);
    return res.body.items.map(
      (row: { month: string; plannedUnits: number; spareUnits: number }) => [
        row.month,
        row.plannedUnits,
        row.spareUnits,
      ],
    );
  };

  it("lists capacity with the planned units of the page's models, kept or planned again after a write on the other instance", async () => {
    const { model, orderId, trancheId } = await oneTrancheModel();
    expect(await capacityOn(a, model)).toEqual([[m(1), 100, 0]]);
    // Kept: the same answer again.
    expect(await capacityOn(a, model)).toEqual([[m(1), 100, 0]]);
    await putCapacity(b, [
      { productModelId: model, month: m(1), units: 40 },
      { productModelId: model, month: m(2), units: 100 },
    ]);
    expect(await capacityOn(a, model)).toEqual([
      [m(1), 40, 0],
      [m(2), 60, 40],
    ]);
    // A shipment on the other instance frees its units in the plan.
    await fb.ship(orderId, today('UTC'), [{ trancheId, quantity: 30 }]);
    expect(await capacityOn(a, model)).toEqual([
      [m(1), 40, 0],
      [m(2), 30, 70],
    ]);
  });

  it('serves the same plan while nothing changed, and sees writes made on the other instance', async () => {
    const { model, orderId, trancheId } = await oneTrancheModel();
    const onTime = [`${m(1)}-10`, [{ month: m(1), units: 100 }], 'on_time', 0];
    expect(await planOn(a, model)).toEqual(onTime);
    expect(await planOn(a, model)).toEqual(onTime);

    // The other instance cuts M1 to 40 and opens M2.
    await putCapacity(b, [
      { productModelId: model, month: m(1), units: 40 },
      { productModelId: model, month: m(2), units: 100 },
    ]);
    expect(await planOn(a, model)).toEqual([
      `${m(1)}-10`,
      [
        { month: m(1), units: 40 },
        { month: m(2), units: 60 },
      ],
      'late',
      0,
    ]);

    // And reschedules the tranche to M2.
    await fb.amend(orderId, today('UTC'), [{ trancheId, shipDate: `${m(2)}-10` }]);
    expect(await planOn(a, model)).toEqual([
      `${m(2)}-10`,
      [{ month: m(2), units: 100 }],
      'on_time',
      0,
    ]);
  });

  it('plans again the models a write touched, and still serves the others', async () => {
    const first = await oneTrancheModel();
    const second = await oneTrancheModel();
    const whole = async () =>
      (
        await a
          .http()
          .get('/api/v1/delivery-plan/tranches')
          .query({ limit: 500 })
          .set('X-API-Key', a.adminKey)
          .expect(200)
      ).body.items as { trancheId: string }[];
    const before = await whole();
    await putCapacity(b, [{ productModelId: first.model, month: m(1), units: 60 }]);
    // The other model's plan is as it was.
    expect(await planOn(a, second.model)).toEqual([
      `${m(1)}-10`,
      [{ month: m(1), units: 100 }],
      'on_time',
      0,
    ]);
    // The whole plan holds the changed model's new plan beside the others'.
    const after = await whole();
    expect(after.find((i) => i.trancheId === first.trancheId)).toMatchObject({
      plannedUnits: [{ month: m(1), units: 60 }],
      unscheduledUnits: 40,
    });
    const unchanged = (items: { trancheId: string }[]) =>
      items.filter((i) => i.trancheId !== first.trancheId);
    expect(unchanged(after)).toEqual(unchanged(before));
  });

  it('leaves the plan as it was while drafts are booked, and plans a draft once confirmed on the other instance', async () => {
    const { model } = await oneTrancheModel();
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
    const draft = await fb.order(
      {
        customerId: (await fb.customer()).id,
        signedOn: `${m(-1)}-20`,
        lines: [{ productModelId: model, tranches: [{ shipDate: `${m(2)}-10`, quantity: 40 }] }],
      },
      false,
    );
    expect(await plan()).toEqual(before);

    await b
      .http()
      .post(`/api/v1/purchase-orders/${draft.id}/confirm`)
      .set('X-API-Key', b.adminKey)
      .send({})
      .expect(200);
    expect(await plan()).toEqual([...before, tranchesOf(draft)[0].id]);
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
    const afresh = async () => shown(await service.read((db) => service.planWith(db, asOf, null)));
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
      // A shipment of part of a tranche of the other model, on the other instance.
      () => fb.ship(both.id, asOf, [{ trancheId: by.id, quantity: 10 }]),
      // A new order in both models, confirmed.
      () =>
        order(`${m(-1)}-01`, [
          [x, [`${m(0)}-02`]],
          [y, [`${m(0)}-02`]],
        ]),
      // On the other instance: a reschedule and a capacity cut.
      () => fb.amend(both.id, asOf, [{ trancheId: bx2.id, shipDate: `${m(0)}-01` }]),
      () => putCapacity(b, [{ productModelId: y, month: m(0), units: 20 }]),
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

  it('sees a write that was in progress when the plan was last read, once it commits', async () => {
    const { model } = await oneTrancheModel();
    expect(await planOn(a, model)).toEqual([
      `${m(1)}-10`,
      [{ month: m(1), units: 100 }],
      'on_time',
      0,
    ]);
    // The other instance's capacity write holds its transaction open once it has written.
    const versions = b.app.get(PlanVersionRepository);
    const bump = versions.bump.bind(versions);
    let written!: () => void;
    const wrote = new Promise<void>((done) => (written = done));
    let commit!: () => void;
    const committing = new Promise<void>((done) => (commit = done));
    const held = jest.spyOn(versions, 'bump').mockImplementationOnce(async (tx, ids) => {
      await bump(tx, ids);
      written();
      await committing;
    });
    try {
      // Sent now (a supertest request starts when first awaited).
      const put = putCapacity(b, [{ productModelId: model, month: m(1), units: 30 }]).then();
      await wrote;
      // Not committed: the plan is unchanged, and what a read keeps now could not see the write.
      expect(await planOn(a, model)).toEqual([
        `${m(1)}-10`,
        [{ month: m(1), units: 100 }],
        'on_time',
        0,
      ]);
      commit();
      await put;
    } finally {
      commit();
      held.mockRestore();
    }
    for (const t of [a, b]) {
      expect(await planOn(t, model)).toEqual([
        `${m(1)}-10`,
        [{ month: m(1), units: 30 }],
        'unscheduled',
        70,
      ]);
    }
  });
});
