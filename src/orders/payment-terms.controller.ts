import { Body, Controller, Get, Headers, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../access/roles.decorator';
import { ApiPage, Page, PageQueryDto } from '../common/pagination';
import { ParseIdPipe } from '../common/validation';
import { CreatePaymentTermsDto, PaymentTermsDto, UpdatePaymentTermsDto } from './payment-terms.dto';
import { PaymentTermsService } from './payment-terms.service';

@ApiTags('payment-terms')
@Controller('payment-terms')
export class PaymentTermsController {
  constructor(private readonly terms: PaymentTermsService) {}

  /** depositPercent + Σ milestone percents must be 100. */
  @Post()
  @Roles('finance')
  create(@Body() body: CreatePaymentTermsDto): Promise<PaymentTermsDto> {
    return this.terms.create(body);
  }

  /** Lists the payment terms. */
  @Get()
  @AnyRole()
  @ApiPage(PaymentTermsDto)
  list(@Query() query: PageQueryDto): Promise<Page<PaymentTermsDto>> {
    return this.terms.list(query);
  }

  /** One set of payment terms. */
  @Get(':id')
  @AnyRole()
  get(@Param('id', new ParseIdPipe('Payment terms')) id: string): Promise<PaymentTermsDto> {
    return this.terms.get(id);
  }

  /** Changes the fields given. Orders already signed keep the terms they were signed with. */
  @Patch(':id')
  @Roles('finance')
  update(
    @Param('id', new ParseIdPipe('Payment terms')) id: string,
    @Body() body: UpdatePaymentTermsDto,
    @Headers('if-match') ifMatch?: string,
  ): Promise<PaymentTermsDto> {
    return this.terms.update(id, body, ifMatch);
  }
}
