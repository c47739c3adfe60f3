import { Body, Controller, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Roles } from '../access/roles.decorator';
import { IsDateOnly } from '../common/dates';
import { ParseIdPipe } from '../common/validation';
import { PurchaseOrderDto } from './purchase-order.dto';
import { PurchaseOrderService } from './purchase-order.service';

export class ConvertOpportunityDto {
  /** The order's signing date; default today. */
  @IsOptional()
  @IsDateOnly({ optional: true })
  signedOn?: string;
}

@ApiTags('opportunities')
@Controller('opportunities')
export class OpportunityConversionController {
  constructor(private readonly orders: PurchaseOrderService) {}

  /**
   * Marks the opportunity won and books a draft purchase order of one line and one tranche
   * (firstDeliveryOn, the full quantity); returns the order.
   */
  @Post(':id/convert')
  @Roles('sales')
  convert(
    @Param('id', new ParseIdPipe('Opportunity')) id: string,
    @Body() body: ConvertOpportunityDto,
  ): Promise<PurchaseOrderDto> {
    return this.orders.convertOpportunity(id, body.signedOn);
  }
}
