import { createDataSource } from './data-source';
import { withScratchDatabase } from './scratch-database';

/**
 * `npm run migration:check`: applies every migration to an empty database, then asks TypeORM what
 * it would still change to match the entities. Anything left means entities and migrations disagree.
 */
async function main() {
  const pending = await withScratchDatabase(async (url) => {
    const dataSource = createDataSource(url);
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      return sql.upQueries.map((query) => query.query);
    } finally {
      await dataSource.destroy();
    }
  });
  if (pending.length > 0) {
    console.error('Entities and migrations disagree. Missing from the migrations:');
    for (const query of pending) console.error(`  ${query};`);
    process.exit(1);
  }
  console.log('Entities and migrations agree.');
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
