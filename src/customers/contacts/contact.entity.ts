import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { createdAtColumn } from '../../database/columns';
import { Customer } from '../customer.entity';

@Entity()
@Index('contact_customer_id_created_at_id_idx', ['customerId', 'createdAt', 'id'])
@Index('contact_created_at_id_idx', ['createdAt', 'id'])
// At most one primary contact per customer.
@Index('contact_primary_key', ['customerId'], { unique: true, where: 'is_primary' })
@Check('contact_version_check', 'version >= 1')
export class Contact {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'contact_customer_id_fkey' })
  customer?: Customer;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 254, nullable: true })
  email: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  phone: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  title: string | null;

  @Column({ type: 'boolean', default: false })
  isPrimary: boolean;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
