import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { User } from '../../access/users/user.entity';
import { ProductModel } from '../../catalog/product-model.entity';
import { centsColumn, createdAtColumn } from '../../database/columns';
import { Customer } from '../customer.entity';

export type Stage = 'lead' | 'qualified' | 'proposal' | 'negotiation' | 'won' | 'lost';
export const STAGES: readonly Stage[] = [
  'lead',
  'qualified',
  'proposal',
  'negotiation',
  'won',
  'lost',
];

@Entity()
@Index('opportunity_customer_id_created_at_id_idx', ['customerId', 'createdAt', 'id'])
@Index('opportunity_product_model_id_idx', ['productModelId'])
@Index('opportunity_stage_idx', ['stage'])
@Index('opportunity_created_at_id_idx', ['createdAt', 'id'])
@Index('opportunity_owner_id_created_at_id_idx', ['ownerId', 'createdAt', 'id'])
// An order is converted from one opportunity at most.
@Index('opportunity_purchase_order_id_key', ['purchaseOrderId'], {
  unique: true,
  where: 'purchase_order_id IS NOT NULL',
})
@Check(
  'opportunity_stage_check',
  `stage IN ('lead','qualified','proposal','negotiation','won','lost')`,
)
@Check('opportunity_quantity_check', 'quantity > 0')
@Check('opportunity_unit_price_cents_check', 'unit_price_cents >= 0')
@Check('opportunity_probability_check', 'probability BETWEEN 0 AND 100')
@Check('opportunity_converted_won_check', `purchase_order_id IS NULL OR stage = 'won'`)
@Check('opportunity_version_check', 'version >= 1')
export class Opportunity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer)
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'opportunity_customer_id_fkey' })
  customer?: Customer;

  @Column({ type: 'uuid' })
  productModelId: string;

  @ManyToOne(() => ProductModel)
  @JoinColumn({
    name: 'product_model_id',
    foreignKeyConstraintName: 'opportunity_product_model_id_fkey',
  })
  productModel?: ProductModel;

  /** Units of machines. */
  @Column({ type: 'int' })
  quantity: number;

  @Column(centsColumn())
  unitPriceCents: number;

  @Column({ type: 'varchar', length: 12, default: 'lead' })
  stage: Stage;

  /** Percent, 0–100. */
  @Column({ type: 'smallint' })
  probability: number;

  @Column({ type: 'date', nullable: true })
  expectedCloseOn: string | null;

  @Column({ type: 'date', nullable: true })
  firstDeliveryOn: string | null;

  /** The user who owns the deal. */
  @Column({ type: 'uuid', nullable: true })
  ownerId: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'opportunity_owner_id_fkey' })
  owner?: User;

  /** The order it was converted into; set only by the conversion. */
  @Column({ type: 'uuid', nullable: true })
  purchaseOrderId: string | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
