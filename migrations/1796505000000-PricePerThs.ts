import { MigrationInterface, QueryRunner } from 'typeorm';

// Miner contracts priced per TH/s: a line's price per TH/s and the TH/s per unit it was priced at,
// the order's hash-rate tolerance, each shipped item's measured TH/s and true-up, and the part of
// recognised revenue that came from true-ups (kept in the forecast's covering index).
export class PricePerThs1796505000000 implements MigrationInterface {
  name = 'PricePerThs1796505000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "order_line" ADD "price_per_ths_cents" bigint, ADD "unit_hashrate_ths" numeric(10,2),
         ADD CONSTRAINT "order_line_price_per_ths_check"
           CHECK ((price_per_ths_cents IS NULL) = (unit_hashrate_ths IS NULL) AND (price_per_ths_cents IS NULL OR price_per_ths_cents >= 0))`,
    );
    await queryRunner.query(
      `ALTER TABLE "purchase_order" ADD "hashrate_tolerance_percent" numeric(4,2) NOT NULL DEFAULT '0',
         ADD CONSTRAINT "purchase_order_hashrate_tolerance_check"
           CHECK (hashrate_tolerance_percent >= 0 AND hashrate_tolerance_percent <= 10)`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_item" ADD "delivered_ths" numeric(14,2), ADD "true_up_cents" bigint NOT NULL DEFAULT '0',
         ADD CONSTRAINT "shipment_item_delivered_ths_check" CHECK (delivered_ths > 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "recognition" ADD "true_up_cents" bigint NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(`DROP INDEX "recognition_on_date_idx"`);
    await queryRunner.query(
      `CREATE INDEX "recognition_on_date_idx" ON "recognition" ("on_date")
         INCLUDE ("units", "amount_cents", "true_up_cents", "customer_id", "product_model_id", "purchase_order_id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "recognition_on_date_idx"`);
    await queryRunner.query(
      `CREATE INDEX "recognition_on_date_idx" ON "recognition" ("on_date")
         INCLUDE ("units", "amount_cents", "customer_id", "product_model_id", "purchase_order_id")`,
    );
    await queryRunner.query(`ALTER TABLE "recognition" DROP COLUMN "true_up_cents"`);
    await queryRunner.query(
      `ALTER TABLE "shipment_item" DROP CONSTRAINT "shipment_item_delivered_ths_check", DROP COLUMN "true_up_cents", DROP COLUMN "delivered_ths"`,
    );
    await queryRunner.query(
      `ALTER TABLE "purchase_order" DROP CONSTRAINT "purchase_order_hashrate_tolerance_check", DROP COLUMN "hashrate_tolerance_percent"`,
    );
    await queryRunner.query(
      `ALTER TABLE "order_line" DROP CONSTRAINT "order_line_price_per_ths_check", DROP COLUMN "unit_hashrate_ths", DROP COLUMN "price_per_ths_cents"`,
    );
  }
}
