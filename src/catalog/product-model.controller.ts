import {
  Body,
  Controller,
  Get,
  Headers,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AnyRole, Roles } from '../access/roles.decorator';
import { ApiPage, Page } from '../common/pagination';
import { ParseIdPipe } from '../common/validation';
import {
  CreateProductModelDto,
  ProductModelDto,
  ProductModelQueryDto,
  SkuPathDto,
  UpdateProductModelDto,
  UpsertProductModelDto,
} from './product-model.dto';
import { ProductModelService } from './product-model.service';

const ID = new ParseIdPipe('Product model');

@ApiTags('product-models')
@Controller('product-models')
export class ProductModelController {
  constructor(private readonly models: ProductModelService) {}

  /** Adds a model to the product line. A sku already in use: 409 DUPLICATE. */
  @Post()
  @Roles('erp')
  create(@Body() body: CreateProductModelDto): Promise<ProductModelDto> {
    return this.models.create(body);
  }

  /** Lists models in creation order; `q` searches sku, name and series. */
  @Get()
  @AnyRole()
  @ApiPage(ProductModelDto)
  list(@Query() query: ProductModelQueryDto): Promise<Page<ProductModelDto>> {
    return this.models.list(query);
  }

  /** One product model. */
  @Get(':id')
  @AnyRole()
  get(@Param('id', ID) id: string): Promise<ProductModelDto> {
    return this.models.get(id);
  }

  /** Changes the fields given. Honours `If-Match: "<version>"` (412 when stale). */
  @Patch(':id')
  @Roles('erp')
  update(
    @Param('id', ID) id: string,
    @Body() body: UpdateProductModelDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<ProductModelDto> {
    return this.models.update(id, body, ifMatch);
  }

  /**
   * Creates (201) or updates (200) the model with this sku, for ERP synchronisation. Fields left out
   * keep their value on an existing model. Honours `If-Match` when the model exists.
   */
  @Put('by-sku/:sku')
  @Roles('erp')
  @ApiCreatedResponse({ type: ProductModelDto, description: 'Created' })
  @ApiOkResponse({ type: ProductModelDto, description: 'Updated' })
  async upsert(
    @Param() { sku }: SkuPathDto,
    @Body() body: UpsertProductModelDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ProductModelDto> {
    const { created, model } = await this.models.upsertBySku(sku, body, ifMatch);
    void reply.status(created ? 201 : 200);
    return model;
  }
}
