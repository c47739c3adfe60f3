import { MigrationInterface, QueryRunner } from 'typeorm';

export class IntegrationDeliveryRetention1795502838191 implements MigrationInterface {
  name = 'IntegrationDeliveryRetention1795502838191';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "webhook_delivery_done_idx" ON "webhook_delivery" ("updated_at") WHERE status IN ('delivered','dead')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_done_idx"`);
  }
}
