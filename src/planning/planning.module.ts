import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CustomersModule } from '../customers/customers.module';
import { HoldController } from './holds/hold.controller';
import { HoldRepository } from './holds/hold.repository';
import { HoldService } from './holds/hold.service';
import { AvailabilityController, DeliveryPlanController } from './delivery-plan.controller';
import { DeliveryPlanService } from './delivery-plan.service';
import { PlanVersionRepository } from './plan-version.repository';
import { ProductionCapacityController } from './production-capacity.controller';
import { ProductionCapacityService } from './production-capacity.service';

/**
 * Capacity, holds of capacity for quotes, the delivery plan and availability. Exports the plan (for the revenue forecast's plan
 * basis) and the plan versions (bumped by whoever changes open tranches).
 */
@Module({
  imports: [CatalogModule, CustomersModule],
  controllers: [
    ProductionCapacityController,
    DeliveryPlanController,
    AvailabilityController,
    HoldController,
  ],
  providers: [
    DeliveryPlanService,
    ProductionCapacityService,
    PlanVersionRepository,
    HoldRepository,
    HoldService,
  ],
  exports: [DeliveryPlanService, PlanVersionRepository],
})
export class PlanningModule {}
