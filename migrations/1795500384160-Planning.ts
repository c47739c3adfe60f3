import { MigrationInterface, QueryRunner } from 'typeorm';

export class Planning1795500384160 implements MigrationInterface {
  name = 'Planning1795500384160';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "production_capacity" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "product_model_id" uuid NOT NULL, "month" date NOT NULL, "units" integer NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "production_capacity_units_check" CHECK (units >= 0), CONSTRAINT "production_capacity_month_check" CHECK (EXTRACT(DAY FROM month) = 1), CONSTRAINT "PK_b6975948c2c46a70bb9c31e310b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "production_capacity_month_product_model_id_idx" ON "production_capacity" ("month", "product_model_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "production_capacity_product_model_id_month_key" ON "production_capacity" ("product_model_id", "month") `);
    await queryRunner.query(`ALTER TABLE "production_capacity" ADD CONSTRAINT "production_capacity_product_model_id_fkey" FOREIGN KEY ("product_model_id") REFERENCES "product_model"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "production_capacity" DROP CONSTRAINT "production_capacity_product_model_id_fkey"`);
    await queryRunner.query(`DROP INDEX "public"."production_capacity_product_model_id_month_key"`);
    await queryRunner.query(`DROP INDEX "public"."production_capacity_month_product_model_id_idx"`);
    await queryRunner.query(`DROP TABLE "production_capacity"`);
  }
}
