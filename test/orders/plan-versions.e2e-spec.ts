import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';

describe('purchase orders move the plan versions of exactly the models they touch', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelA: string;
  let modelB: string;
  let bystander: string;
  let customerId: string;

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    [modelA, modelB, bystander] = [
      (await f.productModel()).id,
      (await f.productModel()).id,
      (await f.productModel()).id,
    ];
    customerId = (await f.customer()).id;
  });
  afterAll(() => t.close());

  const versions = async (): Promise<Record<string, number>> => {
    const rows = await t.sql<{ product_model_id: string; version: number }>(
      'SELECT product_model_id, version FROM plan_version WHERE product_model_id = ANY($1::uuid[])',
      [[modelA, modelB, bystander]],
    );
    const byModel = Object.fromEntries(rows.map((r) => [r.product_model_id, Number(r.version)]));
    return { A: byModel[modelA] ?? 0, B: byModel[modelB] ?? 0, other: byModel[bystander] ?? 0 };
  };

  /** How much each model's plan version moved while `act` ran. */
  const moved = async (act: () => Promise<unknown>) => {
    const before = await versions();
    await act();
    const after = await versions();
    return { A: after.A - before.A, B: after.B - before.B, other: after.other - before.other };
  };

  const post = (path: string, body: object) =>
    t.http().post(`/api/v1${path}`).set('X-API-Key', t.adminKey).send(body);

  it('leaves them alone for drafts and payments, and moves them for confirmations, amendments, shipments and cancellations', async () => {
    let order: {
      id: string;
      lines: { id: string; tranches: { id: string; shipDate: string }[] }[];
    } = { id: '', lines: [] };
    expect(
      await moved(async () => {
        order = await f.order(
          {
            customerId,
            signedOn: '2025-01-10',
            lines: [
              {
                productModelId: modelA,
                tranches: [
                  { shipDate: '2025-03-01', quantity: 10 },
                  { shipDate: '2025-04-01', quantity: 10 },
                ],
              },
              { productModelId: modelB, tranches: [{ shipDate: '2025-03-01', quantity: 5 }] },
            ],
          },
          false,
        );
        await t
          .http()
          .patch(`/api/v1/purchase-orders/${order.id}`)
          .set('X-API-Key', t.adminKey)
          .send({ customerReference: 'edited' })
          .expect(200);
      }),
    ).toEqual({ A: 0, B: 0, other: 0 });

    expect(await moved(() => post(`/purchase-orders/${order.id}/confirm`, {}).expect(200))).toEqual(
      { A: 1, B: 1, other: 0 },
    );

    const [a1, a2, b1] = tranchesOf(order);
    expect(
      await moved(() =>
        f.amend(order.id, '2025-02-01', [{ trancheId: a1.id, shipDate: '2025-05-01' }]),
      ),
    ).toEqual({ A: 1, B: 0, other: 0 });
    expect(
      await moved(() => f.amend(order.id, '2025-02-01', [{ trancheId: b1.id, quantity: 4 }])),
    ).toEqual({ A: 0, B: 1, other: 0 });
    expect(
      await moved(() =>
        f.amend(order.id, '2025-02-01', [
          { lineId: order.lines[1].id, shipDate: '2025-06-01', quantity: 2 },
        ]),
      ),
    ).toEqual({ A: 0, B: 1, other: 0 });
    expect(
      await moved(() => f.amend(order.id, '2025-02-01', [{ trancheId: a2.id, cancel: true }])),
    ).toEqual({ A: 1, B: 0, other: 0 });

    expect(
      await moved(() => f.ship(order.id, '2025-03-01', [{ trancheId: b1.id, quantity: 4 }])),
    ).toEqual({ A: 0, B: 1, other: 0 });
    expect(await moved(() => f.pay(order.id, '2025-03-02', '100.00'))).toEqual({
      A: 0,
      B: 0,
      other: 0,
    });

    // Only A's rescheduled tranche and B's added one are still open.
    expect(
      await moved(() =>
        post(`/purchase-orders/${order.id}/cancel`, {
          reason: 'withdrawn',
          effectiveOn: '2025-03-05',
        }).expect(200),
      ),
    ).toEqual({ A: 1, B: 1, other: 0 });
  });

  it('moves nothing for a refused change', async () => {
    const order = await f.order({
      customerId,
      signedOn: '2025-01-10',
      lines: [{ productModelId: modelA, tranches: [{ shipDate: '2025-03-01', quantity: 3 }] }],
    });
    const [tranche] = tranchesOf(order);
    expect(
      await moved(() =>
        post(`/purchase-orders/${order.id}/shipments`, {
          shippedOn: '2025-03-01',
          items: [{ trancheId: tranche.id, quantity: 4 }],
        }).expect(409),
      ),
    ).toEqual({ A: 0, B: 0, other: 0 });
  });
});
