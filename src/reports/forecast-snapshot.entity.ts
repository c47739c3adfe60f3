import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { createdAtColumn } from '../database/columns';

/** A revenue forecast frozen as it stood on `taken_on`; never changed once written. */
@Entity()
@Index('forecast_snapshot_created_at_id_idx', ['createdAt', 'id'])
@Check('forecast_snapshot_granularity_check', `granularity IN ('month','quarter')`)
@Check('forecast_snapshot_basis_check', `basis IN ('contract','plan')`)
export class ForecastSnapshot {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'date' })
  takenOn: string;

  @Column({ type: 'varchar', length: 7 })
  fromMonth: string;

  @Column({ type: 'varchar', length: 7 })
  toMonth: string;

  @Column({ type: 'varchar', length: 8 })
  granularity: 'month' | 'quarter';

  @Column({ type: 'varchar', length: 8 })
  basis: 'contract' | 'plan';

  /** The forecast response as it was returned then. */
  @Column({ type: 'jsonb' })
  forecast: Record<string, unknown>;

  @Column(createdAtColumn)
  createdAt: Date;
}
