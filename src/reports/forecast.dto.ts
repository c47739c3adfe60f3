import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ConsistencyQueryDto } from '../database/read-database';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { IsDateOnly, IsMonth } from '../common/dates';
import { GRANULARITIES, PeriodQueryDto } from './report-query.dto';
import { NAME_MAX } from '../common/limits';
import { IsId } from '../common/validation';

export const BASES = ['contract', 'plan'] as const;
export const FORECAST_GROUPS = [
  'productModel',
  'customer',
  'segment',
  'region',
  'purchaseOrder',
] as const;

export class RevenueForecastQueryDto extends PeriodQueryDto {
  /** `contract`: open units by contracted ship date; `plan`: by the delivery plan. */
  @ApiPropertyOptional({ enum: BASES, enumName: 'ForecastBasis', default: 'contract' })
  @IsOptional()
  @IsIn(BASES)
  basis?: 'contract' | 'plan';

  @ApiPropertyOptional({ enum: FORECAST_GROUPS, enumName: 'ForecastGroupBy' })
  @IsOptional()
  @IsIn(FORECAST_GROUPS)
  groupBy?: (typeof FORECAST_GROUPS)[number];

  @IsOptional()
  @IsId()
  productModelId?: string;
}

export class CashForecastQueryDto extends PeriodQueryDto {}

export class RevenueFiguresDto {
  @ApiProperty({ type: 'string', example: '3060000.00' })
  recognizedRevenue: string;
  /** The part of recognizedRevenue that came from hash-rate true-ups (either sign). */
  @ApiProperty({ type: 'string', example: '0.00' })
  trueUpRevenue: string;
  @ApiProperty({ type: 'string', example: '0.00' })
  forfeitedRevenue: string;
  @ApiProperty({ type: 'string', example: '3060000.00' })
  forecastRevenue: string;
  /** recognised + forfeited + forecast. */
  @ApiProperty({ type: 'string', example: '3060000.00' })
  totalRevenue: string;
  @ApiProperty({ type: 'integer' })
  shippedQuantity: number;
  @ApiProperty({ type: 'integer' })
  forecastQuantity: number;
  /**
   * Option units that may still be exercised as of asOf, by their ship dates, at their prices;
   * not part of totalRevenue.
   */
  @ApiProperty({ type: 'string', example: '0.00' })
  optionRevenue: string;
}

export class RevenueGroupDto extends RevenueFiguresDto {
  key: string;
  label: string;
}

export class RevenuePeriodDto extends RevenueFiguresDto {
  /** YYYY-MM or YYYY-Qn. */
  period: string;
  groups?: RevenueGroupDto[];
}

export class QuantityValueDto {
  @ApiProperty({ type: 'integer' })
  quantity: number;
  @ApiProperty({ type: 'string', example: '0.00' })
  value: string;
}

export class RevenueForecastDto {
  asOf: string;
  from: string;
  to: string;
  @ApiProperty({ enum: GRANULARITIES, enumName: 'Granularity' })
  granularity: 'month' | 'quarter';
  @ApiProperty({ enum: BASES, enumName: 'ForecastBasis' })
  basis: 'contract' | 'plan';
  periods: RevenuePeriodDto[];
  totals: RevenueFiguresDto;
  /** Open units whose contracted ship date is on or before asOf; in no period. */
  overdue: QuantityValueDto;
  /** Plan basis: open units the plan cannot schedule; in no period. */
  unscheduled: QuantityValueDto;
}

export class CashPeriodDto {
  period: string;
  /** Payments received in the period, on or before asOf, less payments reversed and refunds paid in it. */
  @ApiProperty({ type: 'string', example: '2142000.00' })
  receivedCash: string;
  @ApiProperty({ type: 'string', example: '2142000.00' })
  expectedCash: string;
}

export class CashForecastDto {
  asOf: string;
  from: string;
  to: string;
  @ApiProperty({ enum: GRANULARITIES, enumName: 'Granularity' })
  granularity: 'month' | 'quarter';
  periods: CashPeriodDto[];
  totals: { receivedCash: string; expectedCash: string };
  /** Open instalments due on or before asOf. */
  overdue: { amount: string };
}

export class CreateSnapshotDto {
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  @IsMonth({ description: 'First month, YYYY-MM' })
  from: string;

  @IsMonth({ description: 'Last month, YYYY-MM (inclusive)' })
  to: string;

  @ApiProperty({ enum: GRANULARITIES, enumName: 'Granularity' })
  @IsIn(GRANULARITIES)
  granularity: 'month' | 'quarter';

  @ApiPropertyOptional({ enum: BASES, enumName: 'ForecastBasis', default: 'contract' })
  @IsOptional()
  @IsIn(BASES)
  basis?: 'contract' | 'plan';
}

export class SnapshotDto {
  id: string;
  name: string;
  /** The date the forecast was frozen (its asOf). */
  takenOn: string;
  from: string;
  to: string;
  @ApiProperty({ enum: GRANULARITIES, enumName: 'Granularity' })
  granularity: 'month' | 'quarter';
  @ApiProperty({ enum: BASES, enumName: 'ForecastBasis' })
  basis: 'contract' | 'plan';
  createdAt: string;
}

export class SnapshotWithForecastDto extends SnapshotDto {
  /** The frozen forecast, in the shape of the forecast it froze. */
  periods: RevenuePeriodDto[];
  totals: RevenueFiguresDto;
  overdue: QuantityValueDto;
  unscheduled: QuantityValueDto;
  asOf: string;
}

export class VarianceQueryDto extends ConsistencyQueryDto {
  @IsOptional()
  @IsDateOnly({ optional: true })
  asOf?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class VariancePeriodDto {
  period: string;
  /** The snapshot's totalRevenue for the period. */
  snapshotRevenue: string;
  recognizedRevenue: string;
  forfeitedRevenue: string;
  forecastRevenue: string;
  /** recognised + forfeited + forecast now − snapshot. */
  variance: string;
}

export class VarianceDto {
  snapshotId: string;
  asOf: string;
  periods: VariancePeriodDto[];
  totals: Omit<VariancePeriodDto, 'period'>;
}
