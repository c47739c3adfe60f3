import { MigrationInterface, QueryRunner } from 'typeorm';

// A trigger function's plans are kept for the connection's life. Planned while purchase_order or
// tranche was a page or two (a new database), the join below was a scan of the whole table, and it
// stayed one on every insert until the next analyze: creating orders on a fresh book slowed with
// each order. The statement's rows are always few against a table keyed by them, so these two
// functions look them up by index and nothing else.
const JOINING_FUNCTIONS = ['plan_change_tranche_inserted', 'plan_change_order_updated'];

export class PlanChangeTriggersByIndex1795516000000 implements MigrationInterface {
  name = 'PlanChangeTriggersByIndex1795516000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const fn of JOINING_FUNCTIONS) {
      await queryRunner.query(
        `ALTER FUNCTION ${fn}() SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const fn of JOINING_FUNCTIONS) {
      await queryRunner.query(`ALTER FUNCTION ${fn}() RESET ALL`);
    }
  }
}
