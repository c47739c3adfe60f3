import { Module } from '@nestjs/common';
import { ProductModelController } from './product-model.controller';
import { ProductModelService } from './product-model.service';

/** The product line. Other domains call ProductModelService.getOrderable to put a model on an order. */
@Module({
  controllers: [ProductModelController],
  providers: [ProductModelService],
  exports: [ProductModelService],
})
export class CatalogModule {}
