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
import { createdAtColumn } from '../../database/columns';
import { Customer } from '../customer.entity';

export type ActivityType = 'call' | 'meeting' | 'email' | 'note' | 'task';
export const ACTIVITY_TYPES: readonly ActivityType[] = ['call', 'meeting', 'email', 'note', 'task'];

@Entity()
@Index('activity_customer_id_created_at_id_idx', ['customerId', 'createdAt', 'id'])
@Index('activity_customer_id_occurred_at_idx', ['customerId', 'occurredAt'])
@Index('activity_created_at_id_idx', ['createdAt', 'id'])
// The open-task list across customers reads only this slice.
@Index('activity_open_task_idx', ['dueOn', 'createdAt', 'id'], {
  where: `type = 'task' AND completed_at IS NULL`,
})
// A person's open tasks: `?assigneeId=me&open=true`.
@Index('activity_assignee_open_task_idx', ['assigneeId', 'createdAt', 'id'], {
  where: `type = 'task' AND completed_at IS NULL`,
})
@Index('activity_assignee_id_idx', ['assigneeId'])
@Check('activity_type_check', `type IN ('call','meeting','email','note','task')`)
@Check('activity_version_check', 'version >= 1')
export class Activity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @ManyToOne(() => Customer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'customer_id', foreignKeyConstraintName: 'activity_customer_id_fkey' })
  customer?: Customer;

  @Column({ type: 'varchar', length: 10 })
  type: ActivityType;

  @Column({ type: 'varchar', length: 200 })
  subject: string;

  @Column({ type: 'text', nullable: true })
  body: string | null;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  occurredAt: Date;

  @Column({ type: 'date', nullable: true })
  dueOn: string | null;

  /** The user who does it (a task) or did it. */
  @Column({ type: 'uuid', nullable: true })
  assigneeId: string | null;

  @ManyToOne(() => User)
  @JoinColumn({ name: 'assignee_id', foreignKeyConstraintName: 'activity_assignee_id_fkey' })
  assignee?: User;

  /** Set when a task is done; null while it is open. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  completedAt: Date | null;

  @Column({ type: 'int', default: 1 })
  version: number;

  @Column(createdAtColumn)
  createdAt: Date;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  updatedAt: Date;
}
