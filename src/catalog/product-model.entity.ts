import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { centsColumn, createdAtColumn, decimalColumn } from '../database/columns';

export type ProductModelStatus = 'announced' | 'active' | 'end_of_life';
export const PRODUCT_MODEL_STATUSES: readonly ProductModelStatus[] = [
  'announced',
  'active',
  'end_of_life',
];

@Entity()
@Index('product_model_sku_key', ['sku'], { unique: true })
@Index('product_model_status_idx', ['status'])
@Index('product_model_created_at_id_idx', ['createdAt', 'id'])
@Check('product_model_status_check', `status IN ('announced','active','end_of_life')`)
@Check('product_model_hashrate_ths_check', 'hashrate_ths > 0')
@Check('product_model_power_w_check', 'power_w > 0')
@Check('product_model_list_price_cents_check', 'list_price_cents >= 0')
@Check('product_model_version_check', 'version >= 1')
export class ProductModel {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 64 })
  sku: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 100 })
  series: string;

  /** TH/s, two decimals. */
  @Column(decimalColumn(10, 2))
  hashrateThs: number;

  @Column({ type: 'int' })
  powerW: number;

  @Column(centsColumn())
  listPriceCents: number;

  @Column({ type: 'varchar', length: 20, default: 'active' })
  status: ProductModelStatus;

  @Column({ type: 'date', nullable: true })
  releasedOn: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
