import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { ROLES, type Role } from '../../common/request-context';
import { PASSWORD_MAX_LENGTH } from './password';
import { User, USER_STATUSES, type UserStatus } from './user.entity';
import { EMAIL_MAX, NAME_MAX, REFERENCE_MAX } from '../../common/limits';

const Trim = () =>
  Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value));

/** Optional, but null is not a value: absent means "leave as it is". */
const IfPresent = () => ValidateIf((_object, value) => value !== undefined);

export class CreateUserDto {
  /** What the person signs in with; unique whatever its case. */
  @ApiProperty({ type: 'string', format: 'email', maxLength: 254, example: 'mei.lin@example.com' })
  @Trim()
  @MaxLength(EMAIL_MAX)
  @IsEmail({}, { message: 'email must be an email address' })
  email: string;

  /** Their name as colleagues know it, e.g. "Mei Lin". */
  @Trim()
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  @IsIn(ROLES)
  role: Role;

  /**
   * At least 12 characters, not the email. Leave it out and the answer carries a one-time
   * `setupToken` (valid 72 hours) with which the person chooses their own.
   */
  @ApiPropertyOptional({ type: 'string', format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsOptional()
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;
}

/** Only the fields given change. */
export class UpdateUserDto {
  @IfPresent()
  @Trim()
  @IsString()
  @Length(1, NAME_MAX)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ enum: ROLES, enumName: 'Role' })
  @IfPresent()
  @IsIn(ROLES)
  role?: Role;

  /** `disabled` ends the person's sessions at once and refuses their sign-ins. */
  @ApiPropertyOptional({ enum: USER_STATUSES, enumName: 'UserStatus' })
  @IfPresent()
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}

export class UserQueryDto extends PageQueryDto {
  /** Case-insensitive substring of name or email. */
  @IsOptional()
  @IsString()
  @MaxLength(REFERENCE_MAX)
  q?: string;

  @ApiPropertyOptional({ enum: ROLES, enumName: 'Role' })
  @IsOptional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional({ enum: USER_STATUSES, enumName: 'UserStatus' })
  @IsOptional()
  @IsIn(USER_STATUSES)
  status?: UserStatus;
}

export class UserDto {
  id: string;
  @ApiProperty({ type: 'string', format: 'email' })
  email: string;
  name: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role: Role;
  @ApiProperty({ enum: USER_STATUSES, enumName: 'UserStatus' })
  status: UserStatus;
  /** False until the person has set a password (people who only use single sign-on never do). */
  passwordSet: boolean;
  /** Sent as the ETag; send it back in If-Match to update safely. */
  @ApiProperty({ type: 'integer' })
  version: number;
  createdAt: string;
  updatedAt: string;
}

export class SetupTokenDto {
  /** One-time token for `POST /auth/set-password`. Shown once, here; only its hash is stored. */
  setupToken: string;
  @ApiProperty({ type: 'string', format: 'date-time' })
  setupTokenExpiresAt: string;
}

export class CreatedUserDto extends UserDto {
  /** Only when no password was given: the one-time token to set it with, shown once. */
  setupToken?: string;
  @ApiPropertyOptional({ type: 'string', format: 'date-time' })
  setupTokenExpiresAt?: string;
}

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    status: user.status,
    passwordSet: user.passwordHash !== null,
    version: user.version,
    createdAt: user.createdAt.toISOString(),
    updatedAt: user.updatedAt.toISOString(),
  };
}
