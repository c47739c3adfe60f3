import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ProductModel } from '../../catalog/product-model.entity';
import { Customer } from '../../customers/customer.entity';
import { createdAtColumn } from '../../database/columns';
import { PurchaseOrder } from '../../orders/purchase-order.entity';

export type HoldStatus = 'active' | 'released' | 'converted';
export const HOLD_STATUSES: readonly HoldStatus[] = ['active', 'released', 'converted'];

/**
 * Factory capacity held for a quote. Counts in the plan while `status` is active and today is on
 * or before `expiresOn`; released and converted holds never count again.
 */
@Entity()
@Index('hold_created_at_id_idx', ['createdAt', 'id'])
@Index('hold_customer_id_created_at_id_idx', ['customerId', 'createdAt', 'id'])
@Index('hold_product_model_id_created_at_id_idx', ['productModelId', 'createdAt', 'id'])
// The plan's read: the active holds of some models that have not expired yet.
@Index('hold_active_by_model_idx', ['productModelId', 'expiresOn'], { where: `status = 'active'` })
@Index('hold_purchase_order_id_idx', ['purchaseOrderId'], {
  where: 'purchase_order_id IS NOT NULL',
})
@Check('hold_quantity_check', 'quantity >= 1')
@Check('hold_status_check', `status IN ('active','released','converted')`)
@Check(
  'hold_outcome_check',
  `(status = 'active' AND released_at IS NULL AND converted_at IS NULL AND purchase_order_id IS NULL)
   OR (status = 'released' AND released_at IS NOT NULL AND converted_at IS NULL AND purchase_order_id IS NULL)
   OR (status = 'converted' AND released_at IS NULL AND converted_at IS NOT NULL AND purchase_order_id IS NOT NULL)`,
)
export class Hold {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  @ManyToOne(() => ProductModel)
  @JoinColumn({ name: 'product_model_id', foreignKeyConstraintName: 'hold_product_model_id_fkey' })
  productModel?: ProductModel;

  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer)
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'hold_customer_id_fkey' })
  customer?: Customer;

  @Column({ type: 'int' })
  quantity: number;

  /** The last day the hold counts (the business time zone's calendar). */
  @Column({ type: 'date' })
  expiresOn: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note: string | null;

  @Column({ type: 'varchar', length: 20, default: 'active' })
  status: HoldStatus;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  releasedAt: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  convertedAt: Date | null;

  /** The order whose tranches took the hold's place. */
  @Column({ type: 'uuid', nullable: true })
  purchaseOrderId: string | null;

  @ManyToOne(() => PurchaseOrder)
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'hold_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;
}
