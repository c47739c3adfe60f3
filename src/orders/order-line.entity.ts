import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { centsColumn } from '../database/columns';
import { PurchaseOrder } from './purchase-order.entity';
import { ProductModel } from '../catalog/product-model.entity';

@Entity()
@Index('order_line_purchase_order_id_idx', ['purchaseOrderId', 'lineNo'], { unique: true })
@Index('order_line_product_model_id_idx', ['productModelId'])
export class OrderLine {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'int' })
  lineNo: number;

  @Column({ type: 'uuid' })
  productModelId: string;

  @Column(centsColumn())
  unitPriceCents: number;

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
