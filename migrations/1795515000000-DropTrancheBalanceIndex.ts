import { MigrationInterface, QueryRunner } from 'typeorm';

// Contract balances read order_segment now: no query uses this index, and every replay paid for it.
export class DropTrancheBalanceIndex1795515000000 implements MigrationInterface {
  name = 'DropTrancheBalanceIndex1795515000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "tranche_segment_balance_now_idx"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "tranche_segment_balance_now_idx" ON "tranche_segment" ("purchase_order_id", "customer_id")
         INCLUDE ("valid_from", "cash_cents", "shipped_value_cents", "shipped_cash_cents", "forfeited_cents", "pool_cents")
         WHERE valid_to IS NULL`,
    );
  }
}
