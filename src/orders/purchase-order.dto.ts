import { ApiExtraModels, ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { plainToInstance, Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  Equals,
  IsArray,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsPositive,
  IsString,
  Length,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';
import { IsDateOnly } from '../common/dates';
import { IsMoney, parseMoney } from '../common/money';
import { PageQueryDto } from '../common/pagination';
import { ORDER_STATUSES, type OrderStatus } from './purchase-order.entity';
import {
  AMENDMENT_CHANGES_MAX,
  CODE_MAX,
  DELIVERED_THS_MAX,
  LINE_TRANCHES_MAX,
  ORDER_LINES_MAX,
  QUANTITY_MAX,
  REASON_MAX,
  REFERENCE_MAX,
  SHIPMENT_ITEMS_MAX,
} from '../common/limits';
import { IsId, MaxItems } from '../common/validation';

export class TrancheInputDto {
  @IsDateOnly()
  shipDate: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(QUANTITY_MAX)
  quantity: number;

  /** Defaults to the line's unit price. */
  @IsOptional()
  @IsMoney()
  unitPrice?: string;

  /**
   * Makes the tranche an option: its `quantity` units are option units the customer may firm up
   * (exercise) until the end of this date, on or after the signing date; they lapse after it.
   */
  @IsOptional()
  @IsDateOnly({ optional: true })
  optionExerciseBy?: string;
}

interface PricedLine {
  unitPrice?: string;
  tranches?: { unitPrice?: string }[];
}

/**
 * On `pricePerThs`: a line priced per TH/s names no unit price, and neither do its tranches (the
 * unit price is derived from the price per TH/s).
 */
export function PricedPerThsAlone() {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'pricedPerThsAlone',
      target: target.constructor,
      propertyName,
      options: {
        message: (args: ValidationArguments) => {
          const line = args.object as PricedLine;
          return line.unitPrice !== undefined
            ? 'pricePerThs and unitPrice exclude each other: give one'
            : "pricePerThs: the line's tranches carry no unitPrice of their own";
        },
      },
      validator: {
        validate(_value: unknown, args: ValidationArguments) {
          const line = args.object as PricedLine;
          if (line.unitPrice !== undefined) return false;
          return (
            !Array.isArray(line.tranches) || line.tranches.every((t) => t?.unitPrice === undefined)
          );
        },
      },
    });
}

export class OrderLineInputDto {
  @IsId()
  productModelId: string;

  /** Defaults to the model's list price. */
  @IsOptional()
  @IsMoney()
  unitPrice?: string;

  /**
   * Money per TH/s, instead of `unitPrice`: the unit price is then this × the model's TH/s, half up
   * to the cent (28.50 × 90 TH/s = 2565.00), and shipments are trued up on the TH/s delivered.
   */
  @IsOptional()
  @IsMoney({ description: 'Money per TH/s: USD, a decimal string with exactly two decimals' })
  @PricedPerThsAlone()
  pricePerThs?: string;

  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(LINE_TRANCHES_MAX)
  @ValidateNested({ each: true })
  @Type(() => TrancheInputDto)
  tranches: TrancheInputDto[];
}

export class CreatePurchaseOrderDto {
  @IsId()
  customerId: string;

  @IsDateOnly()
  signedOn: string;

  /** Defaults to the customer's default terms; with none, each tranche is billed in full on its ship date. */
  @IsOptional()
  @IsString()
  @Length(1, CODE_MAX)
  paymentTermsCode?: string;

  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  customerReference?: string;

  /** The ERP's own reference; unique. */
  @IsOptional()
  @IsString()
  @Length(1, REFERENCE_MAX)
  externalRef?: string;

  /**
   * Percent of nominal TH/s (0–10, 2 decimals; default 0) a shipment on a per-TH line may miss or
   * exceed without a true-up.
   */
  @ApiPropertyOptional({ type: 'number', format: 'double', minimum: 0, maximum: 10 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10)
  hashrateTolerancePercent?: number;

  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(ORDER_LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => OrderLineInputDto)
  lines: OrderLineInputDto[];
}

/** Edits a draft; `lines`, when given, replace the order's lines whole. */
export class UpdatePurchaseOrderDto {
  @IsOptional()
  @IsId()
  customerId?: string;

  @IsOptional()
  @IsDateOnly({ optional: true })
  signedOn?: string;

  @IsOptional()
  @IsString()
  @Length(1, CODE_MAX)
  paymentTermsCode?: string | null;

  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  customerReference?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, REFERENCE_MAX)
  externalRef?: string | null;

  @ApiPropertyOptional({ type: 'number', format: 'double', minimum: 0, maximum: 10 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(10)
  hashrateTolerancePercent?: number;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(ORDER_LINES_MAX)
  @ValidateNested({ each: true })
  @Type(() => OrderLineInputDto)
  lines?: OrderLineInputDto[];
}

export class PurchaseOrderQueryDto extends PageQueryDto {
  @IsOptional()
  @IsId()
  customerId?: string;

  @ApiPropertyOptional({ enum: ORDER_STATUSES, enumName: 'PurchaseOrderStatus' })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @IsOptional()
  @IsId()
  productModelId?: string;
}

/** Reschedules a tranche: its ship date (and its milestones' due dates) from `effectiveOn` on. */
export class RescheduleTrancheDto {
  @IsId()
  trancheId: string;

  @IsDateOnly()
  shipDate: string;
}

/** Sets a tranche's units in force: a decrease cancels open units, an increase adds units. */
export class SetTrancheQuantityDto {
  @IsId()
  trancheId: string;

  /** Shipped + open after the change; not below the units shipped. */
  @ApiProperty({ type: 'integer', minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(QUANTITY_MAX)
  quantity: number;
}

/** Cancels every open unit of a tranche. */
export class CancelTrancheDto {
  @IsId()
  trancheId: string;

  @ApiProperty({ enum: [true] })
  @Equals(true)
  cancel: true;
}

/** Adds a tranche to a line of the order. */
export class AddTrancheDto {
  @IsId()
  lineId: string;

  @IsDateOnly()
  shipDate: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1, { message: 'must be at least 1 for a new tranche' })
  @Max(QUANTITY_MAX)
  quantity: number;

  /** Defaults to the line's unit price. */
  @IsOptional()
  @IsMoney()
  unitPrice?: string;
}

/**
 * Changes the price of a tranche's open units from `effectiveOn`; shipped units keep theirs. A cut
 * voids what the open units still owed (and may free paid cash as unapplied credit), a rise adds
 * one milestone of the difference due on the tranche's ship date.
 */
export class PriceChangeDto {
  @IsId()
  trancheId: string;

  /** The new unit price of the open units; 0.00 or more. */
  @IsMoney()
  unitPrice: string;
}

export type AmendmentChangeDto =
  RescheduleTrancheDto | SetTrancheQuantityDto | CancelTrancheDto | AddTrancheDto | PriceChangeDto;

const CHANGE_TYPES = [
  RescheduleTrancheDto,
  SetTrancheQuantityDto,
  CancelTrancheDto,
  AddTrancheDto,
  PriceChangeDto,
];
const CHANGE_SHAPES = [
  { type: RescheduleTrancheDto, fields: 'shipDate,trancheId' },
  { type: SetTrancheQuantityDto, fields: 'quantity,trancheId' },
  { type: CancelTrancheDto, fields: 'cancel,trancheId' },
  { type: AddTrancheDto, fields: 'lineId,quantity,shipDate' },
  { type: AddTrancheDto, fields: 'lineId,quantity,shipDate,unitPrice' },
  { type: PriceChangeDto, fields: 'trancheId,unitPrice' },
];
const CHANGE_FIELDS = ['trancheId', 'lineId', 'shipDate', 'quantity', 'cancel', 'unitPrice'];
const CHANGE_SHAPE_MESSAGE =
  'must be one of {trancheId, shipDate}, {trancheId, quantity}, {trancheId, cancel: true}, {lineId, shipDate, quantity, unitPrice?}, {trancheId, unitPrice}';

/**
 * A change of the request as the shape its fields make it (other fields are left for the whitelist
 * to refuse), to be validated as that shape; null when it has none of the five shapes, which the
 * nested validation reports at the change's own path.
 */
function classifyChange(change: unknown): AmendmentChangeDto | null {
  if (change === null || typeof change !== 'object') return null;
  const fields = change as Record<string, unknown>;
  const named = CHANGE_FIELDS.filter((field) => fields[field] !== undefined)
    .sort()
    .join(',');
  const shape = CHANGE_SHAPES.find((s) => s.fields === named);
  if (!shape || (shape.type === CancelTrancheDto && fields.cancel !== true)) return null;
  return plainToInstance<AmendmentChangeDto, unknown>(shape.type, change);
}

@ApiExtraModels(...CHANGE_TYPES)
export class CreateAmendmentDto {
  /** From when the change counts; between signedOn and today. */
  @IsDateOnly()
  effectiveOn: string;

  @IsString()
  @Length(1, REASON_MAX)
  reason: string;

  /**
   * Each change is one of: reschedule a tranche `{trancheId, shipDate}`; change its units in force
   * `{trancheId, quantity}`; cancel its open units `{trancheId, cancel: true}`; add a tranche to a
   * line `{lineId, shipDate, quantity, unitPrice?}`; change the price of its open units
   * `{trancheId, unitPrice}`.
   */
  @ApiProperty({
    type: 'array',
    maxItems: AMENDMENT_CHANGES_MAX,
    items: { oneOf: CHANGE_TYPES.map((type) => ({ $ref: getSchemaPath(type) })) },
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(AMENDMENT_CHANGES_MAX)
  @Transform(
    ({ value }: { value: unknown }) => (Array.isArray(value) ? value.map(classifyChange) : value),
    {
      toClassOnly: true,
    },
  )
  @ValidateNested({ each: true, message: CHANGE_SHAPE_MESSAGE })
  changes: AmendmentChangeDto[];
}

/** One change of an amendment as the service takes it. */
export type AmendmentChangeInput =
  | { kind: 'reschedule'; trancheId: string; shipDate: string }
  | { kind: 'set_quantity'; trancheId: string; quantity: number }
  | { kind: 'cancel'; trancheId: string }
  | {
      kind: 'add_tranche';
      lineId: string;
      shipDate: string;
      quantity: number;
      /** Null: the line's unit price. */
      unitPriceCents: number | null;
    }
  | { kind: 'price_change'; trancheId: string; unitPriceCents: number };

export interface AmendmentInput {
  effectiveOn: string;
  reason: string;
  changes: AmendmentChangeInput[];
}

function toAmendmentChangeInput(change: AmendmentChangeDto): AmendmentChangeInput {
  if (change instanceof RescheduleTrancheDto)
    return { kind: 'reschedule', trancheId: change.trancheId, shipDate: change.shipDate };
  if (change instanceof SetTrancheQuantityDto)
    return { kind: 'set_quantity', trancheId: change.trancheId, quantity: change.quantity };
  if (change instanceof CancelTrancheDto) return { kind: 'cancel', trancheId: change.trancheId };
  if (change instanceof PriceChangeDto) {
    return {
      kind: 'price_change',
      trancheId: change.trancheId,
      unitPriceCents: parseMoney(change.unitPrice),
    };
  }
  return {
    kind: 'add_tranche',
    lineId: change.lineId,
    shipDate: change.shipDate,
    quantity: change.quantity,
    unitPriceCents: change.unitPrice === undefined ? null : parseMoney(change.unitPrice),
  };
}

/** A validated amendment request as the service takes it. */
export function toAmendmentInput(body: CreateAmendmentDto): AmendmentInput {
  return {
    effectiveOn: body.effectiveOn,
    reason: body.reason,
    changes: body.changes.map(toAmendmentChangeInput),
  };
}

export class CancelPurchaseOrderDto {
  @IsString()
  @Length(1, REASON_MAX)
  reason: string;

  @IsDateOnly()
  effectiveOn: string;
}

/** Turns option units of a tranche into firm units from `exercisedOn`. */
export class ExerciseOptionDto {
  /** Between the signing date and today, and not after the tranche's optionExerciseBy. */
  @IsDateOnly()
  exercisedOn: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(QUANTITY_MAX)
  quantity: number;
}

export class ShipmentItemInputDto {
  @IsId()
  trancheId: string;

  @ApiProperty({ type: 'integer', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(QUANTITY_MAX)
  quantity: number;

  /**
   * Measured TH/s of the units shipped (their total, 2 decimals), on a line priced per TH/s: beyond
   * the order's tolerance the shipment is trued up on it.
   */
  @ApiPropertyOptional({
    type: 'number',
    format: 'double',
    minimum: 0.01,
    maximum: DELIVERED_THS_MAX,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @IsPositive()
  @Max(DELIVERED_THS_MAX)
  deliveredThs?: number;
}

/** How a shipment, a payment or a refund may be named: a free reference and the ERP's own key. */
export class EntryReferencesDto {
  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  reference?: string;

  /**
   * The ERP's own reference, unique among the records of this kind: sent again, it is refused
   * (409 DUPLICATE, `existingId` naming the record that holds it) and nothing is written.
   */
  @IsOptional()
  @IsString()
  @Length(1, REFERENCE_MAX)
  externalRef?: string;
}

export class CreateShipmentDto extends EntryReferencesDto {
  @IsDateOnly()
  shippedOn: string;

  @IsArray()
  @ArrayMinSize(1)
  @MaxItems(SHIPMENT_ITEMS_MAX)
  @ValidateNested({ each: true })
  @Type(() => ShipmentItemInputDto)
  items: ShipmentItemInputDto[];
}

export class CreatePaymentDto extends EntryReferencesDto {
  @IsMoney({ positive: true })
  amount: string;

  /** Not after today. */
  @IsDateOnly()
  receivedOn: string;
}

/** Takes a payment or a shipment back from `reversedOn`. */
export class ReversalDto {
  /** Between the payment's receivedOn (the shipment's shippedOn) and today. */
  @IsDateOnly()
  reversedOn: string;

  @IsString()
  @Length(1, REASON_MAX)
  reason: string;
}

export class CreateRefundDto extends EntryReferencesDto {
  /** At most the order's unapplied credit as of paidOn. */
  @IsMoney({ positive: true })
  amount: string;

  /** Between the signing date and today. */
  @IsDateOnly()
  paidOn: string;
}

export class ShipmentQueryDto extends PageQueryDto {
  @IsOptional()
  @IsDateOnly({ optional: true })
  from?: string;

  @IsOptional()
  @IsDateOnly({ optional: true })
  to?: string;

  @IsOptional()
  @IsId()
  customerId?: string;
}

// ---- responses ----

export class TrancheDto {
  id: string;
  @ApiProperty({ type: 'integer' })
  sequence: number;
  @ApiProperty({ type: 'string', format: 'date' })
  shipDate: string;
  /** Every unit ever contracted on the tranche, cancelled ones included. */
  @ApiProperty({ type: 'integer' })
  quantity: number;
  @ApiProperty({ type: 'string', example: '3060.00' })
  unitPrice: string;
  @ApiProperty({ type: 'integer' })
  shippedQuantity: number;
  @ApiProperty({ type: 'integer' })
  cancelledQuantity: number;
  /** quantity − shipped − cancelled. */
  @ApiProperty({ type: 'integer' })
  openQuantity: number;
  /** Option units that may still be exercised as of today (0 once lapsed or cancelled). */
  @ApiProperty({ type: 'integer' })
  optionQuantity: number;
  /** Option units exercised so far (counted in `quantity`). */
  @ApiProperty({ type: 'integer' })
  exercisedQuantity: number;
  /** The last date its options may be exercised; null for a tranche without options. */
  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  optionExerciseBy: string | null;
}

export class OrderLineDto {
  id: string;
  productModelId: string;
  @ApiProperty({ type: 'string', example: '3060.00' })
  unitPrice: string;
  /** Money per TH/s; null on a line priced per unit. */
  @ApiProperty({ type: 'string', example: '28.50', nullable: true })
  pricePerThs: string | null;
  /** TH/s per unit the line was priced at (null on a line priced per unit). */
  @ApiProperty({ type: 'number', format: 'double', nullable: true })
  unitHashrateThs: number | null;
  tranches: TrancheDto[];
}

export class OrderTotalsDto {
  @ApiProperty({ type: 'integer' })
  quantity: number;
  /** Value of the units not cancelled. */
  @ApiProperty({ type: 'string', example: '18360000.00' })
  value: string;
  @ApiProperty({ type: 'integer' })
  shippedQuantity: number;
  @ApiProperty({ type: 'integer' })
  cancelledQuantity: number;
  @ApiProperty({ type: 'integer' })
  openQuantity: number;
  @ApiProperty({ type: 'string', example: '9180000.00' })
  openValue: string;
  /** TH/s of the units not cancelled. */
  hashrateThs: number;
}

export class PurchaseOrderDto {
  id: string;
  /** Server-assigned, e.g. PO-2021-00017. */
  number: string;
  customerId: string;
  @ApiProperty({ type: 'string', format: 'date' })
  signedOn: string;
  paymentTermsCode: string | null;
  customerReference: string | null;
  externalRef: string | null;
  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'PurchaseOrderStatus' })
  status: OrderStatus;
  @ApiProperty({ type: 'integer' })
  version: number;
  @ApiProperty({ type: 'number', format: 'double' })
  hashrateTolerancePercent: number;
  lines: OrderLineDto[];
  totals: OrderTotalsDto;
  createdAt: string;
  updatedAt: string;
  confirmedAt: string | null;
}

export class AmendmentDto {
  id: string;
  purchaseOrderId: string;
  @ApiProperty({ enum: ['amendment', 'cancellation'], enumName: 'AmendmentKind' })
  kind: 'amendment' | 'cancellation';
  @ApiProperty({ type: 'string', format: 'date' })
  effectiveOn: string;
  reason: string;
  /** The changes as applied; added tranches carry their new ids. */
  changes: Record<string, unknown>[];
  createdAt: string;
}

export class ShipmentItemDto {
  trancheId: string;
  @ApiProperty({ type: 'integer' })
  quantity: number;
  /** Measured TH/s of the units shipped; null when not given. */
  @ApiProperty({ type: 'number', format: 'double', nullable: true })
  deliveredThs: number | null;
  /** What the delivered TH/s added to (or, negative, took from) the units' value. */
  @ApiProperty({ type: 'string', example: '-1282.50' })
  trueUp: string;
}

export class ShipmentDto {
  id: string;
  purchaseOrderId: string;
  customerId: string;
  @ApiProperty({ type: 'string', format: 'date' })
  shippedOn: string;
  reference: string | null;
  externalRef: string | null;
  items: ShipmentItemDto[];
  /** Σ items' delivered TH/s, of the items that carry one; null when none does. */
  @ApiProperty({ type: 'number', format: 'double', nullable: true })
  deliveredThs: number | null;
  /** Σ items' true-ups. */
  @ApiProperty({ type: 'string', example: '-1282.50' })
  trueUp: string;
  /** From this date the shipment is reversed (its units open again); null while it stands. */
  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  reversedOn: string | null;
  reversalReason: string | null;
  createdAt: string;
}

export class PaymentDto {
  id: string;
  purchaseOrderId: string;
  customerId: string;
  @ApiProperty({ type: 'string', example: '5508000.00' })
  amount: string;
  @ApiProperty({ type: 'string', format: 'date' })
  receivedOn: string;
  reference: string | null;
  externalRef: string | null;
  /** From this date the payment is reversed (as if it had never come); null while it stands. */
  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  reversedOn: string | null;
  reversalReason: string | null;
  createdAt: string;
}

export class RefundDto {
  id: string;
  purchaseOrderId: string;
  customerId: string;
  @ApiProperty({ type: 'string', example: '12000.00' })
  amount: string;
  @ApiProperty({ type: 'string', format: 'date' })
  paidOn: string;
  reference: string | null;
  externalRef: string | null;
  createdAt: string;
}

export class InstalmentDto {
  /** Stable key of the instalment within its order. */
  key: string;
  @ApiProperty({ enum: ['deposit', 'milestone'], enumName: 'InstalmentKind' })
  kind: 'deposit' | 'milestone';
  /** Null for the order's shared deposit. */
  trancheId: string | null;
  @ApiProperty({ type: 'string', format: 'date' })
  dueOn: string;
  @ApiProperty({ type: 'string', example: '918000.00' })
  amount: string;
  @ApiProperty({ type: 'string', example: '0.00' })
  paidAmount: string;
  @ApiProperty({ type: 'string', example: '0.00' })
  voidedAmount: string;
  @ApiProperty({ enum: ['open', 'paid', 'void'], enumName: 'InstalmentStatus' })
  status: 'open' | 'paid' | 'void';
}
