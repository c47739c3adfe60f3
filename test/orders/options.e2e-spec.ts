import { randomUUID } from 'node:crypto';
import { Clock } from '../../src/common/clock';
import { addDays, today } from '../../src/common/dates';
import { OptionLapseService } from '../../src/orders/option-lapse.service';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { expectProblem } from '../support/problems';
import { createTestApp, TestApp } from '../support/test-app';

// SPEC §15 Options, computed by hand: option units offered on a tranche, exercised in two parts
// (billed as units added by an amendment), a third exercise refused after the exercise-by date,
// the rest lapsing; the backlog and the revenue forecast on both sides of every date; the refusals;
// the order status; the event; two clerks exercising the last units at once.

interface Tranche {
  id: string;
  sequence: number;
  shipDate: string;
  quantity: number;
  openQuantity: number;
  optionQuantity: number;
  exercisedQuantity: number;
  optionExerciseBy: string | null;
}

interface Order {
  id: string;
  status: string;
  version: number;
  totals: Record<string, unknown>;
  lines: { tranches: Tranche[] }[];
}

interface Instalment {
  kind: string;
  trancheId: string | null;
  dueOn: string;
  amount: string;
  status: string;
}

describe('options computed by hand', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ listPrice: '2500.00' })).id;
    // 20 % deposit 10 days after signing (or after the exercise); 80 % of each tranche's units
    // 15 days before they ship.
    await f.terms('PT-20/80', 20, 10, [{ percent: 80, dueDaysFromShip: -15 }]);
  });
  afterAll(() => t.close());

  const get = (path: string) => t.http().get(`/api/v1${path}`).set('X-API-Key', t.adminKey);
  const exercise = (orderId: string, trancheId: string, body: object, key = t.adminKey) =>
    t
      .http()
      .post(`/api/v1/purchase-orders/${orderId}/tranches/${trancheId}/exercise`)
      .set('X-API-Key', key)
      .send(body);
  const order = async (id: string): Promise<Order> => (await get(`/purchase-orders/${id}`)).body;
  const schedule = async (orderId: string) =>
    (await f.all<Instalment>(`/purchase-orders/${orderId}/billing-schedule`)).map((i) => [
      i.kind,
      i.trancheId,
      i.dueOn,
      i.amount,
    ]);
  const backlog = async (customerId: string, asOf: string) => {
    const totals = (await f.report('backlog', { asOf, customerId })).totals;
    return [totals.openQuantity, totals.openValue, totals.optionQuantity, totals.optionValue];
  };
  /** Per month from 2026-03 to 2026-06: forecast, option and total revenue. */
  const forecast = async (customerId: string, asOf: string) =>
    (
      await f.report('revenue-forecast', { asOf, customerId, from: '2026-03', to: '2026-06' })
    ).periods.map((p: Record<string, unknown>) => [
      p.period,
      p.forecastRevenue,
      p.optionRevenue,
      p.totalRevenue,
    ]);
  /** Everything a refusal must leave as it was: the order, its schedule, its exercises. */
  const state = async (orderId: string) => ({
    order: await order(orderId),
    schedule: await schedule(orderId),
    exercises: await t.sql('SELECT id FROM option_exercise WHERE purchase_order_id = $1', [
      orderId,
    ]),
  });

  describe('an option exercised in two parts, a third part refused after its date, the rest lapsing', () => {
    // Signed 2026-01-10 at 2,500.00 a unit on PT-20/80:
    // T1 10 firm units shipping 2026-03-15: 25,000.00.
    // T2 40 option units shipping 2026-06-15, exercisable until the end of 2026-04-30.
    // At signing only T1 is billed: deposit 20 % × 25,000.00 = 5,000.00 due 2026-01-20,
    // milestone 80 % = 20,000.00 due 2026-02-28 (2026-03-15 − 15 days).
    // E1 2026-02-10: 15 units = 37,500.00: deposit 7,500.00 due 2026-02-20, milestone 30,000.00
    // due 2026-05-31 (2026-06-15 − 15 days).
    // E2 2026-04-20: 10 units = 25,000.00: deposit 5,000.00 due 2026-04-30, milestone 20,000.00
    // due 2026-05-31.
    // 2026-05-02: 5 more units refused (OPTION_LAPSED); the 15 left lapsed at the end of 2026-04-30.
    let customerId: string;
    let orderId: string;
    let t1: Tranche;
    let t2: Tranche;

    beforeAll(async () => {
      customerId = (await f.customer()).id;
      const created: Order = await f.order({
        customerId,
        signedOn: '2026-01-10',
        paymentTermsCode: 'PT-20/80',
        lines: [
          {
            productModelId: modelId,
            unitPrice: '2500.00',
            tranches: [
              { shipDate: '2026-03-15', quantity: 10 },
              { shipDate: '2026-06-15', quantity: 40, optionExerciseBy: '2026-04-30' },
            ],
          },
        ],
      });
      orderId = created.id;
      [t1, t2] = tranchesOf(created) as Tranche[];
    });

    it('confirms with the option units apart from the firm ones, billed on the firm units only', async () => {
      expect(t2).toMatchObject({
        quantity: 0,
        openQuantity: 0,
        optionQuantity: 0, // lapsed as of today (2026-04-30 is past)
        exercisedQuantity: 0,
        optionExerciseBy: '2026-04-30',
      });
      expect(t1).toMatchObject({ quantity: 10, optionQuantity: 0, optionExerciseBy: null });
      expect(await schedule(orderId)).toEqual([
        ['deposit', null, '2026-01-20', '5000.00'],
        ['milestone', t1.id, '2026-02-28', '20000.00'],
      ]);
    });

    it('bills each exercise as added units and refuses the one after the exercise-by date', async () => {
      const first = await exercise(orderId, t2.id, { exercisedOn: '2026-02-10', quantity: 15 });
      expect(first.status).toBe(200);
      const second = await exercise(orderId, t2.id, { exercisedOn: '2026-04-20', quantity: 10 });
      expect(second.status).toBe(200);
      const [, after] = tranchesOf(second.body as Order) as Tranche[];
      expect(after).toMatchObject({
        quantity: 25,
        openQuantity: 25,
        optionQuantity: 0, // 40 − 25 = 15 left, lapsed at the end of 2026-04-30
        exercisedQuantity: 25,
        optionExerciseBy: '2026-04-30',
      });
      // 10 + 25 firm units × 2,500.00 = 87,500.00.
      expect(second.body.totals).toMatchObject({
        quantity: 35,
        openQuantity: 35,
        value: '87500.00',
        openValue: '87500.00',
      });
      expect(second.body.status).toBe('confirmed');

      const before = await state(orderId);
      const lapsed = await exercise(orderId, t2.id, { exercisedOn: '2026-05-02', quantity: 5 });
      expectProblem(lapsed, 409, 'OPTION_LAPSED');
      expect(await state(orderId)).toEqual(before);

      // 5,000 + 20,000 + 37,500 + 25,000 = 87,500.00, the value of the firm units.
      const rows = await schedule(orderId);
      expect(rows.slice(0, 4)).toEqual([
        ['deposit', null, '2026-01-20', '5000.00'],
        ['deposit', t2.id, '2026-02-20', '7500.00'],
        ['milestone', t1.id, '2026-02-28', '20000.00'],
        ['deposit', t2.id, '2026-04-30', '5000.00'],
      ]);
      // Two milestones of T2 due the same day, one per exercise (their order is by key).
      expect(rows.slice(4).sort()).toEqual([
        ['milestone', t2.id, '2026-05-31', '20000.00'],
        ['milestone', t2.id, '2026-05-31', '30000.00'],
      ]);
    });

    it('counts option units apart from the backlog until exercised or lapsed', async () => {
      // [openQuantity, openValue, optionQuantity, optionValue]
      // Before E1: T1 10 open (25,000.00); 40 options × 2,500.00 = 100,000.00.
      expect(await backlog(customerId, '2026-01-31')).toEqual([10, '25000.00', 40, '100000.00']);
      // After E1: 10 + 15 open = 25 (62,500.00); 25 options = 62,500.00.
      expect(await backlog(customerId, '2026-03-01')).toEqual([25, '62500.00', 25, '62500.00']);
      // After E2, on the last day to exercise: 35 open (87,500.00); 15 options = 37,500.00.
      expect(await backlog(customerId, '2026-04-30')).toEqual([35, '87500.00', 15, '37500.00']);
      // The day after, the 15 have lapsed.
      expect(await backlog(customerId, '2026-05-01')).toEqual([35, '87500.00', 0, '0.00']);
    });

    it('gives each backlog group its option figures, a group with only options included', async () => {
      const groups = async (asOf: string) =>
        (await f.report('backlog', { asOf, customerId, groupBy: 'shipMonth' })).groups.map(
          (g: Record<string, unknown>) => [
            g.key,
            g.openQuantity,
            g.openValue,
            g.optionQuantity,
            g.optionValue,
            g.orderCount,
          ],
        );
      // Before E1, June has nothing open: a group of its 40 options (100,000.00) alone.
      expect(await groups('2026-01-31')).toEqual([
        ['2026-03', 10, '25000.00', 0, '0.00', 1],
        ['2026-06', 0, '0.00', 40, '100000.00', 0],
      ]);
      // After E1: 15 open in June (37,500.00) beside 25 options (62,500.00).
      expect(await groups('2026-03-01')).toEqual([
        ['2026-03', 10, '25000.00', 0, '0.00', 1],
        ['2026-06', 15, '37500.00', 25, '62500.00', 1],
      ]);
    });

    it('shows the option units by ship date in the revenue forecast, outside the total', async () => {
      // [period, forecastRevenue, optionRevenue, totalRevenue]
      expect(await forecast(customerId, '2026-01-31')).toEqual([
        ['2026-03', '25000.00', '0.00', '25000.00'],
        ['2026-04', '0.00', '0.00', '0.00'],
        ['2026-05', '0.00', '0.00', '0.00'],
        ['2026-06', '0.00', '100000.00', '0.00'],
      ]);
      // 15 exercised units ship in June: 37,500.00; 25 options left: 62,500.00.
      expect(await forecast(customerId, '2026-03-01')).toEqual([
        ['2026-03', '25000.00', '0.00', '25000.00'],
        ['2026-04', '0.00', '0.00', '0.00'],
        ['2026-05', '0.00', '0.00', '0.00'],
        ['2026-06', '37500.00', '62500.00', '37500.00'],
      ]);
      // T1 still open (overdue, in no period); 25 exercised units in June: 62,500.00; none left.
      expect(await forecast(customerId, '2026-05-01')).toEqual([
        ['2026-03', '0.00', '0.00', '0.00'],
        ['2026-04', '0.00', '0.00', '0.00'],
        ['2026-05', '0.00', '0.00', '0.00'],
        ['2026-06', '62500.00', '0.00', '62500.00'],
      ]);
    });

    it('records each exercise as purchase_order.option_exercised', async () => {
      const events = await t.sql<{ type: string }>(
        `SELECT type FROM event WHERE entity_id = $1 ORDER BY id`,
        [orderId],
      );
      expect(events.map((e) => e.type)).toEqual([
        'purchase_order.created',
        'purchase_order.confirmed',
        'purchase_order.option_exercised',
        'purchase_order.option_exercised',
      ]);
    });
  });

  describe('refusals', () => {
    // T1 4 firm units, T2 6 option units until 2027-03-31 (still open today), both at 2,500.00.
    let customerId: string;
    let orderId: string;
    let t1: Tranche;
    let t2: Tranche;
    const body = (over: object = {}) => ({
      customerId,
      signedOn: '2026-02-01',
      paymentTermsCode: 'PT-20/80',
      lines: [
        {
          productModelId: modelId,
          tranches: [
            { shipDate: '2026-09-01', quantity: 4 },
            { shipDate: '2027-06-01', quantity: 6, optionExerciseBy: '2027-03-31' },
          ],
        },
      ],
      ...over,
    });

    beforeAll(async () => {
      customerId = (await f.customer()).id;
      const created: Order = await f.order(body());
      orderId = created.id;
      [t1, t2] = tranchesOf(created) as Tranche[];
      expect(t2).toMatchObject({ quantity: 0, optionQuantity: 6, exercisedQuantity: 0 });
    });

    it('answers each with its code and writes nothing', async () => {
      const cases: [object, string, number, string | undefined][] = [
        [{ exercisedOn: '2026-03-01', quantity: 7 }, t2.id, 409, 'OPTION_EXCEEDED'],
        [{ exercisedOn: addDays(today(), 1), quantity: 1 }, t2.id, 422, 'DATE_OUT_OF_RANGE'],
        [{ exercisedOn: '2026-01-31', quantity: 1 }, t2.id, 422, 'DATE_OUT_OF_RANGE'],
        [{ exercisedOn: '2026-03-01', quantity: 1 }, t1.id, 409, 'INVALID_STATE'],
        [{ exercisedOn: '2026-03-01', quantity: 0 }, t2.id, 400, undefined],
        [{ exercisedOn: '2026-03-01', quantity: -2 }, t2.id, 400, undefined],
        [{ exercisedOn: '2026-03-01', quantity: 1 }, randomUUID(), 404, 'NOT_FOUND'],
      ];
      const before = await state(orderId);
      for (const [request, trancheId, status, code] of cases) {
        expectProblem(await exercise(orderId, trancheId, request), status, code);
        expect(await state(orderId)).toEqual(before);
      }
    });

    it('counts later exercises against one dated earlier and recorded after them', async () => {
      // 4 on 2026-06-01, then 3 dated 2026-03-01: from 2026-06-01 7 > 6 would be exercised.
      expect(
        (await exercise(orderId, t2.id, { exercisedOn: '2026-06-01', quantity: 4 })).status,
      ).toBe(200);
      const before = await state(orderId);
      expectProblem(
        await exercise(orderId, t2.id, { exercisedOn: '2026-03-01', quantity: 3 }),
        409,
        'OPTION_EXCEEDED',
      );
      expect(await state(orderId)).toEqual(before);
      expect(tranchesOf(before.order)[1]).toMatchObject({
        quantity: 4,
        optionQuantity: 2,
        exercisedQuantity: 4,
      });
    });

    it('refuses on a draft and on a cancelled order, whose options end with it', async () => {
      const draft: Order = await f.order(body(), false);
      const [, draftOption] = tranchesOf(draft) as Tranche[];
      expect(draftOption).toMatchObject({ quantity: 0, optionQuantity: 6 });
      expect(await order(draft.id)).toEqual(draft);
      // Created with options already past their date: it reads back none, as a read says it.
      const late: Order = await f.order(
        {
          ...body(),
          lines: [
            {
              productModelId: modelId,
              tranches: [{ shipDate: '2026-09-01', quantity: 3, optionExerciseBy: '2026-02-10' }],
            },
          ],
        },
        false,
      );
      expect(tranchesOf(late)[0]).toMatchObject({ quantity: 0, optionQuantity: 0 });
      expect(await order(late.id)).toEqual(late);
      expectProblem(
        await exercise(draft.id, draftOption.id, { exercisedOn: '2026-03-01', quantity: 1 }),
        409,
        'INVALID_STATE',
      );
      const cancelled: Order = await f.order(body());
      const [, option] = tranchesOf(cancelled) as Tranche[];
      const res = await t
        .http()
        .post(`/api/v1/purchase-orders/${cancelled.id}/cancel`)
        .set('X-API-Key', t.adminKey)
        .send({ reason: 'customer withdrew', effectiveOn: '2026-03-01' })
        .expect(200);
      expect(res.body.status).toBe('cancelled');
      expect(tranchesOf(res.body as Order)[1]).toMatchObject({ optionQuantity: 0 });
      const before = await state(cancelled.id);
      expectProblem(
        await exercise(cancelled.id, option.id, { exercisedOn: '2026-03-01', quantity: 1 }),
        409,
        'INVALID_STATE',
      );
      expect(await state(cancelled.id)).toEqual(before);
      // No options in the backlog of that customer from the cancellation on: only the first
      // order's 4 firm + 4 exercised units (8 × 2,500.00 = 20,000.00) and its 2 options (5,000.00).
      expect(await backlog(customerId, '2026-06-01')).toEqual([8, '20000.00', 2, '5000.00']);
      // The day before, the cancelled order still had its 4 firm units and 6 options.
      expect(await backlog(customerId, '2026-02-28')).toEqual([8, '20000.00', 12, '30000.00']);
    });

    it('takes options on a draft edit, never before signing, and ends them with a cancelled tranche', async () => {
      const draft: Order = await f.order(body(), false);
      const patch = (lines: object[]) =>
        t
          .http()
          .patch(`/api/v1/purchase-orders/${draft.id}`)
          .set('X-API-Key', t.adminKey)
          .send({ lines });
      const line = (optionExerciseBy: string) => ({
        productModelId: modelId,
        tranches: [
          { shipDate: '2026-09-01', quantity: 2 },
          { shipDate: '2027-06-01', quantity: 9, optionExerciseBy },
        ],
      });
      const edited = await patch([line('2027-01-31')]);
      expect(edited.status).toBe(200);
      expect(
        (tranchesOf(edited.body as Order) as Tranche[]).map((x) => [x.quantity, x.optionQuantity]),
      ).toEqual([
        [2, 0],
        [0, 9],
      ]);
      const early = await patch([line('2026-01-31')]);
      expectProblem(early, 422, 'DATE_OUT_OF_RANGE');
      expect(await order(draft.id)).toEqual(edited.body);

      // Confirmed, its option tranche cancelled by an amendment: the options end, nothing billed.
      await t
        .http()
        .post(`/api/v1/purchase-orders/${draft.id}/confirm`)
        .set('X-API-Key', t.adminKey)
        .expect(200);
      const [, option] = tranchesOf(edited.body as Order) as Tranche[];
      const amended: Order = await f.amend(draft.id, '2026-03-01', [
        { trancheId: option.id, cancel: true },
      ]);
      expect(tranchesOf(amended)[1]).toMatchObject({
        quantity: 0,
        cancelledQuantity: 0,
        optionQuantity: 0,
      });
      expect(amended.status).toBe('confirmed');
      expectProblem(
        await exercise(draft.id, option.id, { exercisedOn: '2026-03-02', quantity: 1 }),
        409,
        'OPTION_EXCEEDED',
      );
    });

    it('refuses a role that may not exercise', async () => {
      const finance = await t.keyFor('finance');
      const before = await state(orderId);
      const res = await exercise(
        orderId,
        t2.id,
        { exercisedOn: '2026-03-01', quantity: 1 },
        finance,
      );
      expect(res.status).toBe(403);
      expect(await state(orderId)).toEqual(before);
    });
  });

  it('imports option tranches from a CSV column optionExerciseBy, left empty for firm units', async () => {
    const model = await f.productModel({
      sku: `OPT-${Date.now().toString(36)}`,
      listPrice: '2500.00',
    });
    const [{ sku }] = await t.sql<{ sku: string }>('SELECT sku FROM product_model WHERE id = $1', [
      model.id,
    ]);
    const ref = `CUST-OPT-${Date.now().toString(36)}`;
    await f.customer({ externalRef: ref });
    const csv = [
      'externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity,optionExerciseBy',
      `PO-OPT-${ref},${ref},2026-02-01,PT-20/80,${sku},,2026-09-01,4,`,
      `PO-OPT-${ref},${ref},2026-02-01,PT-20/80,${sku},,2027-06-01,6,2027-03-31`,
    ].join('\n');
    const erp = await t.keyFor('erp');
    const post = (query: string) =>
      t
        .http()
        .post(`/api/v1/imports/purchase-orders${query}`)
        .set('X-API-Key', erp)
        .set('Content-Type', 'text/csv')
        .send(csv);
    // The summary counts firm units only: 4 × 2,500.00 = 10,000.00.
    const dry = await post('?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ quantity: 4, value: '10000.00' });
    expect((await post('?confirm=true')).status).toBe(201);
    const imported: Order = (await get(`/purchase-orders/by-external-ref/PO-OPT-${ref}`)).body;
    expect(imported.status).toBe('confirmed');
    expect(
      tranchesOf(imported).map((x) => [
        (x as Tranche).quantity,
        (x as Tranche).optionQuantity,
        (x as Tranche).optionExerciseBy,
      ]),
    ).toEqual([
      [4, 0, null],
      [0, 6, '2027-03-31'],
    ]);
  });

  describe('status and concurrency', () => {
    it('keeps an order confirmed while options may still be exercised, completed once none remain', async () => {
      const customerId = (await f.customer()).id;
      const created: Order = await f.order({
        customerId,
        signedOn: '2026-02-01',
        paymentTermsCode: 'PT-20/80',
        lines: [
          {
            productModelId: modelId,
            tranches: [
              { shipDate: '2026-05-01', quantity: 5 },
              { shipDate: '2027-06-01', quantity: 8, optionExerciseBy: '2027-03-31' },
            ],
          },
        ],
      });
      const [t1, t2] = tranchesOf(created) as Tranche[];
      await f.ship(created.id, '2026-05-01', [{ trancheId: t1.id, quantity: 5 }]);
      // Every firm unit shipped, but 8 options remain: not completed.
      expect((await order(created.id)).status).toBe('confirmed');
      const sales = await t.keyFor('sales');
      // On one date shipments come before exercises: exercised yesterday, shipped today.
      const yesterday = addDays(today(), -1);
      const res = await exercise(created.id, t2.id, { exercisedOn: yesterday, quantity: 8 }, sales);
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('confirmed');
      await f.ship(created.id, today(), [{ trancheId: t2.id, quantity: 8 }]);
      expect((await order(created.id)).status).toBe('completed');
    });

    it('settles an order held open only by options once they lapse: completed, or cancelled when nothing shipped', async () => {
      const customerId = (await f.customer()).id;
      const lines = (firm: number) => [
        {
          productModelId: modelId,
          tranches: [
            ...(firm > 0 ? [{ shipDate: '2026-05-01', quantity: firm }] : []),
            { shipDate: '2027-06-01', quantity: 8, optionExerciseBy: '2027-03-31' },
          ],
        },
      ];
      const body = { customerId, signedOn: '2026-02-01', paymentTermsCode: 'PT-20/80' };
      const shipped: Order = await f.order({ ...body, lines: lines(5) });
      await f.ship(shipped.id, '2026-05-01', [
        { trancheId: tranchesOf(shipped)[0].id, quantity: 5 },
      ]);
      const onlyOptions: Order = await f.order({ ...body, lines: lines(0) });
      const lapse = t.app.get(OptionLapseService);
      // Today the options may still be exercised: nothing to settle.
      expect(await lapse.settleLapsed()).not.toEqual(expect.arrayContaining([shipped.id]));
      expect((await order(shipped.id)).status).toBe('confirmed');
      expect((await order(onlyOptions.id)).status).toBe('confirmed');

      const clock = jest.spyOn(t.app.get(Clock), 'today').mockReturnValue('2027-04-01');
      try {
        const settled = await lapse.settleLapsed();
        expect(settled).toEqual(expect.arrayContaining([shipped.id, onlyOptions.id]));
        const [a, b] = [await order(shipped.id), await order(onlyOptions.id)];
        expect([a.status, b.status]).toEqual(['completed', 'cancelled']);
        expect(tranchesOf(a)[1]).toMatchObject({ optionQuantity: 0, exercisedQuantity: 0 });
        // Nothing was billed for the options, and nothing is forfeited or voided by their lapse:
        // 5 × 2,500.00 = 12,500.00: deposit 20 % = 2,500.00 due 2026-02-11 (signing + 10 days),
        // milestone 80 % = 10,000.00 due 2026-04-16 (2026-05-01 − 15 days).
        expect(await schedule(shipped.id)).toEqual([
          ['deposit', null, '2026-02-11', '2500.00'],
          ['milestone', tranchesOf(shipped)[0].id, '2026-04-16', '10000.00'],
        ]);
        expect(await lapse.settleLapsed()).toEqual([]);
        const events = await t.sql<{ entity_id: string; type: string }>(
          `SELECT entity_id, type FROM event WHERE entity_id = ANY($1::uuid[]) ORDER BY id`,
          [[shipped.id, onlyOptions.id]],
        );
        expect(events.filter((e) => e.entity_id === shipped.id).map((e) => e.type)).toEqual([
          'purchase_order.created',
          'purchase_order.confirmed',
          'purchase_order.completed',
        ]);
        expect(events.filter((e) => e.entity_id === onlyOptions.id).at(-1)?.type).toBe(
          'purchase_order.cancelled',
        );
      } finally {
        clock.mockRestore();
      }
    });

    /** An order of a new customer with one tranche of 10 option units, exercisable until 2027-03-31. */
    const tenOptions = async (): Promise<Order> =>
      f.order({
        customerId: (await f.customer()).id,
        signedOn: '2026-02-01',
        paymentTermsCode: 'PT-20/80',
        lines: [
          {
            productModelId: modelId,
            tranches: [{ shipDate: '2027-06-01', quantity: 10, optionExerciseBy: '2027-03-31' }],
          },
        ],
      });

    it('lets one of two clerks exercising the last units at once through; the other gets OPTION_EXCEEDED', async () => {
      const created = await tenOptions();
      const [option] = tranchesOf(created) as Tranche[];
      const [a, b] = [await t.keyFor('sales'), await t.keyFor('erp')];
      const answers = await Promise.all(
        [a, b].map((key) =>
          exercise(created.id, option.id, { exercisedOn: '2026-03-01', quantity: 6 }, key),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([200, 409]);
      expectProblem(
        answers.find((r) => r.status === 409)!,
        409,
        'OPTION_EXCEEDED',
      );
      expect(tranchesOf(await order(created.id))[0]).toMatchObject({
        quantity: 6,
        optionQuantity: 4,
        exercisedQuantity: 6,
      });
      const [{ count }] = await t.sql<{ count: number }>(
        'SELECT count(*)::int AS count FROM option_exercise WHERE purchase_order_id = $1',
        [created.id],
      );
      expect(count).toBe(1);
    });

    it('applies a retried exercise once for one Idempotency-Key, and moves the plan version', async () => {
      const created = await tenOptions();
      const [option] = tranchesOf(created) as Tranche[];
      const version = async () =>
        (
          await t.sql<{ version: number }>(
            'SELECT coalesce(max(version), 0)::int AS version FROM plan_version WHERE product_model_id = $1',
            [modelId],
          )
        )[0].version;
      const planBefore = await version();
      const send = () =>
        t
          .http()
          .post(`/api/v1/purchase-orders/${created.id}/tranches/${option.id}/exercise`)
          .set('X-API-Key', t.adminKey)
          .set('Idempotency-Key', `exercise-${created.id}`)
          .send({ exercisedOn: '2026-03-01', quantity: 3 });
      const first = await send();
      const again = await send();
      expect([first.status, again.status]).toEqual([200, 200]);
      expect(again.body).toEqual(first.body);
      expect(tranchesOf(await order(created.id))[0]).toMatchObject({
        quantity: 3,
        optionQuantity: 7,
      });
      expect(await version()).toBe(planBefore + 1);
    });
  });
});
