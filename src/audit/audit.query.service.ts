import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../common/errors';
import { Page } from '../common/pagination';
import {
  AuditEntryDto,
  AuditLogQueryDto,
  EventDto,
  EventPageDto,
  EventQueryDto,
  isKnownEventType,
} from './audit.dto';
import type { EventType } from './event-types';

interface AuditRow {
  id: string;
  at: Date;
  api_key_id: string | null;
  actor_name: string;
  actor_role: string;
  action: string;
  entity_type: string;
  entity_id: string;
  changes: Record<string, unknown>;
  request_id: string | null;
}

interface EventRow {
  id: string;
  txid_text: string;
  type: EventType;
  occurred_at: Date;
  entity_type: string;
  entity_id: string;
  data: Record<string, unknown>;
}

const endOfDay = (value: string) =>
  /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T23:59:59.999Z` : value;

@Injectable()
export class AuditQueryService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async auditLog(query: AuditLogQueryDto): Promise<Page<AuditEntryDto>> {
    const limit = query.limit ?? 50;
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (query.entityType) add('entity_type = ?', query.entityType);
    if (query.entityId) add('entity_id = ?', query.entityId);
    if (query.from) add('at >= ?::timestamptz', query.from);
    if (query.to) add('at <= ?::timestamptz', endOfDay(query.to));
    if (query.cursor) {
      if (!/^\d+$/.test(query.cursor)) {
        throw new ValidationFailedError(
          'cursor: is not a cursor this API returned',
          [{ path: 'cursor', message: 'is not a cursor this API returned' }],
          'INVALID_CURSOR',
        );
      }
      add('id > ?::bigint', query.cursor);
    }
    params.push(limit + 1);
    const rows: AuditRow[] = await this.dataSource.query(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id LIMIT $${params.length}`,
      params,
    );
    const page = rows.slice(0, limit);
    return {
      items: page.map((row) => ({
        id: String(row.id),
        at: row.at.toISOString(),
        actor: { apiKeyId: row.api_key_id, name: row.actor_name, role: row.actor_role },
        action: row.action,
        entityType: row.entity_type,
        entityId: row.entity_id,
        changes: row.changes,
        requestId: row.request_id,
      })),
      nextCursor: rows.length > limit ? String(page[page.length - 1].id) : null,
    };
  }

  /**
   * The change feed. Rows are read in (txid, id) order and only from transactions older than the
   * oldest one still running: a transaction that commits late always has a txid at or above that
   * horizon, so it can never land behind a cursor already handed out.
   */
  async events(query: EventQueryDto): Promise<EventPageDto> {
    const limit = query.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
      throw new ValidationFailedError('limit: must be a whole number from 1 to 500', [
        { path: 'limit', message: 'must be a whole number from 1 to 500' },
      ]);
    }
    const [txid, id] = decodeEventCursor(query.after);
    const types = query.types
      ? query.types
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean)
      : null;
    const unknown = types?.filter((t) => !isKnownEventType(t)) ?? [];
    if (unknown.length > 0) {
      throw new ValidationFailedError(`types: unknown event type ${unknown.join(', ')}`, [
        { path: 'types', message: `unknown event type ${unknown.join(', ')}` },
      ]);
    }
    const rows: EventRow[] = await this.dataSource.query(
      `SELECT e.id, e.txid::text AS txid_text, e.type, e.occurred_at, e.entity_type, e.entity_id, e.data
         FROM event e
        WHERE (e.txid, e.id) > ($1::bigint, $2::bigint)
          AND e.txid < pg_snapshot_xmin(pg_current_snapshot())::text::bigint
          AND ($3::text[] IS NULL OR e.type = ANY($3::text[]))
        -- The bigint columns, not the text shown: '1000' sorts before '999'.
        ORDER BY e.txid, e.id
        LIMIT $4`,
      [txid, id, types, limit],
    );
    const items: EventDto[] = rows.map((row) => ({
      id: String(row.id),
      type: row.type,
      occurredAt: row.occurred_at.toISOString(),
      entityType: row.entity_type,
      entityId: row.entity_id,
      data: row.data,
    }));
    const last = rows[rows.length - 1];
    return {
      items,
      nextCursor: last
        ? encodeEventCursor(last.txid_text, String(last.id))
        : encodeEventCursor(txid, id),
    };
  }
}

export function encodeEventCursor(txid: string, id: string): string {
  return Buffer.from(`${txid}.${id}`).toString('base64url');
}

export function decodeEventCursor(cursor?: string): [string, string] {
  if (!cursor) return ['0', '0'];
  const match = /^(\d+)\.(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) {
    throw new ValidationFailedError(
      'after: is not a cursor this API returned',
      [{ path: 'after', message: 'is not a cursor this API returned' }],
      'INVALID_CURSOR',
    );
  }
  return [match[1], match[2]];
}
