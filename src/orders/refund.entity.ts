import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { MoneyEntry } from './order-entry';
import { PurchaseOrder } from './purchase-order.entity';

/** Unapplied credit paid back to the customer, on `paidOn`; never more than the credit then. */
@Entity()
@Index('refund_purchase_order_id_idx', ['purchaseOrderId', 'createdAt'])
@Index('refund_customer_id_idx', ['customerId'])
@Index('refund_paid_on_idx', ['paidOn'])
@Index('refund_external_ref_key', ['externalRef'], {
  unique: true,
  where: 'external_ref IS NOT NULL',
})
@Check('refund_amount_check', 'amount_cents > 0')
export class Refund extends MoneyEntry {
  @Column({ type: 'date' })
  paidOn: string;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'refund_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'refund_customer_id_fkey' })
  customer?: Customer;
}
