import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsDateOnly } from '../../common/dates';
import {
  DATE_LENGTH,
  INSTANT_MAX,
  NAME_MAX,
  QUANTITY_MAX,
  REASON_MAX,
  UUID_LENGTH,
} from '../../common/limits';
import { PageQueryDto } from '../../common/pagination';
import { IsId } from '../../common/validation';
import { MonthUnitsDto } from '../delivery-plan.dto';
import type { HoldPlacement } from './hold-placement';
import { Hold } from './hold.entity';
import type { PlanHoldRow } from './hold.repository';

/** A hold as the API shows it: its stored status, with `expired` for an active one past expiresOn. */
export type HoldState = 'active' | 'expired' | 'released' | 'converted';
export const HOLD_STATES: readonly HoldState[] = ['active', 'expired', 'released', 'converted'];

export class CreateHoldDto {
  @IsId()
  productModelId: string;

  /** Units of factory capacity to hold. */
  @ApiProperty({ type: 'integer', minimum: 1, maximum: QUANTITY_MAX, example: 2000 })
  @IsInt()
  @Min(1)
  @Max(QUANTITY_MAX)
  quantity: number;

  /** The customer the quote is for. */
  @IsId()
  customerId: string;

  /** The last day the hold counts: it stops counting at the end of this day (today or later). */
  @IsDateOnly()
  expiresOn: string;

  /** What the hold is for, e.g. the quote's reference. */
  @ApiPropertyOptional({ type: 'string', maxLength: REASON_MAX, nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, REASON_MAX)
  note?: string | null;
}

export class ConvertHoldDto {
  /** The order whose tranches take the hold's place: the hold's customer's, with a tranche of its model. */
  @IsId()
  purchaseOrderId: string;
}

export class HoldQueryDto extends PageQueryDto {
  @IsOptional()
  @IsId()
  customerId?: string;

  @IsOptional()
  @IsId()
  productModelId?: string;

  /** true: only holds counting today; false: only released, converted or expired ones. */
  @ApiPropertyOptional({ type: 'boolean' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  active?: boolean;
}

export class HoldDto {
  id: string;
  productModelId: string;
  customerId: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: QUANTITY_MAX })
  quantity: number;

  /** The last day the hold counts. */
  @ApiProperty({ type: 'string', format: 'date', maxLength: DATE_LENGTH })
  expiresOn: string;

  @ApiProperty({ type: 'string', maxLength: REASON_MAX, nullable: true })
  note: string | null;

  /** `active` while it counts in the plan; `expired` after the end of expiresOn. */
  @ApiProperty({ enum: HOLD_STATES, enumName: 'HoldState' })
  status: HoldState;

  @ApiProperty({ type: 'string', format: 'date-time', maxLength: INSTANT_MAX })
  createdAt: string;

  @ApiProperty({ type: 'string', format: 'date-time', maxLength: INSTANT_MAX, nullable: true })
  releasedAt: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', maxLength: INSTANT_MAX, nullable: true })
  convertedAt: string | null;

  /** The order it was converted into. */
  @ApiProperty({ type: 'string', format: 'uuid', maxLength: UUID_LENGTH, nullable: true })
  purchaseOrderId: string | null;
}

export function toHoldDto(hold: Hold, today: string): HoldDto {
  const status: HoldState =
    hold.status === 'active' && hold.expiresOn < today ? 'expired' : hold.status;
  return {
    id: hold.id,
    productModelId: hold.productModelId,
    customerId: hold.customerId,
    quantity: hold.quantity,
    expiresOn: hold.expiresOn,
    note: hold.note,
    status,
    createdAt: hold.createdAt.toISOString(),
    releasedAt: hold.releasedAt ? hold.releasedAt.toISOString() : null,
    convertedAt: hold.convertedAt ? hold.convertedAt.toISOString() : null,
    purchaseOrderId: hold.purchaseOrderId,
  };
}

export class PlanHoldQueryDto extends PageQueryDto {
  @IsOptional()
  @IsId()
  productModelId?: string;

  @IsOptional()
  @IsId()
  customerId?: string;

  /** Plan as of the end of this date (today's capacity; the holds active then); default today. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  asOf?: string;
}

export class PlanHoldDto {
  holdId: string;
  productModelId: string;
  customerId: string;

  @ApiProperty({ type: 'string', maxLength: NAME_MAX })
  customerName: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: QUANTITY_MAX })
  quantity: number;

  @ApiProperty({ type: 'string', format: 'date', maxLength: DATE_LENGTH })
  expiresOn: string;

  @ApiProperty({ type: 'string', format: 'date-time', maxLength: INSTANT_MAX })
  createdAt: string;

  /** Months the held units are built in, ascending, after every firm tranche of the model. */
  @Type(() => MonthUnitsDto)
  plannedUnits: MonthUnitsDto[];

  /** Held units no spare capacity is left for. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: QUANTITY_MAX })
  unscheduledUnits: number;
}

export function toPlanHoldDto(row: PlanHoldRow, placement: HoldPlacement): PlanHoldDto {
  return {
    holdId: row.holdId,
    productModelId: row.productModelId,
    customerId: row.customerId,
    customerName: row.customerName,
    quantity: row.quantity,
    expiresOn: row.expiresOn,
    createdAt: row.createdAt,
    plannedUnits: placement.plannedUnits.map(({ month, units }) => ({ month, units })),
    unscheduledUnits: placement.unscheduledUnits,
  };
}
