import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { createdAtColumn } from '../database/columns';
import type { AmendmentChange } from './book.types';
import { PurchaseOrder } from './purchase-order.entity';

@Entity()
@Index('amendment_purchase_order_id_idx', ['purchaseOrderId', 'createdAt'])
@Check('amendment_kind_check', `kind IN ('amendment','cancellation')`)
export class Amendment {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'varchar', length: 12 })
  kind: 'amendment' | 'cancellation';

  @Column({ type: 'date' })
  effectiveOn: string;

  @Column({ type: 'varchar', length: 500 })
  reason: string;

  /** The changes as applied, with the ids of tranches they added. */
  @Column({ type: 'jsonb' })
  changes: AmendmentChange[];

  @Column(createdAtColumn)
  createdAt: Date;

  @ManyToOne(() => PurchaseOrder, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'purchase_order_id',
    foreignKeyConstraintName: 'amendment_purchase_order_id_fkey',
  })
  purchaseOrder?: PurchaseOrder;
}
