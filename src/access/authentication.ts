import type { CookieSerializeOptions } from '@fastify/cookie';
import { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { ApiKeyService } from './api-key.service';
import { type RequestSession, SessionService } from './sessions/session.service';
import { userActor } from './users/user.service';

export const SESSION_COOKIE = 'hashbook_session';
export const CSRF_HEADER = 'x-csrf-token';

declare module 'fastify' {
  interface FastifyRequest {
    /** The session of the cookie, when it is live (whether or not it may act: see `actor`). */
    userSession?: RequestSession;
    /** A live session's request that changes something came without its CSRF token. */
    csrfRefused?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The API key a request carries: `X-API-Key`, or `Authorization: Bearer <key>`. */
export function keyFromRequest(request: FastifyRequest): string | undefined {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string' && header.length > 0) return header;
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice(7).trim() || undefined;
  return undefined;
}

/** The session cookie's value, if the request has one. */
export function sessionCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies?.[SESSION_COOKIE];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** HttpOnly, SameSite=Lax, Path=/, and Secure when the request came over HTTPS (proxies trusted). */
export function cookieOptions(request: FastifyRequest, maxAgeSeconds: number) {
  return {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: request.protocol === 'https',
    maxAge: maxAgeSeconds,
  } satisfies CookieSerializeOptions;
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  void reply.clearCookie(SESSION_COOKIE, cookieOptions(request, 0));
}

function csrfMatches(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Finds who is calling and leaves them on the request (`request.actor`), for the guard's role
 * check, the idempotency scope and the audit log. An API key (X-API-Key or Bearer) decides alone
 * when one is sent. Otherwise the session cookie: a live session acts on GET and HEAD, and on
 * anything else only with its X-CSRF-Token — without it the request has no actor (nothing can be
 * claimed or written) and the guard answers 403 CSRF_TOKEN_MISSING. A fastify hook rather than a
 * Nest guard because the request hooks after it need the actor before any route runs; register it
 * before them.
 */
export function registerAuthentication(
  fastify: FastifyInstance,
  apiKeys: ApiKeyService,
  sessions: SessionService,
): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    const key = keyFromRequest(request);
    if (key) {
      apiKeys.authenticate(key).then((actor) => {
        if (actor) request.actor = actor;
        done();
      }, done);
      return;
    }
    const token = sessionCookie(request);
    if (!token) return done();
    sessions.authenticate(token).then((session) => {
      if (session) {
        request.userSession = {
          id: session.id,
          userId: session.userId,
          csrfToken: session.csrfToken,
        };
        if (
          SAFE_METHODS.has(request.method) ||
          csrfMatches(request.headers[CSRF_HEADER], session.csrfToken)
        ) {
          request.actor = userActor({ id: session.userId, name: session.name, role: session.role });
        } else {
          request.csrfRefused = true;
        }
      }
      done();
    }, done);
  });
}
