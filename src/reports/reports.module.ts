import { Module } from '@nestjs/common';
import { PlanningModule } from '../planning/planning.module';
import { CustomerSummaryController } from './customer-summary.controller';
import { CustomerSummaryService } from './customer-summary.service';
import { ForecastController } from './forecast.controller';
import { ForecastService } from './forecast.service';
import { PeriodReportsService } from './period-reports.service';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

@Module({
  imports: [PlanningModule],
  controllers: [ReportsController, ForecastController, CustomerSummaryController],
  providers: [ReportsService, ForecastService, CustomerSummaryService, PeriodReportsService],
  exports: [ReportsService],
})
export class ReportsModule {}
