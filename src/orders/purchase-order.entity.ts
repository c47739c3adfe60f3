import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { centsColumn, createdAtColumn, decimalColumn } from '../database/columns';
import type { TermsSnapshot } from './book.types';
import { Customer } from '../customers/customer.entity';

export type OrderStatus = 'draft' | 'confirmed' | 'completed' | 'cancelled';
export const ORDER_STATUSES: readonly OrderStatus[] = [
  'draft',
  'confirmed',
  'completed',
  'cancelled',
];

@Entity()
@Index('purchase_order_number_key', ['number'], { unique: true })
@Index('purchase_order_external_ref_key', ['externalRef'], {
  unique: true,
  where: 'external_ref IS NOT NULL',
})
@Index('purchase_order_customer_id_idx', ['customerId'])
@Index('purchase_order_status_idx', ['status'])
@Index('purchase_order_created_at_id_idx', ['createdAt', 'id'])
@Check('purchase_order_status_check', `status IN ('draft','confirmed','completed','cancelled')`)
@Check(
  'purchase_order_hashrate_tolerance_check',
  'hashrate_tolerance_percent >= 0 AND hashrate_tolerance_percent <= 10',
)
export class PurchaseOrder {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** PO-<signing year>-<sequence>; the sequence grows in creation order. */
  @Column({ type: 'varchar', length: 20 })
  number: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'date' })
  signedOn: string;

  /** As requested; at confirmation it falls back to the customer's default. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  paymentTermsCode: string | null;

  /** The terms copied at confirmation; later edits of the template change nothing here. */
  @Column({ type: 'jsonb', nullable: true })
  terms: TermsSnapshot | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  customerReference: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  externalRef: string | null;

  @Column({ type: 'uuid', nullable: true })
  opportunityId: string | null;

  @Column({ type: 'varchar', length: 12, default: 'draft' })
  status: OrderStatus;

  @Column({ type: 'int', default: 1 })
  version: number;

  /** Percent of nominal TH/s a shipment may miss or exceed without a true-up (0–10, 2 dp). */
  @Column(decimalColumn(4, 2, { default: 0 }))
  hashrateTolerancePercent: number;

  /** Payments received beyond every open instalment (current). */
  @Column(centsColumn({ default: 0 }))
  unappliedCents: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  confirmedAt: Date | null;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'purchase_order_customer_id_fkey' })
  customer?: Customer;
}
