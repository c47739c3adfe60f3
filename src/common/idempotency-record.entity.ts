import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The first response to a POST carrying an Idempotency-Key, replayed to its retries. */
@Entity()
@Index('idempotency_record_created_at_idx', ['createdAt'])
export class IdempotencyRecord {
  /** Whose key it is: the API key's or the signed-in user's id (the nil uuid for nobody's). */
  @PrimaryColumn({ type: 'uuid' })
  callerId: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key: string;

  @Column({ type: 'char', length: 64 })
  requestHash: string;

  /** Null while the first request is still running. */
  @Column({ type: 'int', nullable: true })
  responseStatus: number | null;

  @Column({ type: 'jsonb', nullable: true })
  responseBody: unknown;

  @Column({ type: 'jsonb', nullable: true })
  responseHeaders: Record<string, string> | null;

  /** A running request holds the key until then; a crashed one lets a retry take over after it. */
  @Column({ type: 'timestamptz', precision: 3 })
  lockedUntil: Date;

  /** Names the request holding the key; a retry that takes the key over gets a new one. */
  @Column({ type: 'uuid', nullable: true })
  claimToken: string | null;

  /** Stamped inside the transaction that applied the request's write, before it committed. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  appliedAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;
}
