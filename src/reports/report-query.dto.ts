import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { IsDateOnly } from '../common/dates';

export const SEGMENTS = [
  'public_miner',
  'investment_fund',
  'hosting_provider',
  'individual_operator',
] as const;
export const REGIONS = ['NA', 'LATAM', 'EMEA', 'APAC'] as const;

export class ReportFiltersDto {
  /** As of the end of this date; default today. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  asOf?: string;

  @IsOptional()
  @IsUUID()
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
  @IsUUID()
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
  cashReceived: string;
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
