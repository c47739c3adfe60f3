import { MigrationInterface, QueryRunner } from 'typeorm';

export class IntegrationDueBySubscription1795502484963 implements MigrationInterface {
  name = 'IntegrationDueBySubscription1795502484963';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_due_idx"`);
    await queryRunner.query(
      `CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery" ("subscription_id", "next_attempt_at") WHERE status IN ('pending','failed')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_due_idx"`);
    await queryRunner.query(
      `CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery" ("next_attempt_at") WHERE ((status)::text = ANY ((ARRAY['pending'::character varying, 'failed'::character varying])::text[]))`,
    );
  }
}
