import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { AnyRole } from '../access/roles.decorator';
import { ParseIdPipe } from '../common/validation';
import { CustomerSummaryDto } from './customer-summary.dto';
import { CustomerSummaryService } from './customer-summary.service';

/** A customer at a glance, read from the reports: under the customer's path, with the reports. */
@ApiTags('customers')
@Controller('customers')
export class CustomerSummaryController {
  constructor(private readonly summaries: CustomerSummaryService) {}

  /** Orders, money and weighted pipeline of the customer, as of today. */
  @Get(':id/summary')
  @AnyRole()
  @ApiOperation({ operationId: 'customer_summary' })
  summary(@Param('id', new ParseIdPipe('Customer')) id: string): Promise<CustomerSummaryDto> {
    return this.summaries.summary(id);
  }
}
