import { IsDateOnly } from '../../common/dates';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Matches, Max, MaxLength, Min, ValidateIf } from 'class-validator';
import { USER_FILTER } from '../../access/users/user-references';
import { formatMoney, IsMoney } from '../../common/money';
import { PageQueryDto } from '../../common/pagination';
import { Opportunity, STAGES, type Stage } from './opportunity.entity';
import { QUANTITY_MAX, UUID_LENGTH } from '../../common/limits';
import { IsId } from '../../common/validation';

/** Optional, but null is not a value: absent means "leave as it is". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

export class CreateOpportunityDto {
  /** An existing customer (else 422 REFERENCE_NOT_FOUND). */
  @IsId()
  customerId: string;

  /** An existing product model that is not end of life (else 422). */
  @IsId()
  productModelId: string;

  /** Units of machines, at least 1. */
  @ApiProperty({ type: 'integer', minimum: 1, example: 6000 })
  @IsInt()
  @Min(1)
  @Max(QUANTITY_MAX)
  quantity: number;

  @ApiPropertyOptional({
    type: 'string',
    example: '3060.00',
    description: "Unit price, USD; defaults to the model's list price",
  })
  @IsOptional()
  @IsMoney()
  unitPrice?: string;

  @ApiPropertyOptional({ enum: STAGES, enumName: 'OpportunityStage', default: 'lead' })
  @IsOptional()
  @IsIn(STAGES)
  stage?: Stage;

  /** Win probability in percent, 0–100; defaults by stage: 10/25/50/75/100/0. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  probability?: number;

  @IsOptional()
  @IsDateOnly({ optional: true })
  expectedCloseOn?: string | null;

  /** When the first machines would ship; the conversion into an order needs it. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  firstDeliveryOn?: string | null;

  /**
   * The user who owns the deal (unknown: 422 REFERENCE_NOT_FOUND). Defaults to the person
   * creating it when signed in; none for an API key.
   */
  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true })
  @IsOptional()
  @IsId()
  ownerId?: string | null;
}

/**
 * Only the fields given change. A stage change resets the probability to the stage's default unless
 * a probability is given too; a new product model without a unit price takes its list price.
 */
export class UpdateOpportunityDto {
  /** An existing product model that is not end of life (else 422). */
  @IfPresent()
  @IsId()
  productModelId?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1 })
  @IfPresent()
  @IsInt()
  @Min(1)
  @Max(QUANTITY_MAX)
  quantity?: number;

  @ApiPropertyOptional({ type: 'string', example: '3060.00', description: 'Unit price, USD' })
  @IfPresent()
  @IsMoney()
  unitPrice?: string;

  @ApiPropertyOptional({ enum: STAGES, enumName: 'OpportunityStage' })
  @IfPresent()
  @IsIn(STAGES)
  stage?: Stage;

  /** Win probability in percent, 0–100. */
  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 100 })
  @IfPresent()
  @IsInt()
  @Min(0)
  @Max(100)
  probability?: number;

  @IsOptional()
  @IsDateOnly({ optional: true })
  expectedCloseOn?: string | null;

  @IsOptional()
  @IsDateOnly({ optional: true })
  firstDeliveryOn?: string | null;

  /** The user who owns the deal; null for nobody. */
  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true })
  @IsOptional()
  @IsId()
  ownerId?: string | null;
}

export class OpportunityQueryDto extends PageQueryDto {
  @IsOptional()
  @IsId()
  customerId?: string;

  @ApiPropertyOptional({ enum: STAGES, enumName: 'OpportunityStage' })
  @IsOptional()
  @IsIn(STAGES)
  stage?: Stage;

  @IsOptional()
  @IsId()
  productModelId?: string;

  /**
   * Deals owned by this user: a user id, or `me` for the signed-in person (with an API key, `me`
   * is 400). An unknown user: 422 REFERENCE_NOT_FOUND.
   */
  @ApiPropertyOptional({ type: 'string', example: 'me' })
  @IsOptional()
  @Matches(USER_FILTER, { message: 'ownerId must be a user id or me' })
  @MaxLength(UUID_LENGTH)
  ownerId?: string;
}

export class OpportunityDto {
  id: string;
  customerId: string;
  productModelId: string;
  @ApiProperty({ type: 'integer' })
  quantity: number;
  @ApiProperty({ type: 'string', example: '3060.00', description: 'Unit price, USD' })
  unitPrice: string;
  @ApiProperty({ enum: STAGES, enumName: 'OpportunityStage' })
  stage: Stage;
  /** Win probability in percent. */
  @ApiProperty({ type: 'integer', minimum: 0, maximum: 100 })
  probability: number;
  @ApiProperty({
    type: 'string',
    example: '2295000.00',
    description: 'quantity × unitPrice × probability ÷ 100, USD, half up to the cent',
  })
  weightedValue: string;
  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  expectedCloseOn: string | null;
  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  firstDeliveryOn: string | null;
  /** The purchase order it was converted into; read-only. */
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  purchaseOrderId: string | null;
  /** The user who owns the deal. */
  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  ownerId: string | null;
  /** Sent as the ETag; send it back in If-Match to update safely. */
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toOpportunityDto(opportunity: Opportunity): OpportunityDto {
  return {
    id: opportunity.id,
    customerId: opportunity.customerId,
    productModelId: opportunity.productModelId,
    quantity: opportunity.quantity,
    unitPrice: formatMoney(opportunity.unitPriceCents),
    stage: opportunity.stage,
    probability: opportunity.probability,
    weightedValue: formatMoney(
      weightedCents(opportunity.quantity, opportunity.unitPriceCents, opportunity.probability),
    ),
    expectedCloseOn: opportunity.expectedCloseOn,
    firstDeliveryOn: opportunity.firstDeliveryOn,
    purchaseOrderId: opportunity.purchaseOrderId,
    ownerId: opportunity.ownerId,
    version: opportunity.version,
    createdAt: opportunity.createdAt.toISOString(),
    updatedAt: opportunity.updatedAt.toISOString(),
  };
}

/** quantity × unit price × probability %, in cents, half up (exact in integers). */
export function weightedCents(
  quantity: number,
  unitPriceCents: number,
  probability: number,
): number {
  return Number((BigInt(quantity) * BigInt(unitPriceCents) * BigInt(probability) + 50n) / 100n);
}
