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
  CreateCustomerDto,
  CustomerDto,
  CustomerQueryDto,
  ExternalRefPathDto,
  UpdateCustomerDto,
  UpsertCustomerDto,
} from './customer.dto';
import { CustomerService } from './customer.service';

const ID = new ParseIdPipe('Customer');

@ApiTags('customers')
@Controller('customers')
export class CustomerController {
  constructor(private readonly customers: CustomerService) {}

  /** Adds a customer. A name already used (ignoring case) or an external ref in use: 409 DUPLICATE. */
  @Post()
  @Roles('sales', 'erp')
  create(@Body() body: CreateCustomerDto): Promise<CustomerDto> {
    return this.customers.create(body);
  }

  /** Lists customers in creation order; `q` searches name, legal name and external ref. */
  @Get()
  @AnyRole()
  @ApiPage(CustomerDto)
  list(@Query() query: CustomerQueryDto): Promise<Page<CustomerDto>> {
    return this.customers.list(query);
  }

  /** One customer. */
  @Get(':id')
  @AnyRole()
  get(@Param('id', ID) id: string): Promise<CustomerDto> {
    return this.customers.get(id);
  }

  /** Changes the fields given; a new country moves the customer to its region. Honours If-Match. */
  @Patch(':id')
  @Roles('sales', 'erp')
  update(
    @Param('id', ID) id: string,
    @Body() body: UpdateCustomerDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<CustomerDto> {
    return this.customers.update(id, body, ifMatch);
  }

  /**
   * Creates (201) or updates (200) the customer with this external ref, for ERP synchronisation.
   * Fields left out keep their value on an existing customer. Honours If-Match when it exists.
   */
  @Put('by-external-ref/:ref')
  @Roles('sales', 'erp')
  @ApiCreatedResponse({ type: CustomerDto, description: 'Created' })
  @ApiOkResponse({ type: CustomerDto, description: 'Updated' })
  async upsert(
    @Param() { ref }: ExternalRefPathDto,
    @Body() body: UpsertCustomerDto,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CustomerDto> {
    const { created, customer } = await this.customers.upsertByExternalRef(ref, body, ifMatch);
    void reply.status(created ? 201 : 200);
    return customer;
  }
}
