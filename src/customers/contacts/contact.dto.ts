import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsOptional, IsString, Length, ValidateIf } from 'class-validator';
import { Contact } from './contact.entity';
import { EMAIL_MAX, NAME_MAX, PHONE_MAX } from '../../common/limits';

/** Optional, but null is not a value: absent means "leave as it is". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

export class CreateContactDto {
  /** Full name. */
  @IsString()
  @Length(1, NAME_MAX)
  name: string;

  /** E-mail address. */
  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @Length(3, EMAIL_MAX)
  email?: string | null;

  /** Phone number as the customer writes it, e.g. "+1 512 555 0134". */
  @IsOptional()
  @IsString()
  @Length(1, PHONE_MAX)
  phone?: string | null;

  /** Job title, e.g. "Head of Procurement". */
  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  title?: string | null;

  /** The customer's primary contact; making one primary demotes the previous one. Default false. */
  @IsOptional()
  @IsBoolean()
  isPrimary?: boolean;
}

/** Only the fields given change; null clears email, phone or title. */
export class UpdateContactDto {
  @IfPresent()
  @IsString()
  @Length(1, NAME_MAX)
  name?: string;

  @IsOptional()
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @Length(3, EMAIL_MAX)
  email?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, PHONE_MAX)
  phone?: string | null;

  @IsOptional()
  @IsString()
  @Length(1, NAME_MAX)
  title?: string | null;

  /** true makes this the primary contact (demoting the previous one); false demotes it. */
  @IfPresent()
  @IsBoolean()
  isPrimary?: boolean;
}

export class ContactDto {
  id: string;
  customerId: string;
  name: string;
  email: string | null;
  phone: string | null;
  title: string | null;
  isPrimary: boolean;
  /** Sent as the ETag; send it back in If-Match to update safely. */
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export function toContactDto(contact: Contact): ContactDto {
  return {
    id: contact.id,
    customerId: contact.customerId,
    name: contact.name,
    email: contact.email,
    phone: contact.phone,
    title: contact.title,
    isPrimary: contact.isPrimary,
    version: contact.version,
    createdAt: contact.createdAt.toISOString(),
    updatedAt: contact.updatedAt.toISOString(),
  };
}
