import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import helmet from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { keyFromRequest } from '../access/auth.guard';
import { ApiKeyService } from '../access/api-key.service';
import { checkIdempotencyKey, IdempotencyStore, requestHash } from './idempotency.store';
import { sendProblem, toProblem } from './problem.filter';
import { Actor, requestContext } from './request-context';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    idempotency?: { scope: string; key: string };
  }
}

const REPLAYED_HEADERS = ['etag', 'location', 'content-type'];
const ANONYMOUS: Actor = { apiKeyId: null, name: 'anonymous', role: 'viewer' };

/**
 * API responses (JSON, problem+json, CSV) carry the OWASP REST set: nothing in them is ever
 * rendered as a page, so the HTML-oriented headers would only add bytes to every answer.
 */
const API_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
};

/** The headers helmet sets for the Swagger UI pages, computed once. */
function docsHeaders(): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number) =>
      (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
    getHeader: (name: string) => headers[name.toLowerCase()],
  };
  helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
      },
    },
  })({} as IncomingMessage, response as unknown as ServerResponse, () => undefined);
  return headers;
}

/**
 * What every request goes through, as fastify hooks rather than Nest interceptors (which cost
 * more than the work on light routes): security headers and the request id; the caller's API key
 * (the guard then checks roles); Idempotency-Key on POST; the request context the audit log reads;
 * ETag from a body's `version`; one log line.
 */
export function registerRequestHooks(
  fastify: FastifyInstance,
  deps: { apiKeys: ApiKeyService; idempotency: IdempotencyStore },
): void {
  const docs = docsHeaders();

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply
      .headers(request.url.startsWith('/docs') ? docs : API_HEADERS)
      .header('x-request-id', request.id);
    done();
  });

  fastify.addHook('preHandler', (request, _reply, done) => {
    const key = keyFromRequest(request);
    if (!key) return done();
    deps.apiKeys.authenticate(key).then((actor) => {
      if (actor) request.actor = actor;
      done();
    }, done);
  });

  fastify.addHook('preHandler', (request, reply, done) => {
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || key === undefined || !request.actor) return done();
    // A replayed or refused request has been answered here: the handler must not run.
    void claim(request, reply, key).then(() => (reply.sent ? undefined : done()), done);
  });

  const claim = async (request: FastifyRequest, reply: FastifyReply, key: string | string[]) => {
    const actor = request.actor!;
    try {
      checkIdempotencyKey(key);
      const scope = actor.apiKeyId ?? '00000000-0000-0000-0000-000000000000';
      const outcome = await deps.idempotency.claim(
        scope,
        key,
        requestHash(request.method, request.url, request.body),
      );
      if (outcome.kind === 'replay') {
        void reply
          .code(outcome.status)
          .headers(outcome.headers)
          .header('idempotent-replayed', 'true');
        void reply.send(outcome.body);
        return;
      }
      request.idempotency = { scope, key };
    } catch (error) {
      sendProblem(reply, request, toProblem(error));
    }
  };

  // Last: the handler runs inside this context, so the audit log knows who is acting.
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestContext.run({ requestId: String(request.id), actor: request.actor ?? ANONYMOUS }, done);
  });

  fastify.addHook(
    'preSerialization',
    async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const version = (payload as { version?: unknown } | null)?.version;
      if (typeof version === 'number' && !reply.hasHeader('etag'))
        void reply.header('etag', `"${version}"`);
      return payload;
    },
  );

  fastify.addHook('onSend', (request, reply, payload, done) => {
    if (!request.idempotency) return done(null, payload);
    store(request, reply, payload).then(() => done(null, payload), done);
  });

  const store = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claimed = request.idempotency!;
    request.idempotency = undefined;
    if (reply.statusCode >= 500) {
      await deps.idempotency.release(claimed.scope, claimed.key);
      return;
    }
    const stored: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (typeof value === 'string') stored[name] = value;
    }
    const body =
      typeof payload === 'string' && payload.length > 0 ? (JSON.parse(payload) as unknown) : null;
    await deps.idempotency.complete(claimed.scope, claimed.key, reply.statusCode, body, stored);
  };

  fastify.addHook('onResponse', (request, reply, done) => {
    if (!(request.log as unknown as Logger).isLevelEnabled('info')) return done();
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        apiKeyId: request.actor?.apiKeyId,
      },
      'request',
    );
    done();
  });
}
