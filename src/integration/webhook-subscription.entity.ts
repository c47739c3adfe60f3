import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { createdAtColumn } from '../database/columns';

/** A receiver of change-feed events: every matching event is POSTed to `url`, signed with `secret`. */
@Entity()
@Index('webhook_subscription_created_at_id_idx', ['createdAt', 'id'])
@Check('webhook_subscription_url_check', `url ~ '^https?://'`)
@Check('webhook_subscription_events_check', 'cardinality(events) >= 1')
@Check('webhook_subscription_secret_check', 'length(secret) >= 16')
@Check('webhook_subscription_version_check', 'version >= 1')
export class WebhookSubscription {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /** Event types, or ['*'] for all. */
  @Column({ type: 'varchar', length: 60, array: true })
  events: string[];

  /** Kept as given: it keys the HMAC of every delivery, so it cannot be hashed. Never returned. */
  @Column({ type: 'varchar', length: 200 })
  secret: string;

  @Column({ type: 'boolean', default: true })
  active: boolean;

  /** Why the system turned it off (a day of failed deliveries); null when active or turned off by hand. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  disabledReason: string | null;

  /** The first failed delivery since the last successful one. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  failingSince: Date | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
