import { Logger } from '@nestjs/common';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import './columns';
import { SnakeNamingStrategy } from './naming-strategy';

const root = join(__dirname, '..', '..');
const logger = new Logger('Database');

/** How long a request waits for a new connection before it answers 503 DATABASE_UNAVAILABLE. */
export const CONNECT_TIMEOUT_MS = 5000;

export function dataSourceOptions(
  url: string,
  poolSize = 10,
  applicationName = 'hashbook',
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [join(root, 'src', '**', '*.entity.{ts,js}')],
    migrations: [join(root, 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migration',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    migrationsRun: false,
    // A failed query is the caller's to report: most are expected answers (a duplicate external
    // reference is a 409), and the problem filter logs the unexpected ones with their stack. Left on,
    // TypeORM would print each to the console with its parameters, outside the structured log.
    logging: false,
    // An idle pooled connection the server dropped (a restart, a failover) is discarded by the pool
    // and replaced on next use; its error must only be logged, never crash the process.
    poolErrorHandler: (error: Error) =>
      logger.warn(`An idle database connection failed and was discarded: ${error.message}`),
    connectTimeoutMS: CONNECT_TIMEOUT_MS,
    // JIT compilation costs tens of milliseconds on report queries and saves nothing at these sizes.
    extra: { max: poolSize, application_name: applicationName, options: '-c jit=off' },
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}
