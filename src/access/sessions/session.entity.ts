import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { createdAtColumn } from '../../database/columns';
import { User } from '../users/user.entity';

/**
 * A signed-in browser. The cookie carries a random token; only its hash is kept, so a copy of the
 * table signs nobody in. Idle and absolute expiry are computed from `lastSeenAt` and `createdAt`
 * with the configured lifetimes, so changing them applies to every session at once.
 */
@Entity()
@Index('user_session_user_id_idx', ['userId'])
export class UserSession {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'user_session_user_id_fkey' })
  user?: User;

  /** SHA-256 of the cookie's token, hex. */
  @Index('user_session_token_hash_key', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  /** What a request that changes anything must send as X-CSRF-Token. */
  @Column({ type: 'varchar', length: 64 })
  csrfToken: string;

  @Column(createdAtColumn)
  createdAt: Date;

  /** Moved forward at most once a minute, not on every request. */
  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  lastSeenAt: Date;
}
