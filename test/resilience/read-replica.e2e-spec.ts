import { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { ApiKeyService } from '../../src/access/api-key.service';
import { createApp } from '../../src/app.setup';
import { today } from '../../src/common/dates';
import { createLogger } from '../../src/common/logger';
import { runMigrations } from '../../src/database/migrate';
import { monthIndex, monthOf } from '../../src/planning/allocate';
import { OrderFactory } from '../support/order-factories';
import { PostgresCluster, sleep } from '../support/postgres-cluster';
import { TestApp, testConfig } from '../support/test-app';

const M0 = monthIndex(today('UTC'));
const d = (k: number, day: number) => `${monthOf(M0 + k)}-${String(day).padStart(2, '0')}`;

interface PlanPage {
  items: { trancheId: string; purchaseOrderId: string }[];
}

// A real primary and a hot standby streaming from it, both of their own (whatever server the rest
// of the suite uses); the app writes to the primary and reads reports, the plan and availability
// from the standby.
describe('a read replica (DATABASE_READ_URL)', () => {
  let primary: PostgresCluster;
  let standby: PostgresCluster;
  let app: NestFastifyApplication;
  let t: TestApp;
  let f: OrderFactory;
  let modelId = '';
  let customerId = '';

  const get = (path: string, query: Record<string, string | number> = {}) =>
    t.http().get(`/api/v1${path}`).query(query).set('X-API-Key', t.adminKey);

  const backlogUnits = async (query: Record<string, string> = {}) => {
    const res = await get('/reports/backlog', { productModelId: modelId, ...query }).expect(200);
    return (res.body as { totals: { openQuantity: number } }).totals.openQuantity;
  };
  const planOrders = async (query: Record<string, string> = {}) => {
    const res = await get('/delivery-plan/tranches', { productModelId: modelId, ...query }).expect(
      200,
    );
    return new Set((res.body as PlanPage).items.map((item) => item.purchaseOrderId));
  };
  const shortfall = async (query: Record<string, string> = {}) => {
    const res = await get('/availability', {
      productModelId: modelId,
      quantity: 1500,
      ...query,
    }).expect(200);
    return (res.body as { shortfallUnits: number }).shortfallUnits;
  };

  /** Waits until the standby has replayed everything the primary has written so far. */
  const caughtUp = async () => {
    const [{ lsn }] = await primary.sql<{ lsn: string }>(
      'SELECT pg_current_wal_insert_lsn()::text AS lsn',
    );
    const deadline = Date.now() + 20000;
    for (;;) {
      const [{ behind }] = await standby.sql<{ behind: boolean }>(
        'SELECT pg_last_wal_replay_lsn() < $1::pg_lsn AS behind',
        [lsn],
      );
      if (!behind) return;
      if (Date.now() > deadline) throw new Error('The standby did not catch up');
      await sleep(50);
    }
  };

  const order = (quantity: number) =>
    f.order({
      customerId,
      signedOn: d(0, 1),
      lines: [{ productModelId: modelId, tranches: [{ shipDate: d(1, 10), quantity }] }],
    }) as Promise<{ id: string }>;

  beforeAll(async () => {
    primary = await PostgresCluster.create({ wal_level: 'replica', max_wal_senders: '4' });
    await primary.start();
    await primary.sql('CREATE DATABASE hashbook');
    await runMigrations(primary.url('hashbook'));
    standby = await PostgresCluster.standbyOf(primary);
    await standby.start();
    const [{ recovering }] = await standby.sql<{ recovering: boolean }>(
      'SELECT pg_is_in_recovery() AS recovering',
    );
    expect(recovering).toBe(true);

    app = await createApp(
      testConfig({ databaseReadUrl: standby.url('hashbook') }),
      primary.url('hashbook'),
      createLogger('silent'),
    );
    await app.getHttpAdapter().getInstance().ready();
    const apiKeys = app.get(ApiKeyService);
    const adminKey = (await apiKeys.create('replica-admin', 'admin')).key;
    t = {
      app,
      databaseUrl: primary.url('hashbook'),
      adminKey,
      keyFor: async (role) => (await apiKeys.create(`replica-${role}`, role)).key,
      http: () => request.agent(app.getHttpServer()),
      sql: (text, params) => primary.sql(text, params, 'hashbook'),
      close: () => app.close(),
    };
    f = new OrderFactory(t);
    modelId = (await f.productModel()).id;
    customerId = (await f.customer()).id;
    await t
      .http()
      .put('/api/v1/production-capacity')
      .set('X-API-Key', adminKey)
      .send({
        items: [
          { productModelId: modelId, month: monthOf(M0), units: 1000 },
          { productModelId: modelId, month: monthOf(M0 + 1), units: 1000 },
        ],
      })
      .expect(200);
  });

  afterAll(async () => {
    await app?.close();
    await standby?.destroy();
    await primary?.destroy();
  });

  it('serves reports, the plan and availability from the replica, and strong reads and everything else from the primary', async () => {
    const first = await order(400);
    await caughtUp();
    expect(await backlogUnits()).toBe(400);
    expect(await planOrders()).toEqual(new Set([first.id]));
    // 1,600 spare units in all; 1,500 more fit.
    expect(await shortfall()).toBe(0);

    // The replica stops replaying: it lags behind every write from here on.
    await standby.sql('SELECT pg_wal_replay_pause()');
    await until(async () => {
      const [{ state }] = await standby.sql<{ state: string }>(
        'SELECT pg_get_wal_replay_pause_state() AS state',
      );
      return state === 'paused';
    });
    const second = await order(600);

    // The default read is the replica's: the new order is not there yet.
    expect(await backlogUnits()).toBe(400);
    expect(await planOrders()).toEqual(new Set([first.id]));
    expect(await shortfall()).toBe(0);
    // consistency=strong reads the primary and sees it.
    expect(await backlogUnits({ consistency: 'strong' })).toBe(1000);
    expect(await planOrders({ consistency: 'strong' })).toEqual(new Set([first.id, second.id]));
    expect(await shortfall({ consistency: 'strong' })).toBe(500);
    // The plans kept from the strong reads are not taken for the replica's, nor the other way.
    expect(await planOrders()).toEqual(new Set([first.id]));
    expect(await shortfall()).toBe(0);
    expect(await planOrders({ consistency: 'strong' })).toEqual(new Set([first.id, second.id]));
    expect(await shortfall({ consistency: 'strong' })).toBe(500);
    // Every other route reads the primary: the order just written is there.
    await get(`/purchase-orders/${second.id}`).expect(200);
    const csv = await get('/reports/backlog', {
      productModelId: modelId,
      format: 'csv',
      consistency: 'strong',
    }).expect(200);
    expect(csv.text).toContain('1000');

    // Replay resumes: the replica catches up and the default reads show the order.
    await standby.sql('SELECT pg_wal_replay_resume()');
    await caughtUp();
    expect(await backlogUnits()).toBe(1000);
    expect(await planOrders()).toEqual(new Set([first.id, second.id]));
    expect(await shortfall()).toBe(500);
  });

  it('answers 503 for reads of the replica while it is away, and recovers by itself', async () => {
    await standby.stop();
    const res = await get('/reports/backlog', { productModelId: modelId }).expect(503);
    expect(res.body.code).toBe('DATABASE_UNAVAILABLE');
    expect(JSON.stringify(res.body)).not.toContain(String(standby.port));
    // The primary still answers: strong reads, everything else, and readiness.
    await get('/reports/backlog', { productModelId: modelId, consistency: 'strong' }).expect(200);
    await get('/delivery-plan/tranches', { consistency: 'strong' }).expect(200);
    await t.http().get('/health/ready').expect(200);

    await standby.start();
    await caughtUp();
    await until(async () => (await get('/reports/backlog')).status === 200);
    await get('/availability', { productModelId: modelId, quantity: 10 }).expect(200);
  });

  it('refuses a consistency it does not know', async () => {
    const res = await get('/reports/backlog', { consistency: 'sometimes' }).expect(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });
});

async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Timed out');
    await sleep(50);
  }
}
