import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessModule } from './access/access.module';
import { AuditModule } from './audit/audit.module';
import { CatalogModule } from './catalog/catalog.module';
import { Clock } from './common/clock';
import { IdempotencyStore } from './common/idempotency.store';
import { RateLimitStore } from './common/rate-limit.store';
import { APP_CONFIG, AppConfig } from './config/config';
import { CustomersModule } from './customers/customers.module';
import { dataSourceOptions } from './database/data-source';
import { PreparedQueries } from './database/prepared-queries';
import { HealthModule } from './health/health.module';
import { IntegrationModule } from './integration/integration.module';
import { OrdersModule } from './orders/orders.module';
import { PlanningModule } from './planning/planning.module';
import { ReportsModule } from './reports/reports.module';

@Module({})
export class AppModule {
  static register(config: AppConfig, databaseUrl: string): DynamicModule {
    return {
      module: AppModule,
      imports: [
        TypeOrmModule.forRoot({ ...dataSourceOptions(databaseUrl, config.dbPoolSize) }),
        AuditModule,
        AccessModule,
        HealthModule,
        CatalogModule,
        CustomersModule,
        OrdersModule,
        ReportsModule,
        PlanningModule,
        IntegrationModule,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        Clock,
        IdempotencyStore,
        RateLimitStore,
        PreparedQueries,
      ],
      // Global for what every module may read: the configuration and the Clock derived from it,
      // and the prepared statements the order book writes with. The idempotency store is only
      // used by the request hooks, the rate-limit store by the rate limiter.
      exports: [APP_CONFIG, Clock, PreparedQueries],
      global: true,
    };
  }
}
