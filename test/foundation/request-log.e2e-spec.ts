import { Writable } from 'node:stream';
import { createLogger } from '../../src/common/logger';
import { createTestApp, TestApp } from '../support/test-app';

describe('request log', () => {
  let t: TestApp;
  const lines: { msg?: string; method?: string; url?: string; status?: number }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean))
          lines.push(JSON.parse(line));
        done();
      },
    });
    t = await createTestApp({}, undefined, createLogger('info', sink));
  });
  afterAll(() => t.close());

  it('logs one line per request, except the health probes', async () => {
    lines.length = 0;
    await t.http().get('/health').expect(200);
    await t.http().get('/health/ready').expect(200);
    await t.http().get('/api/v1/product-models').set('X-API-Key', t.adminKey).expect(200);
    await t.http().get('/health?probe=1').expect(200);
    const requests = lines.filter((line) => line.msg === 'request');
    expect(requests).toEqual([
      expect.objectContaining({ method: 'GET', url: '/api/v1/product-models', status: 200 }),
    ]);
  });
});
