import { createTestApp, TestApp } from '../support/test-app';

describe('access, errors and idempotency', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answers liveness and readiness without a key', async () => {
    await t.http().get('/health').expect(200, { status: 'ok' });
    const ready = await t.http().get('/health/ready').expect(200);
    expect(ready.body.status).toBe('ok');
  });

  it('sends the API security headers on answers and errors, and the page headers on the docs', async () => {
    const api = {
      'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      'strict-transport-security': 'max-age=31536000; includeSubDomains',
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    };
    const live = await t.http().get('/health').set('X-Request-Id', 'probe-1').expect(200);
    expect(live.headers).toMatchObject({ ...api, 'x-request-id': 'probe-1' });
    const refused = await t.http().get('/api/v1/api-keys').expect(401);
    expect(refused.headers).toMatchObject(api);
    const docs = await t.http().get('/docs').redirects(1).expect(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(docs.headers['content-security-policy']).toContain("script-src 'self' 'unsafe-inline'");
    expect(docs.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses a missing or unknown key with a 401 problem', async () => {
    const res = await t.http().get('/api/v1/api-keys').expect(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED', title: 'Unauthorized' });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    await t.http().get('/api/v1/api-keys').set('X-API-Key', 'hb_nope').expect(401);
  });

  it('refuses a role that may not act with 403', async () => {
    const viewer = await t.keyFor('viewer');
    const res = await t.http().get('/api/v1/api-keys').set('X-API-Key', viewer).expect(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('creates a key shown once, lists it without the key, and revokes it', async () => {
    const created = await t
      .http()
      .post('/api/v1/api-keys')
      .set('Authorization', `Bearer ${t.adminKey}`)
      .send({ name: 'sap-erp', role: 'erp' })
      .expect(201);
    expect(created.body).toMatchObject({ name: 'sap-erp', role: 'erp' });
    expect(created.body.key).toMatch(/^hb_/);
    const stored = await t.sql<{ key_hash: string }>('SELECT key_hash FROM api_key WHERE id = $1', [
      created.body.id,
    ]);
    expect(stored[0].key_hash).not.toContain(created.body.key);

    const list = await t
      .http()
      .get('/api/v1/api-keys?limit=500')
      .set('X-API-Key', t.adminKey)
      .expect(200);
    const listed = list.body.items.find((k: { id: string }) => k.id === created.body.id);
    const { key: _shownOnce, ...withoutKey } = created.body;
    expect(listed).toEqual(withoutKey);

    await t.http().get('/api/v1/audit-log').set('X-API-Key', created.body.key).expect(200);
    await t
      .http()
      .delete(`/api/v1/api-keys/${created.body.id}`)
      .set('X-API-Key', t.adminKey)
      .expect(204);
    const [{ revoked_at }] = await t.sql<{ revoked_at: Date }>(
      'SELECT revoked_at FROM api_key WHERE id = $1',
      [created.body.id],
    );
    const relisted = await t
      .http()
      .get('/api/v1/api-keys?limit=500')
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(relisted.body.items.find((k: { id: string }) => k.id === created.body.id)).toEqual({
      ...withoutKey,
      revokedAt: revoked_at.toISOString(),
    });

    await t.http().get('/api/v1/audit-log').set('X-API-Key', created.body.key).expect(401);
    await t
      .http()
      .delete('/api/v1/api-keys/00000000-0000-4000-8000-000000000000')
      .set('X-API-Key', t.adminKey)
      .expect(404);
  });

  it('turns invalid bodies, malformed JSON and unknown routes into problems', async () => {
    const invalid = await t
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', t.adminKey)
      .send({ name: '', role: 'boss', colour: 'red' })
      .expect(400);
    expect(invalid.body.code).toBe('VALIDATION_FAILED');
    const paths = invalid.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['colour', 'name', 'role']));

    const malformed = await t
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', t.adminKey)
      .set('Content-Type', 'application/json')
      .send('{"name": ')
      .expect(400);
    expect(malformed.body.code).toBe('MALFORMED_BODY');
    expect(JSON.stringify(malformed.body)).not.toMatch(/at .*\.js/);

    const text = await t
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', t.adminKey)
      .set('Content-Type', 'text/plain')
      .send('hello')
      .expect(415);
    expect(text.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const unknown = await t.http().get('/api/v1/nowhere').set('X-API-Key', t.adminKey).expect(404);
    expect(unknown.headers['content-type']).toMatch(/problem\+json/);
    expect(unknown.body.code).toBe('ROUTE_NOT_FOUND');
  });

  it('replays a POST retried with the same Idempotency-Key and refuses another body', async () => {
    const first = await t
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', t.adminKey)
      .set('Idempotency-Key', 'key-create-1')
      .send({ name: 'retry', role: 'viewer' })
      .expect(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await t
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', t.adminKey)
      .set('Idempotency-Key', 'key-create-1')
      .send({ role: 'viewer', name: 'retry' })
      .expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const other = await t
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', t.adminKey)
      .set('Idempotency-Key', 'key-create-1')
      .send({ name: 'retry', role: 'sales' })
      .expect(409);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('creates one resource for concurrent duplicates', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        t
          .http()
          .post('/api/v1/api-keys')
          .set('X-API-Key', t.adminKey)
          .set('Idempotency-Key', 'race-1')
          .send({ name: 'race', role: 'viewer' }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const rows = await t.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM api_key WHERE name = 'race'`,
    );
    expect(rows[0].n).toBe(1);
  });

  it('records writes in the audit log with the acting key', async () => {
    const created = await t
      .http()
      .post('/api/v1/api-keys')
      .set('X-API-Key', t.adminKey)
      .send({ name: 'audited', role: 'finance' })
      .expect(201);
    const log = await t
      .http()
      .get(`/api/v1/audit-log?entityType=api_key&entityId=${created.body.id}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(log.body.items).toHaveLength(1);
    expect(log.body.items[0]).toMatchObject({
      action: 'created',
      entityType: 'api_key',
      actor: { name: 'test-admin', role: 'admin' },
      changes: { after: { name: 'audited', role: 'finance' } },
    });
  });

  it('pages with a cursor and rejects a forged one', async () => {
    const page1 = await t
      .http()
      .get('/api/v1/api-keys?limit=2')
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page1.body.items).toHaveLength(2);
    const page2 = await t
      .http()
      .get(`/api/v1/api-keys?limit=2&cursor=${page1.body.nextCursor}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page2.body.items[0].id).not.toBe(page1.body.items[1].id);
    const bad = await t
      .http()
      .get('/api/v1/api-keys?cursor=garbage')
      .set('X-API-Key', t.adminKey)
      .expect(400);
    expect(bad.body.code).toBe('INVALID_CURSOR');
    await t.http().get('/api/v1/api-keys?limit=501').set('X-API-Key', t.adminKey).expect(400);
  });

  it('pages the audit log oldest first with a cursor, like every list', async () => {
    const since = new Date().toISOString();
    const ids: string[] = [];
    for (const name of ['first', 'second', 'third']) {
      const created = await t
        .http()
        .post('/api/v1/api-keys')
        .set('X-API-Key', t.adminKey)
        .send({ name, role: 'viewer' })
        .expect(201);
      ids.push(created.body.id);
    }
    const path = `/api/v1/audit-log?entityType=api_key&from=${since}&limit=2`;
    const page1 = await t.http().get(path).set('X-API-Key', t.adminKey).expect(200);
    expect(page1.body.items.map((e: { entityId: string }) => e.entityId)).toEqual(ids.slice(0, 2));
    const page2 = await t
      .http()
      .get(`${path}&cursor=${page1.body.nextCursor}`)
      .set('X-API-Key', t.adminKey)
      .expect(200);
    expect(page2.body).toEqual({
      items: [expect.objectContaining({ entityId: ids[2], action: 'created' })],
      nextCursor: null,
    });
    const forged = await t
      .http()
      .get('/api/v1/audit-log?cursor=garbage')
      .set('X-API-Key', t.adminKey)
      .expect(400);
    expect(forged.body.code).toBe('INVALID_CURSOR');
    // A well-formed cursor of another list, whose ids are of the other kind, is no cursor here.
    const cursorOf = (id: string) =>
      Buffer.from(`2026-01-01T00:00:00.000Z|${id}`).toString('base64url');
    const uuidOnIdentity = await t
      .http()
      .get(`/api/v1/audit-log?cursor=${cursorOf('0b7d7d34-3c8c-4b7e-9a51-2c8d3c1f0a11')}`)
      .set('X-API-Key', t.adminKey)
      .expect(400);
    expect(uuidOnIdentity.body.code).toBe('INVALID_CURSOR');
    const identityOnUuid = await t
      .http()
      .get(`/api/v1/api-keys?cursor=${cursorOf('123')}`)
      .set('X-API-Key', t.adminKey)
      .expect(400);
    expect(identityOnUuid.body.code).toBe('INVALID_CURSOR');
  });

  it('serves the OpenAPI document with the API-key scheme', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    expect(res.body.components.securitySchemes['api-key']).toMatchObject({
      type: 'apiKey',
      name: 'X-API-Key',
    });
    expect(res.body.paths['/api/v1/api-keys'].post.operationId).toBe('apiKey_create');
    expect(
      res.body.paths['/api/v1/api-keys'].post.responses['401'].content['application/problem+json'],
    ).toBeDefined();
    expect(res.body.components.schemas.Role.enum).toContain('erp');
  });
});

describe('rate limiting', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ rateLimitPerMinute: 3 });
  });
  afterAll(() => t.close());

  it('answers 429 past the per-key limit', async () => {
    for (let i = 0; i < 3; i++)
      await t.http().get('/api/v1/audit-log').set('X-API-Key', t.adminKey).expect(200);
    const limited = await t
      .http()
      .get('/api/v1/audit-log')
      .set('X-API-Key', t.adminKey)
      .expect(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers['content-type']).toMatch(/problem\+json/);
  });
});
