import { MigrationInterface, QueryRunner } from 'typeorm';

// A draft's tranches are not planned: inserting them no longer names their models in plan_change,
// so an ERP booking drafts does not make every instance plan those models again. Confirming the
// draft names them (the purchase_order update trigger); tranches added to an order past draft
// (an amendment) still name theirs here.
export class PlanChangesSkipDrafts1795510000000 implements MigrationInterface {
  name = 'PlanChangesSkipDrafts1795510000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION plan_change_tranche_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO plan_change (txid, product_model_id)
        SELECT DISTINCT pg_current_xact_id()::text::bigint, t.product_model_id
          FROM new_rows t JOIN purchase_order o ON o.id = t.purchase_order_id
         WHERE o.status <> 'draft'
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`DROP TRIGGER tranche_plan_change_inserted ON "tranche"`);
    await queryRunner.query(
      `CREATE TRIGGER tranche_plan_change_inserted AFTER INSERT ON "tranche" REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION plan_change_tranche_inserted()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER tranche_plan_change_inserted ON "tranche"`);
    await queryRunner.query(
      `CREATE TRIGGER tranche_plan_change_inserted AFTER INSERT ON "tranche" REFERENCING NEW TABLE AS new_rows
         FOR EACH STATEMENT EXECUTE FUNCTION plan_change_inserted()`,
    );
    await queryRunner.query(`DROP FUNCTION plan_change_tranche_inserted()`);
  }
}
