import { Check, Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ProductModel } from '../catalog/product-model.entity';

/**
 * How many times a product model's part of the delivery plan has changed: its open tranches
 * (orders confirmed, amended, cancelled, shipped) or its capacity. Bumped by the services that make
 * those changes, in their transaction, so an instance's kept plan of a model is good exactly while
 * the version it was computed at is the one a reader sees. No row: version 0.
 */
@Entity()
@Check('plan_version_version_check', 'version >= 1')
export class PlanVersion {
  @PrimaryColumn({ type: 'uuid' })
  productModelId: string;

  @Column({ type: 'bigint' })
  version: number;

  @ManyToOne(() => ProductModel, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'product_model_id',
    foreignKeyConstraintName: 'plan_version_product_model_id_fkey',
  })
  productModel?: ProductModel;
}
