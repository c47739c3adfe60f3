import { expectProblem } from '../support/problems';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

// SPEC §15, computed by hand: lines priced per TH/s and shipments trued up on the TH/s delivered.
// The model makes 90 TH/s a unit; 28.50 per TH/s gives a unit price of 28.50 × 90 = 2,565.00, and
// a tranche of 100 units is worth 256,500.00 and 9,000 TH/s nominal. Orders allow 3 % (270 TH/s).
// Terms PT-30: 30 % deposit 7 days after signing (76,950.00), 70 % of a tranche 19 days before it
// ships (179,550.00 due 2025-02-10 for a tranche shipping 2025-03-01).

interface Order {
  id: string;
  version: number;
  hashrateTolerancePercent: number;
  totals: { value: string };
  lines: {
    id: string;
    unitPrice: string;
    pricePerThs: string | null;
    unitHashrateThs: number | null;
    tranches: { id: string; shipDate: string; unitPrice: string }[];
  }[];
}

describe('miner contracts: price per TH/s and hash-rate true-ups', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ hashrateThs: 90, listPrice: '3060.00' })).id;
    await f.terms('PT-30-THS', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
  });
  afterAll(() => t.close());

  const post = (path: string, body: object) =>
    t.http().post(`/api/v1${path}`).set('X-API-Key', t.adminKey).send(body);
  const perThsOrder = (customerId: string, confirm = true): Promise<Order> =>
    f.order(
      {
        customerId,
        signedOn: '2025-01-10',
        paymentTermsCode: 'PT-30-THS',
        hashrateTolerancePercent: 3,
        lines: [
          {
            productModelId: modelId,
            pricePerThs: '28.50',
            tranches: [{ shipDate: '2025-03-01', quantity: 100 }],
          },
        ],
      },
      confirm,
    );
  const shipThs = async (order: Order, quantity: number, deliveredThs: number) => {
    const res = await post(`/purchase-orders/${order.id}/shipments`, {
      shippedOn: '2025-03-01',
      items: [{ trancheId: tranchesOf(order)[0].id, quantity, deliveredThs }],
    });
    expect(res.status).toBe(201);
    return res.body as {
      id: string;
      deliveredThs: number;
      trueUp: string;
      items: { deliveredThs: number; trueUp: string }[];
    };
  };
  const march = async (customerId: string, asOf = '2025-12-31') => {
    const report = await f.report('revenue-forecast', {
      asOf,
      customerId,
      from: '2025-03',
      to: '2025-04',
    });
    return report.periods.map((p: Record<string, unknown>) => [
      p.period,
      p.recognizedRevenue,
      p.trueUpRevenue,
    ]);
  };
  const balances = async (customerId: string, asOf: string) =>
    (await f.report('contract-balances', { asOf, customerId })).totals;

  it('derives the unit price from the price per TH/s and returns both', async () => {
    const customerId = (await f.customer()).id;
    const order = await perThsOrder(customerId, false);
    expect(order.hashrateTolerancePercent).toBe(3);
    expect(order.lines[0]).toMatchObject({
      unitPrice: '2565.00',
      pricePerThs: '28.50',
      unitHashrateThs: 90,
    });
    expect(order.lines[0].tranches[0].unitPrice).toBe('2565.00');
    expect(order.totals.value).toBe('256500.00');
    const read = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}`)
      .set('X-API-Key', t.adminKey);
    expect(read.body.lines[0]).toMatchObject({ unitPrice: '2565.00', pricePerThs: '28.50' });
  });

  it('rounds the derived price half up to the cent', async () => {
    // 88.5 TH/s × 17.25 = 1,526.625 → 1,526.63.
    const odd = (await f.productModel({ hashrateThs: 88.5 })).id;
    const order = await f.order(
      {
        customerId: (await f.customer()).id,
        signedOn: '2025-01-10',
        lines: [
          {
            productModelId: odd,
            pricePerThs: '17.25',
            tranches: [{ shipDate: '2025-03-01', quantity: 2 }],
          },
        ],
      },
      false,
    );
    expect(order.lines[0].unitPrice).toBe('1526.63');
    expect(order.totals.value).toBe('3053.26');
  });

  it('refuses pricePerThs beside unitPrice, a price on its tranches, and a tolerance above 10, writing nothing', async () => {
    const customerId = (await f.customer()).id;
    const line = { productModelId: modelId, pricePerThs: '28.50' };
    const tranche = { shipDate: '2025-03-01', quantity: 1 };
    const bodies = [
      { lines: [{ ...line, unitPrice: '2565.00', tranches: [tranche] }] },
      { lines: [{ ...line, tranches: [{ ...tranche, unitPrice: '2565.00' }] }] },
      { hashrateTolerancePercent: 10.5, lines: [{ ...line, tranches: [tranche] }] },
      { hashrateTolerancePercent: 2.555, lines: [{ ...line, tranches: [tranche] }] },
      { lines: [{ ...line, tranches: [{ ...tranche, quantity: 0 }] }] },
    ];
    for (const body of bodies) {
      const res = await post('/purchase-orders', { customerId, signedOn: '2025-01-10', ...body });
      expectProblem(res, 400, 'VALIDATION_FAILED');
    }
    const [{ count }] = await t.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM purchase_order WHERE customer_id = $1',
      [customerId],
    );
    expect(count).toBe(0);
  });

  it('trues up nothing within the tolerance', async () => {
    const customerId = (await f.customer()).id;
    const order = await perThsOrder(customerId);
    // 8,800 TH/s is 200 short of 9,000: within 270.
    const shipment = await shipThs(order, 100, 8_800);
    expect(shipment).toMatchObject({ deliveredThs: 8800, trueUp: '0.00' });
    expect(await march(customerId)).toEqual([
      ['2025-03', '256500.00', '0.00'],
      ['2025-04', '0.00', '0.00'],
    ]);
  });

  describe('below the tolerance on a fully prepaid tranche', () => {
    // Paid 256,500.00 in full on 2025-01-15. Delivered 8,700 TH/s: −300 × 28.50 = −8,550.00.
    // Revenue 256,500.00 − 8,550.00 = 247,950.00; the milestone (latest due) gives back 8,550.00
    // of what it was paid, which becomes unapplied credit on the ship date.
    let customerId: string;
    let order: Order;
    let shipmentId: string;

    beforeAll(async () => {
      customerId = (await f.customer()).id;
      order = await perThsOrder(customerId);
      await f.pay(order.id, '2025-01-15', '256500.00');
      const shipment = await shipThs(order, 100, 8_700);
      expect(shipment).toMatchObject({
        deliveredThs: 8700,
        trueUp: '-8550.00',
        items: [{ deliveredThs: 8700, trueUp: '-8550.00' }],
      });
      shipmentId = shipment.id;
    });

    it('recognises the trued-up value and shows the credit from the ship date', async () => {
      expect(await balances(customerId, '2025-02-28')).toMatchObject({
        recognizedRevenue: '0.00',
        unappliedCredit: '0.00',
        contractLiability: '256500.00',
      });
      expect(await balances(customerId, '2025-03-01')).toMatchObject({
        cashReceived: '256500.00',
        recognizedRevenue: '247950.00',
        unappliedCredit: '8550.00',
        contractLiability: '8550.00',
        receivable: '0.00',
      });
      expect(await march(customerId)).toEqual([
        ['2025-03', '247950.00', '-8550.00'],
        ['2025-04', '0.00', '0.00'],
      ]);
      const schedule = await f.all<Record<string, string>>(
        `/purchase-orders/${order.id}/billing-schedule`,
      );
      expect(schedule.map((i) => [i.kind, i.amount, i.paidAmount, i.voidedAmount])).toEqual([
        ['deposit', '76950.00', '76950.00', '0.00'],
        ['milestone', '179550.00', '171000.00', '8550.00'],
      ]);
    });

    it('takes the true-up back with a reversal of the shipment', async () => {
      await f.reverseShipment(shipmentId, '2025-04-10');
      expect(await balances(customerId, '2025-04-10')).toMatchObject({
        recognizedRevenue: '0.00',
        unappliedCredit: '0.00',
        contractLiability: '256500.00',
      });
      // April: −247,950.00 recognised, of which +8,550.00 the true-up taken back.
      expect(await march(customerId)).toEqual([
        ['2025-03', '247950.00', '-8550.00'],
        ['2025-04', '-247950.00', '8550.00'],
      ]);
      const [read] = await f.all<Record<string, unknown>>(`/purchase-orders/${order.id}/shipments`);
      expect(read).toMatchObject({ trueUp: '-8550.00', reversedOn: '2025-04-10' });
    });
  });

  it('adds one instalment due on the ship date above the tolerance on an unpaid tranche', async () => {
    // Delivered 9,270.01 TH/s: +270.01 × 28.50 = 7,695.285 → 7,695.29.
    const customerId = (await f.customer()).id;
    const order = await perThsOrder(customerId);
    const shipment = await shipThs(order, 100, 9_270.01);
    expect(shipment.trueUp).toBe('7695.29');
    const schedule = await f.all<Record<string, string>>(
      `/purchase-orders/${order.id}/billing-schedule`,
    );
    expect(schedule.map((i) => [i.kind, i.dueOn, i.amount, i.status])).toEqual([
      ['deposit', '2025-01-17', '76950.00', 'open'],
      ['milestone', '2025-02-10', '179550.00', 'open'],
      ['milestone', '2025-03-01', '7695.29', 'open'],
    ]);
    expect(await balances(customerId, '2025-03-01')).toMatchObject({
      recognizedRevenue: '264195.29',
      receivable: '264195.29',
    });
    expect(await march(customerId)).toEqual([
      ['2025-03', '264195.29', '7695.29'],
      ['2025-04', '0.00', '0.00'],
    ]);
  });

  it('refuses deliveredThs ≤ 0 (400) and on a line priced per unit (422), writing nothing', async () => {
    const customerId = (await f.customer()).id;
    const perUnit = await f.order({
      customerId,
      signedOn: '2025-01-10',
      lines: [
        {
          productModelId: modelId,
          unitPrice: '3000.00',
          tranches: [{ shipDate: '2025-03-01', quantity: 10 }],
        },
      ],
    });
    const perThs = await perThsOrder(customerId);
    const shipment = (order: Order, deliveredThs: number, quantity = 1) =>
      post(`/purchase-orders/${order.id}/shipments`, {
        shippedOn: '2025-03-01',
        items: [{ trancheId: tranchesOf(order)[0].id, quantity, deliveredThs }],
      });
    expectProblem(await shipment(perThs, 0), 400, 'VALIDATION_FAILED');
    expectProblem(await shipment(perThs, -90), 400, 'VALIDATION_FAILED');
    expectProblem(await shipment(perThs, 90, 0), 400, 'VALIDATION_FAILED');
    expectProblem(await shipment(perUnit, 900), 422, 'PRICED_PER_UNIT');
    const [{ count }] = await t.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM shipment WHERE customer_id = $1',
      [customerId],
    );
    expect(count).toBe(0);
  });

  it('keeps a per-TH line’s price with its price per TH/s in amendments', async () => {
    const customerId = (await f.customer()).id;
    const order = await perThsOrder(customerId);
    const amend = (changes: object[]) =>
      post(`/purchase-orders/${order.id}/amendments`, {
        effectiveOn: '2025-02-01',
        reason: 'test',
        changes,
      });
    expectProblem(
      await amend([
        { lineId: order.lines[0].id, shipDate: '2025-04-01', quantity: 5, unitPrice: '1.00' },
      ]),
      400,
      'VALIDATION_FAILED',
    );
    expectProblem(
      await amend([{ trancheId: tranchesOf(order)[0].id, unitPrice: '2000.00' }]),
      422,
      'PRICED_PER_THS',
    );
    // A tranche added without a price takes the line's: 5 × 2,565.00.
    const res = await amend([{ lineId: order.lines[0].id, shipDate: '2025-04-01', quantity: 5 }]);
    expect(res.status).toBe(200);
    const read = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}`)
      .set('X-API-Key', t.adminKey);
    expect(read.body.lines[0].tranches.map((x: { unitPrice: string }) => x.unitPrice)).toEqual([
      '2565.00',
      '2565.00',
    ]);
    expect(read.body.totals.value).toBe('269325.00'); // 105 × 2,565.00
  });
});
