import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hash } from 'node:crypto';
import type { Logger } from 'pino';
import {
  checkIdempotencyKey,
  IdempotencyClaim,
  IdempotencyStore,
  requestHash,
} from './idempotency.store';
import { entityTags } from './if-match';
import { loggedUrl } from './logger';
import { sendProblem, toProblem } from './problem.filter';
import { Actor, requestContext } from './request-context';
import { API_HEADERS, docsHeaders } from './security-headers';

declare module 'fastify' {
  interface FastifyRequest {
    actor?: Actor;
    idempotency?: IdempotencyClaim;
  }
}

const REPLAYED_HEADERS = ['etag', 'location', 'content-type'];
const ANONYMOUS: Actor = { type: 'system', id: null, name: 'anonymous', role: 'viewer' };
/** Probes hit these every few seconds; their lines would drown the real traffic. */
const UNLOGGED_ROUTES = new Set(['/health', '/health/ready']);

/** A list page: the shape every list answers with, `{items, nextCursor}`. */
const isPage = (payload: unknown): boolean =>
  Array.isArray((payload as { items?: unknown } | null)?.items) &&
  'nextCursor' in (payload as object);

/**
 * What every request goes through, as fastify hooks rather than Nest interceptors (which cost
 * more than the work on light routes): security headers and the request id; Idempotency-Key on
 * POST; the request context the audit log reads; ETags (a resource's `version`, a hash of a list
 * page) and 304 for a list the client already has; one log line, except for the health probes.
 * The caller's API key is looked up before these (src/access/authentication.ts), which leaves the
 * actor on the request.
 */
export function registerRequestHooks(
  fastify: FastifyInstance,
  deps: { idempotency: IdempotencyStore },
): void {
  const docs = docsHeaders();
  const pages = new WeakSet<FastifyReply>();

  fastify.addHook('onRequest', (request, reply, done) => {
    void reply
      .headers(request.url.startsWith('/docs') ? docs : API_HEADERS)
      .header('x-request-id', request.id);
    done();
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
      // Scoped to the caller: the API key, or the signed-in user.
      const scope = actor.id ?? '00000000-0000-0000-0000-000000000000';
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
      request.idempotency = { scope, key, token: outcome.token };
    } catch (error) {
      sendProblem(reply, request, toProblem(error));
    }
  };

  // Last: the handler runs inside this context, so the audit log knows who is acting.
  fastify.addHook('preHandler', (request, _reply, done) => {
    requestContext.run(
      {
        requestId: String(request.id),
        actor: request.actor ?? ANONYMOUS,
        idempotency: request.idempotency,
      },
      done,
    );
  });

  fastify.addHook('preSerialization', (_request, reply, payload: unknown, done) => {
    const version = (payload as { version?: unknown } | null)?.version;
    if (typeof version === 'number' && !reply.hasHeader('etag'))
      void reply.header('etag', `"${version}"`);
    else if (isPage(payload)) pages.add(reply);
    done(null, payload);
  });

  fastify.addHook('onSend', (request, reply, payload, done) => {
    // A page has no version: its weak ETag is a hash of the body sent, so a client that keeps
    // pages asks again with If-None-Match and gets a 304 without the body while nothing in it
    // changed. Nothing is kept here: every page is read from the database.
    if (pages.has(reply) && reply.statusCode === 200 && typeof payload === 'string') {
      const tag = hash('sha1', payload, 'base64url');
      void reply.header('etag', `W/"${tag}"`);
      const known = request.headers['if-none-match'];
      if (known !== undefined && (known.trim() === '*' || entityTags(known).includes(tag))) {
        void reply.code(304).removeHeader('content-type');
        return done(null, null);
      }
    }
    if (!request.idempotency) return done(null, payload);
    store(request, reply, payload).then(() => done(null, payload), done);
  });

  const store = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const claimed = request.idempotency!;
    request.idempotency = undefined;
    if (reply.statusCode >= 500) {
      await deps.idempotency.release(claimed);
      return;
    }
    const stored: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = reply.getHeader(name);
      if (typeof value === 'string') stored[name] = value;
    }
    const body =
      typeof payload === 'string' && payload.length > 0 ? (JSON.parse(payload) as unknown) : null;
    await deps.idempotency.complete(claimed, reply.statusCode, body, stored);
  };

  fastify.addHook('onResponse', (request, reply, done) => {
    if (
      !(request.log as unknown as Logger).isLevelEnabled('info') ||
      UNLOGGED_ROUTES.has(request.routeOptions.url ?? '')
    )
      return done();
    request.log.info(
      {
        method: request.method,
        url: loggedUrl(request.url),
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        actorType: request.actor?.type,
        actorId: request.actor?.id ?? undefined,
      },
      'request',
    );
    done();
  });
}
