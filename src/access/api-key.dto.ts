import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsString, Length, Matches } from 'class-validator';
import { ROLES, type Role } from '../common/request-context';
import { ApiKey } from './api-key.entity';
import { REFERENCE_MAX } from '../common/limits';

export class CreateApiKeyDto {
  /** A label for whoever uses the key, e.g. "sap-erp-prod". */
  @IsString()
  @Length(1, REFERENCE_MAX)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  @IsIn(ROLES)
  role: Role;
}

export class ApiKeyDto {
  id: string;
  name: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role: Role;
  /** The first characters of the key. */
  keyPrefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /** The key itself. Shown once, here; only its hash is stored. */
  key: string;
}

export function toApiKeyDto(key: ApiKey): ApiKeyDto {
  return {
    id: key.id,
    name: key.name,
    role: key.role,
    keyPrefix: key.keyPrefix,
    createdAt: key.createdAt.toISOString(),
    revokedAt: key.revokedAt ? key.revokedAt.toISOString() : null,
  };
}
