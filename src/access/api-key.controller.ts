import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiPage, Page, PageQueryDto } from '../common/pagination';
import { ParseIdPipe } from '../common/validation';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-key.dto';
import { ApiKeyService } from './api-key.service';
import { Roles } from './roles.decorator';

@ApiTags('api-keys')
@Controller('api-keys')
@Roles()
export class ApiKeyController {
  constructor(private readonly apiKeys: ApiKeyService) {}

  /** Creates a key; the response is the only time the key is shown. */
  @Post()
  create(@Body() body: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.apiKeys.create(body.name.trim(), body.role);
  }

  /** Lists the API keys, revoked ones included, without the keys themselves. */
  @Get()
  @ApiPage(ApiKeyDto)
  list(@Query() query: PageQueryDto): Promise<Page<ApiKeyDto>> {
    return this.apiKeys.list(query);
  }

  /** Revokes a key: every instance refuses it within 5 seconds. */
  @Delete(':id')
  @HttpCode(204)
  async revoke(@Param('id', new ParseIdPipe('API key')) id: string): Promise<void> {
    await this.apiKeys.revoke(id);
  }
}
