import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import type { AuditLog } from './audit-log.entity';
import { EVENT_TYPES, type EventType } from './event-types';

export class AuditLogQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(40)
  entityType?: string;

  @IsOptional()
  @IsUUID()
  entityId?: string;

  /** From this instant or date (inclusive). */
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  /** Up to this instant, or the end of this date (inclusive). */
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class AuditActorDto {
  apiKeyId: string | null;
  name: string;
  role: string;
}

export class AuditEntryDto {
  id: string;
  at: string;
  actor: AuditActorDto;
  action: string;
  entityType: string;
  entityId: string;
  /** The fields that changed: `{before: {...}, after: {...}}`. */
  changes: Record<string, unknown>;
  requestId: string | null;
}

export function toAuditEntryDto(row: AuditLog): AuditEntryDto {
  return {
    id: String(row.id),
    at: row.createdAt.toISOString(),
    actor: { apiKeyId: row.apiKeyId, name: row.actorName, role: row.actorRole },
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    changes: row.changes,
    requestId: row.requestId,
  };
}

export class EventQueryDto {
  /** The `nextCursor` of the previous poll; omit to start from the beginning. */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  after?: string;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  limit?: number;

  /** Comma-separated event types. */
  @ApiPropertyOptional({ type: 'string', example: 'purchase_order.confirmed,shipment.created' })
  @IsOptional()
  @IsString()
  types?: string;
}

export class EventDto {
  id: string;
  @ApiProperty({ enum: EVENT_TYPES, enumName: 'EventType' })
  type: EventType;
  occurredAt: string;
  entityType: string;
  entityId: string;
  /** The resource after the change. */
  data: Record<string, unknown>;
}

export class EventPageDto {
  items: EventDto[];
  /** Poll again with this; never null. */
  nextCursor: string;
}

export { EVENT_TYPES };
export const isKnownEventType = (type: string) => (EVENT_TYPES as readonly string[]).includes(type);
