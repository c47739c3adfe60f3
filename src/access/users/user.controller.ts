import { Body, Controller, Get, Headers, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiPage, Page } from '../../common/pagination';
import { ParseIdPipe } from '../../common/validation';
import { Roles } from '../roles.decorator';
import {
  CreatedUserDto,
  CreateUserDto,
  SetupTokenDto,
  UpdateUserDto,
  UserDto,
  UserQueryDto,
} from './user.dto';
import { UserService } from './user.service';

const ID = new ParseIdPipe('User');

@ApiTags('users')
@Controller('users')
@Roles()
export class UserController {
  constructor(private readonly users: UserService) {}

  /**
   * Adds a person who signs in. Without a password the answer carries a one-time `setupToken`
   * (72 hours) for `POST /auth/set-password`. An email already used (ignoring case): 409 DUPLICATE.
   */
  @Post()
  create(@Body() body: CreateUserDto): Promise<CreatedUserDto> {
    return this.users.create(body);
  }

  /** People in creation order; `q` searches name and email. Users are never deleted. */
  @Get()
  @ApiPage(UserDto)
  list(@Query() query: UserQueryDto): Promise<Page<UserDto>> {
    return this.users.list(query);
  }

  /** One user. */
  @Get(':id')
  get(@Param('id', ID) id: string): Promise<UserDto> {
    return this.users.get(id);
  }

  /**
   * Changes name, role or status. `disabled` ends the person's sessions at once; disabling
   * yourself: 409 CANNOT_DISABLE_SELF. Honours If-Match.
   */
  @Patch(':id')
  update(
    @Param('id', ID) id: string,
    @Body() body: UpdateUserDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<UserDto> {
    return this.users.update(id, body, ifMatch);
  }

  /**
   * A new one-time setup token (72 hours) for a person who lost theirs or forgot their password;
   * earlier tokens stop working. Their password and sessions stay until they use it.
   */
  @Post(':id/setup-token')
  issueSetupToken(@Param('id', ID) id: string): Promise<SetupTokenDto> {
    return this.users.issueSetupToken(id);
  }
}
