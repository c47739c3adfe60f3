import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { DomainError, ForbiddenError, UnauthorizedError } from '../common/errors';
import type { Role } from '../common/request-context';
import { keyFromRequest, sessionCookie } from './authentication';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

export class CsrfTokenMissingError extends DomainError {
  constructor() {
    super(
      403,
      'CSRF_TOKEN_MISSING',
      "A signed-in browser's request that changes anything must send the session's X-CSRF-Token",
    );
  }
}

/**
 * Every route needs a caller — an API key, or a signed-in person's session — and a declared role
 * list; a route that declares none is refused. A session's user passes as a key of the same role
 * would. The caller was found by the authentication hook (authentication.ts), which left the actor
 * on the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const actor = request.actor;
    if (!actor) {
      if (request.csrfRefused) throw new CsrfTokenMissingError();
      if (keyFromRequest(request)) throw new UnauthorizedError('The API key is unknown or revoked');
      if (sessionCookie(request)) {
        throw new UnauthorizedError('The session has ended or is unknown: sign in again');
      }
      throw new UnauthorizedError();
    }
    const allowed = this.reflector.getAllAndOverride<Role[]>(ROLES_KEY, targets);
    if (!allowed || !allowed.includes(actor.role)) {
      throw new ForbiddenError(
        allowed
          ? `The role ${actor.role} may not do this; allowed: ${allowed.join(', ')}`
          : 'This route declares no roles and is closed',
      );
    }
    return true;
  }
}
