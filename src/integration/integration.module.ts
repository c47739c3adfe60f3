import { Module } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module';
import { ImportController } from './import.controller';
import { ImportService } from './import.service';
import { WebhookController } from './webhook.controller';
import { WebhookService } from './webhook.service';
import { WebhookWorker } from './webhook.worker';

/** Webhooks (subscriptions, the delivery worker) and bulk imports for ERP systems. */
@Module({
  imports: [OrdersModule],
  controllers: [WebhookController, ImportController],
  providers: [WebhookService, WebhookWorker, ImportService],
})
export class IntegrationModule {}
