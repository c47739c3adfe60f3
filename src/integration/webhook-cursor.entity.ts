import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * How far the webhook fan-out has read the change feed, as a (txid, event id) position like the
 * feed's own cursor. One row; the instance that locks it (SKIP LOCKED) does the fan-out.
 */
@Entity()
export class WebhookCursor {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  name: string;

  @Column({ type: 'bigint' })
  txid: number;

  @Column({ type: 'bigint' })
  eventId: number;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
