import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';

describe('purchase orders: rules, states and concurrency', () => {
  let t: TestApp;
  let f: OrderFactory;
  let modelId: string;
  let customerId: string;

  const draft = (overrides: Record<string, unknown> = {}) => ({
    customerId,
    signedOn: '2025-01-15',
    lines: [{ productModelId: modelId, tranches: [{ shipDate: '2025-03-01', quantity: 10 }] }],
    ...overrides,
  });

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
    modelId = (await f.productModel({ listPrice: '3060.00' })).id;
    customerId = (await f.customer()).id;
  });
  afterAll(() => t.close());

  const post = (path: string, body: object, key = t.adminKey) =>
    t.http().post(`/api/v1${path}`).set('X-API-Key', key).send(body);

  it('creates a draft with a number, list-price default and totals', async () => {
    const res = await post(
      '/purchase-orders',
      draft({ externalRef: 'ERP-1', customerReference: 'CS-PO-1' }),
    ).expect(201);
    expect(res.body).toMatchObject({
      status: 'draft',
      version: 1,
      externalRef: 'ERP-1',
      customerReference: 'CS-PO-1',
    });
    expect(res.body.number).toMatch(/^PO-2025-\d{5}$/);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body.lines[0].unitPrice).toBe('3060.00');
    expect(res.body.lines[0].tranches[0]).toMatchObject({
      sequence: 1,
      quantity: 10,
      unitPrice: '3060.00',
      openQuantity: 10,
    });
    expect(res.body.totals).toEqual({
      quantity: 10,
      value: '30600.00',
      shippedQuantity: 0,
      cancelledQuantity: 0,
      openQuantity: 10,
      openValue: '30600.00',
      hashrateThs: 900,
    });
    const second = await post('/purchase-orders', draft()).expect(201);
    expect(Number(second.body.number.slice(-5))).toBeGreaterThan(Number(res.body.number.slice(-5)));
    await post('/purchase-orders', draft({ externalRef: 'ERP-1' })).expect(409);
    const byRef = await t
      .http()
      .get('/api/v1/purchase-orders/by-external-ref/ERP-1')
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(byRef.body.id).toBe(res.body.id);
  });

  it('refuses bad input with field paths and unknown references with 422', async () => {
    const bad = await post(
      '/purchase-orders',
      draft({
        lines: [
          {
            productModelId: modelId,
            unitPrice: '3060',
            tranches: [{ shipDate: '2025-02-30', quantity: 0 }],
          },
        ],
      }),
    ).expect(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual([
      'lines[0].tranches[0].quantity',
      'lines[0].tranches[0].shipDate',
      'lines[0].unitPrice',
    ]);
    const unknownCustomer = await post(
      '/purchase-orders',
      draft({ customerId: '00000000-0000-4000-8000-000000000001' }),
    ).expect(422);
    expect(unknownCustomer.body).toMatchObject({
      code: 'REFERENCE_NOT_FOUND',
      errors: [{ path: 'customerId' }],
    });
    const unknownTerms = await post('/purchase-orders', draft({ paymentTermsCode: 'NOPE' })).expect(
      422,
    );
    expect(unknownTerms.body.errors[0].path).toBe('paymentTermsCode');
    const eol = await f.productModel({ status: 'end_of_life' });
    const refused = await post(
      '/purchase-orders',
      draft({
        lines: [{ productModelId: eol.id, tranches: [{ shipDate: '2025-03-01', quantity: 1 }] }],
      }),
    ).expect(422);
    expect(refused.body.code).toBe('PRODUCT_MODEL_NOT_ORDERABLE');
    await post('/payment-terms', {
      code: 'BAD',
      name: 'bad',
      depositPercent: 30,
      depositDueDays: 7,
      milestones: [{ percent: 60, dueDaysFromShip: 0 }],
    }).expect(400);
  });

  it('answers a duplicate with 409 and prints nothing: an expected refusal is not a failure', async () => {
    const terms = {
      code: 'DUP-30',
      name: 'Thirty down',
      depositPercent: 30,
      depositDueDays: 7,
      milestones: [{ percent: 70, dueDaysFromShip: 0 }],
    };
    await post('/payment-terms', terms).expect(201);
    const printed = [jest.spyOn(console, 'log'), jest.spyOn(console, 'error')];
    try {
      const res = await post('/payment-terms', { ...terms, name: 'Again' }).expect(409);
      expect(res.body.code).toBe('DUPLICATE');
      for (const spy of printed) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of printed) spy.mockRestore();
    }
    const rows = await t.sql('SELECT name FROM payment_terms WHERE code = $1', ['DUP-30']);
    expect(rows).toEqual([{ name: 'Thirty down' }]);
  });

  it('edits drafts only, honours If-Match, and refuses illegal transitions', async () => {
    const created = await post('/purchase-orders', draft()).expect(201);
    const id = created.body.id;
    await t
      .http()
      .patch(`/api/v1/purchase-orders/${id}`)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"7"')
      .send({ customerReference: 'x' })
      .expect(412);
    const edited = await t
      .http()
      .patch(`/api/v1/purchase-orders/${id}`)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({
        lines: [
          {
            productModelId: modelId,
            unitPrice: '3000.00',
            tranches: [
              { shipDate: '2025-04-01', quantity: 4 },
              { shipDate: '2025-05-01', quantity: 6 },
            ],
          },
        ],
      })
      .expect(200);
    expect(edited.body.version).toBe(2);
    expect(edited.body.totals).toMatchObject({ quantity: 10, value: '30000.00' });
    await post(`/purchase-orders/${id}/payments`, {
      amount: '1.00',
      receivedOn: '2025-02-01',
    }).expect(409);
    await post(`/purchase-orders/${id}/shipments`, {
      shippedOn: '2025-04-01',
      items: [{ trancheId: tranchesOf(edited.body)[0].id, quantity: 1 }],
    }).expect(409);
    await post(`/purchase-orders/${id}/confirm`, {}).expect(200);
    const again = await post(`/purchase-orders/${id}/confirm`, {}).expect(409);
    expect(again.body.code).toBe('INVALID_STATE');
    await t
      .http()
      .patch(`/api/v1/purchase-orders/${id}`)
      .set('X-API-Key', t.adminKey)
      .send({ customerReference: 'late' })
      .expect(409);
    const stale = await t
      .http()
      .post(`/api/v1/purchase-orders/${id}/amendments`)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', '"1"')
      .send({
        effectiveOn: '2025-02-01',
        reason: 'r',
        changes: [{ trancheId: tranchesOf(edited.body)[0].id, shipDate: '2025-06-01' }],
      })
      .expect(412);
    expect(stale.body.code).toBe('VERSION_MISMATCH');
    const future = await post(`/purchase-orders/${id}/amendments`, {
      effectiveOn: '2099-01-01',
      reason: 'r',
      changes: [{ trancheId: tranchesOf(edited.body)[0].id, shipDate: '2025-06-01' }],
    }).expect(422);
    expect(future.body.code).toBe('EFFECTIVE_DATE_OUT_OF_RANGE');
  });

  it('takes each amendment change in one of four shapes, refusing others with their paths', async () => {
    const order = await f.order(draft({ signedOn: '2025-01-10' }));
    const [tranche] = tranchesOf(order);
    const lineId = order.lines[0].id;
    const amend = (changes: unknown[]) =>
      post(`/purchase-orders/${order.id}/amendments`, {
        effectiveOn: '2025-02-01',
        reason: 'shapes',
        changes,
      });
    const refused = await amend([
      { trancheId: tranche.id, shipDate: '2025-04-01' },
      { trancheId: tranche.id },
      { trancheId: tranche.id, shipDate: '2025-04-01', quantity: 3 },
      { trancheId: tranche.id, cancel: false },
      { lineId, shipDate: '2025-05-01', quantity: 0 },
      { trancheId: tranche.id, quantity: 4, colour: 'red' },
      7,
    ]).expect(400);
    expect(refused.body.code).toBe('VALIDATION_FAILED');
    const shape = expect.stringContaining('must be one of {trancheId, shipDate}');
    expect(refused.body.errors).toEqual([
      { path: 'changes[1]', message: shape },
      { path: 'changes[2]', message: shape },
      { path: 'changes[3]', message: shape },
      { path: 'changes[4].quantity', message: 'must be at least 1 for a new tranche' },
      { path: 'changes[5].colour', message: 'is not a known field' },
      { path: 'changes[6]', message: shape },
    ]);

    const amended = await amend([
      { trancheId: tranche.id, shipDate: '2025-04-01' },
      { trancheId: tranche.id, quantity: 12 },
      { lineId, shipDate: '2025-05-01', quantity: 3 },
      { lineId, shipDate: '2025-06-01', quantity: 2, unitPrice: '2000.00' },
    ]).expect(200);
    expect(tranchesOf(amended.body)).toEqual([
      expect.objectContaining({ shipDate: '2025-04-01', quantity: 12, unitPrice: '3060.00' }),
      expect.objectContaining({ sequence: 2, shipDate: '2025-05-01', unitPrice: '3060.00' }),
      expect.objectContaining({ sequence: 3, shipDate: '2025-06-01', unitPrice: '2000.00' }),
    ]);
    const cancelled = await amend([{ trancheId: tranche.id, cancel: true }]).expect(200);
    expect(tranchesOf(cancelled.body)[0]).toMatchObject({ cancelledQuantity: 12, openQuantity: 0 });

    const history = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}/amendments`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    const added = tranchesOf(amended.body).slice(1);
    expect(history.body.items.map((a: { changes: unknown[] }) => a.changes)).toEqual([
      [
        { type: 'reschedule', trancheId: tranche.id, shipDate: '2025-04-01' },
        { type: 'set_quantity', trancheId: tranche.id, quantity: 12 },
        {
          type: 'add_tranche',
          trancheId: added[0].id,
          shipDate: '2025-05-01',
          quantity: 3,
          unitPrice: '3060.00',
        },
        {
          type: 'add_tranche',
          trancheId: added[1].id,
          shipDate: '2025-06-01',
          quantity: 2,
          unitPrice: '2000.00',
        },
      ],
      [{ type: 'cancel', trancheId: tranche.id, cancel: true }],
    ]);
  });

  it('describes an amendment change in the OpenAPI document as one of its five shapes', async () => {
    const doc = await t.http().get('/docs-json').expect(200);
    const { schemas } = doc.body.components;
    expect(schemas.CreateAmendmentDto.properties.changes.items).toEqual({
      oneOf: [
        { $ref: '#/components/schemas/RescheduleTrancheDto' },
        { $ref: '#/components/schemas/SetTrancheQuantityDto' },
        { $ref: '#/components/schemas/CancelTrancheDto' },
        { $ref: '#/components/schemas/AddTrancheDto' },
        { $ref: '#/components/schemas/PriceChangeDto' },
      ],
    });
  });

  it('keeps roles: viewer and finance may not book orders; operations may ship', async () => {
    await post('/purchase-orders', draft(), await t.keyFor('viewer')).expect(403);
    await post('/purchase-orders', draft(), await t.keyFor('finance')).expect(403);
    await post('/purchase-orders', draft(), await t.keyFor('sales')).expect(201);
  });

  it('never ships more than a tranche holds when shipments race, and writes nothing for a refused one', async () => {
    // A second tranche keeps the order confirmed, so every loser is refused for over-shipment.
    const order = await f.order(
      draft({
        signedOn: '2025-01-10',
        lines: [
          {
            productModelId: modelId,
            tranches: [
              { shipDate: '2025-03-01', quantity: 10 },
              { shipDate: '2025-04-01', quantity: 1 },
            ],
          },
        ],
      }),
    );
    const [tranche] = tranchesOf(order);
    const ops = await t.keyFor('operations');
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        post(
          `/purchase-orders/${order.id}/shipments`,
          { shippedOn: '2025-03-01', items: [{ trancheId: tranche.id, quantity: 2 }] },
          ops,
        ),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(
      results.filter((r) => r.status === 409).every((r) => r.body.code === 'OVER_SHIPMENT'),
    ).toBe(true);
    const [{ shipped }] = await t.sql<{ shipped: number }>(
      'SELECT shipped_quantity AS shipped FROM tranche WHERE id = $1',
      [tranche.id],
    );
    expect(shipped).toBe(10);
    const read = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(read.body.status).toBe('confirmed');
    const last = await post(
      `/purchase-orders/${order.id}/shipments`,
      { shippedOn: '2025-04-01', items: [{ trancheId: tranchesOf(order)[1].id, quantity: 1 }] },
      ops,
    ).expect(201);
    expect(last.body.items).toEqual([
      { trancheId: tranchesOf(order)[1].id, quantity: 1, deliveredThs: null, trueUp: '0.00' },
    ]);
    const done = await t
      .http()
      .get(`/api/v1/purchase-orders/${order.id}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(done.body.status).toBe('completed');
    const afterCompletion = await post(
      `/purchase-orders/${order.id}/shipments`,
      { shippedOn: '2025-04-01', items: [{ trancheId: tranche.id, quantity: 1 }] },
      ops,
    ).expect(409);
    expect(afterCompletion.body.code).toBe('INVALID_STATE');

    const other = await f.order(
      draft({
        signedOn: '2025-01-10',
        lines: [
          {
            productModelId: modelId,
            tranches: [
              { shipDate: '2025-03-01', quantity: 3 },
              { shipDate: '2025-04-01', quantity: 3 },
            ],
          },
        ],
      }),
    );
    const [a, b] = tranchesOf(other);
    const refused = await post(`/purchase-orders/${other.id}/shipments`, {
      shippedOn: '2025-03-01',
      items: [
        { trancheId: a.id, quantity: 3 },
        { trancheId: b.id, quantity: 4 },
      ],
    }).expect(409);
    expect(refused.body.code).toBe('OVER_SHIPMENT');
    const [{ count }] = await t.sql<{ count: number }>(
      'SELECT count(*)::int AS count FROM shipment WHERE purchase_order_id = $1',
      [other.id],
    );
    expect(count).toBe(0);
  });

  it('creates one order for concurrent retries with one Idempotency-Key', async () => {
    const body = draft({ customerReference: 'retry-me' });
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        t
          .http()
          .post('/api/v1/purchase-orders')
          .set('X-API-Key', t.adminKey)
          .set('Idempotency-Key', 'po-retry-1')
          .send(body),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    const [{ count }] = await t.sql<{ count: number }>(
      `SELECT count(*)::int AS count FROM purchase_order WHERE customer_reference = 'retry-me'`,
    );
    expect(count).toBe(1);
  });

  it('pages orders, payments and shipments with cursors, each row once', async () => {
    const customer = (await f.customer()).id;
    const order = await f.order(
      draft({
        customerId: customer,
        signedOn: '2025-01-10',
        lines: [{ productModelId: modelId, tranches: [{ shipDate: '2025-03-01', quantity: 3 }] }],
      }),
    );
    await f.order(draft({ customerId: customer }));
    await f.order(draft({ customerId: customer }));
    const [tranche] = tranchesOf(order);
    for (const day of ['10', '11', '12']) {
      await f.pay(order.id, `2025-02-${day}`, '1.00');
      await f.ship(order.id, `2025-02-${day}`, [{ trancheId: tranche.id, quantity: 1 }]);
    }
    const walk = async (path: string) => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { items: { id: string }[]; nextCursor: string | null } } = await t
          .http()
          .get(path)
          .query({ limit: 2, ...(cursor ? { cursor } : {}) })
          .set('X-API-Key', t.adminKey)
          .expect(200);
        ids.push(...res.body.items.map((i: { id: string }) => i.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      return ids;
    };
    const orders = await walk(`/api/v1/purchase-orders?customerId=${customer}`);
    expect(orders).toHaveLength(3);
    expect(orders[0]).toBe(order.id);
    const payments = await walk(`/api/v1/purchase-orders/${order.id}/payments`);
    const shipments = await walk(`/api/v1/shipments?customerId=${customer}`);
    expect([
      new Set(payments).size,
      payments.length,
      new Set(shipments).size,
      shipments.length,
    ]).toEqual([3, 3, 3, 3]);
  });

  it('records every write in the audit log and the change feed', async () => {
    const order = await f.order(draft());
    const log = await t
      .http()
      .get(`/api/v1/audit-log?entityType=purchase_order&entityId=${order.id}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(log.body.items.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'confirmed',
    ]);
    // The feed shows an event once every transaction older than its own has ended, on any
    // database of the server; a parallel test file's open transaction may hold it back a moment.
    const confirmed = await until(
      async () => {
        const feed = await t
          .http()
          .get('/api/v1/events?types=purchase_order.confirmed&limit=500')
          .set('X-API-Key', t.adminKey)
          .expect(200);
        return feed.body.items as { entityId: string; type: string }[];
      },
      (items) => items.some((e) => e.entityId === order.id),
    );
    expect(confirmed.filter((e) => e.entityId === order.id).map((e) => e.type)).toEqual([
      'purchase_order.confirmed',
    ]);
  });

  it('books a draft at the model as it is now, though it changed behind the instance, and logs the draft it answered', async () => {
    const model = await f.productModel({ listPrice: '2000.00' });
    const line = (quantity: number) => ({
      productModelId: model.id,
      tranches: [{ shipDate: '2025-03-01', quantity }],
    });
    const first = await post('/purchase-orders', draft({ lines: [line(1)] })).expect(201);
    expect(first.body.lines[0].unitPrice).toBe('2000.00');

    // Raw SQL, so no part of the app hears of it: a new list price and hash rate.
    await t.sql(
      'UPDATE product_model SET list_price_cents = 215000, hashrate_ths = 95 WHERE id = $1',
      [model.id],
    );
    const second = await post('/purchase-orders', draft({ lines: [line(2)] })).expect(201);
    expect(second.body.lines[0].unitPrice).toBe('2150.00');
    expect(second.body.totals).toMatchObject({ value: '4300.00', hashrateThs: 190 });
    const [stored] = await t.sql(
      `SELECT o.number, o.created_at, t.unit_price_cents::int AS price FROM purchase_order o
         JOIN tranche t ON t.purchase_order_id = o.id WHERE o.id = $1`,
      [second.body.id],
    );
    expect(stored).toMatchObject({ number: second.body.number, price: 215000 });
    expect((stored.created_at as Date).toISOString()).toBe(second.body.createdAt);

    // The audit row and the feed event hold the response as answered, number and time included.
    const [logged] = await t.sql(
      `SELECT a.changes -> 'after' AS audited, e.data AS event FROM audit_log a
         JOIN event e ON e.entity_id = a.entity_id AND e.type = 'purchase_order.created'
        WHERE a.entity_id = $1 AND a.action = 'created'`,
      [second.body.id],
    );
    expect(logged.audited).toEqual(second.body);
    expect(logged.event).toEqual(second.body);

    // Now end of life, again behind the instance's back: refused, and nothing written.
    await t.sql(`UPDATE product_model SET status = 'end_of_life' WHERE id = $1`, [model.id]);
    const [{ count: before }] = await t.sql('SELECT count(*)::int AS count FROM purchase_order');
    const refused = await post('/purchase-orders', draft({ lines: [line(3)] })).expect(422);
    expect(refused.body.code).toBe('PRODUCT_MODEL_NOT_ORDERABLE');
    const [{ count: after }] = await t.sql('SELECT count(*)::int AS count FROM purchase_order');
    expect(after).toBe(before);
  });

  it('names an unknown customer or terms before a model that cannot be ordered', async () => {
    const eol = await f.productModel({ status: 'end_of_life' });
    const eolLine = { productModelId: eol.id, tranches: [{ shipDate: '2025-03-01', quantity: 1 }] };
    const unknownCustomer = await post(
      '/purchase-orders',
      draft({ customerId: '00000000-0000-4000-8000-000000000003', lines: [eolLine] }),
    ).expect(422);
    expect(unknownCustomer.body.errors).toEqual([expect.objectContaining({ path: 'customerId' })]);
    const unknownTerms = await post(
      '/purchase-orders',
      draft({
        paymentTermsCode: 'NOPE',
        lines: [{ ...eolLine, productModelId: '00000000-0000-4000-8000-000000000004' }],
      }),
    ).expect(422);
    expect(unknownTerms.body.errors).toEqual([
      expect.objectContaining({ path: 'paymentTermsCode' }),
    ]);
    const eolOnly = await post('/purchase-orders', draft({ lines: [eolLine] })).expect(422);
    expect(eolOnly.body.code).toBe('PRODUCT_MODEL_NOT_ORDERABLE');
  });
});
