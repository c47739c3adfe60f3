import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One row per committed change, written in the transaction of the change. `txid` is the writing
 * transaction's id: the feed orders by (txid, id) and only shows transactions older than every
 * transaction still running, so nothing can appear behind a cursor later.
 */
@Entity({ name: 'event' })
@Index('event_txid_id_idx', ['txid', 'id'])
@Index('event_entity_idx', ['entityType', 'entityId'])
export class DomainEvent {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  /** pg_current_xact_id() of the writing transaction (an xid8, stored as bigint). */
  @Column({ type: 'bigint' })
  txid: string;

  @Column({ type: 'varchar', length: 60 })
  type: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  occurredAt: Date;

  @Column({ type: 'varchar', length: 40 })
  entityType: string;

  @Column({ type: 'uuid' })
  entityId: string;

  @Column({ type: 'jsonb' })
  data: Record<string, unknown>;
}
