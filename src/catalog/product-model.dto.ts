import { IsDateOnly } from '../common/dates';
import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { formatMoney, IsMoney } from '../common/money';
import { PageQueryDto } from '../common/pagination';
import { efficiencyJth } from './efficiency';
import {
  PRODUCT_MODEL_STATUSES,
  ProductModel,
  type ProductModelStatus,
} from './product-model.entity';
import { INT32_MAX, NAME_MAX, REFERENCE_MAX, SKU_MAX } from '../common/limits';

/** Letters, digits, dot, dash and underscore: a sku is also a path segment. */
export const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SKU_MESSAGE =
  'sku must be 1–64 letters, digits, ".", "-" or "_", starting with a letter or digit';
const MAX_HASHRATE = 99_999_999.99;

/** Optional, but null is not a value: absent means "leave as it is". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

export class CreateProductModelDto {
  /** Stock-keeping unit, unique, e.g. "A1246". */
  @Matches(SKU, { message: SKU_MESSAGE })
  @MaxLength(SKU_MAX)
  sku: string;

  /** Display name, e.g. "AvalonMiner A1246". */
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  /** Product series, e.g. "A12". */
  @IsString()
  @Length(1, REFERENCE_MAX)
  series: string;

  /** Hashrate in TH/s, greater than 0, up to two decimals. */
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(MAX_HASHRATE)
  hashrateThs: number;

  /** Power draw in watts, a whole number greater than 0. */
  @ApiProperty({ type: 'integer', minimum: 1, example: 3420 })
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  powerW: number;

  @IsMoney({ description: 'List price per unit, USD, e.g. "3060.00"' })
  listPrice: string;

  @ApiPropertyOptional({
    enum: PRODUCT_MODEL_STATUSES,
    enumName: 'ProductModelStatus',
    default: 'active',
  })
  @IsOptional()
  @IsIn(PRODUCT_MODEL_STATUSES)
  status?: ProductModelStatus;

  @IsOptional()
  @IsDateOnly({ optional: true })
  releasedOn?: string | null;
}

/**
 * `PUT /product-models/by-sku/{sku}`: the sku comes from the path. Fields left out keep their
 * current value on an existing model and take their default on a new one.
 */
export class UpsertProductModelDto extends OmitType(CreateProductModelDto, ['sku'] as const) {}

/** Only the fields given change; `releasedOn: null` clears the date. */
export class UpdateProductModelDto {
  @IfPresent()
  @Matches(SKU, { message: SKU_MESSAGE })
  @MaxLength(SKU_MAX)
  sku?: string;

  @IfPresent()
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @IfPresent()
  @IsString()
  @Length(1, REFERENCE_MAX)
  series?: string;

  /** Hashrate in TH/s, greater than 0, up to two decimals. */
  @IfPresent()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(MAX_HASHRATE)
  hashrateThs?: number;

  /** Power draw in watts, a whole number greater than 0. */
  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(INT32_MAX)
  powerW?: number;

  @IfPresent()
  @IsMoney({ description: 'List price per unit, USD' })
  listPrice?: string;

  @ApiPropertyOptional({ enum: PRODUCT_MODEL_STATUSES, enumName: 'ProductModelStatus' })
  @IfPresent()
  @IsIn(PRODUCT_MODEL_STATUSES)
  status?: ProductModelStatus;

  @IsOptional()
  @IsDateOnly({ optional: true })
  releasedOn?: string | null;
}

export class SkuPathDto {
  @Matches(SKU, { message: SKU_MESSAGE })
  @MaxLength(SKU_MAX)
  sku: string;
}

export class ProductModelQueryDto extends PageQueryDto {
  /** Case-insensitive substring of sku, name or series. */
  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  q?: string;

  @ApiPropertyOptional({ enum: PRODUCT_MODEL_STATUSES, enumName: 'ProductModelStatus' })
  @IsOptional()
  @IsIn(PRODUCT_MODEL_STATUSES)
  status?: ProductModelStatus;
}

export class ProductModelDto {
  id: string;
  sku: string;
  name: string;
  series: string;
  /** TH/s. */
  hashrateThs: number;
  /** Watts. */
  @ApiProperty({ type: 'integer' })
  powerW: number;
  /** J/TH: powerW ÷ hashrateThs, one decimal. Read-only. */
  efficiencyJth: number;
  @ApiProperty({ type: 'string', example: '3060.00', description: 'List price per unit, USD' })
  listPrice: string;
  @ApiProperty({ enum: PRODUCT_MODEL_STATUSES, enumName: 'ProductModelStatus' })
  status: ProductModelStatus;
  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  releasedOn: string | null;
  /** Sent as the ETag; send it back in If-Match to update safely. */
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toProductModelDto(model: ProductModel): ProductModelDto {
  return {
    id: model.id,
    sku: model.sku,
    name: model.name,
    series: model.series,
    hashrateThs: model.hashrateThs,
    powerW: model.powerW,
    efficiencyJth: efficiencyJth(model.powerW, model.hashrateThs),
    listPrice: formatMoney(model.listPriceCents),
    status: model.status,
    releasedOn: model.releasedOn,
    version: model.version,
    createdAt: model.createdAt.toISOString(),
    updatedAt: model.updatedAt.toISOString(),
  };
}
