import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reports as of today read these with index-only scans instead of the whole history. */
export class OrderBookNowIndexes1795501700000 implements MigrationInterface {
  name = 'OrderBookNowIndexes1795501700000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "tranche_segment_open_now_idx" ON "tranche_segment" ("customer_id", "purchase_order_id", "product_model_id")
         INCLUDE ("open_units", "unit_price_cents", "ship_date", "valid_from")
         WHERE valid_to IS NULL AND open_units > 0`,
    );
    await queryRunner.query(
      `CREATE INDEX "tranche_segment_balance_now_idx" ON "tranche_segment" ("purchase_order_id", "customer_id")
         INCLUDE ("valid_from", "cash_cents", "shipped_value_cents", "shipped_cash_cents", "forfeited_cents", "pool_cents")
         WHERE valid_to IS NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "tranche_segment_balance_now_idx"`);
    await queryRunner.query(`DROP INDEX "tranche_segment_open_now_idx"`);
  }
}
