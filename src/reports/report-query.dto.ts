import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { IsDateOnly, IsMonth } from '../common/dates';
import { IsId } from '../common/validation';
import { ConsistencyQueryDto } from '../database/read-database';

export const SEGMENTS = [
  'public_miner',
  'investment_fund',
  'hosting_provider',
  'individual_operator',
] as const;
export const REGIONS = ['NA', 'LATAM', 'EMEA', 'APAC'] as const;

export class ReportFiltersDto extends ConsistencyQueryDto {
  /** As of the end of this date; default today. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  asOf?: string;

  @IsOptional()
  @IsId()
  customerId?: string;

  @ApiPropertyOptional({ enum: SEGMENTS, enumName: 'CustomerSegment' })
  @IsOptional()
  @IsIn(SEGMENTS)
  segment?: string;

  @ApiPropertyOptional({ enum: REGIONS, enumName: 'Region' })
  @IsOptional()
  @IsIn(REGIONS)
  region?: string;

  /** `csv` for CSV (or send Accept: text/csv). */
  @ApiPropertyOptional({ enum: ['json', 'csv'] })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export const GRANULARITIES = ['month', 'quarter'] as const;

/** A report over the months or quarters from `from` to `to`. */
export class PeriodQueryDto extends ReportFiltersDto {
  @IsOptional()
  @IsMonth({ optional: true, description: 'First month, YYYY-MM' })
  from?: string;

  @IsOptional()
  @IsMonth({ optional: true, description: 'Last month, YYYY-MM (inclusive)' })
  to?: string;

  @ApiPropertyOptional({ enum: GRANULARITIES, enumName: 'Granularity', default: 'month' })
  @IsOptional()
  @IsIn(GRANULARITIES)
  granularity?: 'month' | 'quarter';
}

export const BACKLOG_GROUPS = [
  'productModel',
  'customer',
  'segment',
  'region',
  'shipMonth',
  'purchaseOrder',
] as const;
export type BacklogGroup = (typeof BACKLOG_GROUPS)[number];

export class BacklogQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ enum: BACKLOG_GROUPS, enumName: 'BacklogGroupBy' })
  @IsOptional()
  @IsIn(BACKLOG_GROUPS)
  groupBy?: BacklogGroup;

  @IsOptional()
  @IsId()
  productModelId?: string;
}

export const BALANCE_GROUPS = ['customer', 'purchaseOrder'] as const;
export type BalanceGroup = (typeof BALANCE_GROUPS)[number];

export class ContractBalancesQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ enum: BALANCE_GROUPS, enumName: 'ContractBalancesGroupBy' })
  @IsOptional()
  @IsIn(BALANCE_GROUPS)
  groupBy?: BalanceGroup;
}

export class BacklogFiguresDto {
  openQuantity: number;
  /** Money. */
  openValue: string;
  hashrateThs: number;
  /** TH/s ÷ 1,000,000, 4 dp. */
  hashrateEhs: number;
  /** Σ W ÷ 10^6, 2 dp. */
  powerMw: number;
  orderCount: number;
  /**
   * Option units that may still be exercised at asOf (not exercised, cancelled or lapsed); not
   * part of openQuantity.
   */
  optionQuantity: number;
  /** Money: the option units at their prices. */
  optionValue: string;
}

export class BacklogGroupDto extends BacklogFiguresDto {
  key: string;
  label: string;
}

export class BacklogReportDto {
  asOf: string;
  totals: BacklogFiguresDto;
  groups: BacklogGroupDto[];
}

export class BalanceFiguresDto {
  /** Payments received less payments reversed, gross of refunds. */
  cashReceived: string;
  /** Unapplied credit paid back; cash received − refunded − recognised − forfeited = liability − receivable. */
  refunded: string;
  recognizedRevenue: string;
  forfeitedRevenue: string;
  contractLiability: string;
  receivable: string;
  unappliedCredit: string;
}

export class BalanceGroupDto extends BalanceFiguresDto {
  key: string;
  label: string;
}

export class ContractBalancesReportDto {
  asOf: string;
  totals: BalanceFiguresDto;
  groups: BalanceGroupDto[];
}

export class ReceivablesAgingQueryDto extends ReportFiltersDto {
  @ApiPropertyOptional({ enum: BALANCE_GROUPS, enumName: 'ReceivablesAgingGroupBy' })
  @IsOptional()
  @IsIn(BALANCE_GROUPS)
  groupBy?: BalanceGroup;
}

/** Unpaid, unvoided instalment amounts by days past the due date in force at asOf. */
export class AgingFiguresDto {
  /** Due on or after asOf. */
  notDue: string;
  /** Due 1 to 30 days before asOf. */
  days1to30: string;
  /** Due 31 to 60 days before asOf. */
  days31to60: string;
  /** Due 61 to 90 days before asOf. */
  days61to90: string;
  /** Due more than 90 days before asOf. */
  over90: string;
  /** Σ of the buckets. */
  total: string;
}

export class AgingGroupDto extends AgingFiguresDto {
  key: string;
  label: string;
}

export class ReceivablesAgingReportDto {
  asOf: string;
  totals: AgingFiguresDto;
  /** Groups with nothing unpaid are left out. */
  groups: AgingGroupDto[];
}
