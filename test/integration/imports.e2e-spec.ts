import { randomBytes } from 'node:crypto';
import { OrderFactory } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

const HEADER =
  'externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity';

describe('purchase-order imports', () => {
  let t: TestApp;
  let f: OrderFactory;
  let erp: string;
  let a1246: { id: string; sku: string };
  let a1346: { id: string; sku: string };
  let retired: { id: string; sku: string };
  let core: { id: string; externalRef: string };
  let hive: { id: string; externalRef: string };
  const tag = () => randomBytes(3).toString('hex');

  const importCsv = (csv: string, query = '', key = erp) =>
    t
      .http()
      .post(`/api/v1/imports/purchase-orders${query}`)
      .set('X-API-Key', key)
      .set('Content-Type', 'text/csv')
      .send(csv);
  const importJson = (body: unknown, query = '', key = erp) =>
    t
      .http()
      .post(`/api/v1/imports/purchase-orders${query}`)
      .set('X-API-Key', key)
      .send(body as object);
  const byRef = (ref: string) =>
    t.http().get(`/api/v1/purchase-orders/by-external-ref/${ref}`).set('X-API-Key', erp);
  const count = async (table: string) =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    t = await createTestApp({ webhooksEnabled: false });
    f = new OrderFactory(t);
    erp = await t.keyFor('erp');
    await f.terms('PT-30', 30, 7, [{ percent: 70, dueDaysFromShip: -19 }]);
    a1246 = (await f.productModel({ sku: `A1246-${tag()}`, listPrice: '3060.00' })) as never;
    a1346 = (await f.productModel({
      sku: `A1346-${tag()}`,
      listPrice: '4200.00',
      hashrateThs: 110,
      powerW: 3300,
    })) as never;
    retired = (await f.productModel({ sku: `A1166-${tag()}`, status: 'end_of_life' })) as never;
    core = (await f.customer({ externalRef: `CORE-${tag()}` })) as never;
    hive = (await f.customer({ externalRef: `HIVE-${tag()}` })) as never;
  });
  afterAll(() => t.close());

  it('creates one draft per externalRef and one line per sku and unit price from CSV', async () => {
    const a = `ERP-${tag()}`;
    const b = `ERP-${tag()}`;
    const csv = [
      HEADER,
      `${a},${core.externalRef},2021-02-07,PT-30,${a1246.sku},3060.00,2021-03-20,1000`,
      `${b},${hive.externalRef},2021-01-23,,${a1346.sku},,2021-04-01,400`,
      `${a},${core.externalRef},2021-02-07,PT-30,${a1246.sku},3060.00,2021-04-20,1000`,
      `${a},${core.externalRef},2021-02-07,PT-30,${a1346.sku},4000,2021-05-20,500`,
      `${a},${core.externalRef},2021-02-07,PT-30,${a1246.sku},2900.00,2021-06-20,200`,
      '',
    ].join('\r\n');
    const events = await count('event');
    const res = await importCsv(csv).expect(201);
    expect(res.body.created).toBe(2);
    expect(res.body.orders).toEqual([
      {
        id: expect.any(String),
        number: expect.stringMatching(/^PO-2021-\d{5}$/),
        externalRef: a,
        status: 'draft',
      },
      {
        id: expect.any(String),
        number: expect.stringMatching(/^PO-2021-\d{5}$/),
        externalRef: b,
        status: 'draft',
      },
    ]);

    const first = (await byRef(a).expect(200)).body;
    expect(first).toMatchObject({
      customerId: core.id,
      signedOn: '2021-02-07',
      paymentTermsCode: 'PT-30',
      status: 'draft',
    });
    expect(
      first.lines.map((l: { productModelId: string; unitPrice: string; tranches: unknown[] }) => [
        l.productModelId,
        l.unitPrice,
        l.tranches.length,
      ]),
    ).toEqual([
      [a1246.id, '3060.00', 2],
      [a1346.id, '4000.00', 1],
      [a1246.id, '2900.00', 1],
    ]);
    expect(
      first.lines[0].tranches.map((x: { shipDate: string; quantity: number }) => [
        x.shipDate,
        x.quantity,
      ]),
    ).toEqual([
      ['2021-03-20', 1000],
      ['2021-04-20', 1000],
    ]);
    expect(first.totals).toMatchObject({ quantity: 2700, value: '8700000.00' });
    const second = (await byRef(b).expect(200)).body;
    expect(second).toMatchObject({ customerId: hive.id, paymentTermsCode: null });
    expect(second.lines[0].unitPrice).toBe('4200.00');

    // Each order is recorded as created in the feed, with the key that imported it in the audit log.
    expect(await count('event')).toBe(events + 2);
    const audit = await t
      .http()
      .get(`/api/v1/audit-log?entityType=purchase_order&entityId=${first.id}`)
      .set('X-API-Key', erp)
      .expect(200);
    expect(audit.body.items[0]).toMatchObject({ action: 'created', actor: { role: 'erp' } });
  });

  it('confirms every imported order with confirm=true, as POST …/confirm does', async () => {
    const ref = `ERP-${tag()}`;
    const csv = `${HEADER}\n${ref},${core.externalRef},2021-02-07,PT-30,${a1246.sku},3060.00,2021-03-20,1000\n`;
    const res = await importCsv(csv, '?confirm=true').expect(201);
    expect(res.body.orders[0]).toMatchObject({ externalRef: ref, status: 'confirmed' });
    const order = (await byRef(ref).expect(200)).body;
    expect(order.status).toBe('confirmed');
    const schedule = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}/billing-schedule`)
      .set('X-API-Key', erp)
      .expect(200);
    expect(
      schedule.body.items.map((i: { kind: string; amount: string }) => [i.kind, i.amount]),
    ).toEqual([
      ['deposit', '918000.00'],
      ['milestone', '2142000.00'],
    ]);
    const types = await t.sql<{ type: string }>(
      `SELECT type FROM event WHERE entity_id = $1 ORDER BY id`,
      [order.id],
    );
    expect(types.map((e) => e.type)).toEqual([
      'purchase_order.created',
      'purchase_order.confirmed',
    ]);
  });

  it('validates only on a dry run: a summary, nothing written', async () => {
    const ref = `ERP-${tag()}`;
    const csv = [
      HEADER,
      `${ref},${core.externalRef},2021-02-07,PT-30,${a1246.sku},,2021-03-20,1000`,
      `${ref},${core.externalRef},2021-02-07,PT-30,${a1246.sku},,2021-04-20,500`,
    ].join('\n');
    const [orders, events] = [await count('purchase_order'), await count('event')];
    const res = await importCsv(csv, '?dryRun=true&confirm=true').expect(200);
    expect(res.body).toEqual({
      dryRun: true,
      wouldCreate: 1,
      lines: 1,
      tranches: 2,
      quantity: 1500,
      value: '4590000.00',
      orders: [
        {
          externalRef: ref,
          customerId: core.id,
          lines: 1,
          tranches: 2,
          quantity: 1500,
          value: '4590000.00',
        },
      ],
    });
    expect(await count('purchase_order')).toBe(orders);
    expect(await count('event')).toBe(events);
    await byRef(ref).expect(404);
  });

  it('refuses the whole file with 422 and every bad row, writing nothing', async () => {
    const existing = `ERP-${tag()}`;
    await importCsv(
      `${HEADER}\n${existing},${core.externalRef},2021-02-07,,${a1246.sku},,2021-03-20,10\n`,
    ).expect(201);
    const good = `ERP-${tag()}`;
    const other = `ERP-${tag()}`;
    const csv = [
      HEADER,
      `${good},${core.externalRef},2021-02-07,PT-30,${a1246.sku},3060.00,2021-03-20,1000`, // 1: fine
      `${other},NOBODY,2021-02-07,PT-30,${a1246.sku},3060.00,2021-03-20,1000`, // 2: unknown customer
      `${good},${core.externalRef},2021-02-07,PT-30,NO-SUCH-SKU,3060.00,2021-04-20,1000`, // 3: unknown sku
      `${good},${core.externalRef},2021-02-30,PT-30,${a1246.sku},3060.00,2021-05-20,1000`, // 4: no such date
      `${good},${core.externalRef},2021-02-07,PT-30,${a1246.sku},3060.00,2021-06-20,0`, // 5: quantity 0
      `${good},${core.externalRef},2021-02-08,PT-30,${a1246.sku},3060.00,2021-07-20,10`, // 6: differs from row 1
      `${existing},${core.externalRef},2021-02-07,,${a1246.sku},,2021-03-20,10`, // 7: externalRef exists
      `${other}-2,${core.externalRef},2021-02-07,PT-99,${retired.sku},3.5,2021-03-20,10`, // 8: terms, end of life
      `${other}-3,${core.externalRef},2021-02-07`, // 9: too few fields
    ].join('\n');
    const [orders, events] = [await count('purchase_order'), await count('event')];
    const res = await importCsv(csv).expect(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('IMPORT_INVALID');
    const errors = res.body.errors.map((e: { row: number; path: string }) => `${e.row}:${e.path}`);
    expect(errors).toEqual([
      '2:customerExternalRef',
      '3:sku',
      '4:signedOn',
      '5:quantity',
      '6:signedOn',
      '7:externalRef',
      '8:paymentTermsCode',
      '8:sku',
      '9:',
    ]);
    expect(res.body.errors[0].message).toBe('no customer has externalRef NOBODY');
    expect(res.body.errors[5].message).toMatch(/already has externalRef/);
    expect(res.body.errors[7].message).toMatch(/end of life/);
    expect(await count('purchase_order')).toBe(orders);
    expect(await count('event')).toBe(events);
    await byRef(good).expect(404);

    // A dry run of the same file finds the same problems.
    const dry = await importCsv(csv, '?dryRun=true').expect(422);
    expect(dry.body.errors).toEqual(res.body.errors);
  });

  it('refuses a wrong header, an empty file and unreadable CSV as row 0 or the failing row', async () => {
    const wrong = await importCsv('externalRef,customer,signedOn\nX,Y,2021-01-01\n').expect(422);
    expect(wrong.body.errors).toEqual([
      {
        row: 0,
        path: 'header',
        message: expect.stringMatching(/missing customerExternalRef.*unknown customer/),
      },
    ]);
    const empty = await importCsv(`${HEADER}\n`).expect(422);
    expect(empty.body.errors[0]).toMatchObject({
      row: 0,
      message: 'The file has a header but no data rows',
    });
    const broken = await importCsv(`${HEADER}\nA,"B,2021-01-01,,X,,2021-01-01,1\n`).expect(422);
    expect(broken.body.errors[0].message).toMatch(/Not readable as CSV/);
    const notJsonArray = await importJson({ externalRef: 'X' }).expect(400);
    expect(notJsonArray.body.code).toBe('VALIDATION_FAILED');
  });

  it('imports a JSON array of purchase-order bodies, by ids or business keys', async () => {
    const [x, y] = [`ERP-${tag()}`, `ERP-${tag()}`];
    const res = await importJson(
      [
        {
          externalRef: x,
          customerExternalRef: core.externalRef,
          signedOn: '2021-02-07',
          paymentTermsCode: 'PT-30',
          customerReference: 'CS-PO-7781',
          lines: [
            {
              sku: a1246.sku,
              unitPrice: '3060.00',
              tranches: [{ shipDate: '2021-03-20', quantity: 1000 }],
            },
          ],
        },
        {
          externalRef: y,
          customerId: hive.id,
          signedOn: '2021-01-23',
          lines: [
            {
              productModelId: a1346.id,
              tranches: [{ shipDate: '2021-03-20', quantity: 10, unitPrice: '4100.00' }],
            },
          ],
        },
      ],
      '?confirm=false',
    ).expect(201);
    expect(res.body.orders.map((o: { externalRef: string }) => o.externalRef)).toEqual([x, y]);
    expect((await byRef(x).expect(200)).body).toMatchObject({
      customerId: core.id,
      customerReference: 'CS-PO-7781',
    });
    expect((await byRef(y).expect(200)).body.totals.value).toBe('41000.00');
  });

  it('reports JSON problems by array index and field path', async () => {
    const ref = `ERP-${tag()}`;
    const res = await importJson([
      {
        externalRef: ref,
        customerId: core.id,
        signedOn: '2021-02-07',
        lines: [{ sku: a1246.sku, tranches: [{ shipDate: '2021-03-20', quantity: 1 }] }],
      },
      {
        customerId: core.id,
        customerExternalRef: core.externalRef,
        signedOn: '2021-02-07',
        lines: [{ sku: a1246.sku, tranches: [{ shipDate: '2021-03-20', quantity: 0 }] }],
      },
      {
        externalRef: ref,
        customerId: core.id,
        signedOn: '2021-02-07',
        lines: [
          {
            sku: a1246.sku,
            productModelId: a1246.id,
            tranches: [{ shipDate: '2021-03-20', quantity: 1 }],
          },
        ],
        color: 'red',
      },
      {
        externalRef: `${ref}-3`,
        customerId: '00000000-0000-4000-8000-000000000000',
        signedOn: '2021-02-07',
        lines: [
          {
            productModelId: '00000000-0000-4000-8000-000000000001',
            tranches: [{ shipDate: '2021-03-20', quantity: 1 }],
          },
        ],
      },
      'not an order',
    ]).expect(422);
    const errors = res.body.errors.map((e: { row: number; path: string }) => `${e.row}:${e.path}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        '1:externalRef',
        '1:lines[0].tranches[0].quantity',
        '1:customerId',
        '2:color',
        '2:lines[0].productModelId',
        '2:externalRef',
        '3:customerId',
        '3:lines[0].productModelId',
        '4:',
      ]),
    );
    expect(errors).not.toContain(expect.stringMatching(/^0:/));
    await byRef(ref).expect(404);
  });

  it('lets erp and admin import, nobody else, and honours Idempotency-Key on a CSV body', async () => {
    const csv = `${HEADER}\nERP-${tag()},${core.externalRef},2021-02-07,,${a1246.sku},,2021-03-20,1\n`;
    await importCsv(csv, '', await t.keyFor('sales')).expect(403);
    await importCsv(csv, '', await t.keyFor('viewer')).expect(403);
    const key = `import-${tag()}`;
    const first = await importCsv(csv, '', t.adminKey).set('Idempotency-Key', key).expect(201);
    const again = await importCsv(csv, '', t.adminKey).set('Idempotency-Key', key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    // Without the key, the same file is refused: its externalRef exists now.
    const dup = await importCsv(csv, '', t.adminKey).expect(422);
    expect(dup.body.errors[0]).toMatchObject({ row: 1, path: 'externalRef' });
  });
});
