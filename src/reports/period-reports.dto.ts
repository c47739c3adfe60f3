import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { FORECAST_GROUPS } from './forecast.dto';
import { GRANULARITIES, PeriodQueryDto } from './report-query.dto';
import { IsId } from '../common/validation';

export class BookingsQueryDto extends PeriodQueryDto {
  @ApiPropertyOptional({ enum: FORECAST_GROUPS, enumName: 'BookingsGroupBy' })
  @IsOptional()
  @IsIn(FORECAST_GROUPS)
  groupBy?: (typeof FORECAST_GROUPS)[number];

  @IsOptional()
  @IsId()
  productModelId?: string;
}

export class BookingFiguresDto {
  /** Orders past draft signed in the period. */
  @ApiProperty({ type: 'integer' })
  orderCount: number;
  /** Units of those orders at signing. */
  @ApiProperty({ type: 'integer' })
  grossUnits: number;
  /** Their value at signing. */
  @ApiProperty({ type: 'string', example: '18360000.00' })
  grossValue: string;
  /** Units added by amendments effective in the period. */
  @ApiProperty({ type: 'integer' })
  addedUnits: number;
  /** Their value at the price in force when added. */
  @ApiProperty({ type: 'string', example: '0.00' })
  addedValue: string;
  /** Units cancelled with effect in the period. */
  @ApiProperty({ type: 'integer' })
  cancelledUnits: number;
  /** Their value at the price in force when cancelled. */
  @ApiProperty({ type: 'string', example: '0.00' })
  cancelledValue: string;
  /** Σ (new − old unit price) × open units of the price changes effective in the period. */
  @ApiProperty({ type: 'string', example: '0.00' })
  priceChangeValue: string;
  /** gross + added − cancelled + price change. */
  @ApiProperty({ type: 'string', example: '18360000.00' })
  netValue: string;
}

export class BookingGroupDto extends BookingFiguresDto {
  key: string;
  label: string;
}

export class BookingPeriodDto extends BookingFiguresDto {
  /** YYYY-MM or YYYY-Qn. */
  period: string;
  /** With groupBy: the groups that booked anything in the period, sorted by key. */
  groups?: BookingGroupDto[];
}

export class BookingsReportDto {
  asOf: string;
  from: string;
  to: string;
  @ApiProperty({ enum: GRANULARITIES, enumName: 'Granularity' })
  granularity: 'month' | 'quarter';
  periods: BookingPeriodDto[];
  totals: BookingFiguresDto;
}

export class RollforwardFiguresDto {
  /** Contract liability at the end of the day before the period. */
  @ApiProperty({ type: 'string', example: '0.00' })
  openingLiability: string;
  /** Receivable at the end of the day before the period. */
  @ApiProperty({ type: 'string', example: '0.00' })
  openingReceivable: string;
  /** Payments received in the period less payments reversed in it. */
  @ApiProperty({ type: 'string', example: '5508000.00' })
  cashReceived: string;
  /** Unapplied credit paid back in the period. */
  @ApiProperty({ type: 'string', example: '0.00' })
  refunded: string;
  /** Shipped value in the period less the value of shipments reversed in it. */
  @ApiProperty({ type: 'string', example: '0.00' })
  recognizedRevenue: string;
  /** Pool forfeited by cancellations in the period, and what reversals in it changed of earlier forfeitures. */
  @ApiProperty({ type: 'string', example: '0.00' })
  forfeitedRevenue: string;
  /**
   * Contract liability at the period's last day (or asOf, if earlier). closingLiability −
   * closingReceivable = openingLiability − openingReceivable + cashReceived − refunded −
   * recognizedRevenue − forfeitedRevenue.
   */
  @ApiProperty({ type: 'string', example: '5508000.00' })
  closingLiability: string;
  /** Receivable at the period's last day (or asOf, if earlier). */
  @ApiProperty({ type: 'string', example: '0.00' })
  closingReceivable: string;
}

export class RollforwardPeriodDto extends RollforwardFiguresDto {
  /** YYYY-MM or YYYY-Qn. */
  period: string;
}

export class RollforwardReportDto {
  asOf: string;
  from: string;
  to: string;
  @ApiProperty({ enum: GRANULARITIES, enumName: 'Granularity' })
  granularity: 'month' | 'quarter';
  periods: RollforwardPeriodDto[];
  /** Opening of the first period, the flows of all, closing of the last. */
  totals: RollforwardFiguresDto;
}

export class RollforwardQueryDto extends PeriodQueryDto {}
