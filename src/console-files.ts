import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { problem } from './common/problem';
import { sendProblem } from './common/problem.filter';

/**
 * The page headers of the console: its own scripts and styles only (Mantine sets inline styles,
 * hence 'unsafe-inline' for styles, never for scripts), API calls to this origin only.
 */
const PAGE_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
};

interface Asset {
  type: string;
  body: Buffer;
  gzipped?: Buffer;
}

/**
 * The console's pages (its router in src/console/app.tsx), each a real URL that loads the app: a
 * section and, where it has them, its records. Any other path is the API's: a 404 problem, or the
 * 414 a too long path segment gets.
 */
const PAGES = ['/', '/sign-in', '/dashboard', '/pipeline', '/delivery-plan'];
const SECTIONS = ['/customers', '/orders', '/reports', '/admin'];

/** dist/console of this checkout, found from this file in src/ (tests) or dist/src/ (build). */
export function defaultConsoleDir(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'dist', 'console');
}

function load(file: string): Asset {
  const body = readFileSync(file);
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const compressible = /javascript|css|svg|json/.test(type) && body.length > 1024;
  return { type, body, gzipped: compressible ? gzipSync(body, { level: 9 }) : undefined };
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string): void {
  void reply
    .headers(PAGE_HEADERS)
    .header('content-type', asset.type)
    .header('cache-control', cache);
  void reply.header('vary', 'accept-encoding');
  if (asset.gzipped && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
    void reply.header('content-encoding', 'gzip').send(asset.gzipped);
    return;
  }
  void reply.send(asset.body);
}

/**
 * Serves the built web console (`npm run build` puts it in dist/console) at `/`: its hashed
 * assets under /assets with a year's cache, and index.html for every other page path, so a deep
 * link such as /orders/<id> loads the app, which routes in the browser. Without a build nothing
 * is served and the API answers alone. Files are read once, at start.
 */
export function registerConsole(fastify: FastifyInstance, dir: string): boolean {
  const indexFile = join(dir, 'index.html');
  if (!existsSync(indexFile)) return false;
  const index = load(indexFile);
  const assets = new Map<string, Asset>();
  const assetsDir = join(dir, 'assets');
  if (existsSync(assetsDir)) {
    for (const name of readdirSync(assetsDir)) assets.set(name, load(join(assetsDir, name)));
  }
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendProblem(reply, request, problem(404, 'ROUTE_NOT_FOUND', 'No such route'));

  fastify.get('/assets/:name', (request, reply) => {
    const asset = assets.get((request.params as { name: string }).name);
    if (!asset) return notFound(request, reply);
    send(request, reply, asset, 'public, max-age=31536000, immutable');
  });
  const page = (request: FastifyRequest, reply: FastifyReply) =>
    send(request, reply, index, 'no-cache');
  for (const path of PAGES) fastify.get(path, page);
  for (const section of SECTIONS) {
    fastify.get(section, page);
    fastify.get(`${section}/:page`, page);
  }
  return true;
}
