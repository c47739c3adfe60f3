import { AsyncLocalStorage } from 'node:async_hooks';

export type Role = 'admin' | 'sales' | 'finance' | 'operations' | 'erp' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'sales', 'finance', 'operations', 'erp', 'viewer'];

/**
 * Who acts: a person signed in (`user`), a program with an API key (`api_key`), or the process
 * itself (`system`: the CLI, the demo seed, start-up work), which has no id.
 */
export type ActorType = 'user' | 'api_key' | 'system';
export const ACTOR_TYPES: readonly ActorType[] = ['user', 'api_key', 'system'];

export interface Actor {
  type: ActorType;
  /** The user's or the API key's id; null for the system. */
  id: string | null;
  name: string;
  role: Role;
}

export interface RequestContext {
  requestId?: string;
  actor: Actor;
  /** The Idempotency-Key the request holds: its write's transaction marks it applied. */
  idempotency?: { scope: string; key: string; token: string };
}

/** Who is acting, for the audit log, without threading it through every call. */
export const requestContext = new AsyncLocalStorage<RequestContext>();

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: 'system', role: 'admin' };

/** A process-level actor (CLI, seed, bench) named in the audit log. */
export function systemActor(name: string): Actor {
  return { type: 'system', id: null, name, role: 'admin' };
}

export function currentActor(): Actor {
  return requestContext.getStore()?.actor ?? SYSTEM_ACTOR;
}

export function runAs<T>(actor: Actor, work: () => T): T {
  return requestContext.run({ actor }, work);
}

/** Runs `work` as `actor`, keeping the request id of the current request. */
export function actAs<T>(actor: Actor, work: () => T): T {
  return requestContext.run({ ...requestContext.getStore(), actor }, work);
}
