import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { createdAtColumn } from '../database/columns';
import { PurchaseOrder } from './purchase-order.entity';
import { Tranche } from './tranche.entity';

@Entity()
@Index('shipment_purchase_order_id_idx', ['purchaseOrderId'])
@Index('shipment_customer_id_idx', ['customerId'])
@Index('shipment_shipped_on_idx', ['shippedOn'])
@Index('shipment_created_at_id_idx', ['createdAt', 'id'])
export class Shipment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'date' })
  shippedOn: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  reference: string | null;

  @Column(createdAtColumn)
  createdAt: Date;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'shipment_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;
}

@Entity()
@Index('shipment_item_tranche_id_idx', ['trancheId'])
@Check('shipment_item_quantity_check', 'quantity >= 1')
export class ShipmentItem {
  @PrimaryColumn({ type: 'uuid' })
  shipmentId: string;

  @PrimaryColumn({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'int' })
  quantity: number;

  @ManyToOne(() => Shipment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'shipment_id', foreignKeyConstraintName: 'shipment_item_shipment_id_fkey' })
  shipment?: Shipment;

  @ManyToOne(() => Tranche, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'tranche_id', foreignKeyConstraintName: 'shipment_item_tranche_id_fkey' })
  tranche?: Tranche;
}
