import { today } from '../../src/common/dates';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

// SPEC §10, computed by hand: reversals of a payment and of a shipment, a price cut freeing cash
// that is refunded, and a price rise, each read through the API on both sides of its date.

interface Order {
  id: string;
  version: number;
  status: string;
  totals: Record<string, unknown>;
  lines: { tranches: { id: string; shipDate: string; unitPrice: string }[] }[];
}

interface Instalment {
  kind: string;
  trancheId: string | null;
  dueOn: string;
  amount: string;
  paidAmount: string;
  voidedAmount: string;
  status: string;
}

describe('corrections computed by hand', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ listPrice: '1000.00' })).id;
    // 40 % deposit 10 days after signing; 60 % of each tranche 30 days before it ships.
    await f.terms('PT-40/60', 40, 10, [{ percent: 60, dueDaysFromShip: -30 }]);
    // 50 % deposit 7 days after signing; 50 % of each tranche 10 days before it ships.
    await f.terms('PT-50/50', 50, 7, [{ percent: 50, dueDaysFromShip: -10 }]);
  });
  afterAll(() => t.close());

  const get = (path: string) => t.http().get(`/api/v1${path}`).set('X-API-Key', t.adminKey);
  const balances = async (customerId: string, asOf: string) =>
    (await f.report('contract-balances', { asOf, customerId })).totals;
  const backlog = async (customerId: string, asOf: string) =>
    (await f.report('backlog', { asOf, customerId })).totals;
  const schedule = async (orderId: string) =>
    (await f.all<Instalment>(`/purchase-orders/${orderId}/billing-schedule`)).map((i) => [
      i.kind,
      i.dueOn,
      i.amount,
      i.paidAmount,
      i.voidedAmount,
      i.status,
    ]);
  /** What the schedule in force at `asOf` still expects: overdue, then per month. */
  const expected = async (customerId: string, asOf: string) => {
    const cash = await f.report('cash-forecast', {
      asOf,
      customerId,
      from: '2024-01',
      to: '2024-07',
    });
    return {
      overdue: cash.overdue.amount,
      ...Object.fromEntries(
        cash.periods
          .filter((p: { expectedCash: string }) => p.expectedCash !== '0.00')
          .map((p: { period: string; expectedCash: string }) => [p.period, p.expectedCash]),
      ),
    };
  };
  /** 10 × 1,000.00 shipping on `shipDate`. */
  const oneTranche = (customerId: string, terms: string, shipDate: string) =>
    f.order({
      customerId,
      signedOn: '2024-01-10',
      paymentTermsCode: terms,
      lines: [
        { productModelId: modelId, unitPrice: '1000.00', tranches: [{ shipDate, quantity: 10 }] },
      ],
    });
  const twoTranches = (customerId: string, terms: string) =>
    f.order({
      customerId,
      signedOn: '2024-01-10',
      paymentTermsCode: terms,
      lines: [
        {
          productModelId: modelId,
          unitPrice: '1000.00',
          tranches: [
            { shipDate: '2024-04-01', quantity: 10 },
            { shipDate: '2024-05-01', quantity: 10 },
          ],
        },
      ],
    });

  describe('a payment reversed after it paid the deposit and part of a milestone', () => {
    // T1 10 × 1,000.00 ships 2024-04-01, T2 10 × 1,000.00 ships 2024-05-01: value 20,000.00.
    // Deposit 40 % = 8,000.00 due 2024-01-20 (4,000.00 a tranche); M1 6,000.00 due 2024-03-02
    // (2024-04-01 − 30 days), M2 6,000.00 due 2024-04-01 (2024-05-01 − 30 days).
    // P1 10,000.00 on 2024-01-20: the deposit 8,000.00 and 2,000.00 of M1.
    // P2 3,000.00 on 2024-02-15: 3,000.00 more of M1 (5,000.00 of 6,000.00 paid).
    // P1 reversed on 2024-03-01.
    let customerId: string;
    let order: Order;
    let p1: { id: string };
    let p2: { id: string };

    beforeAll(async () => {
      customerId = (await f.customer()).id;
      order = await twoTranches(customerId, 'PT-40/60');
      p1 = await f.pay(order.id, '2024-01-20', '10000.00');
      p2 = await f.pay(order.id, '2024-02-15', '3000.00');
    });

    it('answers with the payment, reversed, and reads it back so', async () => {
      const reversed = await f.reversePayment(order.id, p1.id, '2024-03-01');
      expect(reversed).toMatchObject({
        id: p1.id,
        amount: '10000.00',
        receivedOn: '2024-01-20',
        reversedOn: '2024-03-01',
        reversalReason: 'test',
      });
      const payments = await f.all(`/purchase-orders/${order.id}/payments`);
      expect(payments.map((p) => [p.id, p.reversedOn, p.reversalReason])).toEqual([
        [p1.id, '2024-03-01', 'test'],
        [p2.id, null, null],
      ]);
      const [event] = await t.sql<{ type: string; data: { reversedOn: string } }>(
        `SELECT type, data FROM event WHERE entity_id = $1 AND type = 'payment.reversed'`,
        [p1.id],
      );
      expect(event.data.reversedOn).toBe('2024-03-01');
    });

    it('keeps the day before as it was booked', async () => {
      // Cash 13,000.00, all held for open units: T1 pool 4,000 + 5,000, T2 pool 4,000.
      expect(await balances(customerId, '2024-02-29')).toMatchObject({
        cashReceived: '13000.00',
        recognizedRevenue: '0.00',
        contractLiability: '13000.00',
        receivable: '0.00',
        unappliedCredit: '0.00',
      });
      // Still due: M1's last 1,000.00 in March, M2's 6,000.00 in April; nothing overdue.
      expect(await expected(customerId, '2024-02-29')).toEqual({
        overdue: '0.00',
        '2024-03': '1000.00',
        '2024-04': '6000.00',
      });
    });

    it('replays the book without it from the reversal date: P2 moves to the deposit', async () => {
      // Without P1, P2's 3,000.00 goes to the earliest open instalment, the deposit (8,000.00),
      // 1,500.00 to each tranche's share. Cash received 13,000 − 10,000 = 3,000.00.
      expect(await balances(customerId, '2024-03-01')).toMatchObject({
        cashReceived: '3000.00',
        recognizedRevenue: '0.00',
        contractLiability: '3000.00',
        receivable: '0.00',
        unappliedCredit: '0.00',
      });
      // Deposit 8,000 − 3,000 = 5,000.00 overdue (due 2024-01-20); M1 6,000.00 and M2 6,000.00 open again.
      expect(await expected(customerId, '2024-03-01')).toEqual({
        overdue: '5000.00',
        '2024-03': '6000.00',
        '2024-04': '6000.00',
      });
      expect(await schedule(order.id)).toEqual([
        ['deposit', '2024-01-20', '8000.00', '3000.00', '0.00', 'open'],
        ['milestone', '2024-03-02', '6000.00', '0.00', '0.00', 'open'],
        ['milestone', '2024-04-01', '6000.00', '0.00', '0.00', 'open'],
      ]);
      expect((await backlog(customerId, '2024-03-01')).openValue).toBe('20000.00');
    });

    it('refuses a second reversal and one dated before the payment, writing nothing', async () => {
      const post = (paymentId: string, reversedOn: string) =>
        t
          .http()
          .post(`/api/v1/purchase-orders/${order.id}/payments/${paymentId}/reverse`)
          .set('X-API-Key', t.adminKey)
          .send({ reversedOn, reason: 'again' });
      const version = (await get(`/purchase-orders/${order.id}`)).body.version;
      expect((await post(p1.id, '2024-03-05').expect(409)).body.code).toBe('ALREADY_REVERSED');
      const early = await post(p2.id, '2024-02-14').expect(422);
      expect(early.body).toMatchObject({
        code: 'DATE_OUT_OF_RANGE',
        errors: [{ path: 'reversedOn', message: 'must lie between 2024-02-15 and ' + today() }],
      });
      expect((await get(`/purchase-orders/${order.id}`)).body.version).toBe(version);
      const [{ n }] = await t.sql<{ n: number }>(
        'SELECT count(*)::int AS n FROM payment_reversal WHERE purchase_order_id = $1',
        [order.id],
      );
      expect(n).toBe(1);
    });
  });

  describe('a shipment reversed after its milestone was partly paid', () => {
    // One tranche, 10 × 1,000.00 shipping 2024-04-01: deposit 4,000.00 due 2024-01-20, M1
    // 6,000.00 due 2024-03-02. Paid: 4,000.00 on 2024-01-20, 3,000.00 of M1 on 2024-03-02.
    // Shipped whole on 2024-04-01 (the order completes); the goods come back on 2024-04-10.
    let customerId: string;
    let order: Order;
    let shipment: { id: string };

    beforeAll(async () => {
      customerId = (await f.customer()).id;
      order = await oneTranche(customerId, 'PT-40/60', '2024-04-01');
      await f.pay(order.id, '2024-01-20', '4000.00');
      await f.pay(order.id, '2024-03-02', '3000.00');
      const [tranche] = tranchesOf(order);
      shipment = await f.ship(order.id, '2024-04-01', [{ trancheId: tranche.id, quantity: 10 }]);
    });

    const plan = async () =>
      (await f.all(`/delivery-plan/tranches?purchaseOrderId=${order.id}`)).map((p) => [
        p.trancheId,
        p.openQuantity,
      ]);

    it('takes the completed order back to confirmed, and into the delivery plan', async () => {
      expect((await get(`/purchase-orders/${order.id}`)).body.status).toBe('completed');
      expect(await plan()).toEqual([]);
      const reversed = await f.reverseShipment(shipment.id, '2024-04-10');
      expect(reversed).toMatchObject({ id: shipment.id, reversedOn: '2024-04-10' });
      const after = (await get(`/purchase-orders/${order.id}`)).body;
      expect(after.status).toBe('confirmed');
      expect(after.totals).toMatchObject({ shippedQuantity: 0, openQuantity: 10 });
      expect(await plan()).toEqual([[tranchesOf(order)[0].id, 10]]);
      const events = await t.sql<{ type: string }>(
        `SELECT type FROM event WHERE entity_id IN ($1, $2) ORDER BY id`,
        [order.id, shipment.id],
      );
      expect(events.map((e) => e.type).slice(-2)).toEqual([
        'purchase_order.updated',
        'shipment.reversed',
      ]);
      const listed = await f.all(`/shipments?customerId=${customerId}`);
      expect(listed.map((s) => [s.id, s.reversedOn])).toEqual([[shipment.id, '2024-04-10']]);
    });

    it('shows the shipment in force the day before', async () => {
      // The pool of 4,000 + 3,000 = 7,000.00 went to the shipped units: receivable
      // 10,000 − 7,000 = 3,000.00; nothing open, no liability. 7,000 − 10,000 = 0 − 3,000.
      expect(await balances(customerId, '2024-04-09')).toMatchObject({
        cashReceived: '7000.00',
        recognizedRevenue: '10000.00',
        forfeitedRevenue: '0.00',
        contractLiability: '0.00',
        receivable: '3000.00',
      });
      expect(await backlog(customerId, '2024-04-09')).toMatchObject({
        openQuantity: 0,
        openValue: '0.00',
      });
    });

    it('opens the units again from the reversal date, with the pool they had', async () => {
      // As if never shipped: 10 units open (10,000.00), the 7,000.00 back in their pool, no
      // receivable, no revenue. 7,000 − 0 = 7,000 − 0.
      expect(await balances(customerId, '2024-04-10')).toMatchObject({
        cashReceived: '7000.00',
        recognizedRevenue: '0.00',
        forfeitedRevenue: '0.00',
        contractLiability: '7000.00',
        receivable: '0.00',
      });
      expect(await backlog(customerId, '2024-04-10')).toMatchObject({
        openQuantity: 10,
        openValue: '10000.00',
      });
      // Revenue: +10,000.00 on 2024-04-01, −10,000.00 on 2024-04-10.
      const april = async (asOf: string) =>
        (await f.report('revenue-forecast', { asOf, customerId, from: '2024-04', to: '2024-04' }))
          .periods[0];
      expect((await april('2024-04-09')).recognizedRevenue).toBe('10000.00');
      expect((await april('2024-04-30')).recognizedRevenue).toBe('0.00');
      expect(
        await t.sql(
          'SELECT on_date::text, units, amount_cents FROM recognition WHERE purchase_order_id = $1 ORDER BY on_date',
          [order.id],
        ),
      ).toEqual([
        { on_date: '2024-04-01', units: 10, amount_cents: 1_000_000 },
        { on_date: '2024-04-10', units: -10, amount_cents: -1_000_000 },
      ]);
    });
  });

  describe('a price cut on a partly shipped, partly paid tranche frees cash, which is refunded', () => {
    // One tranche, 10 × 1,000.00 shipping 2024-06-01: deposit 50 % = 5,000.00 due 2024-01-17,
    // M1 5,000.00 due 2024-05-22. Paid 5,000.00 on 2024-01-17 and 4,000.00 of M1 on 2024-02-01:
    // pool 9,000.00. 4 units ship early on 2024-02-10 and take 4/10 of the pool, 3,600.00
    // (receivable 4,000 − 3,600 = 400.00; pool 5,400.00 for 6 open units).
    // On 2024-03-01 the open units' price is cut to 600.00: Δ = −400 × 6 = −2,400.00.
    // - M1's unpaid 1,000.00 is voided; 1,400.00 of the cut finds nothing unpaid to void.
    // - The pool 5,400.00 now exceeds the open value 6 × 600 = 3,600.00 by 1,800.00: 400.00
    //   settles the shipped units' receivable, 1,400.00 becomes unapplied credit (and M1 reads
    //   paid 4,000 − 1,400 = 2,600.00, voided 1,000 + 1,400 = 2,400.00).
    let customerId: string;
    let order: Order;

    beforeAll(async () => {
      customerId = (await f.customer()).id;
      order = await oneTranche(customerId, 'PT-50/50', '2024-06-01');
      const [tranche] = tranchesOf(order);
      await f.pay(order.id, '2024-01-17', '5000.00');
      await f.pay(order.id, '2024-02-01', '4000.00');
      await f.ship(order.id, '2024-02-10', [{ trancheId: tranche.id, quantity: 4 }]);
      order = await f.amend(order.id, '2024-03-01', [
        { trancheId: tranche.id, unitPrice: '600.00' },
      ]);
    });

    it('prices the open units at 600.00 from the effective date, the shipped ones at 1,000.00', async () => {
      expect(order.lines[0].tranches[0].unitPrice).toBe('600.00');
      // 4 × 1,000 + 6 × 600 = 7,600.00
      expect(order.totals).toMatchObject({
        value: '7600.00',
        openValue: '3600.00',
      });
      expect((await backlog(customerId, '2024-02-29')).openValue).toBe('6000.00');
      expect((await backlog(customerId, '2024-03-01')).openValue).toBe('3600.00');
      const [amendment] = await f.all(`/purchase-orders/${order.id}/amendments`);
      expect(amendment.changes).toEqual([
        { type: 'price_change', trancheId: tranchesOf(order)[0].id, unitPrice: '600.00' },
      ]);
    });

    it('moves the excess to unapplied credit, the receivable settled first', async () => {
      // Before: 9,000 − 4,000 = 5,400 − 400.
      expect(await balances(customerId, '2024-02-29')).toMatchObject({
        cashReceived: '9000.00',
        recognizedRevenue: '4000.00',
        contractLiability: '5400.00',
        receivable: '400.00',
        unappliedCredit: '0.00',
      });
      // After: pool 3,600 + credit 1,400 = 5,000.00; 9,000 − 4,000 = 5,000 − 0.
      expect(await balances(customerId, '2024-03-01')).toMatchObject({
        cashReceived: '9000.00',
        recognizedRevenue: '4000.00',
        contractLiability: '5000.00',
        receivable: '0.00',
        unappliedCredit: '1400.00',
      });
      // Σ (amount − voided) = 10,000 − 2,400 = 7,600.00, the value in force; Σ paid 7,600 + credit 1,400 = 9,000.
      expect(await schedule(order.id)).toEqual([
        ['deposit', '2024-01-17', '5000.00', '5000.00', '0.00', 'paid'],
        ['milestone', '2024-05-22', '5000.00', '2600.00', '2400.00', 'paid'],
      ]);
    });

    it('refuses a refund above the credit and writes nothing', async () => {
      const events = async () =>
        (await t.sql<{ n: number }>('SELECT count(*)::int AS n FROM event'))[0].n;
      const before = await events();
      const res = await t
        .http()
        .post(`/api/v1/purchase-orders/${order.id}/refunds`)
        .set('X-API-Key', t.adminKey)
        .send({ amount: '1400.01', paidOn: '2024-03-05', reference: 'too much' })
        .expect(409);
      expect(res.body.code).toBe('REFUND_EXCEEDS_CREDIT');
      expect(await events()).toBe(before);
      expect(await f.all(`/purchase-orders/${order.id}/refunds`)).toEqual([]);
      expect((await get(`/purchase-orders/${order.id}`)).body.version).toBe(order.version);
    });

    it('pays the credit back, leaving the liability of the open units', async () => {
      const refund = await f.refund(order.id, '2024-03-05', '1400.00');
      expect(refund).toMatchObject({ amount: '1400.00', paidOn: '2024-03-05' });
      expect(await f.all(`/purchase-orders/${order.id}/refunds`)).toEqual([refund]);
      expect(await balances(customerId, '2024-03-04')).toMatchObject({
        contractLiability: '5000.00',
        unappliedCredit: '1400.00',
      });
      // Credit 0; the 6 open units' pool 6 × 600 = 3,600.00 (fully prepaid).
      // 9,000 received − 1,400 refunded − 4,000 recognised = 3,600 − 0.
      expect(await balances(customerId, '2024-03-05')).toMatchObject({
        recognizedRevenue: '4000.00',
        contractLiability: '3600.00',
        receivable: '0.00',
        unappliedCredit: '0.00',
      });
      const [event] = await t.sql<{ type: string }>(`SELECT type FROM event WHERE entity_id = $1`, [
        refund.id,
      ]);
      expect(event.type).toBe('refund.paid');
    });
  });

  it('spends cash freed by a price cut on the order’s other open instalments first', async () => {
    // PT-50/50 on T1 and T2 (10 × 1,000.00 each, shipping 2024-04-01 and 2024-05-01): deposit
    // 10,000.00 due 2024-01-17, M1 5,000.00 due 2024-03-22, M2 5,000.00 due 2024-04-21.
    // 15,000.00 paid on 2024-01-17 settles the deposit and M1: T1 is fully prepaid (pool 10,000).
    // T1 cut to 800.00 on 2024-03-01: Δ = −2,000.00, nothing unpaid on T1 to void, so its pool
    // exceeds 10 × 800 by 2,000.00, which leaves T1 and pays 2,000.00 of M2.
    const customerId = (await f.customer()).id;
    const order = await twoTranches(customerId, 'PT-50/50');
    const [t1] = tranchesOf(order);
    await f.pay(order.id, '2024-01-17', '15000.00');
    await f.amend(order.id, '2024-03-01', [{ trancheId: t1.id, unitPrice: '800.00' }]);
    expect(await schedule(order.id)).toEqual([
      ['deposit', '2024-01-17', '10000.00', '10000.00', '0.00', 'paid'],
      ['milestone', '2024-03-22', '5000.00', '3000.00', '2000.00', 'paid'],
      ['milestone', '2024-04-21', '5000.00', '2000.00', '0.00', 'open'],
    ]);
    // No credit left: pools 8,000 + 7,000 = 15,000.00.
    expect(await balances(customerId, '2024-03-01')).toMatchObject({
      contractLiability: '15000.00',
      unappliedCredit: '0.00',
    });
    const refused = await t
      .http()
      .post(`/api/v1/purchase-orders/${order.id}/refunds`)
      .set('X-API-Key', t.adminKey)
      .send({ amount: '0.01', paidOn: '2024-03-01' })
      .expect(409);
    expect(refused.body.code).toBe('REFUND_EXCEEDS_CREDIT');
  });

  it('bills a price rise as one milestone of the difference, due on the ship date in force', async () => {
    // One tranche, 10 × 1,000.00 shipping 2024-06-01 (PT-40/60: deposit 4,000.00 due 2024-01-20,
    // M1 6,000.00 due 2024-05-02). Raised to 1,100.00 on 2024-03-01: Δ = 100 × 10 = 1,000.00,
    // due 2024-06-01; the tranche then moves to 2024-07-01 on 2024-03-15, and so does Δ.
    const customerId = (await f.customer()).id;
    const order = await oneTranche(customerId, 'PT-40/60', '2024-06-01');
    const [tranche] = tranchesOf(order);
    const raised = await f.amend(order.id, '2024-03-01', [
      { trancheId: tranche.id, unitPrice: '1100.00' },
    ]);
    expect(raised.totals).toMatchObject({ value: '11000.00', openValue: '11000.00' });
    expect(await schedule(order.id)).toEqual([
      ['deposit', '2024-01-20', '4000.00', '0.00', '0.00', 'open'],
      ['milestone', '2024-05-02', '6000.00', '0.00', '0.00', 'open'],
      ['milestone', '2024-06-01', '1000.00', '0.00', '0.00', 'open'],
    ]);
    await f.amend(order.id, '2024-03-15', [{ trancheId: tranche.id, shipDate: '2024-07-01' }]);
    // 4,000 + 6,000 + 1,000 = 11,000.00 = 10 × 1,100.00
    expect(await schedule(order.id)).toEqual([
      ['deposit', '2024-01-20', '4000.00', '0.00', '0.00', 'open'],
      ['milestone', '2024-06-01', '6000.00', '0.00', '0.00', 'open'],
      ['milestone', '2024-07-01', '1000.00', '0.00', '0.00', 'open'],
    ]);
    expect((await backlog(customerId, '2024-02-29')).openValue).toBe('10000.00');
    expect((await backlog(customerId, '2024-03-01')).openValue).toBe('11000.00');
  });
});
