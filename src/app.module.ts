import { DynamicModule, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
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
import { READ_DATA_SOURCE, ReadDatabase } from './database/read-database';
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
        // The read replica: a second pool, for the reads that may lag (see ReadDatabase).
        ...(config.databaseReadUrl
          ? [
              TypeOrmModule.forRoot({
                ...dataSourceOptions(config.databaseReadUrl, config.dbPoolSize, 'hashbook-read'),
                name: READ_DATA_SOURCE,
              }),
            ]
          : []),
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
        {
          provide: ReadDatabase,
          useFactory: (primary: DataSource, replica?: DataSource) =>
            new ReadDatabase(primary, replica),
          inject: [
            getDataSourceToken(),
            { token: getDataSourceToken(READ_DATA_SOURCE), optional: true },
          ],
        },
      ],
      // Global for what every module may read: the configuration and the Clock derived from it,
      // the prepared statements the order book writes with, and where reads that may lag go
      // (ReadDatabase). The idempotency store is only used by the request hooks, the rate-limit
      // store by the rate limiter.
      exports: [APP_CONFIG, Clock, PreparedQueries, ReadDatabase],
      global: true,
    };
  }
}
