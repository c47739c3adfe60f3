import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsMonth } from '../common/dates';
import { PageQueryDto } from '../common/pagination';
import { IsId, MaxItems } from '../common/validation';
import { CAPACITY_ROWS_MAX } from '../common/limits';

/** The most units a month can hold: far above any factory, far below int overflow in sums. */
export const MAX_MONTH_UNITS = 10_000_000;

export class CapacityItemDto {
  /** The product model built. */
  @IsId()
  productModelId: string;

  @IsMonth()
  month: string;

  /** Units the factory can build of the model that month; 0 closes the month. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_MONTH_UNITS, example: 6000 })
  @IsInt()
  @Min(0)
  @Max(MAX_MONTH_UNITS)
  units: number;
}

export class PutCapacityDto {
  /** Rows to create or replace, each (productModelId, month) at most once; 1–2,000 per request. */
  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(CAPACITY_ROWS_MAX)
  @ValidateNested({ each: true })
  @Type(() => CapacityItemDto)
  items: CapacityItemDto[];
}

export class CapacityQueryDto extends PageQueryDto {
  @IsOptional()
  @IsId()
  productModelId?: string;

  @IsOptional()
  @IsMonth({ optional: true, description: 'First month listed, YYYY-MM (inclusive)' })
  from?: string;

  @IsOptional()
  @IsMonth({ optional: true, description: 'Last month listed, YYYY-MM (inclusive)' })
  to?: string;
}

export class CapacityDto {
  productModelId: string;

  /** YYYY-MM. */
  @ApiProperty({ type: 'string', example: '2026-03' })
  month: string;

  /** Units the factory can build that month. */
  @ApiProperty({ type: 'integer' })
  units: number;

  /** Units the current delivery plan builds that month (0 before the current month). */
  @ApiProperty({ type: 'integer' })
  plannedUnits: number;

  /** units − plannedUnits. */
  @ApiProperty({ type: 'integer' })
  spareUnits: number;
}

export class CapacityPageDto {
  items: CapacityDto[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}

export class CapacityBatchDto {
  /** The rows as stored, in the order sent. */
  items: CapacityDto[];
}

export function toCapacityDto(
  row: { productModelId: string; month: string; units: number },
  plannedUnits: number,
): CapacityDto {
  return {
    productModelId: row.productModelId,
    month: row.month,
    units: row.units,
    plannedUnits,
    spareUnits: row.units - plannedUnits,
  };
}
