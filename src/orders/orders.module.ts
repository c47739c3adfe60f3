import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { PlanningModule } from '../planning/planning.module';
import { OpportunityConversionController } from './opportunity-conversion.controller';
import { OptionLapseService } from './option-lapse.service';
import { OrderChangeService } from './order-change.service';
import { PaymentService } from './payment.service';
import { PaymentTermsController } from './payment-terms.controller';
import { PaymentTermsService } from './payment-terms.service';
import {
  PaymentController,
  PurchaseOrderController,
  ShipmentController,
} from './purchase-order.controller';
import { PurchaseOrderRepository } from './purchase-order.repository';
import { PurchaseOrderService } from './purchase-order.service';
import { ShipmentService } from './shipment.service';
import { TimelineRepository } from './timeline.repository';

@Module({
  imports: [CustomersModule, PlanningModule],
  controllers: [
    PaymentTermsController,
    PurchaseOrderController,
    ShipmentController,
    PaymentController,
    OpportunityConversionController,
  ],
  providers: [
    PurchaseOrderRepository,
    TimelineRepository,
    OrderChangeService,
    PurchaseOrderService,
    ShipmentService,
    PaymentService,
    PaymentTermsService,
    OptionLapseService,
  ],
  exports: [PurchaseOrderService, PaymentService, ShipmentService],
})
export class OrdersModule {}
