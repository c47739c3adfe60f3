import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../common/request-context';
import { createdAtColumn } from '../../database/columns';

export type UserStatus = 'active' | 'disabled';
export const USER_STATUSES: readonly UserStatus[] = ['active', 'disabled'];

/** A person who signs in. Never deleted: disabled instead, so the audit log keeps naming them. */
@Entity({ name: 'app_user' })
// Emails are unique whatever their case: an expression index, written in the migration by hand.
@Index('app_user_email_lower_key', { synchronize: false })
@Index('app_user_created_at_id_idx', ['createdAt', 'id'])
@Check('app_user_role_check', `role IN ('admin','sales','finance','operations','erp','viewer')`)
@Check('app_user_status_check', `status IN ('active','disabled')`)
@Check('app_user_version_check', 'version >= 1')
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** As given; compared ignoring case. */
  @Column({ type: 'varchar', length: 254 })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  @Column({ type: 'varchar', length: 10, default: 'active' })
  status: UserStatus;

  /** The argon2id PHC string; null until the person sets a password (or for SSO-only people). */
  @Column({ type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
