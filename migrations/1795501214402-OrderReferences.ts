import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrderReferences1795501214402 implements MigrationInterface {
  name = 'OrderReferences1795501214402';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "purchase_order" ADD CONSTRAINT "purchase_order_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "order_line" ADD CONSTRAINT "order_line_product_model_id_fkey" FOREIGN KEY ("product_model_id") REFERENCES "product_model"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD CONSTRAINT "tranche_product_model_id_fkey" FOREIGN KEY ("product_model_id") REFERENCES "product_model"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD CONSTRAINT "tranche_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tranche" DROP CONSTRAINT "tranche_customer_id_fkey"`);
    await queryRunner.query(
      `ALTER TABLE "tranche" DROP CONSTRAINT "tranche_product_model_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "order_line" DROP CONSTRAINT "order_line_product_model_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "purchase_order" DROP CONSTRAINT "purchase_order_customer_id_fkey"`,
    );
  }
}
