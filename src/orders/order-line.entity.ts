import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { centsColumn, decimalColumn } from '../database/columns';
import { PurchaseOrder } from './purchase-order.entity';
import { ProductModel } from '../catalog/product-model.entity';

@Entity()
@Index('order_line_purchase_order_id_idx', ['purchaseOrderId', 'lineNo'], { unique: true })
@Index('order_line_product_model_id_idx', ['productModelId'])
@Check(
  'order_line_price_per_ths_check',
  '(price_per_ths_cents IS NULL) = (unit_hashrate_ths IS NULL) AND (price_per_ths_cents IS NULL OR price_per_ths_cents >= 0)',
)
export class OrderLine {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'int' })
  lineNo: number;

  @Column({ type: 'uuid' })
  productModelId: string;

  /** A per-TH line: pricePerThs × unitHashrateThs, half up to the cent. */
  @Column(centsColumn())
  unitPriceCents: number;

  /** Money per TH/s; null on a line priced per unit. */
  @Column(centsColumn({ nullable: true }))
  pricePerThsCents: number | null;

  /** The model's TH/s when the line was priced per TH/s: the nominal of its true-ups. */
  @Column(decimalColumn(10, 2, { nullable: true }))
  unitHashrateThs: number | null;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'order_line_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;

  @ManyToOne(() => ProductModel, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'product_model_id',
    foreignKeyConstraintName: 'order_line_product_model_id_fkey',
  })
  productModel?: ProductModel;
}
