import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDataSource } from './data-source';
import { withScratchDatabase } from './scratch-database';

/**
 * `npm run migration:generate -- Name`: writes migrations/<epoch-ms>-<Name>.ts with what the
 * entities need beyond the existing migrations. Read and edit it before committing.
 */
async function main() {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('Usage: npm run migration:generate -- PascalCaseName');
  }
  const { up, down } = await withScratchDatabase(async (url) => {
    const dataSource = createDataSource(url);
    await dataSource.initialize();
    try {
      await dataSource.runMigrations({ transaction: 'each' });
      const sql = await dataSource.driver.createSchemaBuilder().log();
      return {
        up: sql.upQueries.map((q) => q.query),
        down: sql.downQueries.map((q) => q.query).reverse(),
      };
    } finally {
      await dataSource.destroy();
    }
  });
  if (up.length === 0) {
    console.log('Nothing to generate: entities and migrations agree.');
    return;
  }
  const stamp = Date.now();
  const lines = (queries: string[]) =>
    queries.map((q) => `    await queryRunner.query(\`${q.replace(/`/g, '\\`')}\`);`).join('\n');
  const file = join(process.cwd(), 'migrations', `${stamp}-${name}.ts`);
  writeFileSync(
    file,
    `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${stamp} implements MigrationInterface {
  name = '${name}${stamp}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${lines(up)}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${lines(down)}
  }
}
`,
  );
  console.log(`Wrote ${file}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
