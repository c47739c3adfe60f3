import { loadConfig } from '../config/config';
import { createDataSource } from './data-source';
import { openDatabase } from './database-runtime';

/**
 * Applies pending migrations. An advisory lock keeps instances that start together from running
 * them twice.
 */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = createDataSource(url, 2);
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(hashtext('hashbook:migrations'))`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await lock
      .query(`SELECT pg_advisory_unlock(hashtext('hashbook:migrations'))`)
      .catch(() => undefined);
    await lock.release();
    await dataSource.destroy();
  }
}

/** `npm run migration:run`: DATABASE_URL, or the embedded server in DATA_DIR. */
async function main() {
  const config = loadConfig();
  const database = await openDatabase(config);
  try {
    const applied = await runMigrations(database.url);
    console.log(applied.length ? `Applied ${applied.join(', ')}` : 'No pending migrations');
  } finally {
    await database.stop();
  }
}

if (require.main === module) {
  main().catch((error: Error) => {
    console.error(error.message);
    process.exit(1);
  });
}
