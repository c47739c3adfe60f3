import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyRequest } from 'fastify';
import { ForbiddenError, UnauthorizedError } from '../common/errors';
import type { Role } from '../common/request-context';
import { keyFromRequest } from './authentication';
import { PUBLIC_KEY, ROLES_KEY } from './roles.decorator';

/**
 * Every route needs a valid key and a declared role list; a route that declares none is refused.
 * The key was looked up by the authentication hook (authentication.ts), which left the actor on
 * the request.
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
      throw keyFromRequest(request)
        ? new UnauthorizedError('The API key is unknown or revoked')
        : new UnauthorizedError();
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
