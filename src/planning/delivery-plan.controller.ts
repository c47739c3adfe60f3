import { Controller, Get, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { AnyRole } from '../access/roles.decorator';
import {
  AvailabilityDto,
  AvailabilityQueryDto,
  DeliveryPlanPageDto,
  DeliveryPlanQueryDto,
} from './delivery-plan.dto';
import { DeliveryPlanService } from './delivery-plan.service';
import { ApiPage, Page } from '../common/pagination';
import { PlanHoldDto, PlanHoldQueryDto } from './holds/hold.dto';

@ApiTags('planning')
@Controller('delivery-plan')
export class DeliveryPlanController {
  constructor(private readonly plans: DeliveryPlanService) {}

  /**
   * The open tranches of orders past draft in plan order, each with the months its units are
   * built in, its projected ship month and whether it is on time, late or unscheduled. Computed
   * from the book as committed when the request starts: every change shows at once.
   */
  @Get('tranches')
  @AnyRole()
  tranches(@Query() query: DeliveryPlanQueryDto): Promise<DeliveryPlanPageDto> {
    return this.plans.tranches(query);
  }

  /**
   * The active holds, oldest first, each with the months its units are built in after every firm
   * tranche of its model and the units no capacity is left for.
   */
  @Get('holds')
  @AnyRole()
  @ApiPage(PlanHoldDto)
  holds(@Query() query: PlanHoldQueryDto): Promise<Page<PlanHoldDto>> {
    return this.plans.holds(query);
  }
}

@ApiTags('planning')
@Controller('availability')
export class AvailabilityController {
  constructor(private readonly plans: DeliveryPlanService) {}

  /** When `quantity` more units of the model could be built from the capacity the plan leaves. */
  @Get()
  @AnyRole()
  get(@Query() query: AvailabilityQueryDto): Promise<AvailabilityDto> {
    return this.plans.availability(query);
  }
}
