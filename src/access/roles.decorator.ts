import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { ROLES, type Role } from '../common/request-context';

export const ROLES_KEY = 'hashbook:roles';
export const PUBLIC_KEY = 'hashbook:public';
/** Marks an operation of the OpenAPI document that needs no key or session (see openapi.ts). */
export const PUBLIC_EXTENSION = 'x-hashbook-public';

/** Roles allowed on a route; admin is always allowed. A route without it is refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, ['admin', ...roles]);

/** Any valid key or session may read. */
export const AnyRole = () => SetMetadata(ROLES_KEY, [...ROLES]);

/** No key or session needed: health checks, and signing in. */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC_KEY, true), ApiExtension(PUBLIC_EXTENSION, true));
