import { MigrationInterface, QueryRunner } from 'typeorm';

export class PlanVersions1796290370384 implements MigrationInterface {
  name = 'PlanVersions1796290370384';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "plan_version" ("product_model_id" uuid NOT NULL, "version" bigint NOT NULL, CONSTRAINT "plan_version_version_check" CHECK (version >= 1), CONSTRAINT "PK_7c80e92bd60b77175a428b16458" PRIMARY KEY ("product_model_id"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "plan_version" ADD CONSTRAINT "plan_version_product_model_id_fkey" FOREIGN KEY ("product_model_id") REFERENCES "product_model"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "plan_version" DROP CONSTRAINT "plan_version_product_model_id_fkey"`,
    );
    await queryRunner.query(`DROP TABLE "plan_version"`);
  }
}
