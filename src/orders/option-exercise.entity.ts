import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { OrderEntry } from './order-entry';
import { PurchaseOrder } from './purchase-order.entity';
import { Tranche } from './tranche.entity';

/**
 * Option units of a tranche made firm from `exercisedOn`; the replay bills them as units added by
 * an amendment. Never edited: the book keeps every exercise as it was recorded.
 */
@Entity()
@Index('option_exercise_purchase_order_id_idx', ['purchaseOrderId', 'createdAt'])
@Index('option_exercise_tranche_id_idx', ['trancheId'])
@Check('option_exercise_quantity_check', 'quantity >= 1')
export class OptionExercise extends OrderEntry {
  @Column({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'date' })
  exercisedOn: string;

  @Column({ type: 'int' })
  quantity: number;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'option_exercise_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;

  @ManyToOne(() => Tranche, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tranche_id', foreignKeyConstraintName: 'option_exercise_tranche_id_fkey' })
  tranche?: Tranche;
}
