import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  MaxLength,
} from 'class-validator';
import { EVENT_TYPES } from '../audit/event-types';
import { PageQueryDto } from '../common/pagination';
import { DELIVERY_STATUSES, type DeliveryStatus, WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import { SECRET_MAX, URL_MAX } from '../common/limits';

export const WEBHOOK_EVENT_CHOICES = [...EVENT_TYPES, '*'] as const;

const URL_OPTIONS = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
  allow_underscores: true,
};

export class CreateWebhookDto {
  /** Where deliveries are POSTed: an http or https URL. */
  @IsUrl(URL_OPTIONS, { message: 'url must be an http or https URL' })
  @MaxLength(URL_MAX)
  url: string;

  /** Event types to deliver, or `["*"]` for every type. */
  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: WEBHOOK_EVENT_CHOICES as unknown as string[] },
    maxItems: WEBHOOK_EVENT_CHOICES.length,
    example: ['purchase_order.confirmed', 'shipment.created'],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_CHOICES.length)
  @IsIn(WEBHOOK_EVENT_CHOICES, {
    each: true,
    message: 'each of events must be an event type or "*"',
  })
  events: string[];

  /** Signs every delivery (HMAC-SHA256); 16 to 200 characters. Never returned. */
  @IsString()
  @Length(16, SECRET_MAX)
  secret: string;
}

/** Changes a subscription; `active: true` turns a disabled one back on. Honours If-Match. */
export class UpdateWebhookDto {
  @IsOptional()
  @IsUrl(URL_OPTIONS, { message: 'url must be an http or https URL' })
  @MaxLength(URL_MAX)
  url?: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', enum: WEBHOOK_EVENT_CHOICES as unknown as string[] },
    maxItems: WEBHOOK_EVENT_CHOICES.length,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENT_CHOICES.length)
  @IsIn(WEBHOOK_EVENT_CHOICES, {
    each: true,
    message: 'each of events must be an event type or "*"',
  })
  events?: string[];

  @IsOptional()
  @IsString()
  @Length(16, SECRET_MAX)
  secret?: string;

  @IsOptional()
  @IsBoolean()
  active?: boolean;
}

export class DeliveryQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class WebhookDto {
  id: string;
  url: string;
  @ApiProperty({ type: 'array', items: { type: 'string' } })
  events: string[];
  /** False when turned off by hand or after a day of failed deliveries. */
  active: boolean;
  /** Why the system turned it off, if it did. */
  disabledReason: string | null;
  /** Since when every delivery has failed; null while deliveries succeed. */
  failingSince: string | null;
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export class WebhookDeliveryDto {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus' })
  status: DeliveryStatus;
  /** Attempts started so far. */
  @ApiProperty({ type: 'integer' })
  attempts: number;
  /** HTTP status of the last answer; null when there was none (timeout, refused connection). */
  @ApiProperty({ type: 'integer', nullable: true })
  lastStatusCode: number | null;
  lastError: string | null;
  /** When the next attempt is due; null once delivered or dead. */
  nextAttemptAt: string | null;
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  /** Retries stop at this instant. */
  expiresAt: string;
  createdAt: string;
}

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function toWebhookDto(row: WebhookSubscription): WebhookDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    active: row.active,
    disabledReason: row.disabledReason,
    failingSince: iso(row.failingSince),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toWebhookDeliveryDto(row: WebhookDelivery): WebhookDeliveryDto {
  return {
    id: row.id,
    webhookId: row.subscriptionId,
    eventId: String(row.eventId),
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextAttemptAt: iso(row.nextAttemptAt),
    lastAttemptAt: iso(row.lastAttemptAt),
    deliveredAt: iso(row.deliveredAt),
    expiresAt: row.expiresAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
  };
}
