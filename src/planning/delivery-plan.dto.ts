import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsDateOnly } from '../common/dates';
import { PageQueryDto } from '../common/pagination';
import { ConsistencyQueryDto } from '../database/read-database';
import { PLAN_STATUSES, type MonthUnits, type PlanStatus, type TranchePlan } from './allocate';
import type { PlanTrancheRow } from './plan.queries';
import { IsId } from '../common/validation';

export class DeliveryPlanQueryDto extends IntersectionType(PageQueryDto, ConsistencyQueryDto) {
  @IsOptional()
  @IsId()
  productModelId?: string;

  @IsOptional()
  @IsId()
  purchaseOrderId?: string;

  @ApiPropertyOptional({ enum: PLAN_STATUSES, enumName: 'PlanStatus' })
  @IsOptional()
  @IsIn(PLAN_STATUSES)
  status?: PlanStatus;

  /** Plan the book as it stood at the end of this date (today's capacity); default today. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  asOf?: string;
}

export class MonthUnitsDto {
  /** YYYY-MM. */
  @ApiProperty({ type: 'string', example: '2026-03' })
  month: string;

  @ApiProperty({ type: 'integer' })
  units: number;
}

export class PlanTrancheDto {
  trancheId: string;
  purchaseOrderId: string;
  purchaseOrderNumber: string;
  customerId: string;
  productModelId: string;

  /** The contracted ship date in force. */
  @ApiProperty({ type: 'string', format: 'date' })
  shipDate: string;

  /** Units neither shipped nor cancelled. */
  @ApiProperty({ type: 'integer' })
  openQuantity: number;

  /** Production months, ascending; units built ahead wait for the ship date. */
  plannedUnits: MonthUnitsDto[];

  /** YYYY-MM: the later of the last production month and the ship month; null while units are unscheduled. */
  @ApiProperty({ type: 'string', nullable: true, example: '2026-05' })
  projectedShipMonth: string | null;

  @ApiProperty({ enum: PLAN_STATUSES, enumName: 'PlanStatus' })
  status: PlanStatus;

  /** Months from the ship month to the projected one; 0 on time, null while unscheduled. */
  @ApiProperty({ type: 'integer', nullable: true })
  lateByMonths: number | null;

  /** Open units no month of capacity can take. */
  @ApiProperty({ type: 'integer' })
  unscheduledUnits: number;
}

export class DeliveryPlanPageDto {
  /** In plan order: ship date, signing date, order number, sequence. */
  items: PlanTrancheDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export function toPlanTrancheDto(row: PlanTrancheRow, plan: TranchePlan): PlanTrancheDto {
  return {
    trancheId: row.trancheId,
    purchaseOrderId: row.purchaseOrderId,
    purchaseOrderNumber: row.orderNumber,
    customerId: row.customerId,
    productModelId: row.productModelId,
    shipDate: row.shipDate,
    openQuantity: row.openUnits,
    plannedUnits: plan.plannedUnits.map((m: MonthUnits) => ({ month: m.month, units: m.units })),
    projectedShipMonth: plan.projectedShipMonth,
    status: plan.status,
    lateByMonths: plan.lateByMonths,
    unscheduledUnits: plan.unscheduledUnits,
  };
}

/** The most units one question may ask about. */
export const MAX_AVAILABILITY_QUANTITY = 100_000_000;

export class AvailabilityQueryDto extends ConsistencyQueryDto {
  @IsId()
  productModelId: string;

  /** Units more to sell. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_AVAILABILITY_QUANTITY, example: 6000 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AVAILABILITY_QUANTITY)
  quantity: number;

  /** Plan as of the end of this date (today's capacity); default today. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  asOf?: string;

  /** A hold left out of the answer: the quote that owns it asking again. */
  @IsOptional()
  @IsId()
  ignoreHoldId?: string;
}

export class AvailabilityDto {
  productModelId: string;

  @ApiProperty({ type: 'integer' })
  quantity: number;

  @ApiProperty({ type: 'string', format: 'date' })
  asOf: string;

  /** YYYY-MM: the month by which the units could all be built from spare capacity; null if it runs out. */
  @ApiProperty({ type: 'string', nullable: true, example: '2026-07' })
  earliestCompletionMonth: string | null;

  /** Units of active holds of the model the answer comes after (all but `ignoreHoldId`'s). */
  @ApiProperty({ type: 'integer', minimum: 0 })
  heldUnits: number;

  /** The spare units it would take, month by month from the planning start. */
  months: MonthUnitsDto[];

  /** Units no spare capacity is left for. */
  @ApiProperty({ type: 'integer' })
  shortfallUnits: number;
}
