import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { CatalogModule } from '../catalog/catalog.module';
import { ActivityController } from './activities/activity.controller';
import { ActivityService } from './activities/activity.service';
import { ContactController } from './contacts/contact.controller';
import { ContactService } from './contacts/contact.service';
import { CustomerController } from './customer.controller';
import { CustomerService } from './customer.service';
import { OpportunityController } from './opportunities/opportunity.controller';
import { OpportunityService } from './opportunities/opportunity.service';

/**
 * Customers and their contacts, activities and opportunities. Orders call CustomerService.getForOrder
 * and, to convert an opportunity, OpportunityService.lockForConversion and markConverted.
 */
@Module({
  imports: [AccessModule, CatalogModule],
  controllers: [CustomerController, ContactController, ActivityController, OpportunityController],
  providers: [CustomerService, ContactService, ActivityService, OpportunityService],
  exports: [CustomerService, OpportunityService],
})
export class CustomersModule {}
