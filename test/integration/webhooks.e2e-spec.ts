import { OrderFactory } from '../support/order-factories';
import { createTestApp, TestApp } from '../support/test-app';
import { until } from '../support/until';
import { Receiver } from './receiver';

const SECRET = 'whsec_test_0123456789abcdef';

describe('webhooks: subscriptions, signed deliveries, retries', () => {
  let t: TestApp;
  let f: OrderFactory;
  const receivers: Receiver[] = [];

  const api = (method: 'get' | 'post' | 'patch' | 'delete', path: string, key = t.adminKey) =>
    t.http()[method](`/api/v1${path}`).set('X-API-Key', key);

  async function receiver(): Promise<Receiver> {
    const r = new Receiver(SECRET);
    await r.start();
    receivers.push(r);
    return r;
  }

  async function subscribe(url: string, events: string[] = ['customer.created']) {
    const res = await api('post', '/webhooks').send({ url, events, secret: SECRET }).expect(201);
    return res.body as { id: string; version: number };
  }

  async function deliveries(webhookId: string) {
    const res = await api('get', `/webhooks/${webhookId}/deliveries?limit=500`).expect(200);
    return res.body.items as Record<string, any>[];
  }

  beforeAll(async () => {
    t = await createTestApp();
    f = new OrderFactory(t);
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await t.close();
  });

  // Other tests' subscriptions must not hear this test's events and vice versa: each test turns
  // every subscription off at the end.
  afterEach(async () => {
    await t.sql('UPDATE webhook_subscription SET active = false');
  });

  it('creates, reads, changes and deletes subscriptions without ever returning the secret', async () => {
    const created = await api('post', '/webhooks')
      .send({
        url: 'https://erp.example.com/hooks',
        events: ['purchase_order.confirmed', 'shipment.created'],
        secret: SECRET,
      })
      .expect(201);
    expect(created.body).toMatchObject({
      url: 'https://erp.example.com/hooks',
      events: ['purchase_order.confirmed', 'shipment.created'],
      active: true,
      disabledReason: null,
      failingSince: null,
      version: 1,
    });
    expect(created.body.secret).toBeUndefined();
    expect(JSON.stringify(created.body)).not.toContain(SECRET);

    const one = await api('get', `/webhooks/${created.body.id}`).expect(200);
    expect(one.headers.etag).toBe('"1"');
    expect(one.body.secret).toBeUndefined();
    const list = await api('get', '/webhooks').expect(200);
    expect(list.body.items.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain(SECRET);

    await api('patch', `/webhooks/${created.body.id}`)
      .set('If-Match', '"7"')
      .send({ active: false })
      .expect(412);
    const patched = await api('patch', `/webhooks/${created.body.id}`)
      .set('If-Match', '"1"')
      .send({ active: false, events: ['*'] })
      .expect(200);
    expect(patched.body).toMatchObject({ active: false, events: ['*'], version: 2 });

    const audit = await api(
      'get',
      `/audit-log?entityType=webhook&entityId=${created.body.id}`,
    ).expect(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      'created',
      'updated',
    ]);
    expect(JSON.stringify(audit.body)).not.toContain(SECRET);

    await api('delete', `/webhooks/${created.body.id}`).expect(204);
    await api('get', `/webhooks/${created.body.id}`).expect(404);
    await api('get', '/webhooks/not-a-uuid').expect(404);
  });

  it('refuses bad subscriptions with 400 and every role but admin with 403', async () => {
    const bad = async (body: object, path: string) => {
      const res = await api('post', '/webhooks').send(body).expect(400);
      expect(res.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await bad({ url: 'ftp://erp.example.com/x', events: ['*'], secret: SECRET }, 'url');
    await bad({ url: 'not a url', events: ['*'], secret: SECRET }, 'url');
    await bad(
      { url: 'https://erp.example.com', events: ['order.shipped'], secret: SECRET },
      'events',
    );
    await bad({ url: 'https://erp.example.com', events: [], secret: SECRET }, 'events');
    await bad(
      { url: 'https://erp.example.com', events: ['*', 'customer.created'], secret: SECRET },
      'events',
    );
    await bad({ url: 'https://erp.example.com', events: ['*'], secret: 'short' }, 'secret');
    await bad({ url: 'https://erp.example.com', events: ['*'], secret: SECRET, extra: 1 }, 'extra');
    for (const role of ['erp', 'sales', 'viewer'] as const) {
      const key = await t.keyFor(role);
      await api('post', '/webhooks', key)
        .send({ url: 'https://erp.example.com', events: ['*'], secret: SECRET })
        .expect(403);
      await api('get', '/webhooks', key).expect(403);
    }
  });

  it('POSTs each matching event once, as the feed shows it, signed, with the event id header', async () => {
    const r = await receiver();
    const hook = await subscribe(r.url, ['customer.created']);
    const customer = await f.customer();
    await f.productModel(); // product_model.created: not subscribed

    await r.waitFor(() => r.receipts.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 700)); // anything extra would arrive by now
    expect(r.arrivals).toHaveLength(1);
    const [receipt] = r.receipts;
    expect(receipt.signatureValid).toBe(true);
    expect(receipt.contentType).toBe('application/json');
    expect(receipt.body).toMatchObject({
      type: 'customer.created',
      entityType: 'customer',
      entityId: customer.id,
    });
    expect(receipt.eventId).toBe(receipt.body.id);
    expect(receipt.body.data).toMatchObject({ id: customer.id });

    const feed = await api('get', '/events?types=customer.created&limit=500').expect(200);
    const fromFeed = feed.body.items.find((e: { id: string }) => e.id === receipt.eventId);
    expect(receipt.body).toEqual(fromFeed);

    const [delivery] = await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'delivered',
    );
    expect(delivery).toMatchObject({
      webhookId: hook.id,
      eventId: receipt.eventId,
      eventType: 'customer.created',
      status: 'delivered',
      attempts: 1,
      lastStatusCode: 200,
      lastError: null,
      nextAttemptAt: null,
    });
    expect(delivery.deliveredAt).not.toBeNull();
  });

  it('does not send events from before the subscription existed', async () => {
    await f.customer();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const r = await receiver();
    const hook = await subscribe(r.url, ['customer.created']);
    const later = await f.customer();
    await r.waitFor(() => r.receipts.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(r.receipts.map((x) => x.body.entityId)).toEqual([later.id]);
    expect(await deliveries(hook.id)).toHaveLength(1);
  });

  it('retries a non-2xx answer within 5 s, then records the delivery', async () => {
    const r = await receiver();
    r.answer = (_receipt, attempt) => (attempt === 1 ? 503 : 200);
    const hook = await subscribe(r.url);
    await f.customer();
    await r.waitFor(() => r.arrivals.length >= 1);
    const failed = await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'failed' || d[0]?.status === 'delivered',
    );
    if (failed[0].status === 'failed') {
      expect(failed[0]).toMatchObject({
        attempts: 1,
        lastStatusCode: 503,
        lastError: 'The receiver answered 503',
      });
      expect(Date.parse(failed[0].nextAttemptAt) - Date.now()).toBeLessThanOrEqual(5000);
    }
    await r.waitFor(() => r.receipts.length >= 1, 10000);
    expect(r.arrivals).toHaveLength(2);
    expect(r.arrivals[1].at - r.arrivals[0].at).toBeLessThan(5000);
    expect(r.arrivals[1].eventId).toBe(r.arrivals[0].eventId);
    const [done] = await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'delivered',
    );
    expect(done).toMatchObject({ attempts: 2, lastStatusCode: 200, lastError: null });
    const [subscription] = await t.sql<{ failing_since: Date | null }>(
      'SELECT failing_since FROM webhook_subscription WHERE id = $1',
      [hook.id],
    );
    expect(subscription.failing_since).toBeNull();
  });

  it('gives up after the retry window (dead), and redelivers on request', async () => {
    const r = await receiver();
    let healthy = false;
    r.answer = () => (healthy ? 204 : 500);
    const hook = await subscribe(r.url);
    await f.customer();
    const [first] = await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'failed',
    );
    // The 24 h window, shortened: the next failure falls after it.
    await t.sql(
      `UPDATE webhook_delivery SET expires_at = now() + interval '1 second' WHERE id = $1`,
      [first.id],
    );
    const [dead] = await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'dead',
    );
    expect(dead).toMatchObject({ attempts: 2, lastStatusCode: 500, nextAttemptAt: null });
    const arrivals = r.arrivals.length;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(r.arrivals.length).toBe(arrivals);

    healthy = true;
    const queued = await api('post', `/webhooks/${hook.id}/deliveries/${first.id}/redeliver`)
      .send({})
      .expect(200);
    expect(queued.body).toMatchObject({ id: first.id, status: 'pending' });
    await r.waitFor(() => r.receipts.length === 1, 5000);
    const [done] = await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'delivered',
    );
    expect(done).toMatchObject({ attempts: 3, lastStatusCode: 204 });
    await api(
      'post',
      `/webhooks/${hook.id}/deliveries/00000000-0000-4000-8000-000000000000/redeliver`,
    )
      .send({})
      .expect(404);
    const failures = await api('get', `/webhooks/${hook.id}/deliveries?status=dead`).expect(200);
    expect(failures.body.items).toHaveLength(0);
  });

  it('turns a subscription off after a day of failures, and back on by PATCH', async () => {
    const r = await receiver();
    r.answer = () => 500;
    const hook = await subscribe(r.url);
    await f.customer();
    await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'failed',
    );
    const [failing] = await t.sql<{ failing_since: Date | null }>(
      'SELECT failing_since FROM webhook_subscription WHERE id = $1',
      [hook.id],
    );
    expect(failing.failing_since).not.toBeNull();
    await t.sql(
      `UPDATE webhook_subscription SET failing_since = now() - interval '25 hours' WHERE id = $1`,
      [hook.id],
    );
    const off = await until(
      async () => (await api('get', `/webhooks/${hook.id}`).expect(200)).body,
      (w) => w.active === false,
    );
    expect(off.disabledReason).toBe('Every delivery failed for 24 hours');
    expect(off.version).toBe(2);
    // Off: nothing more is attempted.
    const arrivals = r.arrivals.length;
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect(r.arrivals.length).toBe(arrivals);

    r.answer = () => 200;
    const on = await api('patch', `/webhooks/${hook.id}`).send({ active: true }).expect(200);
    expect(on.body).toMatchObject({ active: true, disabledReason: null, failingSince: null });
    await r.waitFor(() => r.receipts.length === 1, 10000);
  });

  it('sends again a delivery whose sender died mid-attempt once its lease runs out', async () => {
    const r = await receiver();
    const customer = await f.customer();
    const [event] = await t.sql<{ id: string }>(
      `SELECT id::text AS id FROM event WHERE type = 'customer.created' AND entity_id = $1`,
      [customer.id],
    );
    const hook = await subscribe(r.url, ['customer.created']);
    // As a crashed instance leaves it: claimed, attempt started, lease running out in a second.
    const [row] = await t.sql<{ id: string }>(
      `INSERT INTO webhook_delivery (subscription_id, event_id, event_type, status, attempts, next_attempt_at, expires_at,
                                     lease_token, last_attempt_at, last_attempt_by)
       VALUES ($1, $2, 'customer.created', 'pending', 1, now() + interval '1 second', now() + interval '1 day',
               gen_random_uuid(), now(), 'crashed-instance') RETURNING id`,
      [hook.id, event.id],
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(r.arrivals).toHaveLength(0);
    await r.waitFor(() => r.receipts.length === 1, 5000);
    expect(r.receipts[0].eventId).toBe(event.id);
    const [done] = await until(
      () => deliveries(hook.id),
      (d) => d[0]?.status === 'delivered',
    );
    expect(done).toMatchObject({ id: row.id, attempts: 2 });
  });

  it('sweeps delivered and dead deliveries after 30 days, keeping the rest', async () => {
    const r = await receiver();
    const hook = await subscribe(r.url, ['customer.created']);
    await f.customer();
    await f.customer();
    await f.customer();
    const rows = await until(
      () => deliveries(hook.id),
      (d) => d.length === 3 && d.every((x) => x.status === 'delivered'),
    );
    await t.sql(
      `UPDATE webhook_delivery SET updated_at = now() - interval '31 days', status = CASE WHEN id = $2 THEN 'dead' ELSE status END
        WHERE id = ANY($1::uuid[])`,
      [[rows[0].id, rows[1].id], rows[1].id],
    );
    // The sweep runs when an instance starts, then hourly.
    const other = await createTestApp({}, t.databaseUrl);
    try {
      const left = await until(
        () => deliveries(hook.id),
        (d) => d.length === 1,
      );
      expect(left[0].id).toBe(rows[2].id);
    } finally {
      await other.close();
    }
  });

  it('times a silent receiver out after 10 s, slowing neither the API nor other receivers', async () => {
    const silent = await receiver();
    silent.answer = () => 0; // never answers
    const healthy = await receiver();
    const hook = await subscribe(silent.url, ['*']);
    await subscribe(healthy.url, ['customer.created']);
    const started = Date.now();
    const slowest: number[] = [];
    const created: string[] = [];
    for (let i = 0; i < 30; i++) {
      const at = Date.now();
      created.push((await f.customer()).id);
      slowest.push(Date.now() - at);
    }
    // 30 writes while deliveries hang on the silent receiver: the API does not wait for them …
    expect(Math.max(...slowest)).toBeLessThan(1000);
    expect(Date.now() - started).toBeLessThan(8000);
    await silent.waitFor(() => silent.arrivals.length >= 8);
    await t.http().get('/health').expect(200);
    // … and the silent receiver holds at most 8 sending slots: the healthy one gets everything
    // long before the first timeout.
    await healthy.waitFor(() => healthy.receipts.length === 30, 5000);
    expect(healthy.receipts.map((x) => x.body.entityId).sort()).toEqual([...created].sort());
    expect(Date.now() - started).toBeLessThan(10000);
    expect(silent.arrivals.length).toBeLessThanOrEqual(8);

    const timedOut = await until(
      () => deliveries(hook.id),
      (d) => d.some((x) => x.status === 'failed'),
      20000,
    );
    const failed = timedOut.find((x) => x.status === 'failed')!;
    expect(failed).toMatchObject({
      attempts: 1,
      lastStatusCode: null,
      lastError: 'No answer within 10 s',
    });
    await api('patch', `/webhooks/${hook.id}`).send({ active: false }).expect(200);
  }, 40000);
});
