import { MigrationInterface, QueryRunner } from 'typeorm';

// Factory capacity held for quotes; the plan reads the active holds of a model by expiry.
export class Holds1796500000000 implements MigrationInterface {
  name = 'Holds1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "hold" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "product_model_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "quantity" integer NOT NULL, "expires_on" date NOT NULL, "note" character varying(500), "status" character varying(20) NOT NULL DEFAULT 'active', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "released_at" TIMESTAMP(3) WITH TIME ZONE, "converted_at" TIMESTAMP(3) WITH TIME ZONE, "purchase_order_id" uuid, CONSTRAINT "hold_outcome_check" CHECK ((status = 'active' AND released_at IS NULL AND converted_at IS NULL AND purchase_order_id IS NULL)
   OR (status = 'released' AND released_at IS NOT NULL AND converted_at IS NULL AND purchase_order_id IS NULL)
   OR (status = 'converted' AND released_at IS NULL AND converted_at IS NOT NULL AND purchase_order_id IS NOT NULL)), CONSTRAINT "hold_status_check" CHECK (status IN ('active','released','converted')), CONSTRAINT "hold_quantity_check" CHECK (quantity >= 1), CONSTRAINT "PK_d955539abc6b1b33382b0d34f1b" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE INDEX "hold_purchase_order_id_idx" ON "hold" ("purchase_order_id") WHERE purchase_order_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "hold_active_by_model_idx" ON "hold" ("product_model_id", "expires_on") WHERE status = 'active'`,
    );
    await queryRunner.query(
      `CREATE INDEX "hold_product_model_id_created_at_id_idx" ON "hold" ("product_model_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "hold_customer_id_created_at_id_idx" ON "hold" ("customer_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "hold_created_at_id_idx" ON "hold" ("created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "hold" ADD CONSTRAINT "hold_product_model_id_fkey" FOREIGN KEY ("product_model_id") REFERENCES "product_model"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "hold" ADD CONSTRAINT "hold_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "hold" ADD CONSTRAINT "hold_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_order"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "hold" DROP CONSTRAINT "hold_purchase_order_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "hold" DROP CONSTRAINT "hold_customer_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "hold" DROP CONSTRAINT "hold_product_model_id_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."hold_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."hold_customer_id_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."hold_product_model_id_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."hold_active_by_model_idx"`);
    await queryRunner.query(`DROP INDEX "public"."hold_purchase_order_id_idx"`);
    await queryRunner.query(`DROP TABLE "hold"`);
  }
}
