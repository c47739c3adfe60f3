import { createServer } from 'node:http';

// The yardstick: the cheapest JSON answer Node's own http module can give.
const body = JSON.stringify({ status: 'ok' });
const port = Number(process.env.PORT);

createServer((_request, response) => {
  response.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}).listen(port, '127.0.0.1');

process.on('SIGTERM', () => process.exit(0));
