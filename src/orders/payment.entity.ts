import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Customer } from '../customers/customer.entity';
import { MoneyEntry, ReversalEntry } from './order-entry';
import { PurchaseOrder } from './purchase-order.entity';

@Entity()
@Index('payment_purchase_order_id_idx', ['purchaseOrderId', 'createdAt'])
@Index('payment_customer_id_idx', ['customerId'])
@Index('payment_received_on_idx', ['receivedOn'])
@Index('payment_external_ref_key', ['externalRef'], {
  unique: true,
  where: 'external_ref IS NOT NULL',
})
@Check('payment_amount_check', 'amount_cents > 0')
export class Payment extends MoneyEntry {
  @Column({ type: 'date' })
  receivedOn: string;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'payment_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;
}

/**
 * A payment taken back (a returned wire, a chargeback, one keyed in error), dated: from
 * `reversedOn` the order's book is the one it would have had without the payment. The payment row
 * itself is never edited; a payment is reversed at most once.
 */
@Entity()
@Index('payment_reversal_payment_id_key', ['paymentId'], { unique: true })
@Index('payment_reversal_purchase_order_id_idx', ['purchaseOrderId'])
@Index('payment_reversal_customer_id_idx', ['customerId'])
@Index('payment_reversal_reversed_on_idx', ['reversedOn'])
export class PaymentReversal extends ReversalEntry {
  @Column({ type: 'uuid' })
  paymentId: string;

  @ManyToOne(() => Payment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'payment_id', foreignKeyConstraintName: 'payment_reversal_payment_id_fkey' })
  payment?: Payment;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'payment_reversal_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'customer_id',
    foreignKeyConstraintName: 'payment_reversal_customer_id_fkey',
  })
  customer?: Customer;
}
