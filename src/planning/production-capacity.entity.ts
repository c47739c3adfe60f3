import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ProductModel } from '../catalog/product-model.entity';
import { createdAtColumn } from '../database/columns';

/** Units the factory can build of one model in one month; a month without a row has none. */
@Entity()
@Index('production_capacity_product_model_id_month_key', ['productModelId', 'month'], {
  unique: true,
})
@Index('production_capacity_month_product_model_id_idx', ['month', 'productModelId'])
@Check('production_capacity_month_check', `EXTRACT(DAY FROM month) = 1`)
@Check('production_capacity_units_check', 'units >= 0')
export class ProductionCapacity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  /** The first day of the month (the API speaks YYYY-MM). */
  @Column({ type: 'date' })
  month: string;

  @Column({ type: 'int' })
  units: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;

  @ManyToOne(() => ProductModel, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'product_model_id',
    foreignKeyConstraintName: 'production_capacity_product_model_id_fkey',
  })
  productModel?: ProductModel;
}
