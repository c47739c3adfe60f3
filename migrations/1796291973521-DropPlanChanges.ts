import { MigrationInterface, QueryRunner } from 'typeorm';

// The plan is kept fresh by plan_version, bumped by the services that change a model's open
// tranches or capacity: the change log the statement triggers wrote (plan_change, pruned below
// plan_change_horizon) goes, with the triggers and their functions.

const NIL = `'00000000-0000-0000-0000-000000000000'::uuid`;

/** Each trigger function and the (model, order) pairs it recorded, as they stood last. */
const FUNCTIONS: Record<string, string> = {
  plan_change_inserted: 'SELECT product_model_id, purchase_order_id FROM new_rows',
  plan_change_deleted: 'SELECT product_model_id, purchase_order_id FROM old_rows',
  plan_change_updated: `SELECT product_model_id, purchase_order_id FROM old_rows
    UNION SELECT product_model_id, purchase_order_id FROM new_rows`,
  plan_change_tranche_inserted: `SELECT t.product_model_id, t.purchase_order_id
      FROM new_rows t JOIN purchase_order o ON o.id = t.purchase_order_id
     WHERE o.status <> 'draft'`,
  plan_change_order_updated: `SELECT t.product_model_id, o.id AS purchase_order_id
      FROM new_rows o JOIN tranche t ON t.purchase_order_id = o.id`,
  plan_change_truncated: `SELECT ${NIL} AS product_model_id, ${NIL} AS purchase_order_id`,
  plan_change_capacity_inserted: `SELECT product_model_id, ${NIL} AS purchase_order_id FROM new_rows`,
  plan_change_capacity_deleted: `SELECT product_model_id, ${NIL} AS purchase_order_id FROM old_rows`,
  plan_change_capacity_updated: `SELECT product_model_id, ${NIL} AS purchase_order_id FROM old_rows
    UNION SELECT product_model_id, ${NIL} FROM new_rows`,
};

/** Functions that looked rows up by index whatever the session's planner settings. */
const BY_INDEX = ['plan_change_tranche_inserted', 'plan_change_order_updated'];

/** Each table's triggers, `<table>_plan_change_<event>`, by event, with their functions. */
const TRIGGERS: Record<string, Record<string, string>> = {
  tranche: {
    inserted: 'plan_change_tranche_inserted',
    updated: 'plan_change_updated',
    deleted: 'plan_change_deleted',
    truncated: 'plan_change_truncated',
  },
  tranche_segment: {
    inserted: 'plan_change_inserted',
    updated: 'plan_change_updated',
    deleted: 'plan_change_deleted',
    truncated: 'plan_change_truncated',
  },
  production_capacity: {
    inserted: 'plan_change_capacity_inserted',
    updated: 'plan_change_capacity_updated',
    deleted: 'plan_change_capacity_deleted',
    truncated: 'plan_change_truncated',
  },
  purchase_order: { updated: 'plan_change_order_updated', truncated: 'plan_change_truncated' },
};

const VERBS: Record<string, string> = {
  inserted: 'INSERT',
  updated: 'UPDATE',
  deleted: 'DELETE',
  truncated: 'TRUNCATE',
};

/** The transition tables each trigger's function reads (an order's update: the new rows only). */
function transitions(table: string, event: string): string {
  if (event === 'inserted' || (event === 'updated' && table === 'purchase_order')) {
    return ' REFERENCING NEW TABLE AS new_rows';
  }
  if (event === 'updated') return ' REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows';
  if (event === 'deleted') return ' REFERENCING OLD TABLE AS old_rows';
  return '';
}

const triggers = () =>
  Object.entries(TRIGGERS).flatMap(([table, byEvent]) =>
    Object.entries(byEvent).map(([event, fn]) => ({
      name: `${table}_plan_change_${event}`,
      table,
      clause: `${VERBS[event]} ON "${table}"${transitions(table, event)}`,
      fn,
    })),
  );

export class DropPlanChanges1796291973521 implements MigrationInterface {
  name = 'DropPlanChanges1796291973521';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const { name, table } of triggers()) {
      await queryRunner.query(`DROP TRIGGER "${name}" ON "${table}"`);
    }
    for (const fn of Object.keys(FUNCTIONS)) {
      await queryRunner.query(`DROP FUNCTION ${fn}()`);
    }
    await queryRunner.query(`DROP TABLE "plan_change_horizon"`);
    await queryRunner.query(`DROP TABLE "plan_change"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "plan_change" ("txid" bigint NOT NULL, "product_model_id" uuid NOT NULL, "purchase_order_id" uuid NOT NULL, CONSTRAINT "PK_1786ec8cf5f75ff2a73b66cb368" PRIMARY KEY ("txid", "product_model_id", "purchase_order_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "plan_change_horizon" ("id" integer NOT NULL, "txid" bigint NOT NULL, CONSTRAINT "plan_change_horizon_single_row_check" CHECK (id = 1), CONSTRAINT "PK_36675a8e84c1fce11081072b6c0" PRIMARY KEY ("id"))`,
    );
    // Nothing was recorded meanwhile: every plan an instance kept from before is computed again.
    await queryRunner.query(
      `INSERT INTO "plan_change_horizon" ("id", "txid") VALUES (1, pg_current_xact_id()::text::bigint + 1)`,
    );
    for (const [fn, changes] of Object.entries(FUNCTIONS)) {
      await queryRunner.query(`
        CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO plan_change (txid, product_model_id, purchase_order_id)
          SELECT DISTINCT pg_current_xact_id()::text::bigint, c.product_model_id, c.purchase_order_id
            FROM (${changes}) AS c
          ON CONFLICT DO NOTHING;
          RETURN NULL;
        END $$`);
    }
    for (const fn of BY_INDEX) {
      await queryRunner.query(
        `ALTER FUNCTION ${fn}() SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off`,
      );
    }
    for (const { name, clause, fn } of triggers()) {
      await queryRunner.query(
        `CREATE TRIGGER "${name}" AFTER ${clause} FOR EACH STATEMENT EXECUTE FUNCTION ${fn}()`,
      );
    }
  }
}
