import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { createdAtColumn } from '../database/columns';
import type { Role } from '../common/request-context';

@Entity()
@Check('api_key_role_check', `role IN ('admin','sales','finance','operations','erp','viewer')`)
@Index('api_key_created_at_id_idx', ['createdAt', 'id'])
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  role: Role;

  /** SHA-256 of the key; the key itself is never stored. */
  @Index('api_key_key_hash_key', { unique: true })
  @Column({ type: 'char', length: 64 })
  keyHash: string;

  /** The first characters of the key, to tell keys apart in listings. */
  @Column({ type: 'varchar', length: 16 })
  keyPrefix: string;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  revokedAt: Date | null;
}
