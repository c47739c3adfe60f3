import type { Server } from 'node:http';
import { request as httpRequest } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { createProductModel } from '../support/crm-factories';
import { expectProblem, MARKER } from '../support/problems';
import { createTestApp, TestApp } from '../support/test-app';

/** Sends raw bytes and returns the parsed answer (for what an HTTP client library would refuse). */
function raw(
  port: number,
  text: string,
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = received.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const at = line.indexOf(':');
        headers[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers, text: rest.join('\r\n\r\n') });
    });
    socket.write(text);
  });
}

describe('errors raised before a route: problem+json, security headers, no echo', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await createTestApp({ rateLimitPerMinute: 1000 });
    const server = t.app.getHttpServer() as Server;
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => t.close());

  const post = (path: string) => t.http().post(path).set('X-API-Key', t.adminKey);

  it('refuses a form-encoded body with 415 and creates nothing', async () => {
    const res = await post('/api/v1/api-keys').type('form').send(`name=${MARKER}&role=erp`);
    expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const rows = await t.sql('SELECT 1 FROM api_key WHERE name = $1', [MARKER]);
    expect(rows).toHaveLength(0);
  });

  it('takes CSV only on the import routes', async () => {
    const csv = `name,role\n${MARKER},erp`;
    expectProblem(
      await post('/api/v1/customers').set('content-type', 'text/csv').send(csv),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expectProblem(
      await post('/api/v1/customers').set('content-type', 'text/plain').send('{}'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    // A body without a content type is no JSON either.
    const untyped = await raw(
      port,
      `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nX-API-Key: ${t.adminKey}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`,
    );
    expectProblem(untyped, 415, 'UNSUPPORTED_MEDIA_TYPE');
    const imported = await post('/api/v1/imports/payments?dryRun=true')
      .set('content-type', 'text/csv')
      .send('externalRef,purchaseOrderNumber\n');
    expect(imported.status).not.toBe(415);
    expectProblem(
      await post('/api/v1/imports/payments?dryRun=true').type('form').send('a=1'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('answers malformed JSON with 400 MALFORMED_BODY, quoting nothing of it', async () => {
    const res = await post('/api/v1/customers')
      .set('content-type', 'application/json')
      .send(`{"name": "${MARKER}", oops`);
    expectProblem(res, 400, 'MALFORMED_BODY');
    expectProblem(
      await post('/api/v1/customers').set('content-type', 'application/json').send(''),
      // An empty body is no JSON document; fastify reads no body at Content-Length 0, so the
      // route's validation answers.
      400,
    );
  });

  it('refuses JSON over 1 MB with 413 and takes imports up to 50 MB', async () => {
    const big = JSON.stringify({ name: MARKER + 'x'.repeat(1024 * 1024) });
    expectProblem(
      await post('/api/v1/customers').set('content-type', 'application/json').send(big),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    const twoMegabytes = JSON.stringify([{ externalRef: 'x'.repeat(2 * 1024 * 1024) }]);
    const accepted = await post('/api/v1/imports/payments?dryRun=true')
      .set('content-type', 'application/json')
      .send(twoMegabytes);
    expect(accepted.status).toBe(422);
    // Over 50 MB is refused from the declared length, before the body is read.
    const refused = await new Promise<{
      status: number;
      headers: Record<string, string | string[] | undefined>;
      text: string;
    }>((resolve, reject) => {
      const req = httpRequest(
        {
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/api/v1/imports/payments',
          headers: {
            'x-api-key': t.adminKey,
            'content-type': 'text/csv',
            'content-length': String(51 * 1024 * 1024),
          },
        },
        (res) => {
          let text = '';
          res.on('data', (chunk) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.write('externalRef\n');
    });
    expectProblem(refused, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers a too long URL with 414, however long', async () => {
    const segment = MARKER + 'a'.repeat(300);
    const longSegment = await t
      .http()
      .get(`/api/v1/customers/${segment}`)
      .set('X-API-Key', t.adminKey);
    expectProblem(longSegment, 414, 'URI_TOO_LONG');
    const longQuery = await t
      .http()
      .get(`/api/v1/customers?q=${encodeURIComponent(MARKER)}${'a'.repeat(9000)}`)
      .set('X-API-Key', t.adminKey);
    expectProblem(longQuery, 414, 'URI_TOO_LONG');
    // Past the HTTP parser's header limit the request never reaches fastify.
    const huge = await raw(
      port,
      `GET /api/v1/customers?q=${MARKER}${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expectProblem(huge, 414, 'URI_TOO_LONG');
    const headers = await raw(
      port,
      `GET /api/v1/customers HTTP/1.1\r\nHost: x\r\nX-Big: ${MARKER}${'b'.repeat(20000)}\r\n\r\n`,
    );
    expectProblem(headers, 431, 'HEADERS_TOO_LARGE');
  });

  it('answers a URL that is not valid with 400 BAD_URL', async () => {
    const res = await raw(
      port,
      `GET /api/v1/customers/%E0%A4%A${encodeURIComponent(MARKER)} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expectProblem(res, 400, 'BAD_URL');
  });

  it('answers an unknown route or method with 404 ROUTE_NOT_FOUND, naming no URL', async () => {
    for (const res of [
      await t.http().get(`/api/v1/${encodeURIComponent(MARKER)}`),
      await t.http().get(`/${encodeURIComponent(MARKER)}`),
      await t.http().put('/api/v1/api-keys').set('X-API-Key', t.adminKey).send({ name: MARKER }),
    ]) {
      expectProblem(res, 404, 'ROUTE_NOT_FOUND');
    }
  });

  it('answers a path id that is no uuid with 404, without repeating it', async () => {
    const res = await t
      .http()
      .get(`/api/v1/customers/${encodeURIComponent(MARKER)}`)
      .set('X-API-Key', t.adminKey);
    expectProblem(res, 404, 'NOT_FOUND');
  });

  it('refuses an If-Match over 200 characters, and still honours a short one', async () => {
    const model = await createProductModel(t);
    const tooLong = await t
      .http()
      .patch(`/api/v1/product-models/${model.id}`)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', `"${model.version}", ${'"9", '.repeat(50)}"${MARKER}"`)
      .send({ name: 'Renamed' });
    const problem = expectProblem(tooLong, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([
      { path: 'If-Match', message: 'must be at most 200 characters' },
    ]);
    await t
      .http()
      .patch(`/api/v1/product-models/${model.id}`)
      .set('X-API-Key', t.adminKey)
      .set('If-Match', `"${model.version}"`)
      .send({ name: 'Renamed' })
      .expect(200);
  });

  it('answers bad HTTP with a 400 problem', async () => {
    const res = await raw(
      port,
      'GET /api/v1/customers HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n',
    );
    expectProblem(res, 400, 'BAD_REQUEST');
  });
});

describe('rate limit answers', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ rateLimitPerMinute: 2 });
  });
  afterAll(() => t.close());

  it('sends the X-RateLimit headers on answers and a 429 problem with Retry-After', async () => {
    const first = await t.http().get('/api/v1/customers').set('X-API-Key', t.adminKey).expect(200);
    expect(first.headers).toMatchObject({ 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' });
    expect(Number(first.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
    await t.http().get('/api/v1/customers').set('X-API-Key', t.adminKey).expect(200);
    const limited = await t.http().get('/api/v1/customers').set('X-API-Key', t.adminKey);
    expectProblem(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
  });
});
