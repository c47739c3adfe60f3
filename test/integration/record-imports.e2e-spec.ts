import { randomBytes } from 'node:crypto';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

const PAYMENTS =
  'externalRef,purchaseOrderExternalRef,purchaseOrderNumber,amount,receivedOn,reference';
const SHIPMENTS =
  'externalRef,purchaseOrderExternalRef,purchaseOrderNumber,shippedOn,reference,trancheSequence,quantity';

describe('payment and shipment imports', () => {
  let t: TestApp;
  let f: OrderFactory;
  let erp: string;
  let modelId: string;
  let customerId: string;
  const tag = () => randomBytes(3).toString('hex');

  const send = (kind: string, body: string | unknown[], query = '', key = erp) => {
    const req = t.http().post(`/api/v1/imports/${kind}${query}`).set('X-API-Key', key);
    return typeof body === 'string'
      ? req.set('Content-Type', 'text/csv').send(body)
      : req.send(body as object);
  };
  const counts = async () =>
    (
      await t.sql<{ payments: number; shipments: number; events: number }>(
        `SELECT (SELECT count(*) FROM payment)::int AS payments, (SELECT count(*) FROM shipment)::int AS shipments,
                (SELECT count(*) FROM event)::int AS events`,
      )
    )[0];
  /** A confirmed order of two tranches (10 and 5 units at 1,000.00), billed on shipping. */
  const order = async (confirm = true) =>
    f.order(
      {
        customerId,
        signedOn: '2025-01-10',
        externalRef: `SO-${tag()}`,
        lines: [
          {
            productModelId: modelId,
            unitPrice: '1000.00',
            tranches: [
              { shipDate: '2025-03-01', quantity: 10 },
              { shipDate: '2025-04-01', quantity: 5 },
            ],
          },
        ],
      },
      confirm,
    );

  beforeAll(async () => {
    t = await createTestApp({ webhooksEnabled: false });
    f = new OrderFactory(t);
    erp = await t.keyFor('erp');
    modelId = (await f.productModel()).id;
    customerId = (await f.customer()).id;
  });
  afterAll(() => t.close());

  it('books payments from CSV against orders named by externalRef or number', async () => {
    const a = await order();
    const b = await order();
    const [p1, p2, p3] = [`PAY-${tag()}`, `PAY-${tag()}`, `PAY-${tag()}`];
    const csv = [
      PAYMENTS,
      `${p1},${a.externalRef},,10000,2025-02-01,WIRE 1`,
      `${p2},,${b.number},2500.5,2025-02-02,`,
      `${p3},${a.externalRef},,120.00,2025-02-03,WIRE 3`,
    ].join('\n');
    const res = await send('payments', csv).expect(201);
    expect(res.body.created).toBe(3);
    expect(res.body.payments).toEqual([
      {
        id: expect.any(String),
        externalRef: p1,
        purchaseOrderId: a.id,
        purchaseOrderNumber: a.number,
      },
      {
        id: expect.any(String),
        externalRef: p2,
        purchaseOrderId: b.id,
        purchaseOrderNumber: b.number,
      },
      {
        id: expect.any(String),
        externalRef: p3,
        purchaseOrderId: a.id,
        purchaseOrderNumber: a.number,
      },
    ]);
    const read = await t
      .http()
      .get(`/api/v1/payments/by-external-ref/${p2}`)
      .set('X-API-Key', erp)
      .expect(200);
    expect(read.body).toMatchObject({
      amount: '2500.50',
      receivedOn: '2025-02-02',
      reference: null,
      purchaseOrderId: b.id,
    });
    // Applied as a payment is: A's first instalment (10,000.00) paid, 120.00 towards the second.
    const schedule = await f.all<{ paidAmount: string }>(
      `/purchase-orders/${a.id}/billing-schedule`,
    );
    expect(schedule.map((i) => i.paidAmount)).toEqual(['10000.00', '120.00']);
  });

  it('checks a dry run fully and keeps nothing', async () => {
    const a = await order();
    const before = await counts();
    const csv = [
      PAYMENTS,
      `PAY-${tag()},,${a.number},100.00,2025-02-01,`,
      `PAY-${tag()},,${a.number},0.50,2025-02-01,`,
    ].join('\n');
    const res = await send('payments', csv, '?dryRun=true').expect(200);
    expect(res.body).toEqual({ dryRun: true, wouldCreate: 2, amount: '100.50' });
    expect(await counts()).toEqual(before);
    // A dry run books for real before rolling back, so it finds what only booking finds.
    const draft = await order(false);
    const refused = await send(
      'payments',
      [PAYMENTS, `PAY-${tag()},${draft.externalRef},,1.00,2025-02-01,`].join('\n'),
      '?dryRun=true',
    ).expect(422);
    expect(refused.body.errors).toEqual([
      { row: 1, path: '', message: expect.stringContaining('draft') },
    ]);
  });

  it('refuses the whole file with every bad row, an externalRef already used among them, writing nothing', async () => {
    const a = await order();
    const used = `PAY-${tag()}`;
    await t
      .http()
      .post(`/api/v1/purchase-orders/${a.id}/payments`)
      .set('X-API-Key', erp)
      .send({ amount: '1.00', receivedOn: '2025-01-20', externalRef: used })
      .expect(201);
    const fresh = `PAY-${tag()}`;
    const before = await counts();
    const csv = [
      PAYMENTS,
      `PAY-${tag()},${a.externalRef},,5.00,2025-02-01,`, // 1: fine
      `${used},${a.externalRef},,5.00,2025-02-01,`, // 2: externalRef already used
      `PAY-${tag()},${a.externalRef},${a.number},5.00,2025-02-01,`, // 3: two order names
      `PAY-${tag()},,,5.00,2025-02-01,`, // 4: no order name
      `PAY-${tag()},,PO-1999-99999,5.00,2025-02-01,`, // 5: unknown order
      `PAY-${tag()},${a.externalRef},,0.00,2025-02-31,`, // 6: amount and date
      `${fresh},${a.externalRef},,5.00,2025-02-01,`, // 7: fine
      `${fresh},${a.externalRef},,5.00,2025-02-01,`, // 8: repeats row 7
    ].join('\n');
    const res = await send('payments', csv).expect(422);
    expect(res.body.code).toBe('IMPORT_INVALID');
    expect(res.body.errors.map((e: { row: number; path: string }) => [e.row, e.path])).toEqual([
      [2, 'externalRef'],
      [3, 'purchaseOrderExternalRef'],
      [4, 'purchaseOrderExternalRef'],
      [5, 'purchaseOrderNumber'],
      [6, 'amount'],
      [6, 'receivedOn'],
      [8, 'externalRef'],
    ]);
    expect(res.body.errors[0].message).toMatch(/already has externalRef/);
    expect(await counts()).toEqual(before);
  });

  it('reports a business refusal against its row and writes nothing', async () => {
    const a = await order();
    const before = await counts();
    const res = await send('payments', [
      {
        externalRef: `PAY-${tag()}`,
        purchaseOrderNumber: a.number,
        amount: '5.00',
        receivedOn: '2025-02-01',
      },
      {
        externalRef: `PAY-${tag()}`,
        purchaseOrderNumber: a.number,
        amount: '5.00',
        receivedOn: '2025-01-01',
      },
    ]).expect(422);
    expect(res.body.errors).toEqual([
      {
        row: 1,
        path: 'receivedOn',
        message: expect.stringMatching(/^must lie between 2025-01-10 and /),
      },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('reads JSON payments by field path, and lets only erp and admin import', async () => {
    const a = await order();
    const bad = await send('payments', [
      {
        externalRef: `PAY-${tag()}`,
        amount: '5',
        receivedOn: '2025-02-01',
        purchaseOrderNumber: a.number,
      },
      { externalRef: `PAY-${tag()}`, amount: '5.00', receivedOn: '2025-02-01' },
      7,
      {
        externalRef: `PAY-${tag()}`,
        amount: '5.00',
        receivedOn: '2025-02-01',
        purchaseOrderNumber: a.number,
        colour: 'red',
      },
    ]).expect(422);
    expect(bad.body.errors.map((e: { row: number; path: string }) => [e.row, e.path])).toEqual([
      [0, 'amount'],
      [1, 'purchaseOrderExternalRef'],
      [2, ''],
      [3, 'colour'],
    ]);
    const body = [
      {
        externalRef: `PAY-${tag()}`,
        amount: '5.00',
        receivedOn: '2025-02-01',
        purchaseOrderNumber: a.number,
      },
    ];
    for (const role of ['finance', 'sales', 'operations', 'viewer'] as const) {
      await send('payments', body, '', await t.keyFor(role)).expect(403);
      await send('shipments', [], '', await t.keyFor(role)).expect(403);
    }
    await send('payments', body, '', t.adminKey).expect(201);
  });

  it('books shipments from CSV, rows sharing externalRef as one shipment, tranches by sequence', async () => {
    const a = await order();
    const [s1, s2] = [`DLV-${tag()}`, `DLV-${tag()}`];
    const csv = [
      SHIPMENTS,
      `${s1},${a.externalRef},,2025-03-01,BL-1,1,6`,
      `${s2},,${a.number},2025-03-02,BL-2,1,4`,
      `${s1},${a.externalRef},,2025-03-01,BL-1,2,5`,
    ].join('\n');
    const res = await send('shipments', csv).expect(201);
    expect(res.body.shipments.map((s: { externalRef: string }) => s.externalRef)).toEqual([s1, s2]);
    const [t1, t2] = tranchesOf(a);
    const first = await t
      .http()
      .get(`/api/v1/shipments/by-external-ref/${s1}`)
      .set('X-API-Key', erp)
      .expect(200);
    expect(first.body).toMatchObject({
      shippedOn: '2025-03-01',
      reference: 'BL-1',
      items: [
        { trancheId: t1.id, quantity: 6 },
        { trancheId: t2.id, quantity: 5 },
      ],
    });
    expect(
      (await t.http().get(`/api/v1/purchase-orders/${a.id}`).set('X-API-Key', erp)).body.status,
    ).toBe('completed');
  });

  it('refuses shipments that do not fit, by row, and checks dry runs and JSON items', async () => {
    const a = await order();
    const [t1] = tranchesOf(a);
    const before = await counts();
    const rows = await send(
      'shipments',
      [
        SHIPMENTS,
        `DLV-${tag()},${a.externalRef},,2025-03-01,,3,1`, // 1: no tranche 3
        `DLV-${tag()},${a.externalRef},,2025-03-01,,1,1`, // 2: fine
        `DLV-X-${tag()},${a.externalRef},,2025-03-01,,1,1`, // 3: fine
      ].join('\n'),
    ).expect(422);
    expect(rows.body.errors).toEqual([
      { row: 1, path: 'trancheSequence', message: `purchase order ${a.number} has no tranche 3` },
    ]);
    const over = await send('shipments', [
      {
        externalRef: `DLV-${tag()}`,
        purchaseOrderNumber: a.number,
        shippedOn: '2025-03-01',
        items: [{ trancheId: t1.id, quantity: 7 }],
      },
      {
        externalRef: `DLV-${tag()}`,
        purchaseOrderNumber: a.number,
        shippedOn: '2025-03-02',
        items: [{ trancheSequence: 1, quantity: 4 }],
      },
    ]).expect(422);
    expect(over.body.errors).toEqual([
      { row: 1, path: '', message: expect.stringContaining('exceed the 3 open') },
    ]);
    const mixed = await send('shipments', [
      {
        externalRef: `DLV-${tag()}`,
        purchaseOrderNumber: a.number,
        shippedOn: '2025-03-01',
        items: [{ trancheId: t1.id, trancheSequence: 1, quantity: 1 }],
      },
    ]).expect(422);
    expect(mixed.body.errors).toEqual([
      {
        row: 0,
        path: 'items[0].trancheId',
        message: 'give exactly one of trancheId and trancheSequence',
      },
    ]);
    expect(await counts()).toEqual(before);
    const dry = await send(
      'shipments',
      [
        {
          externalRef: `DLV-${tag()}`,
          purchaseOrderExternalRef: a.externalRef,
          shippedOn: '2025-03-01',
          items: [
            { trancheSequence: 1, quantity: 10 },
            { trancheSequence: 2, quantity: 2 },
          ],
        },
      ],
      '?dryRun=true',
    ).expect(200);
    expect(dry.body).toEqual({ dryRun: true, wouldCreate: 1, quantity: 12 });
    expect(await counts()).toEqual(before);
  });
});
