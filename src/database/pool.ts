import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The pg pool behind a TypeORM data source (TypeORM does not expose it in its types). */
export function pgPool(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
