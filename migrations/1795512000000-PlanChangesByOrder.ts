import { MigrationInterface, QueryRunner } from 'typeorm';

// plan_change now also names the order whose tranches changed (the nil UUID for a model's
// capacity), so a cached model plan reads again only those orders' tranches, or only the model's
// capacity, instead of all its tranches.
const NIL = '00000000-0000-0000-0000-000000000000';
const TXID = 'pg_current_xact_id()::text::bigint';

const recordFunction = (name: string, changes: string) => `
  CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO plan_change (txid, product_model_id, purchase_order_id)
    SELECT DISTINCT ${TXID}, c.product_model_id, c.purchase_order_id FROM (${changes}) AS c
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$`;

const modelOnlyFunction = (name: string, models: string) => `
  CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO plan_change (txid, product_model_id)
    SELECT DISTINCT ${TXID}, m.product_model_id FROM (${models}) AS m
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$`;

/** The statement triggers on production_capacity, by event, with their transition tables. */
const CAPACITY_TRIGGERS: Record<string, string> = {
  inserted: 'AFTER INSERT ON "production_capacity" REFERENCING NEW TABLE AS new_rows',
  updated:
    'AFTER UPDATE ON "production_capacity" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows',
  deleted: 'AFTER DELETE ON "production_capacity" REFERENCING OLD TABLE AS old_rows',
};

async function pointCapacityTrigger(queryRunner: QueryRunner, event: string, fn: string) {
  await queryRunner.query(
    `DROP TRIGGER production_capacity_plan_change_${event} ON "production_capacity"`,
  );
  await queryRunner.query(
    `CREATE TRIGGER production_capacity_plan_change_${event} ${CAPACITY_TRIGGERS[event]}
       FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
  );
}

export class PlanChangesByOrder1795512000000 implements MigrationInterface {
  name = 'PlanChangesByOrder1795512000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Rows without an order cannot be kept; every cached plan recomputes once instead.
    await queryRunner.query(`TRUNCATE "plan_change"`);
    await queryRunner.query(`UPDATE "plan_change_horizon" SET "txid" = ${TXID} + 1 WHERE "id" = 1`);
    await queryRunner.query(`ALTER TABLE "plan_change" ADD "purchase_order_id" uuid NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "plan_change" DROP CONSTRAINT "PK_b9736c246fc7e02a90ac14d1898"`,
    );
    // txid first: readers scan the transactions above a snapshot's xmin.
    await queryRunner.query(
      `ALTER TABLE "plan_change" ADD CONSTRAINT "PK_1786ec8cf5f75ff2a73b66cb368" PRIMARY KEY ("txid", "product_model_id", "purchase_order_id")`,
    );

    // tranche and tranche_segment rows carry both the model and the order.
    await queryRunner.query(
      recordFunction(
        'plan_change_inserted',
        'SELECT product_model_id, purchase_order_id FROM new_rows',
      ),
    );
    await queryRunner.query(
      recordFunction(
        'plan_change_deleted',
        'SELECT product_model_id, purchase_order_id FROM old_rows',
      ),
    );
    await queryRunner.query(
      recordFunction(
        'plan_change_updated',
        `SELECT product_model_id, purchase_order_id FROM old_rows
          UNION SELECT product_model_id, purchase_order_id FROM new_rows`,
      ),
    );
    await queryRunner.query(
      recordFunction(
        'plan_change_tranche_inserted',
        `SELECT t.product_model_id, t.purchase_order_id
           FROM new_rows t JOIN purchase_order o ON o.id = t.purchase_order_id
          WHERE o.status <> 'draft'`,
      ),
    );
    // An order's status, signing date or number orders and filters all its tranches.
    await queryRunner.query(
      recordFunction(
        'plan_change_order_updated',
        'SELECT t.product_model_id, o.id AS purchase_order_id FROM new_rows o JOIN tranche t ON t.purchase_order_id = o.id',
      ),
    );
    await queryRunner.query(
      recordFunction(
        'plan_change_truncated',
        `SELECT '${NIL}'::uuid AS product_model_id, '${NIL}'::uuid AS purchase_order_id`,
      ),
    );
    // Capacity rows belong to no order.
    await queryRunner.query(
      recordFunction(
        'plan_change_capacity_inserted',
        `SELECT product_model_id, '${NIL}'::uuid AS purchase_order_id FROM new_rows`,
      ),
    );
    await queryRunner.query(
      recordFunction(
        'plan_change_capacity_deleted',
        `SELECT product_model_id, '${NIL}'::uuid AS purchase_order_id FROM old_rows`,
      ),
    );
    await queryRunner.query(
      recordFunction(
        'plan_change_capacity_updated',
        `SELECT product_model_id, '${NIL}'::uuid AS purchase_order_id FROM old_rows
          UNION SELECT product_model_id, '${NIL}'::uuid FROM new_rows`,
      ),
    );
    for (const event of Object.keys(CAPACITY_TRIGGERS)) {
      await pointCapacityTrigger(queryRunner, event, `plan_change_capacity_${event}`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const event of Object.keys(CAPACITY_TRIGGERS)) {
      await pointCapacityTrigger(queryRunner, event, `plan_change_${event}`);
      await queryRunner.query(`DROP FUNCTION plan_change_capacity_${event}()`);
    }
    await queryRunner.query(`TRUNCATE "plan_change"`);
    await queryRunner.query(`UPDATE "plan_change_horizon" SET "txid" = ${TXID} + 1 WHERE "id" = 1`);
    await queryRunner.query(
      `ALTER TABLE "plan_change" DROP CONSTRAINT "PK_1786ec8cf5f75ff2a73b66cb368"`,
    );
    await queryRunner.query(
      `ALTER TABLE "plan_change" ADD CONSTRAINT "PK_b9736c246fc7e02a90ac14d1898" PRIMARY KEY ("txid", "product_model_id")`,
    );
    await queryRunner.query(`ALTER TABLE "plan_change" DROP COLUMN "purchase_order_id"`);
    await queryRunner.query(
      modelOnlyFunction('plan_change_inserted', 'SELECT product_model_id FROM new_rows'),
    );
    await queryRunner.query(
      modelOnlyFunction('plan_change_deleted', 'SELECT product_model_id FROM old_rows'),
    );
    await queryRunner.query(
      modelOnlyFunction(
        'plan_change_updated',
        'SELECT product_model_id FROM old_rows UNION SELECT product_model_id FROM new_rows',
      ),
    );
    await queryRunner.query(
      modelOnlyFunction(
        'plan_change_tranche_inserted',
        `SELECT t.product_model_id FROM new_rows t JOIN purchase_order o ON o.id = t.purchase_order_id
          WHERE o.status <> 'draft'`,
      ),
    );
    await queryRunner.query(
      modelOnlyFunction(
        'plan_change_order_updated',
        'SELECT t.product_model_id FROM new_rows o JOIN tranche t ON t.purchase_order_id = o.id',
      ),
    );
    await queryRunner.query(
      modelOnlyFunction('plan_change_truncated', `SELECT '${NIL}'::uuid AS product_model_id`),
    );
  }
}
