import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { centsColumn, decimalColumn } from '../database/columns';
import { Customer } from '../customers/customer.entity';
import { ReferencedEntry, ReversalEntry } from './order-entry';
import { PurchaseOrder } from './purchase-order.entity';
import { Tranche } from './tranche.entity';

@Entity()
@Index('shipment_purchase_order_id_idx', ['purchaseOrderId'])
@Index('shipment_customer_id_idx', ['customerId'])
@Index('shipment_shipped_on_idx', ['shippedOn'])
@Index('shipment_created_at_id_idx', ['createdAt', 'id'])
@Index('shipment_external_ref_key', ['externalRef'], {
  unique: true,
  where: 'external_ref IS NOT NULL',
})
export class Shipment extends ReferencedEntry {
  @Column({ type: 'date' })
  shippedOn: string;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'shipment_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;
}

/**
 * A shipment taken back (the goods came back, or it was keyed in error), dated: from `reversedOn`
 * the order's book is the one it would have had without the shipment, so its units are open again.
 * The shipment's rows are never edited; a shipment is reversed at most once.
 */
@Entity()
@Index('shipment_reversal_shipment_id_key', ['shipmentId'], { unique: true })
@Index('shipment_reversal_purchase_order_id_idx', ['purchaseOrderId'])
@Index('shipment_reversal_customer_id_idx', ['customerId'])
@Index('shipment_reversal_reversed_on_idx', ['reversedOn'])
export class ShipmentReversal extends ReversalEntry {
  @Column({ type: 'uuid' })
  shipmentId: string;

  @ManyToOne(() => Shipment, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'shipment_id',
    foreignKeyConstraintName: 'shipment_reversal_shipment_id_fkey',
  })
  shipment?: Shipment;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'shipment_reversal_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'customer_id',
    foreignKeyConstraintName: 'shipment_reversal_customer_id_fkey',
  })
  customer?: Customer;
}

@Entity()
@Index('shipment_item_tranche_id_idx', ['trancheId'])
@Check('shipment_item_quantity_check', 'quantity >= 1')
@Check('shipment_item_delivered_ths_check', 'delivered_ths > 0')
export class ShipmentItem {
  @PrimaryColumn({ type: 'uuid' })
  shipmentId: string;

  @PrimaryColumn({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'int' })
  quantity: number;

  /** Measured TH/s of the units shipped (total); null when not measured. */
  @Column(decimalColumn(14, 2, { nullable: true }))
  deliveredThs: number | null;

  /** What the delivered hash rate added to (or took from) the units' value (SPEC §15). */
  @Column(centsColumn({ default: 0 }))
  trueUpCents: number;

  @ManyToOne(() => Shipment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shipment_id', foreignKeyConstraintName: 'shipment_item_shipment_id_fkey' })
  shipment?: Shipment;

  @ManyToOne(() => Tranche, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tranche_id', foreignKeyConstraintName: 'shipment_item_tranche_id_fkey' })
  tranche?: Tranche;
}
