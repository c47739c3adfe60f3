import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { DomainEvent } from '../audit/domain-event.entity';
import { createdAtColumn } from '../database/columns';
import { WebhookSubscription } from './webhook-subscription.entity';

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'pending',
  'delivered',
  'failed',
  'dead',
];

/**
 * One event for one subscription. Unique per (subscription, event), so the fan-out can never
 * queue an event twice. A sender claims a row by moving `next_attempt_at` forward by the lease and
 * stamping a `lease_token`; only the holder of the token may record the outcome, and a crashed
 * sender's row becomes due again when the lease runs out.
 */
@Entity()
@Index('webhook_delivery_subscription_id_event_id_key', ['subscriptionId', 'eventId'], {
  unique: true,
})
@Index('webhook_delivery_subscription_id_created_at_id_idx', ['subscriptionId', 'createdAt', 'id'])
@Index('webhook_delivery_event_id_idx', ['eventId'])
@Index('webhook_delivery_due_idx', ['subscriptionId', 'nextAttemptAt'], {
  where: `status IN ('pending','failed')`,
})
@Index('webhook_delivery_done_idx', ['updatedAt'], { where: `status IN ('delivered','dead')` })
@Check('webhook_delivery_status_check', `status IN ('pending','delivered','failed','dead')`)
@Check('webhook_delivery_attempts_check', 'attempts >= 0')
@Check(
  'webhook_delivery_due_check',
  `(status IN ('pending','failed')) = (next_attempt_at IS NOT NULL)`,
)
export class WebhookDelivery {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  subscriptionId: string;

  @Column({ type: 'bigint' })
  eventId: number;

  @Column({ type: 'varchar', length: 60 })
  eventType: string;

  @Column({ type: 'varchar', length: 10, default: 'pending' })
  status: DeliveryStatus;

  /** Attempts started, the one in flight included. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** When the next attempt is due (or, while one is in flight, when its lease runs out). */
  @Column({ type: 'timestamptz', precision: 3, nullable: true, default: () => 'now()' })
  nextAttemptAt: Date | null;

  /** Retries stop here: the delivery is then dead. */
  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column({ type: 'uuid', nullable: true })
  leaseToken: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  lastAttemptAt: Date | null;

  /** The app instance that made the last attempt. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  lastAttemptBy: string | null;

  @Column({ type: 'int', nullable: true })
  lastStatusCode: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError: string | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  deliveredAt: Date | null;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;

  @ManyToOne(() => WebhookSubscription, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'subscription_id',
    foreignKeyConstraintName: 'webhook_delivery_subscription_id_fkey',
  })
  subscription?: WebhookSubscription;

  @ManyToOne(() => DomainEvent, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'event_id', foreignKeyConstraintName: 'webhook_delivery_event_id_fkey' })
  event?: DomainEvent;
}
