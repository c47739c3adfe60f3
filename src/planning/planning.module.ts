import { Module } from '@nestjs/common';
import { AvailabilityController, DeliveryPlanController } from './delivery-plan.controller';
import { DeliveryPlanService } from './delivery-plan.service';
import { PlanVersionRepository } from './plan-version.repository';
import { ProductionCapacityController } from './production-capacity.controller';
import { ProductionCapacityService } from './production-capacity.service';

/**
 * Capacity, the delivery plan and availability. Exports the plan (for the revenue forecast's plan
 * basis) and the plan versions (bumped by whoever changes open tranches).
 */
@Module({
  controllers: [ProductionCapacityController, DeliveryPlanController, AvailabilityController],
  providers: [DeliveryPlanService, ProductionCapacityService, PlanVersionRepository],
  exports: [DeliveryPlanService, PlanVersionRepository],
})
export class PlanningModule {}
