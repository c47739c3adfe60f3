import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { BookStore } from './book.store';
import { FulfilmentService } from './fulfilment.service';
import { OpportunityConversionController } from './opportunity-conversion.controller';
import { PaymentTermsController } from './payment-terms.controller';
import { PaymentTermsService } from './payment-terms.service';
import { PurchaseOrderController, ShipmentController } from './purchase-order.controller';
import { PurchaseOrderService } from './purchase-order.service';

@Module({
  imports: [CustomersModule],
  controllers: [
    PaymentTermsController,
    PurchaseOrderController,
    ShipmentController,
    OpportunityConversionController,
  ],
  providers: [BookStore, PurchaseOrderService, FulfilmentService, PaymentTermsService],
  exports: [PurchaseOrderService],
})
export class OrdersModule {}
