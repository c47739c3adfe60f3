import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { ActorType } from '../common/request-context';

@Entity()
@Check('audit_log_actor_type_check', `actor_type IN ('user','api_key','system')`)
@Index('audit_log_entity_idx', ['entityType', 'entityId', 'id'])
@Index('audit_log_at_idx', ['createdAt'])
export class AuditLog {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: number;

  /** When the change was recorded (`at` in the API); lists page by it, as every list does. */
  @Column({ name: 'at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ type: 'varchar', length: 10 })
  actorType: ActorType;

  /** The API key that acted, for `api_key` actors. */
  @Column({ type: 'uuid', nullable: true })
  apiKeyId: string | null;

  /** The person who acted, for `user` actors. */
  @Column({ type: 'uuid', nullable: true })
  userId: string | null;

  @Column({ type: 'varchar', length: 100 })
  actorName: string;

  @Column({ type: 'varchar', length: 20 })
  actorRole: string;

  @Column({ type: 'varchar', length: 40 })
  action: string;

  @Column({ type: 'varchar', length: 40 })
  entityType: string;

  @Column({ type: 'uuid' })
  entityId: string;

  @Column({ type: 'jsonb' })
  changes: Record<string, unknown>;

  @Column({ type: 'varchar', length: 64, nullable: true })
  requestId: string | null;
}
