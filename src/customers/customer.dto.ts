import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
  registerDecorator,
} from 'class-validator';
import { USER_FILTER } from '../access/users/user-references';
import { PageQueryDto } from '../common/pagination';
import {
  CUSTOMER_STATUSES,
  Customer,
  type CustomerStatus,
  SEGMENTS,
  type Segment,
} from './customer.entity';
import { isCountryCode, REGIONS, type Region } from './region';
import { CODE_MAX, NAME_MAX, REFERENCE_MAX, UUID_LENGTH } from '../common/limits';
import { IsId } from '../common/validation';

/** No slash, no surrounding blanks: it is also a path segment of the upsert. */
export const EXTERNAL_REF = /^[^\s/](?:[^/]{0,98}[^\s/])?$/;
const EXTERNAL_REF_MESSAGE =
  'externalRef must be 1–100 characters, without a slash or surrounding blanks';

const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Optional, but null is not a value: absent means "leave as it is". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

/** An officially assigned ISO 3166-1 alpha-2 code, any case (stored upper-case). */
function IsCountry() {
  return (target: object, propertyName: string) => {
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.toUpperCase() : value,
    )(target, propertyName);
    registerDecorator({
      name: 'isCountry',
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} must be an ISO 3166-1 alpha-2 country code, e.g. "US"` },
      validator: { validate: (value: unknown) => isCountryCode(value) },
    });
  };
}

export class CreateCustomerDto {
  /** Trading name, e.g. "Core Scientific"; unique whatever its case. */
  @Trim()
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  /** Registered legal name, e.g. "Core Scientific, Inc.". */
  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  legalName?: string | null;

  @ApiProperty({ enum: SEGMENTS, enumName: 'CustomerSegment' })
  @IsIn(SEGMENTS)
  segment: Segment;

  /** ISO 3166-1 alpha-2 code, e.g. "US"; stored upper-case. Determines the region. */
  @ApiProperty({ type: 'string', example: 'US', minLength: 2, maxLength: 2 })
  @IsCountry()
  country: string;

  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES, enumName: 'CustomerStatus', default: 'prospect' })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;

  /** The customer's key in an ERP, unique, e.g. "SAP-100042". */
  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  @Matches(EXTERNAL_REF, { message: EXTERNAL_REF_MESSAGE })
  externalRef?: string | null;

  /** Who owns the account on the sales side, as free text (e.g. from an import). */
  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  accountOwner?: string | null;

  /**
   * The user who owns the account (unknown: 422 REFERENCE_NOT_FOUND). Defaults to the person
   * creating it when signed in; none for an API key.
   */
  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true })
  @IsOptional()
  @IsId()
  ownerId?: string | null;

  /** Payment-terms code used when an order names none, e.g. "PT-30". */
  @IsOptional()
  @IsString()
  @Length(1, CODE_MAX)
  defaultPaymentTermsCode?: string | null;
}

/**
 * `PUT /customers/by-external-ref/{ref}`: the external ref comes from the path. Fields left out keep
 * their value on an existing customer and take their default on a new one.
 */
export class UpsertCustomerDto extends OmitType(CreateCustomerDto, ['externalRef'] as const) {}

/** Only the fields given change; null clears an optional field. */
export class UpdateCustomerDto {
  /** Trading name; unique whatever its case. */
  @IfPresent()
  @Trim()
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  legalName?: string | null;

  @ApiPropertyOptional({ enum: SEGMENTS, enumName: 'CustomerSegment' })
  @IfPresent()
  @IsIn(SEGMENTS)
  segment?: Segment;

  /** ISO 3166-1 alpha-2 code; a change moves the customer to the country's region. */
  @ApiPropertyOptional({ type: 'string', example: 'US', minLength: 2, maxLength: 2 })
  @IfPresent()
  @IsCountry()
  country?: string;

  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES, enumName: 'CustomerStatus' })
  @IfPresent()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;

  /** The customer's key in an ERP, unique. */
  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  @Matches(EXTERNAL_REF, { message: EXTERNAL_REF_MESSAGE })
  externalRef?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  accountOwner?: string | null;

  /** The user who owns the account; null for nobody. */
  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true })
  @IsOptional()
  @IsId()
  ownerId?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, CODE_MAX)
  defaultPaymentTermsCode?: string | null;
}

export class ExternalRefPathDto {
  @MaxLength(REFERENCE_MAX)
  @Matches(EXTERNAL_REF, { message: EXTERNAL_REF_MESSAGE })
  ref: string;
}

export class CustomerQueryDto extends PageQueryDto {
  /** Case-insensitive substring of name, legal name or external ref. */
  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  q?: string;

  @ApiPropertyOptional({ enum: SEGMENTS, enumName: 'CustomerSegment' })
  @IsOptional()
  @IsIn(SEGMENTS)
  segment?: Segment;

  @ApiPropertyOptional({ enum: REGIONS, enumName: 'Region' })
  @IsOptional()
  @IsIn(REGIONS)
  region?: Region;

  @ApiPropertyOptional({ enum: CUSTOMER_STATUSES, enumName: 'CustomerStatus' })
  @IsOptional()
  @IsIn(CUSTOMER_STATUSES)
  status?: CustomerStatus;

  /**
   * Customers owned by this user: a user id, or `me` for the signed-in person (with an API key,
   * `me` is 400). An unknown user: 422 REFERENCE_NOT_FOUND.
   */
  @ApiPropertyOptional({ type: 'string', example: 'me' })
  @IsOptional()
  @Matches(USER_FILTER, { message: 'ownerId must be a user id or me' })
  @MaxLength(UUID_LENGTH)
  ownerId?: string;
}

export class CustomerDto {
  id: string;
  name: string;
  legalName: string | null;
  @ApiProperty({ enum: SEGMENTS, enumName: 'CustomerSegment' })
  segment: Segment;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** Read-only, derived from country: NA (US, CA, MX), LATAM, EMEA or APAC. */
  @ApiProperty({ enum: REGIONS, enumName: 'Region' })
  region: Region;
  @ApiProperty({ enum: CUSTOMER_STATUSES, enumName: 'CustomerStatus' })
  status: CustomerStatus;
  externalRef: string | null;
  accountOwner: string | null;
  /** The user who owns the account. */
  ownerId: string | null;
  defaultPaymentTermsCode: string | null;
  /** Sent as the ETag; send it back in If-Match to update safely. */
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toCustomerDto(customer: Customer): CustomerDto {
  return {
    id: customer.id,
    name: customer.name,
    legalName: customer.legalName,
    segment: customer.segment,
    country: customer.country,
    region: customer.region,
    status: customer.status,
    externalRef: customer.externalRef,
    accountOwner: customer.accountOwner,
    ownerId: customer.ownerId,
    defaultPaymentTermsCode: customer.defaultPaymentTermsCode,
    version: customer.version,
    createdAt: customer.createdAt.toISOString(),
    updatedAt: customer.updatedAt.toISOString(),
  };
}
