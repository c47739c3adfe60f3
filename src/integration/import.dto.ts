import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsDateOnly } from '../common/dates';
import { IsMoney } from '../common/money';
import {
  CreatePaymentDto,
  CreateShipmentDto,
  PricedPerThsAlone,
  ShipmentItemInputDto,
  TrancheInputDto,
} from '../orders/purchase-order.dto';
import { MAX_ITEMS, MAX_LINES, MAX_TRANCHES } from './import-csv';
import { CODE_MAX, REFERENCE_MAX } from '../common/limits';
import { IsId, MaxItems } from '../common/validation';

const toBoolean = ({ value }: { value: unknown }) =>
  value === 'true' ? true : value === 'false' ? false : value;

export class DryRunQueryDto {
  /** Validate only: nothing is written. */
  @ApiPropertyOptional({ type: 'boolean', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  dryRun?: boolean;
}

export class ImportQueryDto extends DryRunQueryDto {
  /** Confirm every imported order (as POST …/confirm does), in the same transaction. */
  @ApiPropertyOptional({ type: 'boolean', default: false })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  confirm?: boolean;
}

export class ImportOrderLineDto {
  /** The product model, by id … */
  @IsOptional()
  @IsId()
  productModelId?: string;

  /** … or by sku (exactly one of the two). */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  sku?: string;

  /** Defaults to the model's list price. */
  @IsOptional()
  @IsMoney()
  unitPrice?: string;

  /** Money per TH/s, instead of unitPrice (see POST /purchase-orders). */
  @IsOptional()
  @IsMoney({ description: 'Money per TH/s: USD, a decimal string with exactly two decimals' })
  @PricedPerThsAlone()
  pricePerThs?: string;

  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(MAX_TRANCHES)
  @ValidateNested({ each: true })
  @Type(() => TrancheInputDto)
  tranches: TrancheInputDto[];
}

/** A purchase-order body as for POST /purchase-orders, with `externalRef` required and references by business key allowed. */
export class ImportPurchaseOrderDto {
  /** The ERP's reference; must not exist yet. */
  @IsString()
  @Length(1, REFERENCE_MAX)
  externalRef: string;

  /** The customer, by id … */
  @IsOptional()
  @IsId()
  customerId?: string;

  /** … or by its externalRef (exactly one of the two). */
  @IsOptional()
  @IsString()
  @Length(1, REFERENCE_MAX)
  customerExternalRef?: string;

  @IsDateOnly()
  signedOn: string;

  @IsOptional()
  @IsString()
  @Length(1, CODE_MAX)
  paymentTermsCode?: string;

  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  customerReference?: string;

  /** Percent of nominal TH/s a shipment may miss or exceed without a true-up (0–10; default 0). */
  @ApiPropertyOptional({ type: 'number', format: 'double', minimum: 0, maximum: 10 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10)
  hashrateTolerancePercent?: number;

  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(MAX_LINES)
  @ValidateNested({ each: true })
  @Type(() => ImportOrderLineDto)
  lines: ImportOrderLineDto[];
}

export class ImportRowErrorDto {
  /** CSV: the 1-based data row (0 for the header or the whole file). JSON: the array index. */
  @ApiProperty({ type: 'integer' })
  row: number;
  /** The CSV column, or the field path within the JSON element. */
  path: string;
  message: string;
}

export class ImportedOrderDto {
  id: string;
  number: string;
  externalRef: string;
  /** draft, or confirmed with `confirm=true`. */
  status: string;
}

export class ImportResultDto {
  @ApiProperty({ type: 'integer' })
  created: number;
  orders: ImportedOrderDto[];
}

export class ImportPlannedOrderDto {
  externalRef: string;
  customerId: string;
  @ApiProperty({ type: 'integer' })
  lines: number;
  @ApiProperty({ type: 'integer' })
  tranches: number;
  @ApiProperty({ type: 'integer' })
  quantity: number;
  @ApiProperty({ type: 'string', example: '18360000.00' })
  value: string;
}

/** What a dry run found: the file is valid and would create these orders. */
export class ImportSummaryDto {
  dryRun: boolean;
  /** Orders that would be created. */
  @ApiProperty({ type: 'integer' })
  wouldCreate: number;
  @ApiProperty({ type: 'integer' })
  lines: number;
  @ApiProperty({ type: 'integer' })
  tranches: number;
  @ApiProperty({ type: 'integer' })
  quantity: number;
  @ApiProperty({ type: 'string', example: '18360000.00' })
  value: string;
  orders: ImportPlannedOrderDto[];
}

/** The order an imported payment or shipment belongs to: by externalRef or by number. */
class OrderNamedDto {
  /** The order, by its externalRef … */
  @IsOptional()
  @IsString()
  @Length(1, REFERENCE_MAX)
  purchaseOrderExternalRef?: string;

  /** … or by its number, e.g. PO-2021-00017 (exactly one of the two). */
  @IsOptional()
  @IsString()
  @Length(1, 20)
  purchaseOrderNumber?: string;
}

/** The ERP's reference of an imported payment or shipment: required, and not in use yet. */
class ImportReferenceDto {
  /** The ERP's reference; no record of its kind may have it yet. */
  @IsString()
  @Length(1, REFERENCE_MAX)
  externalRef: string;
}

/** A payment body as for POST /purchase-orders/{id}/payments, its order named, `externalRef` required. */
export class ImportPaymentDto extends IntersectionType(
  IntersectionType(OrderNamedDto, ImportReferenceDto),
  OmitType(CreatePaymentDto, ['externalRef'] as const),
) {}

export class ImportShipmentItemDto extends OmitType(ShipmentItemInputDto, ['trancheId'] as const) {
  /** The tranche, by id … */
  @IsOptional()
  @IsId()
  trancheId?: string;

  /** … or by its sequence on the order (exactly one of the two). */
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  trancheSequence?: number;
}

/** A shipment body as for POST /purchase-orders/{id}/shipments, its order named, `externalRef` required. */
export class ImportShipmentDto extends IntersectionType(
  IntersectionType(OrderNamedDto, ImportReferenceDto),
  OmitType(CreateShipmentDto, ['externalRef', 'items'] as const),
) {
  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(MAX_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => ImportShipmentItemDto)
  items: ImportShipmentItemDto[];
}

export class ImportedRecordDto {
  id: string;
  externalRef: string;
  purchaseOrderId: string;
  purchaseOrderNumber: string;
}

export class ImportPaymentsResultDto {
  @ApiProperty({ type: 'integer' })
  created: number;
  payments: ImportedRecordDto[];
}

export class ImportShipmentsResultDto {
  @ApiProperty({ type: 'integer' })
  created: number;
  shipments: ImportedRecordDto[];
}

/** What a dry run found: every payment would be booked (checked against the orders as they are). */
export class ImportPaymentsSummaryDto {
  dryRun: boolean;
  @ApiProperty({ type: 'integer' })
  wouldCreate: number;
  /** Their sum. */
  @ApiProperty({ type: 'string', example: '5508000.00' })
  amount: string;
}

/** What a dry run found: every shipment would be booked (checked against the orders as they are). */
export class ImportShipmentsSummaryDto {
  dryRun: boolean;
  @ApiProperty({ type: 'integer' })
  wouldCreate: number;
  /** Units they ship. */
  @ApiProperty({ type: 'integer' })
  quantity: number;
}
