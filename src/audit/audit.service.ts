import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { currentActor, requestContext } from '../common/request-context';
import { isEventType } from './event-types';

export interface Change {
  entityType: string;
  entityId: string;
  /** The verb: created, updated, confirmed, revoked … */
  action: string;
  /** The resource as the API shows it, before and after the change. */
  before?: object | null;
  after?: object | null;
  /** The feed event's type when it is not `<entityType>.<action>`; null for none. */
  eventType?: string | null;
}

/** The top-level fields that differ, as {before, after}. */
export function diff(before?: object | null, after?: object | null): Record<string, unknown> {
  if (!before) return { before: null, after: after ?? null };
  if (!after) return { before, after: null };
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  for (const key of new Set([...Object.keys(left), ...Object.keys(right)])) {
    if (key === 'updatedAt' || key === 'version') continue;
    if (JSON.stringify(left[key]) !== JSON.stringify(right[key])) {
      b[key] = left[key] ?? null;
      a[key] = right[key] ?? null;
    }
  }
  return { before: b, after: a };
}

/**
 * The one place writes are recorded: the audit row (who, what, before/after) and the change-feed
 * event, both inside the caller's transaction, so a write cannot commit without them.
 */
@Injectable()
export class AuditService {
  async record(tx: EntityManager, change: Change): Promise<void> {
    await this.recordMany(tx, [change]);
  }

  async recordMany(tx: EntityManager, changes: Change[]): Promise<void> {
    if (changes.length === 0) return;
    const { ctes, params } = this.statementParts(changes, 1);
    const [audit, event] = ctes;
    await tx.query(event ? `WITH audit AS (${audit}) ${event}` : audit, params);
  }

  /**
   * The audit rows and feed events of `changes` as data-modifying statements with parameters
   * numbered from `first`, for a caller that writes them in the same statement as the change
   * itself (a single statement is atomic on its own). With `rows`, they are written once for each
   * row of that relation of the statement (none: nothing written), and `patch`, a jsonb expression
   * over it, is merged into each change's `after`: values only the statement knows, such as a
   * number it takes.
   */
  statementParts(
    changes: Change[],
    first: number,
    options: { rows?: string; patch?: string } = {},
  ): { ctes: string[]; params: unknown[] } {
    const actor = currentActor();
    const requestId = requestContext.getStore()?.requestId ?? null;
    const params: unknown[] = [];
    const next = (value: unknown, cast = '') => {
      params.push(value);
      return `$${first + params.length - 1}${cast}`;
    };
    const auditRows: string[] = [];
    const eventRows: string[] = [];
    for (const change of changes) {
      // A creation's audit row and event carry the same document: written out once.
      const created = change.before ? null : JSON.stringify(change.after ?? null);
      auditRows.push(
        `(${[
          next(actor.type),
          next(actor.type === 'api_key' ? actor.id : null, '::uuid'),
          next(actor.type === 'user' ? actor.id : null, '::uuid'),
          next(actor.name),
          next(actor.role),
          next(change.action),
          next(change.entityType),
          next(change.entityId, '::uuid'),
          next(
            created === null
              ? JSON.stringify(diff(change.before, change.after))
              : `{"before":null,"after":${created}}`,
            '::jsonb',
          ),
          next(requestId),
        ].join(', ')})`,
      );
      const type =
        change.eventType === undefined ? `${change.entityType}.${change.action}` : change.eventType;
      if (type && isEventType(type)) {
        eventRows.push(
          `(${[
            next(type),
            next(change.entityType),
            next(change.entityId, '::uuid'),
            next(
              change.after
                ? (created ?? JSON.stringify(change.after))
                : JSON.stringify(change.before ?? {}),
              '::jsonb',
            ),
          ].join(', ')})`,
        );
      }
    }
    const { rows, patch } = options;
    const from = rows ? `, ${rows}` : '';
    const changesColumn = patch
      ? `CASE WHEN a.changes -> 'after' = 'null' THEN a.changes ELSE jsonb_set(a.changes, '{after}', (a.changes -> 'after') || ${patch}) END`
      : 'a.changes';
    const ctes = [
      `INSERT INTO audit_log (actor_type, api_key_id, user_id, actor_name, actor_role, action, entity_type, entity_id, changes, request_id)
       SELECT a.actor_type, a.api_key_id, a.user_id, a.actor_name, a.actor_role, a.action, a.entity_type, a.entity_id, ${changesColumn}, a.request_id
         FROM (VALUES ${auditRows.join(', ')}) AS a (actor_type, api_key_id, user_id, actor_name, actor_role, action, entity_type, entity_id, changes, request_id)${from}`,
    ];
    if (eventRows.length > 0) {
      ctes.push(`INSERT INTO event (txid, type, entity_type, entity_id, data)
       SELECT pg_current_xact_id()::text::bigint, v.type, v.entity_type, v.entity_id, ${patch ? `v.data || ${patch}` : 'v.data'}
         FROM (VALUES ${eventRows.join(', ')}) AS v (type, entity_type, entity_id, data)${from}`);
    }
    return { ctes, params };
  }
}
