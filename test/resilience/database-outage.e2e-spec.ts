import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import { ApiKeyService } from '../../src/access/api-key.service';
import { createApp } from '../../src/app.setup';
import { requestHash } from '../../src/common/idempotency.store';
import { createLogger } from '../../src/common/logger';
import { runMigrations } from '../../src/database/migrate';
import { PostgresCluster, sleep } from '../support/postgres-cluster';
import { testConfig } from '../support/test-app';

interface Sent {
  key: string;
  subject: string;
}

// The app runs on a PostgreSQL of its own (whatever server the rest of the suite uses), which the
// test stops and starts again under a steady write load; the app is never restarted.
describe('a database outage under a steady write load', () => {
  let cluster: PostgresCluster;
  let app: NestFastifyApplication;
  /** A second instance on the same database, with the per-key rate limit counted in it. */
  let limited: NestFastifyApplication;
  let limitedUrl = '';
  let baseUrl = '';
  let adminKey = '';
  let customerId = '';

  const call = (method: string, path: string, body?: unknown, idempotencyKey?: string) =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        'x-api-key': adminKey,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Longer than a retry may wait for the request holding its key (30 s).
      signal: AbortSignal.timeout(45000),
    });

  const recordActivity = (sent: Sent) =>
    call(
      'POST',
      `/api/v1/customers/${customerId}/activities`,
      { type: 'call', subject: sent.subject },
      sent.key,
    );

  const countsBySubject = async () => {
    const rows = await cluster.sql<{ subject: string; n: number }>(
      `SELECT subject, count(*)::int AS n FROM activity WHERE customer_id = $1 GROUP BY subject`,
      [customerId],
      'hashbook',
    );
    return new Map(rows.map((row) => [row.subject, row.n]));
  };

  beforeAll(async () => {
    // Commits are flushed before they are acknowledged, as on a production server.
    cluster = await PostgresCluster.create({ synchronous_commit: 'on' });
    await cluster.start();
    await cluster.sql('CREATE DATABASE hashbook');
    await runMigrations(cluster.url('hashbook'));
    app = await createApp(
      testConfig(),
      cluster.url('hashbook'),
      createLogger(process.env.OUTAGE_LOG ?? 'silent'),
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    baseUrl = baseUrl.replace('[::1]', '127.0.0.1');
    adminKey = (await app.get(ApiKeyService).create('outage-admin', 'admin')).key;
    limited = await createApp(
      testConfig({ rateLimitPerMinute: 50 }),
      cluster.url('hashbook'),
      createLogger('silent'),
    );
    await limited.listen({ port: 0, host: '127.0.0.1' });
    limitedUrl = (await limited.getUrl()).replace('[::1]', '127.0.0.1');
    const customer = await call('POST', '/api/v1/customers', {
      name: `Outage Mining ${randomUUID().slice(0, 8)}`,
      segment: 'public_miner',
      country: 'US',
    });
    expect(customer.status).toBe(201);
    customerId = ((await customer.json()) as { id: string }).id;
  });

  afterAll(async () => {
    await limited?.close();
    await app?.close();
    await cluster?.destroy();
  });

  it('answers 503 while PostgreSQL is down, recovers by itself, and loses or doubles no write', async () => {
    const acknowledged: (Sent & { id: string })[] = [];
    const refused: Sent[] = [];
    const unexpected: string[] = [];
    let running = true;

    const writer = async () => {
      while (running) {
        const sent = { key: randomUUID(), subject: `outage ${randomUUID()}` };
        const res = await recordActivity(sent);
        const body = (await res.json()) as { id?: string; code?: string };
        if (res.status === 201) {
          acknowledged.push({ ...sent, id: body.id! });
        } else if (res.status === 503 && body.code === 'DATABASE_UNAVAILABLE') {
          refused.push(sent);
          await sleep(20);
        } else {
          unexpected.push(`${res.status} ${JSON.stringify(body)}`);
          // Sent again with its key below, like the refused ones.
          refused.push(sent);
        }
      }
    };
    const until = async (condition: () => boolean | Promise<boolean>, what: string) => {
      const deadline = Date.now() + 30000;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
        await sleep(50);
      }
    };

    const writers = Array.from({ length: 6 }, () => writer());
    await until(() => acknowledged.length >= 30, 'writes before the outage');
    expect((await call('GET', '/health/ready')).status).toBe(200);

    await cluster.stop();
    const ackedBeforeOutageEnd = () => acknowledged.length;
    await until(() => refused.length >= 10, 'writes refused during the outage');

    const ready = await call('GET', '/health/ready');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({
      code: 'DATABASE_UNAVAILABLE',
      checks: { database: 'down' },
    });
    const read = await call('GET', '/api/v1/customers');
    expect(read.status).toBe(503);
    expect(read.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const text = await read.text();
    const problem = JSON.parse(text) as { code: string; status: number; detail: string };
    expect(problem).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    // Nothing about the server leaks out.
    expect(text).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|terminat|postgres/i);
    expect(text).not.toContain(String(cluster.port));
    // Where the rate limit is counted in the database, a request it cannot count still gets the
    // outage's answer: 503 DATABASE_UNAVAILABLE, not a 500 of the limiter, nor a 429.
    const unlimited = await fetch(`${limitedUrl}/api/v1/customers`, {
      headers: { 'x-api-key': adminKey },
    });
    expect(unlimited.status).toBe(503);
    expect(((await unlimited.json()) as { code: string }).code).toBe('DATABASE_UNAVAILABLE');
    // Every write while it is down is refused; none is acknowledged.
    const ackedDuringOutage = ackedBeforeOutageEnd();
    await sleep(1000);
    expect(acknowledged.length).toBe(ackedDuringOutage);

    await cluster.start();
    await until(async () => (await call('GET', '/health/ready')).status === 200, 'readiness');
    const ackedAtRecovery = acknowledged.length;
    await until(() => acknowledged.length >= ackedAtRecovery + 30, 'writes after the outage');
    running = false;
    await Promise.all(writers);

    // The application never went down; the rate-limited instance counts again.
    expect((await call('GET', '/health')).status).toBe(200);
    const counted = await fetch(`${limitedUrl}/api/v1/customers`, {
      headers: { 'x-api-key': adminKey },
    });
    expect(counted.status).toBe(200);
    expect(counted.headers.get('x-ratelimit-limit')).toBe('50');

    // Every write that was refused is sent again with its key: each ends applied once, whether
    // it had been applied before its answer was lost or not.
    for (const sent of refused) {
      for (let attempt = 0; ; attempt++) {
        const res = await recordActivity(sent);
        const body = (await res.json()) as { code?: string };
        if (res.status === 201) break;
        if (res.status === 409 && body.code === 'IDEMPOTENCY_REQUEST_APPLIED') break;
        if (attempt > 200)
          throw new Error(`retry of ${sent.key}: ${res.status} ${JSON.stringify(body)}`);
        await sleep(100);
      }
    }

    const counts = await countsBySubject();
    for (const sent of acknowledged)
      expect([sent.subject, counts.get(sent.subject)]).toEqual([sent.subject, 1]);
    for (const sent of refused)
      expect([sent.subject, counts.get(sent.subject)]).toEqual([sent.subject, 1]);
    expect([...counts.values()].reduce((a, b) => a + b, 0)).toBe(
      acknowledged.length + refused.length,
    );
    expect(unexpected).toEqual([]);

    // An acknowledged write sent again is answered from the record, not applied again.
    const again = await recordActivity(acknowledged[0]);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(((await again.json()) as { id: string }).id).toBe(acknowledged[0].id);
    // A claim whose acknowledgement was lost in the shutdown is held for a minute before a retry
    // may take it over.
  }, 180000);

  it('never applies twice a request whose write committed but whose answer was lost', async () => {
    const applied = { key: randomUUID(), subject: `lost answer ${randomUUID()}` };
    expect((await recordActivity(applied)).status).toBe(201);
    const notApplied = { key: randomUUID(), subject: `never ran ${randomUUID()}` };
    // As if the database went away right after the commit, before the answer was stored, and the
    // hold ran out; beside it, a claim whose request died before writing anything.
    await cluster.sql(
      `UPDATE idempotency_record SET response_status = NULL, response_body = NULL,
              locked_until = now() - interval '1 second'
        WHERE key = $1`,
      [applied.key],
      'hashbook',
    );
    const [stamped] = await cluster.sql<{ applied: boolean }>(
      `SELECT applied_at IS NOT NULL AS applied FROM idempotency_record WHERE key = $1`,
      [applied.key],
      'hashbook',
    );
    expect(stamped.applied).toBe(true);
    const path = `/api/v1/customers/${customerId}/activities`;
    const notAppliedBody = { type: 'call', subject: notApplied.subject };
    await cluster.sql(
      `INSERT INTO idempotency_record (caller_id, key, request_hash, locked_until, claim_token)
       SELECT caller_id, $2, $3, now() - interval '1 second', gen_random_uuid()
         FROM idempotency_record WHERE key = $1`,
      [applied.key, notApplied.key, requestHash('POST', path, notAppliedBody)],
      'hashbook',
    );

    const retried = await recordActivity(applied);
    expect(retried.status).toBe(409);
    expect(((await retried.json()) as { code: string }).code).toBe('IDEMPOTENCY_REQUEST_APPLIED');
    // The abandoned claim never wrote: its retry takes the key over and applies it, once.
    const takenOver = await call('POST', path, notAppliedBody, notApplied.key);
    expect(takenOver.status).toBe(201);

    const counts = await countsBySubject();
    expect(counts.get(applied.subject)).toBe(1);
    expect(counts.get(notApplied.subject)).toBe(1);
  });
});
