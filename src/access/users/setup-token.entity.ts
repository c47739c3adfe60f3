import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { createdAtColumn } from '../../database/columns';
import { User } from './user.entity';

/** A one-time token that lets a person set their password; only its hash is kept. */
@Entity()
@Index('user_setup_token_user_id_idx', ['userId'])
export class UserSetupToken {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'user_setup_token_user_id_fkey' })
  user?: User;

  /** SHA-256 of the token, hex. */
  @Index('user_setup_token_token_hash_key', { unique: true })
  @Column({ type: 'char', length: 64 })
  tokenHash: string;

  @Column({ type: 'timestamptz', precision: 3 })
  expiresAt: Date;

  @Column(createdAtColumn)
  createdAt: Date;
}
