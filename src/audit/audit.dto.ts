import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageQueryDto } from '../common/pagination';
import { ACTOR_TYPES, ROLES, type ActorType, type Role } from '../common/request-context';
import type { AuditLog } from './audit-log.entity';
import { EVENT_TYPES, type EventType } from './event-types';
import { CODE_MAX, FILTER_MAX, INSTANT_MAX, REFERENCE_MAX } from '../common/limits';
import { IsId } from '../common/validation';

export class AuditLogQueryDto extends PageQueryDto {
  @IsOptional()
  @IsString()
  @MaxLength(CODE_MAX)
  entityType?: string;

  @IsOptional()
  @IsId()
  entityId?: string;

  /** From this instant or date (inclusive). */
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(INSTANT_MAX)
  from?: string;

  /** Up to this instant, or the end of this date (inclusive). */
  @IsOptional()
  @IsISO8601({ strict: true })
  @MaxLength(INSTANT_MAX)
  to?: string;
}

export class AuditActorDto {
  /** A signed-in person, a program's API key, or the server itself (CLI, demo data). */
  @ApiProperty({ enum: ACTOR_TYPES, enumName: 'ActorType' })
  type: ActorType;
  /** The user's or the API key's id; null for the system. */
  id: string | null;
  name: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role: Role;
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
    actor: {
      type: row.actorType,
      id: row.apiKeyId ?? row.userId,
      name: row.actorName,
      role: row.actorRole as Role,
    },
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
  @MaxLength(REFERENCE_MAX)
  after?: string;

  @ApiPropertyOptional({ type: 'integer', default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Transform(({ value }) => (value === undefined ? value : Number(value)))
  limit?: number;

  /** Comma-separated event types. */
  @ApiPropertyOptional({ type: 'string', example: 'purchase_order.confirmed,shipment.created' })
  @IsOptional()
  @IsString()
  @MaxLength(FILTER_MAX)
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
