import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { DataSource } from 'typeorm';

export const CONSISTENCIES = ['eventual', 'strong'] as const;
export type Consistency = (typeof CONSISTENCIES)[number];

/** The name of the read replica's data source (DATABASE_READ_URL). */
export const READ_DATA_SOURCE = 'read';

/**
 * Where reads that may lag go: the read replica (DATABASE_READ_URL) when there is one, the primary
 * otherwise. Reports, the delivery plan and availability read through it; a request asking for
 * `consistency=strong`, and everything else, reads the primary.
 */
export class ReadDatabase {
  constructor(
    private readonly primary: DataSource,
    private readonly replica?: DataSource,
  ) {}

  /** True when a read replica is configured. */
  get replicated(): boolean {
    return this.replica !== undefined;
  }

  /** The replica for an eventual read (the default), the primary for a strong one. */
  for(consistency: Consistency = 'eventual'): DataSource {
    return consistency === 'strong' || !this.replica ? this.primary : this.replica;
  }
}

/** The `consistency` query parameter of the routes that read the replica. */
export class ConsistencyQueryDto {
  @ApiPropertyOptional({
    enum: CONSISTENCIES,
    enumName: 'Consistency',
    default: 'eventual',
    description:
      '`eventual` (default): may be served by the read replica, a moment behind the latest writes. ' +
      '`strong`: read from the primary, so it reflects every committed write. Without a read ' +
      'replica both read the primary.',
  })
  @IsOptional()
  @IsIn(CONSISTENCIES)
  consistency?: Consistency;
}
