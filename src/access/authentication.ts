import { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiKeyService } from './api-key.service';

/** The API key a request carries: `X-API-Key`, or `Authorization: Bearer <key>`. */
export function keyFromRequest(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim() || undefined;
  return undefined;
}

/**
 * Looks up the caller's API key and leaves who is acting on the request (`request.actor`), for the
 * guard's role check, the idempotency scope and the audit log. A fastify hook rather than a Nest
 * guard because the request hooks after it need the actor before any route runs; register it
 * before them.
 */
export function registerAuthentication(fastify: FastifyInstance, apiKeys: ApiKeyService): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    const key = keyFromRequest(request);
    if (!key) return done();
    apiKeys.authenticate(key).then((actor) => {
      if (actor) request.actor = actor;
      done();
    }, done);
  });
}
