import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { centsColumn } from '../database/columns';
import { PurchaseOrder } from './purchase-order.entity';
import { OrderLine } from './order-line.entity';
import { ProductModel } from '../catalog/product-model.entity';
import { Customer } from '../customers/customer.entity';

/** The current state of a tranche; its history lives in tranche_segment. */
@Entity()
@Index('tranche_purchase_order_id_sequence_key', ['purchaseOrderId', 'sequence'], { unique: true })
@Index('tranche_line_id_idx', ['lineId'])
@Index('tranche_product_model_id_idx', ['productModelId'])
@Index('tranche_customer_id_idx', ['customerId'])
@Check('tranche_quantity_check', 'quantity >= 1 OR option_quantity >= 1')
@Check(
  'tranche_option_check',
  'option_quantity >= 0 AND exercised_quantity BETWEEN 0 AND option_quantity AND (option_quantity = 0) = (option_exercise_by IS NULL)',
)
@Check(
  'tranche_progress_check',
  'shipped_quantity >= 0 AND cancelled_quantity >= 0 AND shipped_quantity + cancelled_quantity <= quantity',
)
@Check('tranche_unit_price_check', 'unit_price_cents >= 0')
@Check('tranche_contract_unit_price_check', 'contract_unit_price_cents >= 0')
export class Tranche {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  lineId: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'int' })
  sequence: number;

  @Column({ type: 'date' })
  shipDate: string;

  /** Every unit ever contracted on it, cancelled ones included. */
  @Column({ type: 'int' })
  quantity: number;

  /** The price of its open units in force now (shipped units keep the price they shipped at). */
  @Column(centsColumn())
  unitPriceCents: number;

  @Column({ type: 'int', default: 0 })
  shippedQuantity: number;

  @Column({ type: 'int', default: 0 })
  cancelledQuantity: number;

  /** Units at signing (the contract the replay starts from); 0 for a tranche added by amendment. */
  @Column({ type: 'int' })
  contractQuantity: number;

  /** Ship date at signing; later reschedules live in the amendments. */
  @Column({ type: 'date' })
  contractShipDate: string;

  /**
   * Unit price at signing (or when an amendment added it); later price changes live in the
   * amendments. Inserted without it, a tranche takes its unit price (a trigger of the migration).
   */
  @Column(centsColumn())
  contractUnitPriceCents: number;

  /** Option units offered at signing (0: none); firm only once exercised. */
  @Column({ type: 'int', default: 0 })
  optionQuantity: number;

  /** The last date its option units may be exercised; null without options. */
  @Column({ type: 'date', nullable: true })
  optionExerciseBy: string | null;

  /** Option units exercised so far (counted in `quantity`), as the replay last wrote it. */
  @Column({ type: 'int', default: 0 })
  exercisedQuantity: number;

  /**
   * Option units neither exercised nor ended by a cancellation, as the replay last wrote it; they
   * lapse at the end of optionExerciseBy.
   */
  @Column({ type: 'int', default: 0 })
  optionUnits: number;

  /** Null for tranches of the original contract; the amendment that added it otherwise. */
  @Column({ type: 'uuid', nullable: true })
  addedByAmendmentId: string | null;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'tranche_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;

  @ManyToOne(() => OrderLine, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'line_id', foreignKeyConstraintName: 'tranche_line_id_fkey' })
  line?: OrderLine;

  @ManyToOne(() => ProductModel, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'product_model_id',
    foreignKeyConstraintName: 'tranche_product_model_id_fkey',
  })
  productModel?: ProductModel;

  @ManyToOne(() => Customer, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'tranche_customer_id_fkey' })
  customer?: Customer;
}
