import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import './columns';
import { SnakeNamingStrategy } from './naming-strategy';

const root = join(__dirname, '..', '..');

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
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
    // JIT compilation costs tens of milliseconds on report queries and saves nothing at these sizes.
    extra: { max: poolSize, application_name: 'hashbook', options: '-c jit=off' },
  };
}

export function createDataSource(url: string, poolSize?: number): DataSource {
  return new DataSource(dataSourceOptions(url, poolSize));
}
