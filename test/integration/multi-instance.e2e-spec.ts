import { randomBytes } from 'node:crypto';
import { createCustomer, createProductModel } from '../support/crm-factories';
import { OrderFactory, tranchesOf } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';
import { Receiver } from './receiver';

const SECRET = 'whsec_multi_0123456789abcdef';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `work` for 0…n-1 with at most `width` at a time. */
async function parallel<T>(
  n: number,
  width: number,
  work: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(n);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) {
        const i = next++;
        results[i] = await work(i);
      }
    }),
  );
  return results;
}

async function subscribe(t: TestApp, url: string, events: string[] = ['*']): Promise<string> {
  const res = await t
    .http()
    .post('/api/v1/webhooks')
    .set('X-API-Key', t.adminKey)
    .send({ url, events, secret: SECRET });
  if (res.status !== 201) throw new Error(`subscribe: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

/** The events a subscription must receive: the ones the fan-out matches to it. */
async function expectedEvents(t: TestApp, webhookId: string): Promise<string[]> {
  const rows = await t.sql<{ id: string }>(
    `SELECT e.id::text AS id FROM event e JOIN webhook_subscription s ON s.id = $1
      WHERE e.occurred_at >= s.created_at AND ('*' = ANY(s.events) OR e.type = ANY(s.events)) ORDER BY e.id`,
    [webhookId],
  );
  return rows.map((r) => r.id);
}

/**
 * Moves the cluster's transaction ids to just below the next power of ten, so that the writes that
 * follow straddle it: 999 → 1000 is where ordering ids as text instead of numbers goes wrong.
 */
async function nearTxidBoundary(t: TestApp, margin = 60): Promise<void> {
  const [{ x }] = await t.sql<{ x: string }>('SELECT pg_current_xact_id()::text AS x');
  const burn = 10 ** x.length - Number(x) - margin;
  if (burn <= 0 || burn > 300_000) return;
  await t.sql('SET synchronous_commit = off');
  await t.sql(
    `DO $$ BEGIN FOR i IN 1..${burn} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`,
  );
  await t.sql('RESET synchronous_commit');
}

describe('two app instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    a = await createTestApp();
    b = await createTestApp({}, a.databaseUrl);
    await Promise.all([
      a.app.listen({ port: 0, host: '127.0.0.1' }),
      b.app.listen({ port: 0, host: '127.0.0.1' }),
    ]);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await Promise.all([a.close(), b.close()]);
  });
  afterEach(async () => {
    await a.sql('UPDATE webhook_subscription SET active = false');
  });

  it('delivers every event exactly once per subscription, the two instances sharing the sending', async () => {
    const r = new Receiver(SECRET);
    await r.start();
    receivers.push(r);
    r.answer = async () => {
      await sleep(150); // slow enough that one instance cannot take the whole queue alone
      return 200;
    };
    const other = new Receiver(SECRET);
    await other.start();
    receivers.push(other);
    const hook = await subscribe(a, r.url);
    const second = await subscribe(b, other.url, ['customer.created']);
    await parallel(120, 12, (i) => createCustomer(i % 2 ? a : b));
    await parallel(10, 5, (i) => createProductModel(i % 2 ? a : b));

    const expected = await expectedEvents(a, hook);
    expect(expected.length).toBe(130);
    await r.waitFor(() => new Set(r.receipts.map((x) => x.eventId)).size >= expected.length, 30000);
    const expectedSecond = await expectedEvents(a, second);
    expect(expectedSecond.length).toBe(120);
    await other.waitFor(
      () => new Set(other.receipts.map((x) => x.eventId)).size >= expectedSecond.length,
      30000,
    );
    await sleep(1500); // a duplicate would have arrived by now

    for (const [receiver, ids] of [
      [r, expected],
      [other, expectedSecond],
    ] as const) {
      expect(receiver.arrivals.every((x) => x.signatureValid)).toBe(true);
      expect(receiver.arrivals).toHaveLength(ids.length);
      expect([...receiver.counts().keys()].sort()).toEqual([...ids].sort());
      expect([...receiver.counts().values()].every((n) => n === 1)).toBe(true);
    }
    const rows = await a.sql<{ status: string; attempts: number; last_attempt_by: string }>(
      'SELECT status, attempts, last_attempt_by FROM webhook_delivery WHERE subscription_id = $1',
      [hook],
    );
    expect(rows).toHaveLength(130);
    expect(rows.every((x) => x.status === 'delivered' && x.attempts === 1)).toBe(true);
    expect(new Set(rows.map((x) => x.last_attempt_by)).size).toBe(2);
  });

  it('honours one Idempotency-Key across instances: one resource, the first response replayed', async () => {
    const key = await a.keyFor('erp');
    const body = {
      name: `Idem ${randomBytes(4).toString('hex')}`,
      legalName: 'Idem Mining Inc.',
      segment: 'public_miner',
      country: 'US',
    };
    const idem = `idem-${randomBytes(6).toString('hex')}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b)
          .http()
          .post('/api/v1/customers')
          .set('X-API-Key', key)
          .set('Idempotency-Key', idem)
          .send(body),
      ),
    );
    expect(results.map((res) => res.status)).toEqual(Array(8).fill(201));
    expect(new Set(results.map((res) => res.body.id)).size).toBe(1);
    expect(results.filter((res) => res.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    const rows = await a.sql('SELECT id FROM customer WHERE name = $1', [body.name]);
    expect(rows).toHaveLength(1);
    const other = await b
      .http()
      .post('/api/v1/customers')
      .set('X-API-Key', key)
      .set('Idempotency-Key', idem)
      .send({ ...body, country: 'CA' });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('never ships more than a tranche holds when shipments race across instances', async () => {
    const fa = new OrderFactory(a);
    const model = await fa.productModel();
    const customer = await fa.customer();
    const order = await fa.order({
      customerId: customer.id,
      signedOn: '2025-01-10',
      lines: [
        {
          productModelId: model.id,
          tranches: [
            { shipDate: '2025-03-01', quantity: 10 },
            { shipDate: '2025-04-01', quantity: 10 },
          ],
        },
      ],
    });
    const [tranche] = tranchesOf(order);
    const ops = await a.keyFor('operations');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        (i % 2 ? a : b)
          .http()
          .post(`/api/v1/purchase-orders/${order.id}/shipments`)
          .set('X-API-Key', ops)
          .send({ shippedOn: '2025-03-01', items: [{ trancheId: tranche.id, quantity: 3 }] }),
      ),
    );
    expect(results.filter((res) => res.status === 201)).toHaveLength(3);
    const refused = results.filter((res) => res.status !== 201);
    expect(refused).toHaveLength(5);
    expect(refused.every((res) => res.status === 409 && res.body.code === 'OVER_SHIPMENT')).toBe(
      true,
    );
    const [row] = await a.sql<{ shipped: number }>(
      'SELECT shipped_quantity AS shipped FROM tranche WHERE id = $1',
      [tranche.id],
    );
    expect(row.shipped).toBe(9);
    const items = await a.sql<{ n: number }>(
      'SELECT coalesce(sum(quantity), 0) AS n FROM shipment_item WHERE tranche_id = $1',
      [tranche.id],
    );
    expect(items[0].n).toBe(9);
  });

  it('refuses a revoked key on both instances within 5 s', async () => {
    const created = await a
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', a.adminKey)
      .send({ name: 'erp-revoke', role: 'erp' })
      .expect(201);
    const key = created.body.key as string;
    // Both instances have the key cached as valid.
    await a.http().get('/api/v1/events?limit=1').set('X-API-Key', key).expect(200);
    await b.http().get('/api/v1/events?limit=1').set('X-API-Key', key).expect(200);

    const revokedAt = Date.now();
    await a
      .http()
      .delete(`/api/v1/api-keys/${created.body.id}`)
      .set('X-API-Key', a.adminKey)
      .expect(204);
    const refusedAfter = async (t: TestApp) => {
      for (;;) {
        const res = await t.http().get('/api/v1/events?limit=1').set('X-API-Key', key);
        if (res.status === 401) return Date.now() - revokedAt;
        expect(res.status).toBe(200);
        if (Date.now() - revokedAt > 10000) return Infinity;
        await sleep(20);
      }
    };
    const [onA, onB] = await Promise.all([refusedAfter(a), refusedAfter(b)]);
    expect(onA).toBeLessThan(1000);
    // B trusts its 5 s cache until it runs out; the margin is one poll.
    expect(onB).toBeLessThanOrEqual(5250);
  });

  it('shows a feed consumer every event exactly once while both instances write in parallel', async () => {
    const fa = new OrderFactory(a);
    const fb = new OrderFactory(b);
    const models = await Promise.all([createProductModel(a), createProductModel(b)]);
    const customers = await Promise.all([createCustomer(a), createCustomer(b)]);
    const viewer = await a.keyFor('viewer');
    await nearTxidBoundary(a);

    const seen: string[] = [];
    let cursor: string | undefined;
    let writing = true;
    const poll = async (t: TestApp) => {
      const res = await t
        .http()
        .get('/api/v1/events')
        .query({ limit: 50, ...(cursor ? { after: cursor } : {}) })
        .set('X-API-Key', viewer)
        .expect(200);
      seen.push(...res.body.items.map((e: { id: string }) => e.id));
      expect(res.body.nextCursor).toEqual(expect.any(String));
      cursor = res.body.nextCursor;
      return res.body.items.length as number;
    };
    const consumer = (async () => {
      let turn = 0;
      while (writing) {
        await poll(turn++ % 2 ? a : b);
        await sleep(10);
      }
    })();

    await parallel(200, 24, async (i) => {
      const f = i % 2 ? fa : fb;
      const order = await f.order(
        {
          customerId: customers[i % 2].id,
          signedOn: '2025-01-10',
          lines: [
            {
              productModelId: models[(i >> 1) % 2].id,
              tranches: [{ shipDate: '2025-06-01', quantity: 1 + (i % 7) }],
            },
          ],
        },
        i % 3 === 0,
      );
      return order.id;
    });
    writing = false;
    await consumer;
    const all = (await a.sql<{ id: string }>('SELECT id::text AS id FROM event ORDER BY id')).map(
      (r) => r.id,
    );
    // Drain: the last writes become visible once no transaction older than them is running — in
    // the whole cluster, which other test databases share — so poll until all are seen or 20 s.
    const deadline = Date.now() + 20000;
    for (let i = 0; new Set(seen).size < all.length && Date.now() < deadline; i++) {
      await poll(i % 2 ? a : b);
      await sleep(20);
    }
    await poll(a); // one more: nothing may come twice
    expect(all.length).toBeGreaterThanOrEqual(200 + 67 + 4);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...all].sort());
  });
});

describe('restarting the instance that sends', () => {
  it('delivers what was pending once an instance stops, from the instance started next, each event once', async () => {
    const writer = await createTestApp({ webhooksEnabled: false });
    const first = await createTestApp({}, writer.databaseUrl);
    const r = new Receiver(SECRET);
    await r.start();
    r.answer = async () => {
      await sleep(300);
      return 200;
    };
    let second: TestApp | undefined;
    try {
      const hook = await subscribe(writer, r.url, ['customer.created']);
      const f = new OrderFactory(writer);
      await parallel(80, 10, () => f.customer());
      const expected = await expectedEvents(writer, hook);
      expect(expected).toHaveLength(80);

      await r.waitFor(() => r.receipts.length >= 16, 15000);
      await first.close(); // graceful: the sends it started finish and are recorded
      const afterStop = r.arrivals.length;
      const [{ delivered }] = await writer.sql<{ delivered: number }>(
        `SELECT count(*) AS delivered FROM webhook_delivery WHERE subscription_id = $1 AND status = 'delivered'`,
        [hook],
      );
      // What arrived is recorded as delivered; everything else is still to send (queued or not
      // yet fanned out).
      expect(afterStop).toBeLessThan(80);
      expect(delivered).toBe(afterStop);
      expect(r.receipts.length).toBe(afterStop);
      await sleep(600);
      expect(r.arrivals.length).toBe(afterStop); // nobody sends while no worker runs

      second = await createTestApp({}, writer.databaseUrl);
      await r.waitFor(() => r.receipts.length >= 80, 20000);
      await sleep(1000);
      expect(r.arrivals).toHaveLength(80);
      expect([...r.counts().keys()].sort()).toEqual([...expected].sort());
      expect([...r.counts().values()].every((n) => n === 1)).toBe(true);
      const rows = await writer.sql<{ status: string; attempts: number }>(
        'SELECT status, attempts FROM webhook_delivery WHERE subscription_id = $1',
        [hook],
      );
      expect(rows.every((x) => x.status === 'delivered' && x.attempts === 1)).toBe(true);
    } finally {
      await r.close();
      await second?.close();
      await writer.close();
    }
  }, 60000);
});
