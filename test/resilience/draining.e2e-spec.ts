import { connect, type Socket } from 'node:net';
import { SECURITY_HEADERS } from '../support/problems';
import { createTestApp, TestApp } from '../support/test-app';

/** Everything the server writes on `socket` until it closes it. */
const readAll = (socket: Socket) =>
  new Promise<string>((resolve, reject) => {
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });

/** The HTTP answers in `raw`, in order: status, headers and body. */
function answers(raw: string) {
  const out: { status: number; headers: Record<string, string>; body: string }[] = [];
  let rest = raw;
  while (rest.startsWith('HTTP/1.1')) {
    const end = rest.indexOf('\r\n\r\n');
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [
        l.slice(0, l.indexOf(':')).toLowerCase(),
        l.slice(l.indexOf(':') + 1).trim(),
      ]),
    );
    const length = Number(headers['content-length'] ?? 0);
    out.push({
      status: Number(statusLine.split(' ')[1]),
      headers,
      body: rest.slice(end + 4, end + 4 + length),
    });
    rest = rest.slice(end + 4 + length);
  }
  return out;
}

describe('an instance shutting down', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('finishes the request in flight and answers what arrives after with a problem 503', async () => {
    const { port } = t.app.getHttpServer().address() as { port: number };
    const socket = connect(port, '127.0.0.1');
    await new Promise((done) => socket.once('connect', done));
    const answered = readAll(socket);
    // A request whose body is still arriving when the instance starts to close …
    const body = JSON.stringify({
      name: 'Draining Mining',
      legalName: 'Draining Mining Inc.',
      segment: 'public_miner',
      country: 'US',
    });
    socket.write(
      `POST /api/v1/customers HTTP/1.1\r\nHost: x\r\nX-API-Key: ${t.adminKey}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((done) => setTimeout(done, 200));
    const closed = t.app.getHttpAdapter().getInstance().close();
    await new Promise((done) => setTimeout(done, 200));
    // … then the rest of it, and one more request on the same connection.
    socket.write(
      `${body.slice(10)}GET /api/v1/customers HTTP/1.1\r\nHost: x\r\nX-API-Key: ${t.adminKey}\r\n\r\n`,
    );
    const [first, second] = answers(await answered);
    await closed;

    expect(first.status).toBe(201);
    expect(JSON.parse(first.body)).toMatchObject({ name: 'Draining Mining' });
    expect(second.status).toBe(503);
    expect(second.headers).toMatchObject({
      ...SECURITY_HEADERS,
      'content-type': expect.stringMatching(/^application\/problem\+json/),
      connection: 'close',
      'retry-after': '1',
    });
    expect(JSON.parse(second.body)).toMatchObject({
      status: 503,
      code: 'SHUTTING_DOWN',
      requestId: second.headers['x-request-id'],
    });
  });
});
