import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../users/password';
import { UserDto } from '../users/user.dto';
import { EMAIL_MAX, NAME_MAX } from '../../common/limits';

export class SignInDto {
  @ApiProperty({ type: 'string', format: 'email', maxLength: 254, example: 'mei.lin@example.com' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @Length(1, EMAIL_MAX)
  email: string;

  @ApiProperty({ type: 'string', format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  password: string;
}

export class SetPasswordDto {
  /** The one-time setup token an admin (or the CLI) was given for the person. */
  @IsString()
  @Length(1, NAME_MAX)
  token: string;

  /** At least 12 characters, not the email. */
  @ApiProperty({ type: 'string', format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty({ type: 'string', format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @Length(1, PASSWORD_MAX_LENGTH)
  currentPassword: string;

  /** At least 12 characters, not the email. */
  @ApiProperty({ type: 'string', format: 'password', maxLength: PASSWORD_MAX_LENGTH })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword: string;
}

export class SessionDto {
  user: UserDto;
  /** Send it as the X-CSRF-Token header on every request of this session but GET and HEAD. */
  csrfToken: string;
}

export class AuthConfigDto {
  /** Whether single sign-on (OpenID Connect) is configured. */
  sso: boolean;
  /** Where a browser goes to sign in with single sign-on; null without it. */
  ssoStartUrl: string | null;
}
