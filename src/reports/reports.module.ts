import { Module } from '@nestjs/common';
import { CustomerSummaryController } from './customer-summary.controller';
import { CustomerSummaryService } from './customer-summary.service';
import { ForecastController } from './forecast.controller';
import { ForecastService } from './forecast.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  controllers: [ReportsController, ForecastController, CustomerSummaryController],
  providers: [ReportsService, ForecastService, CustomerSummaryService],
  exports: [ReportsService],
})
export class ReportsModule {}
