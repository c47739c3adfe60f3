import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsArray,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { PaymentTerms } from './payment-terms.entity';
import { CODE_MAX, MILESTONES_MAX, NAME_MAX } from '../common/limits';
import { MaxItems } from '../common/validation';

export class MilestoneDto {
  /** Percent of each tranche's value, up to 2 decimals. */
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0.01)
  @Max(100)
  percent: number;

  /** Days from the tranche's ship date; negative = before it ships. */
  @ApiProperty({ type: 'integer', example: -19 })
  @IsInt()
  @Min(-3650)
  @Max(3650)
  dueDaysFromShip: number;
}

export class CreatePaymentTermsDto {
  /** e.g. PT-30. */
  @IsString()
  @Length(1, CODE_MAX)
  @Matches(/^[A-Za-z0-9._/-]+$/, { message: 'code may hold letters, digits and . _ / - only' })
  code: string;

  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  /** Deposit as a percent of the order value, up to 2 decimals. */
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  depositPercent: number;

  /** Days after signedOn the deposit is due. */
  @ApiProperty({ type: 'integer', example: 7 })
  @IsInt()
  @Min(0)
  @Max(3650)
  depositDueDays: number;

  @IsArray()
  @MaxItems(MILESTONES_MAX)
  @ValidateNested({ each: true })
  @Type(() => MilestoneDto)
  milestones: MilestoneDto[];
}

export class UpdatePaymentTermsDto {
  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  depositPercent?: number;

  @ApiProperty({ type: 'integer', required: false })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  depositDueDays?: number;

  @IsOptional()
  @IsArray()
  @MaxItems(MILESTONES_MAX)
  @ValidateNested({ each: true })
  @Type(() => MilestoneDto)
  milestones?: MilestoneDto[];
}

export class PaymentTermsDto {
  id: string;
  code: string;
  name: string;
  depositPercent: number;
  @ApiProperty({ type: 'integer' })
  depositDueDays: number;
  milestones: MilestoneDto[];
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toPaymentTermsDto(terms: PaymentTerms): PaymentTermsDto {
  return {
    id: terms.id,
    code: terms.code,
    name: terms.name,
    depositPercent: terms.depositPercent,
    depositDueDays: terms.depositDueDays,
    milestones: terms.milestones,
    version: terms.version,
    createdAt: terms.createdAt.toISOString(),
    updatedAt: terms.updatedAt.toISOString(),
  };
}
