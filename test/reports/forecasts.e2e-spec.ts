import { Clock } from '../../src/common/clock';
import { today } from '../../src/common/dates';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

const period = (p: Record<string, unknown>) => [
  p.period,
  p.recognizedRevenue,
  p.forfeitedRevenue,
  p.forecastRevenue,
  p.totalRevenue,
  p.shippedQuantity,
  p.forecastQuantity,
];

describe('revenue and cash forecasts, computed by hand', () => {
  let t: TestApp;
  let f: OrderFactory;
  let customerId: string;
  let modelId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ listPrice: '1000.00' })).id;
    customerId = (await f.customer()).id;
    await f.terms('PT-30', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
    // T1 100 × 1,000 on 2025-02-15; T2 100 × 1,000 on 2025-03-15; T3 50 × 2,000 on 2025-05-10.
    // Deposit 30 % of 300,000 = 90,000 due 2025-01-17 (30,000 a tranche); 70,000 a tranche 19 days before it ships.
    const order = await f.order({
      customerId,
      signedOn: '2025-01-10',
      paymentTermsCode: 'PT-30',
      lines: [
        {
          productModelId: modelId,
          unitPrice: '1000.00',
          tranches: [
            { shipDate: '2025-02-15', quantity: 100 },
            { shipDate: '2025-03-15', quantity: 100 },
            { shipDate: '2025-05-10', quantity: 50, unitPrice: '2000.00' },
          ],
        },
      ],
    });
    const [t1, t2, t3] = tranchesOf(order);
    await f.pay(order.id, '2025-01-17', '90000.00');
    await f.pay(order.id, '2025-01-27', '70000.00');
    await f.ship(order.id, '2025-02-15', [{ trancheId: t1.id, quantity: 100 }]);
    // Deferral: T2 moves from March to April (its milestone from 2025-02-24 to 2025-03-27).
    await f.amend(order.id, '2025-02-20', [{ trancheId: t2.id, shipDate: '2025-04-15' }]);
    // T3 cut from 50 to 20 units: 30 of 50 cancelled forfeit 30/50 of its 30,000 pool = 18,000.
    await f.amend(order.id, '2025-03-01', [{ trancheId: t3.id, quantity: 20 }]);
  });
  afterAll(() => t.close());

  it('splits recognised, forfeited and forecast revenue by month, deferral and cancellation included', async () => {
    const report = await f.report('revenue-forecast', {
      from: '2025-01',
      to: '2025-06',
      asOf: '2025-03-31',
      customerId,
    });
    expect(report.periods.map(period)).toEqual([
      ['2025-01', '0.00', '0.00', '0.00', '0.00', 0, 0],
      ['2025-02', '100000.00', '0.00', '0.00', '100000.00', 100, 0],
      ['2025-03', '0.00', '18000.00', '0.00', '18000.00', 0, 0],
      ['2025-04', '0.00', '0.00', '100000.00', '100000.00', 0, 100],
      ['2025-05', '0.00', '0.00', '40000.00', '40000.00', 0, 20],
      ['2025-06', '0.00', '0.00', '0.00', '0.00', 0, 0],
    ]);
    expect(report.totals).toEqual({
      recognizedRevenue: '100000.00',
      trueUpRevenue: '0.00',
      forfeitedRevenue: '18000.00',
      forecastRevenue: '140000.00',
      totalRevenue: '258000.00',
      shippedQuantity: 100,
      forecastQuantity: 120,
      optionRevenue: '0.00',
    });
    expect(report.overdue).toEqual({ quantity: 0, value: '0.00' });
  });

  it('shows the book as it stood before the deferral and the cancellation', async () => {
    const report = await f.report('revenue-forecast', {
      from: '2025-01',
      to: '2025-06',
      asOf: '2025-02-19',
      customerId,
    });
    expect(report.periods.map(period)).toEqual([
      ['2025-01', '0.00', '0.00', '0.00', '0.00', 0, 0],
      ['2025-02', '100000.00', '0.00', '0.00', '100000.00', 100, 0],
      ['2025-03', '0.00', '0.00', '100000.00', '100000.00', 0, 100],
      ['2025-04', '0.00', '0.00', '0.00', '0.00', 0, 0],
      ['2025-05', '0.00', '0.00', '100000.00', '100000.00', 0, 50],
      ['2025-06', '0.00', '0.00', '0.00', '0.00', 0, 0],
    ]);
  });

  it('sums quarters and keeps overdue units out of every period', async () => {
    const quarterly = await f.report('revenue-forecast', {
      from: '2025-01',
      to: '2025-06',
      asOf: '2025-03-31',
      granularity: 'quarter',
      customerId,
    });
    expect(quarterly.periods.map(period)).toEqual([
      ['2025-Q1', '100000.00', '18000.00', '0.00', '118000.00', 100, 0],
      ['2025-Q2', '0.00', '0.00', '140000.00', '140000.00', 0, 120],
    ]);
    // On 2025-04-20 T2 (due 2025-04-15) has not shipped: overdue, and April forecasts nothing.
    const late = await f.report('revenue-forecast', {
      from: '2025-04',
      to: '2025-05',
      asOf: '2025-04-20',
      customerId,
    });
    expect(late.overdue).toEqual({ quantity: 100, value: '100000.00' });
    expect(late.periods.map(period)).toEqual([
      ['2025-04', '0.00', '0.00', '0.00', '0.00', 0, 0],
      ['2025-05', '0.00', '0.00', '40000.00', '40000.00', 0, 20],
    ]);
  });

  it('groups each period by product model', async () => {
    const report = await f.report('revenue-forecast', {
      from: '2025-02',
      to: '2025-02',
      asOf: '2025-03-31',
      customerId,
      groupBy: 'productModel',
    });
    expect(report.periods[0].groups).toEqual([
      expect.objectContaining({
        key: modelId,
        recognizedRevenue: '100000.00',
        totalRevenue: '100000.00',
        shippedQuantity: 100,
      }),
    ]);
  });

  it('groups by customer when several customers ship on the same days', async () => {
    const [a, b] = [(await f.customer()).id, (await f.customer()).id];
    const line = (unitPrice: string, tranches: { shipDate: string; quantity: number }[]) => [
      { productModelId: modelId, unitPrice, tranches },
    ];
    const orderA = await f.order({
      customerId: a,
      signedOn: '2023-11-01',
      lines: line('1000.00', [
        { shipDate: '2023-12-10', quantity: 10 },
        { shipDate: '2024-01-05', quantity: 4 },
      ]),
    });
    await f.order({
      customerId: b,
      signedOn: '2023-11-01',
      lines: line('2000.00', [{ shipDate: '2023-12-10', quantity: 5 }]),
    });
    await f.order({
      customerId: b,
      signedOn: '2023-11-02',
      lines: line('1500.00', [{ shipDate: '2023-12-10', quantity: 2 }]),
    });
    // A ships 6 of its December tranche on 2023-12-10: recognised in December as of its end.
    await f.ship(orderA.id, '2023-12-10', [{ trancheId: tranchesOf(orderA)[0].id, quantity: 6 }]);
    const report = await f.report('revenue-forecast', {
      from: '2023-12',
      to: '2024-01',
      asOf: '2023-12-09',
      groupBy: 'customer',
    });
    const mine = (p: { groups: { key: string }[] }) =>
      p.groups.filter((g) => [a, b].includes(g.key));
    // As of 2023-12-09 nothing has shipped: A 10 × 1,000 in December, 4 × 1,000 in January;
    // B 5 × 2,000 + 2 × 1,500 = 13,000 in December.
    const [december, january] = report.periods;
    expect([december.period, january.period]).toEqual(['2023-12', '2024-01']);
    expect(mine(december)).toHaveLength(2);
    expect(mine(december)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ key: a, forecastRevenue: '10000.00', forecastQuantity: 10 }),
        expect.objectContaining({ key: b, forecastRevenue: '13000.00', forecastQuantity: 7 }),
      ]),
    );
    expect(mine(january)).toEqual([
      expect.objectContaining({ key: a, forecastRevenue: '4000.00', forecastQuantity: 4 }),
    ]);
    const after = await f.report('revenue-forecast', {
      from: '2023-12',
      to: '2023-12',
      asOf: '2023-12-31',
      groupBy: 'customer',
    });
    // 6 of A's 10 shipped: 6,000 recognised. A's other 4 and all of B's December units are overdue,
    // in no period.
    expect(mine(after.periods[0])).toEqual([
      expect.objectContaining({
        key: a,
        recognizedRevenue: '6000.00',
        forecastRevenue: '0.00',
        shippedQuantity: 6,
      }),
    ]);
  });

  it('forecasts cash from the schedule in force: received, expected and overdue', async () => {
    const report = await f.report('cash-forecast', {
      from: '2025-01',
      to: '2025-06',
      asOf: '2025-03-31',
      customerId,
    });
    // Received 90,000 + 70,000 in January. T2's 70,000 now due 2025-03-27: overdue.
    // T3's milestone after the cut: 20 × 2,000 × 70 % = 28,000 due 2025-04-21.
    expect(report.periods).toEqual([
      { period: '2025-01', receivedCash: '160000.00', expectedCash: '0.00' },
      { period: '2025-02', receivedCash: '0.00', expectedCash: '0.00' },
      { period: '2025-03', receivedCash: '0.00', expectedCash: '0.00' },
      { period: '2025-04', receivedCash: '0.00', expectedCash: '28000.00' },
      { period: '2025-05', receivedCash: '0.00', expectedCash: '0.00' },
      { period: '2025-06', receivedCash: '0.00', expectedCash: '0.00' },
    ]);
    expect(report.overdue).toEqual({ amount: '70000.00' });
    // Before the deferral (as of 2025-02-19) T2's milestone was expected on 2025-02-24.
    const earlier = await f.report('cash-forecast', {
      from: '2025-02',
      to: '2025-02',
      asOf: '2025-02-19',
      customerId,
    });
    expect(earlier.periods).toEqual([
      { period: '2025-02', receivedCash: '0.00', expectedCash: '70000.00' },
    ]);
  });

  it('puts tails after shipment into the quarter they fall due', async () => {
    const tailCustomer = (await f.customer()).id;
    await f.terms('PT-80/20', 0, 0, [
      { percent: 80, dueDaysFromShip: 0 },
      { percent: 20, dueDaysFromShip: 90 },
    ]);
    await f.order({
      customerId: tailCustomer,
      signedOn: '2025-01-10',
      paymentTermsCode: 'PT-80/20',
      lines: [
        {
          productModelId: modelId,
          unitPrice: '1000.00',
          tranches: [{ shipDate: '2025-04-10', quantity: 10 }],
        },
      ],
    });
    // 8,000 due on 2025-04-10; the 2,000 tail 90 days later, on 2025-07-09.
    const report = await f.report('cash-forecast', {
      from: '2025-05',
      to: '2025-08',
      asOf: '2025-03-31',
      granularity: 'quarter',
      customerId: tailCustomer,
    });
    expect(report.periods).toEqual([
      { period: '2025-Q2', receivedCash: '0.00', expectedCash: '8000.00' },
      { period: '2025-Q3', receivedCash: '0.00', expectedCash: '2000.00' },
    ]);
  });

  it('gives CSV with a header and one row per period', async () => {
    const res = await t
      .http()
      .get('/api/v1/reports/cash-forecast')
      .query({ from: '2025-01', to: '2025-02', asOf: '2025-03-31', customerId, format: 'csv' })
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(res.text.trim().split('\n')).toEqual([
      'period,receivedCash,expectedCash',
      '2025-01,160000.00,0.00',
      '2025-02,0.00,0.00',
    ]);
  });

  it('filters by segment and region', async () => {
    const range = { from: '2025-01', to: '2025-06', asOf: '2025-03-31', customerId };
    const all = await f.report('revenue-forecast', range);
    expect(
      (await f.report('revenue-forecast', { ...range, segment: 'public_miner' })).totals,
    ).toEqual(all.totals);
    expect(
      (await f.report('revenue-forecast', { ...range, segment: 'investment_fund' })).totals
        .totalRevenue,
    ).toBe('0.00');
    const inRegion = await f.report('contract-balances', {
      asOf: '2025-03-31',
      customerId,
      region: 'NA',
    });
    expect(inRegion.totals.cashReceived).toBe('160000.00');
    const elsewhere = await f.report('contract-balances', {
      asOf: '2025-03-31',
      customerId,
      region: 'EMEA',
    });
    expect(elsewhere.totals.cashReceived).toBe('0.00');
  });

  it('refuses bad ranges', async () => {
    const bad = await t
      .http()
      .get('/api/v1/reports/revenue-forecast?from=2025-13&to=2025-01')
      .set('X-API-Key', t.adminKey)
      .expect(400);
    expect(bad.body.errors[0].path).toBe('from');
    await t
      .http()
      .get('/api/v1/reports/revenue-forecast?from=2025-06&to=2025-01')
      .set('X-API-Key', t.adminKey)
      .expect(400);
  });

  it("takes the business's today from the Clock when asOf is left out", async () => {
    const read = async (path: string) =>
      (await t.http().get(`/api/v1/reports/${path}`).set('X-API-Key', t.adminKey).expect(200)).body;
    const pinned = jest.spyOn(t.app.get(Clock), 'today').mockReturnValue('2025-03-31');
    try {
      const forecast = await read(`revenue-forecast?customerId=${customerId}`);
      expect(forecast).toMatchObject({ asOf: '2025-03-31', from: '2025-03', to: '2026-02' });
      expect(forecast).toEqual(
        await read(`revenue-forecast?customerId=${customerId}&asOf=2025-03-31&from=2025-03`),
      );
      const backlog = await read(`backlog?customerId=${customerId}`);
      expect(backlog.asOf).toBe('2025-03-31');
      expect(backlog).toEqual(await read(`backlog?customerId=${customerId}&asOf=2025-03-31`));
    } finally {
      pinned.mockRestore();
    }
  });
});

describe('forecast snapshots', () => {
  let t: TestApp;
  let f: OrderFactory;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
  });
  afterAll(() => t.close());

  it('freezes a forecast that never changes, and measures the variance against today', async () => {
    const modelId = (await f.productModel({ listPrice: '1000.00' })).id;
    const customerId = (await f.customer()).id;
    const now = today();
    const nextYear = String(Number(now.slice(0, 4)) + 1);
    const order = await f.order({
      customerId,
      signedOn: `${now.slice(0, 4)}-01-05`,
      lines: [
        {
          productModelId: modelId,
          unitPrice: '1000.00',
          tranches: [{ shipDate: `${nextYear}-01-15`, quantity: 10 }],
        },
      ],
    });
    const finance = await t.keyFor('finance');
    const created = await t
      .http()
      .post('/api/v1/reports/revenue-forecast/snapshots')
      .set('X-API-Key', finance)
      .send({
        name: 'Board pack',
        from: `${nextYear}-01`,
        to: `${nextYear}-03`,
        granularity: 'month',
      })
      .expect(201);
    expect(created.body.periods.map((p: { totalRevenue: string }) => p.totalRevenue)).toEqual([
      '10000.00',
      '0.00',
      '0.00',
    ]);
    await t
      .http()
      .post('/api/v1/reports/revenue-forecast/snapshots')
      .set('X-API-Key', await t.keyFor('sales'))
      .send({ name: 'x', from: '2025-01', to: '2025-01', granularity: 'month' })
      .expect(403);

    // Deferred a month today: January loses 10,000, February gains it.
    await f.amend(order.id, now, [
      { trancheId: tranchesOf(order)[0].id, shipDate: `${nextYear}-02-15` },
    ]);
    const frozen = await t
      .http()
      .get(`/api/v1/reports/revenue-forecast/snapshots/${created.body.id}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(frozen.body.periods.map((p: { totalRevenue: string }) => p.totalRevenue)).toEqual([
      '10000.00',
      '0.00',
      '0.00',
    ]);
    const variance = await t
      .http()
      .get(`/api/v1/reports/revenue-forecast/snapshots/${created.body.id}/variance`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(variance.body.periods).toEqual([
      {
        period: `${nextYear}-01`,
        snapshotRevenue: '10000.00',
        recognizedRevenue: '0.00',
        forfeitedRevenue: '0.00',
        forecastRevenue: '0.00',
        variance: '-10000.00',
      },
      {
        period: `${nextYear}-02`,
        snapshotRevenue: '0.00',
        recognizedRevenue: '0.00',
        forfeitedRevenue: '0.00',
        forecastRevenue: '10000.00',
        variance: '10000.00',
      },
      {
        period: `${nextYear}-03`,
        snapshotRevenue: '0.00',
        recognizedRevenue: '0.00',
        forfeitedRevenue: '0.00',
        forecastRevenue: '0.00',
        variance: '0.00',
      },
    ]);
    const list = await t
      .http()
      .get('/api/v1/reports/revenue-forecast/snapshots')
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: created.body.id, name: 'Board pack', takenOn: now }),
    ]);
  });
});
