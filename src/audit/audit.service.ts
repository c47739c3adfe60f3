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
 * The audit rows and the feed events of one or more changes, in one statement: each a JSON array of
 * rows, written in the order given.
 */
const RECORD = `
  WITH audit AS (
    INSERT INTO audit_log (actor_type, api_key_id, user_id, actor_name, actor_role, request_id, action, entity_type,
                           entity_id, changes)
    SELECT $1, $2, $3, $4, $5, $6, a.action, a.entity_type, a.entity_id, a.changes
      FROM jsonb_to_recordset($7::jsonb) AS a(action varchar, entity_type varchar, entity_id uuid, changes jsonb)
  )
  INSERT INTO event (txid, type, entity_type, entity_id, data)
  SELECT pg_current_xact_id()::text::bigint, e.type, e.entity_type, e.entity_id, e.data
    FROM jsonb_to_recordset($8::jsonb) AS e(type varchar, entity_type varchar, entity_id uuid, data jsonb)`;

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
    const actor = currentActor();
    // The rows are JSON text put together from documents already written out, so each document
    // is serialised once, and a creation's audit row and event share theirs.
    const auditRows: string[] = [];
    const eventRows: string[] = [];
    for (const change of changes) {
      const after = change.after ? JSON.stringify(change.after) : null;
      const audited = change.before
        ? JSON.stringify(diff(change.before, change.after))
        : `{"before":null,"after":${after ?? 'null'}}`;
      const entity = `"entity_type":${JSON.stringify(change.entityType)},"entity_id":${JSON.stringify(change.entityId)}`;
      auditRows.push(`{"action":${JSON.stringify(change.action)},${entity},"changes":${audited}}`);
      const type =
        change.eventType === undefined ? `${change.entityType}.${change.action}` : change.eventType;
      if (type && isEventType(type)) {
        const data = after ?? JSON.stringify(change.before ?? {});
        eventRows.push(`{"type":${JSON.stringify(type)},${entity},"data":${data}}`);
      }
    }
    await tx.query(RECORD, [
      actor.type,
      actor.type === 'api_key' ? actor.id : null,
      actor.type === 'user' ? actor.id : null,
      actor.name,
      actor.role,
      requestContext.getStore()?.requestId ?? null,
      `[${auditRows.join(',')}]`,
      `[${eventRows.join(',')}]`,
    ]);
  }
}
