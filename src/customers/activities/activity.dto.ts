import { IsDateOnly } from '../../common/dates';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsISO8601,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { USER_FILTER } from '../../access/users/user-references';
import { PageQueryDto } from '../../common/pagination';
import { ACTIVITY_TYPES, Activity, type ActivityType } from './activity.entity';
import { INSTANT_MAX, NAME_MAX, NOTES_MAX, UUID_LENGTH } from '../../common/limits';
import { IsId } from '../../common/validation';

// An instant needs its zone: "2024-05-01T14:30:00Z" or "…+02:00".
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;
const instantMessage = (name: string) =>
  `${name} must be an ISO 8601 instant with a zone, e.g. "2024-05-01T14:30:00Z"`;

/** Optional, but null is not a value: absent means "leave as it is". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

export class CreateActivityDto {
  @ApiProperty({ enum: ACTIVITY_TYPES, enumName: 'ActivityType' })
  @IsIn(ACTIVITY_TYPES)
  type: ActivityType;

  /** One line, e.g. "Call about the Q3 tranche". */
  @IsString()
  @Length(1, NAME_MAX)
  subject: string;

  /** Free text. */
  @IsOptional()
  @IsString()
  @MaxLength(NOTES_MAX)
  body?: string | null;

  /** When it happened (or is planned); defaults to now. */
  @ApiPropertyOptional({ type: 'string', format: 'date-time' })
  @IsOptional()
  @Matches(INSTANT, { message: instantMessage('occurredAt') })
  @MaxLength(INSTANT_MAX)
  @IsISO8601({ strict: true }, { message: instantMessage('occurredAt') })
  @MaxLength(INSTANT_MAX)
  occurredAt?: string;

  /** For tasks: the date it is due. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  dueOn?: string | null;

  /** For tasks: when it was done. A task without it is open. */
  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true })
  @IsOptional()
  @Matches(INSTANT, { message: instantMessage('completedAt') })
  @MaxLength(INSTANT_MAX)
  @IsISO8601({ strict: true }, { message: instantMessage('completedAt') })
  @MaxLength(INSTANT_MAX)
  completedAt?: string | null;

  /**
   * The user who does it (a task) or did it (unknown: 422 REFERENCE_NOT_FOUND). Defaults to the
   * person recording it when signed in; none for an API key.
   */
  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true })
  @IsOptional()
  @IsId()
  assigneeId?: string | null;
}

/** Only the fields given change; `completedAt` completes a task, `completedAt: null` reopens it. */
export class UpdateActivityDto {
  @ApiPropertyOptional({ enum: ACTIVITY_TYPES, enumName: 'ActivityType' })
  @IfPresent()
  @IsIn(ACTIVITY_TYPES)
  type?: ActivityType;

  @IfPresent()
  @IsString()
  @Length(1, NAME_MAX)
  subject?: string;

  @IsOptional()
  @IsString()
  @MaxLength(NOTES_MAX)
  body?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'date-time' })
  @IfPresent()
  @Matches(INSTANT, { message: instantMessage('occurredAt') })
  @MaxLength(INSTANT_MAX)
  @IsISO8601({ strict: true }, { message: instantMessage('occurredAt') })
  @MaxLength(INSTANT_MAX)
  occurredAt?: string;

  @IsOptional()
  @IsDateOnly({ optional: true })
  dueOn?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'date-time', nullable: true })
  @IsOptional()
  @Matches(INSTANT, { message: instantMessage('completedAt') })
  @MaxLength(INSTANT_MAX)
  @IsISO8601({ strict: true }, { message: instantMessage('completedAt') })
  @MaxLength(INSTANT_MAX)
  completedAt?: string | null;

  /** The user who does it or did it; null for nobody. */
  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true })
  @IsOptional()
  @IsId()
  assigneeId?: string | null;
}

export class ActivityQueryDto extends PageQueryDto {
  /** true: open tasks only (type task, not completed); false: completed activities only. */
  @ApiPropertyOptional({ type: 'boolean' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsIn([true, false], { message: 'open must be true or false' })
  open?: boolean;

  /** Only activities due on or before this date (inclusive); those without a due date are left out. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  dueBefore?: string;

  @ApiPropertyOptional({ enum: ACTIVITY_TYPES, enumName: 'ActivityType' })
  @IsOptional()
  @IsIn(ACTIVITY_TYPES)
  type?: ActivityType;

  @IsOptional()
  @IsId()
  customerId?: string;

  /**
   * Activities assigned to this user: a user id, or `me` for the signed-in person (with an API
   * key, `me` is 400); `?assigneeId=me&open=true` is one's own open tasks. An unknown user: 422.
   */
  @ApiPropertyOptional({ type: 'string', example: 'me' })
  @IsOptional()
  @Matches(USER_FILTER, { message: 'assigneeId must be a user id or me' })
  @MaxLength(UUID_LENGTH)
  assigneeId?: string;
}

export class ActivityDto {
  id: string;
  customerId: string;
  @ApiProperty({ enum: ACTIVITY_TYPES, enumName: 'ActivityType' })
  type: ActivityType;
  subject: string;
  body: string | null;
  @ApiProperty({ type: 'string', format: 'date-time' })
  occurredAt: string;
  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  dueOn: string | null;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  completedAt: string | null;
  /** The user who does it or did it. */
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  assigneeId: string | null;
  /** Sent as the ETag; send it back in If-Match to update safely. */
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toActivityDto(activity: Activity): ActivityDto {
  return {
    id: activity.id,
    customerId: activity.customerId,
    type: activity.type,
    subject: activity.subject,
    body: activity.body,
    occurredAt: activity.occurredAt.toISOString(),
    dueOn: activity.dueOn,
    completedAt: activity.completedAt ? activity.completedAt.toISOString() : null,
    assigneeId: activity.assigneeId,
    version: activity.version,
    createdAt: activity.createdAt.toISOString(),
    updatedAt: activity.updatedAt.toISOString(),
  };
}
