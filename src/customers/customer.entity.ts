import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../access/users/user.entity';
import { createdAtColumn } from '../database/columns';
import type { Region } from './region';

export type Segment =
  'public_miner' | 'investment_fund' | 'hosting_provider' | 'individual_operator';
export const SEGMENTS: readonly Segment[] = [
  'public_miner',
  'investment_fund',
  'hosting_provider',
  'individual_operator',
];

export type CustomerStatus = 'prospect' | 'active' | 'inactive';
export const CUSTOMER_STATUSES: readonly CustomerStatus[] = ['prospect', 'active', 'inactive'];

@Entity()
// Names are unique whatever their case: an expression index, written in the migration by hand.
@Index('customer_name_lower_key', { synchronize: false })
@Index('customer_external_ref_key', ['externalRef'], { unique: true })
@Index('customer_segment_idx', ['segment'])
@Index('customer_region_idx', ['region'])
@Index('customer_status_idx', ['status'])
@Index('customer_created_at_id_idx', ['createdAt', 'id'])
@Index('customer_owner_id_created_at_id_idx', ['ownerId', 'createdAt', 'id'])
@Check(
  'customer_segment_check',
  `segment IN ('public_miner','investment_fund','hosting_provider','individual_operator')`,
)
@Check('customer_status_check', `status IN ('prospect','active','inactive')`)
@Check('customer_region_check', `region IN ('NA','LATAM','EMEA','APAC')`)
@Check('customer_country_check', `country ~ '^[A-Z]{2}$'`)
@Check('customer_version_check', 'version >= 1')
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  legalName: string | null;

  @Column({ type: 'varchar', length: 30 })
  segment: Segment;

  /** ISO 3166-1 alpha-2, upper-case. */
  @Column({ type: 'char', length: 2 })
  country: string;

  /** Derived from country on every write (regionOf); stored to filter and group by. */
  @Column({ type: 'varchar', length: 5 })
  region: Region;

  @Column({ type: 'varchar', length: 20, default: 'prospect' })
  status: CustomerStatus;

  /** The customer's key in an ERP. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  /** Free text, as imported from elsewhere; the owner who signs in is `ownerId`. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  accountOwner: string | null;

  /** The user who owns the account. */
  @Column({ type: 'uuid', nullable: true })
  ownerId: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'customer_owner_id_fkey' })
  owner?: User;

  /** A payment-terms code; not a foreign key: the terms may be defined later. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  defaultPaymentTermsCode: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
