import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { centsColumn, createdAtColumn } from '../database/columns';
import { PurchaseOrder } from './purchase-order.entity';

@Entity()
@Index('payment_purchase_order_id_idx', ['purchaseOrderId', 'createdAt'])
@Index('payment_customer_id_idx', ['customerId'])
@Index('payment_received_on_idx', ['receivedOn'])
@Check('payment_amount_check', 'amount_cents > 0')
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column(centsColumn())
  amountCents: number;

  @Column({ type: 'date' })
  receivedOn: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  reference: string | null;

  @Column(createdAtColumn)
  createdAt: Date;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'payment_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;
}
