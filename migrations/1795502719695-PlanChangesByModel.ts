import { MigrationInterface, QueryRunner } from 'typeorm';

// plan_change now names the product models a transaction changed, so a write invalidates only the
// plans of its models. Transition tables give each statement trigger the rows it touched.
const MODEL_TABLES = ['tranche', 'tranche_segment', 'production_capacity'];
const ALL_TABLES = [...MODEL_TABLES, 'purchase_order'];
const EVERY_MODEL = '00000000-0000-0000-0000-000000000000';

const recordFunction = (name: string, models: string) => `
  CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO plan_change (txid, product_model_id)
    SELECT DISTINCT pg_current_xact_id()::text::bigint, m.product_model_id FROM (${models}) AS m
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$`;

export class PlanChangesByModel1795502719695 implements MigrationInterface {
  name = 'PlanChangesByModel1795502719695';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of ALL_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_plan_change ON "${table}"`);
    }
    await queryRunner.query(`DROP FUNCTION plan_change_record()`);
    // Rows without a model cannot be kept; every cached plan recomputes once instead.
    await queryRunner.query(`TRUNCATE "plan_change"`);
    await queryRunner.query(
      `UPDATE "plan_change_horizon" SET "txid" = pg_current_xact_id()::text::bigint + 1 WHERE "id" = 1`,
    );
    await queryRunner.query(`ALTER TABLE "plan_change" ADD "product_model_id" uuid NOT NULL`);
    await queryRunner.query(`ALTER TABLE "plan_change" DROP CONSTRAINT "PK_61f872e70fc614084a521c37276"`);
    await queryRunner.query(`ALTER TABLE "plan_change" ADD CONSTRAINT "PK_b9736c246fc7e02a90ac14d1898" PRIMARY KEY ("txid", "product_model_id")`);

    await queryRunner.query(recordFunction('plan_change_inserted', 'SELECT product_model_id FROM new_rows'));
    await queryRunner.query(recordFunction('plan_change_deleted', 'SELECT product_model_id FROM old_rows'));
    await queryRunner.query(
      recordFunction(
        'plan_change_updated',
        'SELECT product_model_id FROM old_rows UNION SELECT product_model_id FROM new_rows',
      ),
    );
    // An order's status, signing date or number orders and filters all its tranches.
    await queryRunner.query(
      recordFunction(
        'plan_change_order_updated',
        'SELECT t.product_model_id FROM new_rows o JOIN tranche t ON t.purchase_order_id = o.id',
      ),
    );
    await queryRunner.query(recordFunction('plan_change_truncated', `SELECT '${EVERY_MODEL}'::uuid AS product_model_id`));
    for (const table of MODEL_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_plan_change_inserted AFTER INSERT ON "${table}" REFERENCING NEW TABLE AS new_rows
           FOR EACH STATEMENT EXECUTE FUNCTION plan_change_inserted()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_plan_change_updated AFTER UPDATE ON "${table}"
           REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
           FOR EACH STATEMENT EXECUTE FUNCTION plan_change_updated()`,
      );
      await queryRunner.query(
        `CREATE TRIGGER ${table}_plan_change_deleted AFTER DELETE ON "${table}" REFERENCING OLD TABLE AS old_rows
           FOR EACH STATEMENT EXECUTE FUNCTION plan_change_deleted()`,
      );
    }
    // A new order has no tranches yet and a deleted one takes its tranches with it: updates only.
    await queryRunner.query(
      `CREATE TRIGGER purchase_order_plan_change_updated AFTER UPDATE ON "purchase_order" REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION plan_change_order_updated()`,
    );
    for (const table of ALL_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_plan_change_truncated AFTER TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION plan_change_truncated()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ALL_TABLES) {
      await queryRunner.query(`DROP TRIGGER ${table}_plan_change_truncated ON "${table}"`);
    }
    await queryRunner.query(`DROP TRIGGER purchase_order_plan_change_updated ON "purchase_order"`);
    for (const table of MODEL_TABLES) {
      for (const event of ['inserted', 'updated', 'deleted']) {
        await queryRunner.query(`DROP TRIGGER ${table}_plan_change_${event} ON "${table}"`);
      }
    }
    for (const name of ['inserted', 'deleted', 'updated', 'order_updated', 'truncated']) {
      await queryRunner.query(`DROP FUNCTION plan_change_${name}()`);
    }
    await queryRunner.query(`TRUNCATE "plan_change"`);
    await queryRunner.query(
      `UPDATE "plan_change_horizon" SET "txid" = pg_current_xact_id()::text::bigint + 1 WHERE "id" = 1`,
    );
    await queryRunner.query(`ALTER TABLE "plan_change" DROP CONSTRAINT "PK_b9736c246fc7e02a90ac14d1898"`);
    await queryRunner.query(`ALTER TABLE "plan_change" ADD CONSTRAINT "PK_61f872e70fc614084a521c37276" PRIMARY KEY ("txid")`);
    await queryRunner.query(`ALTER TABLE "plan_change" DROP COLUMN "product_model_id"`);
    await queryRunner.query(`CREATE FUNCTION plan_change_record() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO plan_change (txid) VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT (txid) DO NOTHING;
        RETURN NULL;
      END $$`);
    for (const table of ALL_TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER ${table}_plan_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
           FOR EACH STATEMENT EXECUTE FUNCTION plan_change_record()`,
      );
    }
  }
}
