import { AsyncLocalStorage } from 'node:async_hooks';

export type Role = 'admin' | 'sales' | 'finance' | 'operations' | 'erp' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'sales', 'finance', 'operations', 'erp', 'viewer'];

export interface Actor {
  apiKeyId: string | null;
  name: string;
  role: Role;
}

export interface RequestContext {
  requestId?: string;
  actor: Actor;
}

/** Who is acting, for the audit log, without threading it through every call. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export const SYSTEM_ACTOR: Actor = { apiKeyId: null, name: 'system', role: 'admin' };

export function currentActor(): Actor {
  return requestContext.getStore()?.actor ?? SYSTEM_ACTOR;
}

export function runAs<T>(actor: Actor, work: () => T): T {
  return requestContext.run({ actor }, work);
}
