import type { Role } from '../../src/common/request-context';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

// SPEC §10's routes: bad input, unknown ids, states, roles, business keys, paging and races —
// and nothing written on any refusal.

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe('corrections: input, states, roles and races', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;
  let customerId: string;
  const keys = {} as Record<Role, string>;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ listPrice: '1000.00' })).id;
    customerId = (await f.customer()).id;
    for (const role of ['sales', 'finance', 'operations', 'erp', 'viewer'] as const) {
      keys[role] = await t.keyFor(role);
    }
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, key = t.adminKey) =>
    t.http().post(`/api/v1${path}`).set('X-API-Key', key).send(body);
  const get = (path: string, key = t.adminKey) =>
    t.http().get(`/api/v1${path}`).set('X-API-Key', key);
  /** Rows of the tables a refused correction must leave alone, and the order's version. */
  const written = async (orderId: string) => {
    const [counts] = await t.sql(
      `SELECT (SELECT count(*) FROM payment_reversal)::int AS payment_reversals,
              (SELECT count(*) FROM shipment_reversal)::int AS shipment_reversals,
              (SELECT count(*) FROM refund)::int AS refunds,
              (SELECT count(*) FROM payment)::int AS payments,
              (SELECT count(*) FROM shipment)::int AS shipments,
              (SELECT count(*) FROM amendment)::int AS amendments,
              (SELECT count(*) FROM event)::int AS events,
              (SELECT version FROM purchase_order WHERE id = $1) AS version`,
      [orderId],
    );
    return counts;
  };
  /** 10 units at 1,000.00 shipping 2025-03-01, billed in full on that date (no terms). */
  const order = (signedOn = '2025-01-10', confirm = true) =>
    f.order(
      {
        customerId,
        signedOn,
        lines: [{ productModelId: modelId, tranches: [{ shipDate: '2025-03-01', quantity: 10 }] }],
      },
      confirm,
    );

  describe('payment reversal', () => {
    it('checks the body, the ids, the dates and the state, writing nothing when it refuses', async () => {
      const o = await order();
      const other = await order();
      const payment = await f.pay(o.id, '2025-01-20', '1000.00');
      const foreign = await f.pay(other.id, '2025-01-20', '1000.00');
      const before = await written(o.id);
      const reverse = (orderId: string, paymentId: string, body: object) =>
        post(`/purchase-orders/${orderId}/payments/${paymentId}/reverse`, body);

      const invalid = await reverse(o.id, payment.id, { reversedOn: '2025-02-30', x: 1 });
      expect(invalid.status).toBe(400);
      const paths = invalid.body.errors.map((e: { path: string }) => e.path);
      expect([...new Set(paths)].sort()).toEqual(['reason', 'reversedOn', 'x']);
      const body = { reversedOn: '2025-02-01', reason: 'Wire recalled by the bank' };
      expect((await reverse(UNKNOWN, payment.id, body)).status).toBe(404);
      expect((await reverse(o.id, UNKNOWN, body)).status).toBe(404);
      expect((await reverse(o.id, 'not-a-uuid', body)).status).toBe(404);
      // A payment of another order is not one of this order's.
      expect((await reverse(o.id, foreign.id, body)).status).toBe(404);
      const early = await reverse(o.id, payment.id, { ...body, reversedOn: '2025-01-19' });
      expect(early.status).toBe(422);
      expect(early.body.code).toBe('DATE_OUT_OF_RANGE');
      const late = await reverse(o.id, payment.id, { ...body, reversedOn: '2999-01-01' });
      expect(late.body.code).toBe('DATE_OUT_OF_RANGE');
      expect(await written(o.id)).toEqual(before);

      for (const role of ['sales', 'operations', 'viewer'] as const) {
        expect(
          (await post(`/purchase-orders/${o.id}/payments/${payment.id}/reverse`, body, keys[role]))
            .status,
        ).toBe(403);
      }
      expect(await written(o.id)).toEqual(before);
      await post(
        `/purchase-orders/${o.id}/payments/${payment.id}/reverse`,
        body,
        keys.finance,
      ).expect(200);
      await post(
        `/purchase-orders/${other.id}/payments/${foreign.id}/reverse`,
        body,
        keys.erp,
      ).expect(200);
      const again = await reverse(o.id, payment.id, body);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALREADY_REVERSED');
    });

    it('lets one of two clerks reversing the same payment at once win; the other is told it is done', async () => {
      const o = await order();
      const payment = await f.pay(o.id, '2025-01-20', '1000.00');
      const body = { reversedOn: '2025-02-01', reason: 'Duplicate entry' };
      const answers = await Promise.all(
        Array.from({ length: 4 }, () =>
          post(`/purchase-orders/${o.id}/payments/${payment.id}/reverse`, body),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409, 409]);
      for (const a of answers.filter((a) => a.status === 409))
        expect(a.body.code).toBe('ALREADY_REVERSED');
      const [{ n }] = await t.sql<{ n: number }>(
        `SELECT count(*)::int AS n FROM event WHERE type = 'payment.reversed' AND entity_id = $1`,
        [payment.id],
      );
      expect(n).toBe(1);
    });

    it('refuses to reverse a payment whose credit was refunded (REFUND_EXCEEDS_CREDIT)', async () => {
      // 10,000.00 settles the only instalment; a further 500.00 is credit, refunded on 2025-02-01.
      const o = await order();
      await f.pay(o.id, '2025-01-15', '10000.00');
      const extra = await f.pay(o.id, '2025-01-20', '500.00');
      await f.refund(o.id, '2025-02-01', '500.00');
      const before = await written(o.id);
      const res = await post(`/purchase-orders/${o.id}/payments/${extra.id}/reverse`, {
        reversedOn: '2025-01-25',
        reason: 'Chargeback',
      }).expect(409);
      expect(res.body.code).toBe('REFUND_EXCEEDS_CREDIT');
      expect(await written(o.id)).toEqual(before);
    });
  });

  describe('shipment reversal', () => {
    it('checks the body, the id, the dates and the roles, writing nothing when it refuses', async () => {
      const o = await order();
      const shipment = await f.ship(o.id, '2025-02-01', [
        { trancheId: tranchesOf(o)[0].id, quantity: 4 },
      ]);
      const before = await written(o.id);
      const reverse = (id: string, body: object, key = t.adminKey) =>
        post(`/shipments/${id}/reverse`, body, key);
      const invalid = await reverse(shipment.id, { reason: '' });
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
        'reason',
        'reversedOn',
      ]);
      const body = { reversedOn: '2025-02-05', reason: 'Returned: wrong firmware' };
      expect((await reverse(UNKNOWN, body)).status).toBe(404);
      const early = await reverse(shipment.id, { ...body, reversedOn: '2025-01-31' });
      expect(early.status).toBe(422);
      expect(early.body.errors).toEqual([
        { path: 'reversedOn', message: expect.stringMatching(/^must lie between 2025-02-01 and /) },
      ]);
      for (const role of ['sales', 'finance', 'viewer'] as const) {
        expect((await reverse(shipment.id, body, keys[role])).status).toBe(403);
      }
      expect(await written(o.id)).toEqual(before);
      await reverse(shipment.id, body, keys.operations).expect(200);
      const again = await reverse(shipment.id, body, keys.erp);
      expect(again.status).toBe(409);
      expect(again.body.code).toBe('ALREADY_REVERSED');
      expect((await get(`/purchase-orders/${o.id}`)).body.totals.openQuantity).toBe(10);
    });
  });

  describe('refunds', () => {
    it('checks the body, the dates, the state, the credit and the role', async () => {
      const draft = await order('2025-01-10', false);
      const o = await order();
      await f.pay(o.id, '2025-01-15', '10250.00'); // 250.00 of credit
      const before = await written(o.id);
      const refund = (orderId: string, body: object, key = t.adminKey) =>
        post(`/purchase-orders/${orderId}/refunds`, body, key);
      for (const amount of ['0.00', '-5.00', '5', 5]) {
        const res = await refund(o.id, { amount, paidOn: '2025-02-01' });
        expect(res.status).toBe(400);
        expect(res.body.errors).toEqual([{ path: 'amount', message: expect.any(String) }]);
      }
      expect((await refund(o.id, { amount: '1.00' })).body.errors).toEqual([
        { path: 'paidOn', message: expect.any(String) },
      ]);
      const body = { amount: '250.00', paidOn: '2025-02-01', reference: 'RFD-1' };
      expect((await refund(UNKNOWN, body)).status).toBe(404);
      expect((await refund(draft.id, body)).body.code).toBe('INVALID_STATE');
      expect((await refund(o.id, { ...body, paidOn: '2025-01-09' })).body.code).toBe(
        'DATE_OUT_OF_RANGE',
      );
      // Credit as of 2025-01-14 is nothing yet: the payment came the next day.
      expect((await refund(o.id, { ...body, paidOn: '2025-01-14' })).body.code).toBe(
        'REFUND_EXCEEDS_CREDIT',
      );
      expect((await refund(o.id, { ...body, amount: '250.01' })).body.code).toBe(
        'REFUND_EXCEEDS_CREDIT',
      );
      for (const role of ['sales', 'operations', 'erp', 'viewer'] as const) {
        expect((await refund(o.id, body, keys[role])).status).toBe(403);
      }
      expect(await written(o.id)).toEqual(before);
      const paid = await refund(o.id, body, keys.finance).expect(201);
      expect(paid.body).toMatchObject({
        amount: '250.00',
        paidOn: '2025-02-01',
        reference: 'RFD-1',
        externalRef: null,
      });
      expect((await get(`/purchase-orders/${o.id}/refunds`)).body).toEqual({
        items: [paid.body],
        nextCursor: null,
      });
    });

    it('is accepted on completed and cancelled orders', async () => {
      const completed = await order();
      await f.pay(completed.id, '2025-01-15', '10100.00');
      await f.ship(completed.id, '2025-03-01', [
        { trancheId: tranchesOf(completed)[0].id, quantity: 10 },
      ]);
      expect((await get(`/purchase-orders/${completed.id}`)).body.status).toBe('completed');
      await f.refund(completed.id, '2025-03-02', '100.00');

      const cancelled = await order();
      await f.pay(cancelled.id, '2025-01-15', '300.00');
      await post(`/purchase-orders/${cancelled.id}/cancel`, {
        reason: 'withdrawn',
        effectiveOn: '2025-01-20',
      }).expect(200);
      // Cancelling forfeits the pool: the 300.00 paid on the instalment is revenue, not credit.
      expect(
        (
          await post(`/purchase-orders/${cancelled.id}/refunds`, {
            amount: '0.01',
            paidOn: '2025-01-21',
          })
        ).body.code,
      ).toBe('REFUND_EXCEEDS_CREDIT');
      // A payment after the cancellation finds nothing open: it is credit, and can go back.
      await f.pay(cancelled.id, '2025-01-22', '40.00');
      await f.refund(cancelled.id, '2025-01-23', '40.00');
    });

    it('never takes the credit below zero when a refund races the reversal of the payment that made it', async () => {
      for (let round = 0; round < 3; round++) {
        const o = await order();
        await f.pay(o.id, '2025-01-15', '10000.00');
        const extra = await f.pay(o.id, '2025-01-20', '500.00');
        const [refund, reversal] = await Promise.all([
          post(`/purchase-orders/${o.id}/refunds`, { amount: '500.00', paidOn: '2025-02-01' }),
          post(`/purchase-orders/${o.id}/payments/${extra.id}/reverse`, {
            reversedOn: '2025-01-25',
            reason: 'Chargeback',
          }),
        ]);
        // Exactly one of them is booked (the refund 201, or the reversal 200); the other is
        // refused for the credit.
        expect([
          [201, 409],
          [409, 200],
        ]).toContainEqual([refund.status, reversal.status]);
        const refused = refund.status === 409 ? refund : reversal;
        expect(refused.body.code).toBe('REFUND_EXCEEDS_CREDIT');
        const [{ negative }] = await t.sql<{ negative: number }>(
          'SELECT count(*)::int AS negative FROM credit_segment WHERE purchase_order_id = $1 AND unapplied_cents < 0',
          [o.id],
        );
        expect(negative).toBe(0);
      }
    });
  });

  describe('deleting drafts', () => {
    it('deletes a draft (204), keeps its audit trail, and refuses anything else', async () => {
      const draft = await order('2025-01-10', false);
      const confirmed = await order();
      for (const role of ['finance', 'operations', 'viewer'] as const) {
        await t
          .http()
          .delete(`/api/v1/purchase-orders/${draft.id}`)
          .set('X-API-Key', keys[role])
          .expect(403);
      }
      const refused = await t
        .http()
        .delete(`/api/v1/purchase-orders/${confirmed.id}`)
        .set('X-API-Key', keys.sales)
        .expect(409);
      expect(refused.body.code).toBe('INVALID_STATE');
      await t
        .http()
        .delete(`/api/v1/purchase-orders/${UNKNOWN}`)
        .set('X-API-Key', keys.sales)
        .expect(404);
      const res = await t
        .http()
        .delete(`/api/v1/purchase-orders/${draft.id}`)
        .set('X-API-Key', keys.erp)
        .expect(204);
      expect(res.text).toBe('');
      await get(`/purchase-orders/${draft.id}`).expect(404);
      expect(
        await t.sql('SELECT id FROM tranche WHERE purchase_order_id = $1', [draft.id]),
      ).toEqual([]);
      const audit = await get(`/audit-log?entityType=purchase_order&entityId=${draft.id}`).expect(
        200,
      );
      expect(audit.body.items.map((a: { action: string }) => a.action)).toEqual([
        'created',
        'deleted',
      ]);
      const [event] = await t.sql<{ type: string; data: { id: string; status: string } }>(
        `SELECT type, data FROM event WHERE entity_id = $1 ORDER BY id DESC LIMIT 1`,
        [draft.id],
      );
      expect(event).toMatchObject({
        type: 'purchase_order.deleted',
        data: { id: draft.id, status: 'draft' },
      });
    });

    it('sends the opportunity converted into it back to negotiation, to be converted again', async () => {
      const opportunity = await post('/opportunities', {
        customerId,
        productModelId: modelId,
        quantity: 500,
        stage: 'proposal',
        firstDeliveryOn: '2025-09-01',
      }).expect(201);
      const converted = await post(
        `/opportunities/${opportunity.body.id}/convert`,
        {
          signedOn: '2025-06-01',
        },
        keys.sales,
      ).expect(201);
      await t
        .http()
        .delete(`/api/v1/purchase-orders/${converted.body.id}`)
        .set('X-API-Key', keys.sales)
        .expect(204);
      const reopened = await get(`/opportunities/${opportunity.body.id}`).expect(200);
      expect(reopened.body).toMatchObject({
        stage: 'negotiation',
        probability: 75,
        purchaseOrderId: null,
      });
      const again = await post(
        `/opportunities/${opportunity.body.id}/convert`,
        {},
        keys.sales,
      ).expect(201);
      expect(again.body.id).not.toBe(converted.body.id);
      expect((await get(`/opportunities/${opportunity.body.id}`)).body).toMatchObject({
        stage: 'won',
        purchaseOrderId: again.body.id,
      });
    });
  });

  describe('price changes', () => {
    it('are a fifth amendment shape, checked at the edge and against the tranche', async () => {
      const o = await order();
      const other = await order();
      const [tranche] = tranchesOf(o);
      const before = await written(o.id);
      const amend = (changes: unknown[], key = t.adminKey) =>
        post(
          `/purchase-orders/${o.id}/amendments`,
          { effectiveOn: '2025-02-01', reason: 'repricing', changes },
          key,
        );
      const invalid = await amend([
        { trancheId: tranche.id, unitPrice: '-1.00' },
        { trancheId: tranche.id, unitPrice: '900' },
        { trancheId: 'x', unitPrice: '900.00' },
        { trancheId: tranche.id, unitPrice: '900.00', quantity: 3 },
      ]);
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors).toEqual([
        { path: 'changes[0].unitPrice', message: expect.any(String) },
        { path: 'changes[1].unitPrice', message: expect.any(String) },
        { path: 'changes[2].trancheId', message: expect.any(String) },
        { path: 'changes[3]', message: expect.stringContaining('{trancheId, unitPrice}') },
      ]);
      const foreign = await amend([{ trancheId: tranchesOf(other)[0].id, unitPrice: '900.00' }]);
      expect(foreign.status).toBe(422);
      expect(foreign.body.errors).toEqual([
        { path: 'changes[0].trancheId', message: expect.any(String) },
      ]);
      for (const role of ['finance', 'operations', 'viewer'] as const) {
        expect(
          (await amend([{ trancheId: tranche.id, unitPrice: '900.00' }], keys[role])).status,
        ).toBe(403);
      }
      expect(await written(o.id)).toEqual(before);
      const free = await amend([{ trancheId: tranche.id, unitPrice: '0.00' }], keys.sales).expect(
        200,
      );
      expect(free.body.totals.value).toBe('0.00');
      await amend([{ trancheId: tranche.id, unitPrice: '900.00' }], keys.erp).expect(200);

      await f.ship(o.id, '2025-03-01', [{ trancheId: tranche.id, quantity: 10 }]);
      const shippedAll = await post(`/purchase-orders/${o.id}/amendments`, {
        effectiveOn: '2025-03-01',
        reason: 'too late',
        changes: [{ trancheId: tranche.id, unitPrice: '800.00' }],
      });
      // The order completed: amendments are refused before the tranche is looked at.
      expect(shippedAll.body.code).toBe('INVALID_STATE');
    });

    it('refuse to reprice a tranche with nothing open', async () => {
      const o = await f.order({
        customerId,
        signedOn: '2025-01-10',
        lines: [
          {
            productModelId: modelId,
            tranches: [
              { shipDate: '2025-03-01', quantity: 10 },
              { shipDate: '2025-04-01', quantity: 10 },
            ],
          },
        ],
      });
      const [first] = tranchesOf(o);
      await f.ship(o.id, '2025-02-01', [{ trancheId: first.id, quantity: 10 }]);
      const res = await post(`/purchase-orders/${o.id}/amendments`, {
        effectiveOn: '2025-02-02',
        reason: 'repricing',
        changes: [{ trancheId: first.id, unitPrice: '900.00' }],
      }).expect(409);
      expect(res.body.code).toBe('NOTHING_OPEN');
    });
  });

  describe('externalRef on payments, shipments and refunds', () => {
    it('refuses one already used with 409 DUPLICATE naming the holder, and reads by it', async () => {
      const o = await order();
      const other = await order();
      const payment = await post(`/purchase-orders/${o.id}/payments`, {
        amount: '10100.00',
        receivedOn: '2025-01-15',
        externalRef: 'SAP-PAY-1',
      }).expect(201);
      expect(payment.body.externalRef).toBe('SAP-PAY-1');
      const before = await written(o.id);
      const dup = await post(`/purchase-orders/${other.id}/payments`, {
        amount: '5.00',
        receivedOn: '2025-01-15',
        externalRef: 'SAP-PAY-1',
      }).expect(409);
      expect(dup.body).toMatchObject({ code: 'DUPLICATE', existingId: payment.body.id });
      expect(await written(o.id)).toEqual(before);
      expect((await get('/payments/by-external-ref/SAP-PAY-1').expect(200)).body).toEqual(
        payment.body,
      );
      await get('/payments/by-external-ref/SAP-PAY-404').expect(404);

      const items = [{ trancheId: tranchesOf(o)[0].id, quantity: 1 }];
      const shipment = await post(`/purchase-orders/${o.id}/shipments`, {
        shippedOn: '2025-02-01',
        externalRef: 'SAP-DLV-1',
        items,
      }).expect(201);
      const dupShipment = await post(`/purchase-orders/${o.id}/shipments`, {
        shippedOn: '2025-02-01',
        externalRef: 'SAP-DLV-1',
        items,
      }).expect(409);
      expect(dupShipment.body).toMatchObject({ code: 'DUPLICATE', existingId: shipment.body.id });
      expect((await get('/shipments/by-external-ref/SAP-DLV-1').expect(200)).body).toEqual(
        shipment.body,
      );
      await get('/shipments/by-external-ref/SAP-DLV-404').expect(404);

      const refund = await post(`/purchase-orders/${o.id}/refunds`, {
        amount: '50.00',
        paidOn: '2025-02-02',
        externalRef: 'SAP-RFD-1',
      }).expect(201);
      const dupRefund = await post(`/purchase-orders/${o.id}/refunds`, {
        amount: '50.00',
        paidOn: '2025-02-02',
        externalRef: 'SAP-RFD-1',
      }).expect(409);
      expect(dupRefund.body).toMatchObject({ code: 'DUPLICATE', existingId: refund.body.id });
      const [{ refunds }] = await t.sql<{ refunds: number }>(
        'SELECT count(*)::int AS refunds FROM refund WHERE external_ref = $1',
        ['SAP-RFD-1'],
      );
      expect(refunds).toBe(1);
    });

    it('answers DUPLICATE with the holder when two orders take the same reference at once', async () => {
      const orders = await Promise.all([order(), order(), order(), order()]);
      const answers = await Promise.all(
        orders.map((o) =>
          post(`/purchase-orders/${o.id}/payments`, {
            amount: '1.00',
            receivedOn: '2025-01-15',
            externalRef: 'SAP-PAY-RACE',
          }),
        ),
      );
      const created = answers.filter((a) => a.status === 201);
      expect(created).toHaveLength(1);
      for (const refused of answers.filter((a) => a.status !== 201)) {
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ code: 'DUPLICATE', existingId: created[0].body.id });
      }
    });
  });

  describe('paging sub-collections', () => {
    it('pages amendments, billing schedule, payments, shipments and refunds, each row once, in their order', async () => {
      await f.terms('PT-25x4', 25, 5, [
        { percent: 25, dueDaysFromShip: -20 },
        { percent: 25, dueDaysFromShip: -10 },
        { percent: 25, dueDaysFromShip: 0 },
      ]);
      const o = await f.order({
        customerId,
        signedOn: '2025-01-10',
        paymentTermsCode: 'PT-25x4',
        lines: [
          {
            productModelId: modelId,
            tranches: [
              { shipDate: '2025-04-01', quantity: 10 },
              { shipDate: '2025-04-01', quantity: 10 },
              { shipDate: '2025-05-01', quantity: 10 },
            ],
          },
        ],
      });
      const [a, b] = tranchesOf(o);
      for (const day of ['11', '12', '13']) {
        await f.pay(o.id, `2025-01-${day}`, '1.00');
        await f.ship(o.id, `2025-01-${day}`, [{ trancheId: a.id, quantity: 1 }]);
        await f.amend(o.id, `2025-01-${day}`, [{ trancheId: b.id, quantity: 20 + Number(day) }]);
      }
      await f.pay(o.id, '2025-01-14', '60000.00');
      for (const day of ['15', '16', '17']) await f.refund(o.id, `2025-01-${day}`, '1.00');

      for (const list of ['amendments', 'billing-schedule', 'payments', 'shipments', 'refunds']) {
        const path = `/purchase-orders/${o.id}/${list}`;
        const whole = (await get(path).expect(200)).body;
        expect(whole.nextCursor).toBeNull();
        expect(whole.items.length).toBeGreaterThanOrEqual(3);
        expect(await f.all(path, 1)).toEqual(whole.items);
        expect(await f.all(path, 2)).toEqual(whole.items);
      }
      // The schedule reads by due date: deposits, then each date's milestones in tranche order.
      const schedule = (await get(`/purchase-orders/${o.id}/billing-schedule`)).body.items as {
        dueOn: string;
      }[];
      expect(schedule.map((i) => i.dueOn)).toEqual([...schedule.map((i) => i.dueOn)].sort());

      // A cursor belongs to the kind of list it came from.
      const page = async (list: string) =>
        (await get(`/purchase-orders/${o.id}/${list}?limit=1`)).body.nextCursor as string;
      const fromSchedule = await page('billing-schedule');
      const fromPayments = await page('payments');
      for (const [list, cursor] of [
        ['payments', fromSchedule],
        ['amendments', fromSchedule],
        ['billing-schedule', fromPayments],
        ['billing-schedule', 'bm90IGEgY3Vyc29y'],
      ]) {
        const res = await get(`/purchase-orders/${o.id}/${list}?cursor=${cursor}`).expect(400);
        expect(res.body.code).toBe('INVALID_CURSOR');
      }
      await get(`/purchase-orders/${UNKNOWN}/refunds`).expect(404);
      await get(`/purchase-orders/${UNKNOWN}/amendments`).expect(404);
      await get(`/purchase-orders/${UNKNOWN}/billing-schedule`).expect(404);
    });

    it('makes cancel honour If-Match', async () => {
      const o = await order();
      const body = { reason: 'withdrawn', effectiveOn: '2025-01-20' };
      const stale = await t
        .http()
        .post(`/api/v1/purchase-orders/${o.id}/cancel`)
        .set('X-API-Key', t.adminKey)
        .set('If-Match', `"${o.version - 1}"`)
        .send(body)
        .expect(412);
      expect(stale.body.code).toBe('VERSION_MISMATCH');
      expect((await get(`/purchase-orders/${o.id}`)).body.status).toBe('confirmed');
      await t
        .http()
        .post(`/api/v1/purchase-orders/${o.id}/cancel`)
        .set('X-API-Key', t.adminKey)
        .set('If-Match', `"${o.version}"`)
        .send(body)
        .expect(200);
    });
  });

  it('documents the new routes, their problems and the event types', async () => {
    const doc = (await t.http().get('/docs-json').expect(200)).body;
    const routes: [string, string, string[]][] = [
      ['/api/v1/purchase-orders/{id}/payments/{paymentId}/reverse', 'post', ['404', '409', '422']],
      ['/api/v1/shipments/{id}/reverse', 'post', ['404', '409', '422']],
      ['/api/v1/purchase-orders/{id}/refunds', 'post', ['404', '409', '422']],
      ['/api/v1/purchase-orders/{id}/refunds', 'get', ['404']],
      ['/api/v1/purchase-orders/{id}', 'delete', ['404', '409']],
      ['/api/v1/purchase-orders/{id}/cancel', 'post', ['409', '412', '422']],
      ['/api/v1/payments/by-external-ref/{ref}', 'get', ['404']],
      ['/api/v1/shipments/by-external-ref/{ref}', 'get', ['404']],
    ];
    for (const [path, method, codes] of routes) {
      const responses = doc.paths[path][method].responses;
      for (const code of ['400', '401', '403', ...codes]) expect(responses[code]).toBeDefined();
    }
    expect(
      doc.paths['/api/v1/purchase-orders/{id}/payments/{paymentId}/reverse'].post.responses['409']
        .description,
    ).toContain('ALREADY_REVERSED');
    // The feed knows the new event types.
    const types = 'payment.reversed,shipment.reversed,refund.paid,purchase_order.deleted';
    await get(`/events?types=${types}`).expect(200);
    expect(doc.components.schemas.Problem.properties.existingId).toBeDefined();
  });
});
