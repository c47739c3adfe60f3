import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { createdAtColumn, decimalColumn } from '../database/columns';
import type { Milestone } from './book.types';

@Entity()
@Index('payment_terms_code_key', ['code'], { unique: true })
@Index('payment_terms_created_at_id_idx', ['createdAt', 'id'])
@Check('payment_terms_deposit_percent_check', 'deposit_percent >= 0 AND deposit_percent <= 100')
@Check('payment_terms_deposit_due_days_check', 'deposit_due_days >= 0')
export class PaymentTerms {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column(decimalColumn(5, 2))
  depositPercent: number;

  @Column({ type: 'int' })
  depositDueDays: number;

  @Column({ type: 'jsonb' })
  milestones: Milestone[];

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
