import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ValidationFailedError } from '../common/errors';
import { Page, paginate } from '../common/pagination';
import { AuditLog } from './audit-log.entity';
import {
  AuditEntryDto,
  AuditLogQueryDto,
  EventDto,
  EventPageDto,
  EventQueryDto,
  isKnownEventType,
  toAuditEntryDto,
} from './audit.dto';
import type { EventType } from './event-types';

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

  /** Who changed what and when, oldest first: a list like any other. */
  auditLog(query: AuditLogQueryDto): Promise<Page<AuditEntryDto>> {
    const qb = this.dataSource.getRepository(AuditLog).createQueryBuilder('a');
    if (query.entityType)
      qb.andWhere('a.entity_type = :entityType', { entityType: query.entityType });
    if (query.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: query.entityId });
    if (query.from) qb.andWhere('a.at >= :from', { from: query.from });
    if (query.to) qb.andWhere('a.at <= :to', { to: endOfDay(query.to) });
    return paginate(qb, query, toAuditEntryDto);
  }

  /**
   * The change feed. Rows are read in (txid, id) order and only from transactions older than the
   * oldest one still running: a transaction that commits late always has a txid at or above that
   * horizon, so it can never land behind a cursor already handed out. That is why its cursor is
   * not a list's (`paginate`, by creation time and id): a consumer polling a list by creation
   * could move past a change whose transaction had not yet committed, and never see it.
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
