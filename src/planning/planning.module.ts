import { Global, Module } from '@nestjs/common';
import { PLAN_FORECAST } from '../reports/forecast.service';
import { AvailabilityController, DeliveryPlanController } from './delivery-plan.controller';
import { DeliveryPlanService } from './delivery-plan.service';
import { PlanVersionRepository } from './plan-version.repository';
import { ProductionCapacityController } from './production-capacity.controller';
import { ProductionCapacityService } from './production-capacity.service';

/**
 * Capacity, the delivery plan and availability. Global so the revenue forecast finds the plan
 * basis (PLAN_FORECAST → DeliveryPlanService.planForecast) without a module cycle.
 */
@Global()
@Module({
  controllers: [ProductionCapacityController, DeliveryPlanController, AvailabilityController],
  providers: [
    DeliveryPlanService,
    ProductionCapacityService,
    PlanVersionRepository,
    { provide: PLAN_FORECAST, useExisting: DeliveryPlanService },
  ],
  exports: [DeliveryPlanService, PlanVersionRepository, PLAN_FORECAST],
})
export class PlanningModule {}
