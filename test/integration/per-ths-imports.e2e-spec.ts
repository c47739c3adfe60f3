import { randomBytes } from 'node:crypto';
import { OrderFactory } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

// Imports of orders priced per TH/s (SPEC §15): the CSV's optional pricePerThs and
// hashrateTolerancePercent columns, and the same fields in a JSON import.
const HEADER =
  'externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity,pricePerThs,hashrateTolerancePercent';

describe('imports of orders priced per TH/s', () => {
  let t: TestApp;
  let f: OrderFactory;
  let erp: string;
  let a1246: { id: string; sku: string };
  let core: { id: string; externalRef: string };
  const tag = () => randomBytes(3).toString('hex');

  const importOrders = (body: string | object, query = '') => {
    const req = t.http().post(`/api/v1/imports/purchase-orders${query}`).set('X-API-Key', erp);
    return typeof body === 'string'
      ? req.set('Content-Type', 'text/csv').send(body)
      : req.send(body);
  };
  const byRef = (ref: string) =>
    t.http().get(`/api/v1/purchase-orders/by-external-ref/${ref}`).set('X-API-Key', erp);

  beforeAll(async () => {
    t = await createTestApp({ webhooksEnabled: false });
    f = new OrderFactory(t);
    erp = await t.keyFor('erp');
    a1246 = (await f.productModel({ sku: `A1246-${tag()}`, hashrateThs: 90 })) as never;
    core = (await f.customer({ externalRef: `CORE-${tag()}` })) as never;
  });
  afterAll(() => t.close());

  it('reads a line per sku and price per TH/s, and the order’s tolerance, from CSV', async () => {
    const ref = `ERP-${tag()}`;
    // 28.5 × 90 = 2,565.00 a unit; 27.00 × 90 = 2,430.00. Value 1,000 × 2,565 + 500 × 2,565 +
    // 200 × 2,430 = 4,333,500.00.
    const csv = [
      HEADER,
      `${ref},${core.externalRef},2025-02-07,,${a1246.sku},,2025-03-20,1000,28.5,2.5`,
      `${ref},${core.externalRef},2025-02-07,,${a1246.sku},,2025-04-20,500,28.50,2.5`,
      `${ref},${core.externalRef},2025-02-07,,${a1246.sku},,2025-05-20,200,27,2.5`,
    ].join('\n');
    const dry = await importOrders(csv, '?dryRun=true').expect(200);
    expect(dry.body).toMatchObject({
      wouldCreate: 1,
      lines: 2,
      quantity: 1700,
      value: '4333500.00',
    });
    await importOrders(csv).expect(201);
    const order = (await byRef(ref).expect(200)).body;
    expect(order.hashrateTolerancePercent).toBe(2.5);
    expect(
      order.lines.map((l: { unitPrice: string; pricePerThs: string; tranches: unknown[] }) => [
        l.unitPrice,
        l.pricePerThs,
        l.tranches.length,
      ]),
    ).toEqual([
      ['2565.00', '28.50', 2],
      ['2430.00', '27.00', 1],
    ]);
    expect(order.totals.value).toBe('4333500.00');
  });

  it('keeps reading files without the optional columns', async () => {
    const ref = `ERP-${tag()}`;
    const csv = `externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity\n${ref},${core.externalRef},2025-02-07,,${a1246.sku},3000.00,2025-03-20,10\n`;
    await importOrders(csv).expect(201);
    const order = (await byRef(ref).expect(200)).body;
    expect(order.lines[0]).toMatchObject({ unitPrice: '3000.00', pricePerThs: null });
    expect(order.hashrateTolerancePercent).toBe(0);
  });

  it('refuses both prices on one row, a bad price per TH/s and a tolerance above 10, writing nothing', async () => {
    const ref = `ERP-${tag()}`;
    const csv = [
      HEADER,
      `${ref},${core.externalRef},2025-02-07,,${a1246.sku},2565.00,2025-03-20,10,28.50,0`,
      `${ref}-2,${core.externalRef},2025-02-07,,${a1246.sku},,2025-03-20,10,abc,0`,
      `${ref}-3,${core.externalRef},2025-02-07,,${a1246.sku},,2025-03-20,10,28.50,10.5`,
    ].join('\n');
    const res = await importOrders(csv).expect(422);
    expect(res.body.errors.map((e: { row: number; path: string }) => `${e.row}:${e.path}`)).toEqual(
      ['1:pricePerThs', '2:pricePerThs', '3:hashrateTolerancePercent'],
    );
    await byRef(ref).expect(404);
  });

  it('takes pricePerThs and hashrateTolerancePercent in a JSON import', async () => {
    const ref = `ERP-${tag()}`;
    const order = {
      externalRef: ref,
      customerId: core.id,
      signedOn: '2025-02-07',
      hashrateTolerancePercent: 3,
      lines: [
        {
          sku: a1246.sku,
          pricePerThs: '28.50',
          tranches: [{ shipDate: '2025-03-20', quantity: 4 }],
        },
      ],
    };
    const both = {
      ...order,
      externalRef: `${ref}-x`,
      lines: [{ ...order.lines[0], unitPrice: '1.00' }],
    };
    const refused = await importOrders([both]);
    expect([refused.status, refused.body.errors]).toEqual([
      422,
      [
        {
          row: 0,
          path: 'lines[0].pricePerThs',
          message: expect.stringMatching(/exclude each other/),
        },
      ],
    ]);
    await importOrders([order]).expect(201);
    const read = (await byRef(ref).expect(200)).body;
    expect(read).toMatchObject({ hashrateTolerancePercent: 3, totals: { value: '10260.00' } });
    expect(read.lines[0]).toMatchObject({ unitPrice: '2565.00', pricePerThs: '28.50' });
  });
});
