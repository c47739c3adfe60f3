import { SetMetadata } from '@nestjs/common';
import { ROLES, type Role } from '../common/request-context';

export const ROLES_KEY = 'hashbook:roles';
export const PUBLIC_KEY = 'hashbook:public';

/** Roles allowed on a route; admin is always allowed. A route without it is refused. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, ['admin', ...roles]);

/** Any valid key may read. */
export const AnyRole = () => SetMetadata(ROLES_KEY, [...ROLES]);

/** No key needed (health checks only). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
