import { Body, Controller, Get, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole, Roles } from '../access/roles.decorator';
import {
  CapacityBatchDto,
  CapacityPageDto,
  CapacityQueryDto,
  PutCapacityDto,
} from './production-capacity.dto';
import { ProductionCapacityService } from './production-capacity.service';

@ApiTags('planning')
@Controller('production-capacity')
export class ProductionCapacityController {
  constructor(private readonly capacity: ProductionCapacityService) {}

  /**
   * Creates or replaces capacity per model and month, all rows or none. An unknown model: 422
   * REFERENCE_NOT_FOUND. Returns the rows with what the plan now builds in them.
   */
  @Put()
  @Roles('operations')
  put(@Body() body: PutCapacityDto): Promise<CapacityBatchDto> {
    return this.capacity.put(body);
  }

  /** Capacity in month order, then model, with the units the current plan uses and leaves spare. */
  @Get()
  @AnyRole()
  list(@Query() query: CapacityQueryDto): Promise<CapacityPageDto> {
    return this.capacity.list(query);
  }
}
