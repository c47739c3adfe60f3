import { expectProblem } from '../support/problems';
import { createTestApp, TestApp } from '../support/test-app';

/** Two instances on one database, as behind a load balancer: one per-key limit for both. */
describe('the per-key rate limit across two instances', () => {
  const LIMIT = 10;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({ rateLimitPerMinute: LIMIT });
    b = await createTestApp({ rateLimitPerMinute: LIMIT }, a.databaseUrl);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  const get = (t: TestApp, key: string) =>
    t.http().get('/api/v1/product-models').set('X-API-Key', key);

  it('counts requests to either instance against one total, and refuses past it on both', async () => {
    const key = await a.keyFor('viewer');
    const remaining: string[] = [];
    for (let i = 0; i < LIMIT; i++) {
      const res = await get(i % 2 === 0 ? a : b, key).expect(200);
      remaining.push(res.headers['x-ratelimit-remaining']);
    }
    // Each instance knows what the other counted.
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    for (const t of [a, b]) {
      const refused = await get(t, key);
      expectProblem(refused, 429, 'RATE_LIMITED');
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    }
    // What cannot be read is counted too: a flood of bad bodies meets the limit first.
    const form = await b
      .http()
      .post('/api/v1/customers')
      .set('X-API-Key', key)
      .type('form')
      .send('a=1');
    expectProblem(form, 429, 'RATE_LIMITED');
    // Another key has its own count.
    await get(b, await a.keyFor('viewer')).expect(200);
  });

  it('grants exactly the limit to a burst spread over both instances', async () => {
    const key = await a.keyFor('viewer');
    const answers = await Promise.all(
      Array.from({ length: 3 * LIMIT }, (_, i) => get(i % 2 === 0 ? a : b, key)),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT);
    expect(statuses.filter((status) => status === 429)).toHaveLength(2 * LIMIT);
  });
});

describe('a larger limit, claimed in batches', () => {
  const LIMIT = 300;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await createTestApp({ rateLimitPerMinute: LIMIT });
    b = await createTestApp({ rateLimitPerMinute: LIMIT }, a.databaseUrl);
  });
  afterAll(async () => {
    await Promise.all([a.close(), b.close()]);
  });

  it('never grants more than the limit, and loses at most a batch per instance', async () => {
    const key = await a.keyFor('viewer');
    let granted = 0;
    for (let round = 0; round < 40; round++) {
      const counted = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          (i % 2 === 0 ? a : b).http().get('/api/v1/audit-log?limit=1').set('X-API-Key', key),
        ),
      );
      granted += counted.filter((res) => res.status === 200).length;
    }
    // 400 requests against 300, 10 at a time: a batch is 3 requests, and near the limit claims
    // are single.
    expect(granted).toBeLessThanOrEqual(LIMIT);
    expect(granted).toBeGreaterThanOrEqual(LIMIT - 2 * 3);
    const [row] = await a.sql<{ used: number }>(
      'SELECT used FROM rate_limit_window ORDER BY used DESC LIMIT 1',
    );
    expect(row.used).toBeGreaterThanOrEqual(LIMIT);
  });
});
