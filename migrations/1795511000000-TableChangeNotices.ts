import { MigrationInterface, QueryRunner } from 'typeorm';

// Tables whose rendered lists instances keep in memory: every committed change is announced on
// the table_change channel with the table's name, so each instance drops its copies.
const TABLES = ['api_key', 'product_model'];

export class TableChangeNotices1795511000000 implements MigrationInterface {
  name = 'TableChangeNotices1795511000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION notify_table_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('table_change', TG_TABLE_NAME);
        RETURN NULL;
      END $$`);
    for (const table of TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION notify_table_change()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_notify_change ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION notify_table_change()`);
  }
}
