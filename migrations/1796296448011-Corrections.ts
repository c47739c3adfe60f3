import { MigrationInterface, QueryRunner } from 'typeorm';

// Corrections (SPEC §10): dated reversals of payments and shipments and refunds of unapplied
// credit, each a row the replay applies (nothing booked is edited); the ERP's externalRef on
// payments and shipments, unique per kind; and a tranche's price at booking kept apart from the
// price in force, which price changes move.

export class Corrections1796296448011 implements MigrationInterface {
  name = 'Corrections1796296448011';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "shipment_reversal" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "shipment_id" uuid NOT NULL, "purchase_order_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "reversed_on" date NOT NULL, "reason" character varying(500) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_3fa64f30a9bbabe1e2b0ac4e617" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "shipment_reversal_reversed_on_idx" ON "shipment_reversal" ("reversed_on") `,
    );
    await queryRunner.query(
      `CREATE INDEX "shipment_reversal_customer_id_idx" ON "shipment_reversal" ("customer_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "shipment_reversal_purchase_order_id_idx" ON "shipment_reversal" ("purchase_order_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "shipment_reversal_shipment_id_key" ON "shipment_reversal" ("shipment_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "refund" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "purchase_order_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "amount_cents" bigint NOT NULL, "paid_on" date NOT NULL, "reference" character varying(100), "external_ref" character varying(100), "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "refund_amount_check" CHECK (amount_cents > 0), CONSTRAINT "PK_f1cefa2e60d99b206c46c1116e5" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "refund_external_ref_key" ON "refund" ("external_ref") WHERE external_ref IS NOT NULL`,
    );
    await queryRunner.query(`CREATE INDEX "refund_paid_on_idx" ON "refund" ("paid_on") `);
    await queryRunner.query(`CREATE INDEX "refund_customer_id_idx" ON "refund" ("customer_id") `);
    await queryRunner.query(
      `CREATE INDEX "refund_purchase_order_id_idx" ON "refund" ("purchase_order_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "payment_reversal" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "payment_id" uuid NOT NULL, "purchase_order_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "reversed_on" date NOT NULL, "reason" character varying(500) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5b312e0c585f4dcf6d4ccd616c9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "payment_reversal_reversed_on_idx" ON "payment_reversal" ("reversed_on") `,
    );
    await queryRunner.query(
      `CREATE INDEX "payment_reversal_customer_id_idx" ON "payment_reversal" ("customer_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "payment_reversal_purchase_order_id_idx" ON "payment_reversal" ("purchase_order_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payment_reversal_payment_id_key" ON "payment_reversal" ("payment_id") `,
    );
    // The price a tranche was booked at; unit_price_cents becomes the price in force now.
    await queryRunner.query(`ALTER TABLE "tranche" ADD "contract_unit_price_cents" bigint`);
    await queryRunner.query(
      `UPDATE "tranche" SET "contract_unit_price_cents" = "unit_price_cents"`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" ALTER COLUMN "contract_unit_price_cents" SET NOT NULL`,
    );
    // A tranche inserted without it is booked at the unit price it is inserted with (a column
    // default cannot name another column).
    await queryRunner.query(`
      CREATE FUNCTION tranche_contract_unit_price() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.contract_unit_price_cents := coalesce(NEW.contract_unit_price_cents, NEW.unit_price_cents);
        RETURN NEW;
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER tranche_contract_unit_price BEFORE INSERT ON "tranche"
         FOR EACH ROW EXECUTE FUNCTION tranche_contract_unit_price()`,
    );
    await queryRunner.query(`ALTER TABLE "shipment" ADD "external_ref" character varying(100)`);
    await queryRunner.query(`ALTER TABLE "payment" ADD "external_ref" character varying(100)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "shipment_external_ref_key" ON "shipment" ("external_ref") WHERE external_ref IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "payment_external_ref_key" ON "payment" ("external_ref") WHERE external_ref IS NOT NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD CONSTRAINT "tranche_contract_unit_price_check" CHECK (contract_unit_price_cents >= 0)`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_reversal" ADD CONSTRAINT "shipment_reversal_shipment_id_fkey" FOREIGN KEY ("shipment_id") REFERENCES "shipment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_reversal" ADD CONSTRAINT "shipment_reversal_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_order"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_reversal" ADD CONSTRAINT "shipment_reversal_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "refund" ADD CONSTRAINT "refund_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_order"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "refund" ADD CONSTRAINT "refund_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_reversal" ADD CONSTRAINT "payment_reversal_payment_id_fkey" FOREIGN KEY ("payment_id") REFERENCES "payment"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_reversal" ADD CONSTRAINT "payment_reversal_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_order"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_reversal" ADD CONSTRAINT "payment_reversal_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "payment_reversal" DROP CONSTRAINT "payment_reversal_customer_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_reversal" DROP CONSTRAINT "payment_reversal_purchase_order_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "payment_reversal" DROP CONSTRAINT "payment_reversal_payment_id_fkey"`,
    );
    await queryRunner.query(`ALTER TABLE "refund" DROP CONSTRAINT "refund_customer_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "refund" DROP CONSTRAINT "refund_purchase_order_id_fkey"`);
    await queryRunner.query(
      `ALTER TABLE "shipment_reversal" DROP CONSTRAINT "shipment_reversal_customer_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_reversal" DROP CONSTRAINT "shipment_reversal_purchase_order_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "shipment_reversal" DROP CONSTRAINT "shipment_reversal_shipment_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" DROP CONSTRAINT "tranche_contract_unit_price_check"`,
    );
    await queryRunner.query(`DROP INDEX "public"."payment_external_ref_key"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_external_ref_key"`);
    await queryRunner.query(`ALTER TABLE "payment" DROP COLUMN "external_ref"`);
    await queryRunner.query(`ALTER TABLE "shipment" DROP COLUMN "external_ref"`);
    await queryRunner.query(`DROP TRIGGER tranche_contract_unit_price ON "tranche"`);
    await queryRunner.query(`DROP FUNCTION tranche_contract_unit_price()`);
    await queryRunner.query(`ALTER TABLE "tranche" DROP COLUMN "contract_unit_price_cents"`);
    await queryRunner.query(`DROP INDEX "public"."payment_reversal_payment_id_key"`);
    await queryRunner.query(`DROP INDEX "public"."payment_reversal_purchase_order_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."payment_reversal_customer_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."payment_reversal_reversed_on_idx"`);
    await queryRunner.query(`DROP TABLE "payment_reversal"`);
    await queryRunner.query(`DROP INDEX "public"."refund_purchase_order_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."refund_customer_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."refund_paid_on_idx"`);
    await queryRunner.query(`DROP INDEX "public"."refund_external_ref_key"`);
    await queryRunner.query(`DROP TABLE "refund"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_reversal_shipment_id_key"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_reversal_purchase_order_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_reversal_customer_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."shipment_reversal_reversed_on_idx"`);
    await queryRunner.query(`DROP TABLE "shipment_reversal"`);
  }
}
