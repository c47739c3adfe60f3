import { RouteConfig } from '@nestjs/platform-fastify';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  FastifyServerOptions,
  RouteOptions,
} from 'fastify';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { DomainError } from './errors';
import { Problem, problem } from './problem';
import { sendProblem } from './problem.filter';
import { API_HEADERS } from './security-headers';

/** The largest JSON body a route takes, unless it says otherwise. */
export const JSON_BODY_LIMIT = 1024 * 1024;
/** The import routes take CSV or JSON up to this size. */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;
/** A longer request target (path and query) is refused with 414. */
export const MAX_URL_LENGTH = 8 * 1024;
/** The longest path segment a route matches (uuids, SKUs, external references); longer: 414. */
export const MAX_PATH_PARAM_LENGTH = 200;

const JSON_ONLY: readonly string[] = ['application/json'];

/** What a route's body may be, beyond the default (JSON up to JSON_BODY_LIMIT). */
export interface BodyRules {
  mediaTypes: readonly string[];
  limit: number;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    body?: BodyRules;
  }
}

/** On a route: the body media types it takes and its size limit. */
export const AcceptsBody = (rules: BodyRules) => RouteConfig({ body: rules });

function mediaType(header: string | undefined): string | undefined {
  const type = header?.split(';', 1)[0].trim().toLowerCase();
  return type ? type : undefined;
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return (
    (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined
  );
}

/**
 * Options for the fastify server: the errors fastify raises before any hook runs (a bad or too
 * long URL, bad HTTP) answer problem+json with the security headers, naming nothing the request
 * sent.
 */
export function serverOptions(): Pick<
  FastifyServerOptions,
  'bodyLimit' | 'routerOptions' | 'frameworkErrors' | 'clientErrorHandler' | 'return503OnClosing'
> {
  return {
    bodyLimit: JSON_BODY_LIMIT,
    // fastify's own answer while closing is plain JSON without our headers: see registerDraining.
    return503OnClosing: false,
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors: (error, request, reply) => {
      sendProblem(reply as FastifyReply, request as FastifyRequest, frameworkProblem(error.code));
    },
    clientErrorHandler: (error, socket: Socket) => {
      if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
        socket.destroy(error);
        return;
      }
      writeRawProblem(socket, clientProblem(error as unknown as ParserError));
    },
  };
}

function frameworkProblem(code: string): Problem {
  switch (code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return uriTooLong();
    case 'FST_ERR_BAD_URL':
      return problem(400, 'BAD_URL', 'The URL is not valid (bad percent-encoding)');
    default:
      return problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred; it has been logged.');
  }
}

function uriTooLong(): Problem {
  return problem(
    414,
    'URI_TOO_LONG',
    `The URL is too long (at most ${MAX_URL_LENGTH} characters, ${MAX_PATH_PARAM_LENGTH} per path segment)`,
  );
}

/** Errors of the HTTP parser, before fastify sees a request. */
type ParserError = Error & { code?: string; rawPacket?: Buffer };

function clientProblem(error: ParserError): Problem {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT')
    return problem(408, 'REQUEST_TIMEOUT', 'The request took too long to arrive');
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    // The request line alone overflowed: the URL is what is too long.
    const packet = error.rawPacket?.toString('latin1') ?? '';
    const lineEnd = packet.indexOf('\r\n');
    if (lineEnd === -1 || lineEnd > MAX_URL_LENGTH) return uriTooLong();
    return problem(431, 'HEADERS_TOO_LARGE', 'The request headers are too large');
  }
  return problem(400, 'BAD_REQUEST', 'The request is not valid HTTP');
}

function writeRawProblem(socket: Socket, body: Problem): void {
  const requestId = randomUUID();
  const json = JSON.stringify({ ...body, requestId });
  const headers = {
    ...API_HEADERS,
    'x-request-id': requestId,
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(json)),
    connection: 'close',
  };
  const head = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join('\r\n');
  socket.end(`HTTP/1.1 ${body.status} ${body.title}\r\n${head}\r\n\r\n${json}`);
}

/**
 * Body rules on every route: JSON only and at most JSON_BODY_LIMIT, unless the route says
 * otherwise with `@AcceptsBody` (the imports). Checked from the headers, before the body is read.
 */
export function registerBodyRules(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const rules = route.config?.body;
    if (rules) route.bodyLimit = rules.limit;
  });
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (request.url.length > MAX_URL_LENGTH) {
      const tooLong = uriTooLong();
      return done(new DomainError(tooLong.status, tooLong.code, tooLong.detail));
    }
    done();
  });
  // After the rate limiter (an onRequest hook of each route), before the body is read.
  fastify.addHook('preParsing', (request, _reply, payload, done) => {
    if (request.is404 || !hasBody(request) || request.method === 'GET' || request.method === 'HEAD')
      return done(null, payload);
    const accepted = request.routeOptions.config?.body?.mediaTypes ?? JSON_ONLY;
    const type = mediaType(request.headers['content-type']);
    if (type === undefined || !accepted.includes(type)) {
      return done(
        new DomainError(415, 'UNSUPPORTED_MEDIA_TYPE', `The body must be ${accepted.join(' or ')}`),
      );
    }
    done(null, payload);
  });
}

/**
 * While the server closes, requests still arriving on open keep-alive connections (pipelined, or
 * sent as a load balancer drains the instance) answer 503 `SHUTTING_DOWN` as problem+json with the
 * security headers and `Connection: close`, and run nothing; requests in flight finish.
 */
export function registerDraining(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    reply.header('connection', 'close').header('retry-after', '1');
    done(
      new DomainError(503, 'SHUTTING_DOWN', 'This instance is shutting down: retry the request'),
    );
  });
}
