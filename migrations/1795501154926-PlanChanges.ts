import { MigrationInterface, QueryRunner } from 'typeorm';

// The tables the delivery plan reads. A statement trigger on each records the writing transaction
// in plan_change, so a cached plan learns of every committed change, whichever module made it.
const PLANNED_TABLES = ['tranche', 'tranche_segment', 'purchase_order', 'production_capacity'];

export class PlanChanges1795501154926 implements MigrationInterface {
  name = 'PlanChanges1795501154926';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "plan_change" ("txid" bigint NOT NULL, CONSTRAINT "PK_61f872e70fc614084a521c37276" PRIMARY KEY ("txid"))`);
    await queryRunner.query(`CREATE TABLE "plan_change_horizon" ("id" integer NOT NULL, "txid" bigint NOT NULL, CONSTRAINT "plan_change_horizon_single_row_check" CHECK (id = 1), CONSTRAINT "PK_36675a8e84c1fce11081072b6c0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`INSERT INTO "plan_change_horizon" ("id", "txid") VALUES (1, 0)`);
    await queryRunner.query(`CREATE FUNCTION plan_change_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO plan_change (txid) VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT (txid) DO NOTHING;
        RETURN NULL;
      END $$`);
    for (const table of PLANNED_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_plan_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION plan_change_record()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of PLANNED_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_plan_change ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION plan_change_record()`);
    await queryRunner.query(`DROP TABLE "plan_change_horizon"`);
    await queryRunner.query(`DROP TABLE "plan_change"`);
  }
}
