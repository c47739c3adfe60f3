import { MigrationInterface, QueryRunner } from 'typeorm';

export class Integration1795500281111 implements MigrationInterface {
  name = 'Integration1795500281111';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_subscription" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "url" character varying(2000) NOT NULL, "events" character varying(60) array NOT NULL, "secret" character varying(200) NOT NULL, "active" boolean NOT NULL DEFAULT true, "disabled_reason" character varying(200), "failing_since" TIMESTAMP(3) WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "webhook_subscription_version_check" CHECK (version >= 1), CONSTRAINT "webhook_subscription_secret_check" CHECK (length(secret) >= 16), CONSTRAINT "webhook_subscription_events_check" CHECK (cardinality(events) >= 1), CONSTRAINT "webhook_subscription_url_check" CHECK (url ~ '^https?://'), CONSTRAINT "PK_b52cb4811c5ada4f42896c37ba8" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_subscription_created_at_id_idx" ON "webhook_subscription" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_delivery" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "subscription_id" uuid NOT NULL, "event_id" bigint NOT NULL, "event_type" character varying(60) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'pending', "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE DEFAULT now(), "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "lease_token" uuid, "last_attempt_at" TIMESTAMP(3) WITH TIME ZONE, "last_attempt_by" character varying(120), "last_status_code" integer, "last_error" character varying(500), "delivered_at" TIMESTAMP(3) WITH TIME ZONE, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "webhook_delivery_due_check" CHECK ((status IN ('pending','failed')) = (next_attempt_at IS NOT NULL)), CONSTRAINT "webhook_delivery_attempts_check" CHECK (attempts >= 0), CONSTRAINT "webhook_delivery_status_check" CHECK (status IN ('pending','delivered','failed','dead')), CONSTRAINT "PK_b1ae290239a778f12399db91354" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_delivery_due_idx" ON "webhook_delivery" ("next_attempt_at") WHERE status IN ('pending','failed')`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_delivery_event_id_idx" ON "webhook_delivery" ("event_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_delivery_subscription_id_created_at_id_idx" ON "webhook_delivery" ("subscription_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_delivery_subscription_id_event_id_key" ON "webhook_delivery" ("subscription_id", "event_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_cursor" ("name" character varying(40) NOT NULL, "txid" bigint NOT NULL, "event_id" bigint NOT NULL, "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9c42b323534f74f66fb5d3054d1" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_subscription_id_fkey" FOREIGN KEY ("subscription_id") REFERENCES "webhook_subscription"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" ADD CONSTRAINT "webhook_delivery_event_id_fkey" FOREIGN KEY ("event_id") REFERENCES "event"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // The fan-out starts after every event already written: no subscription can want those.
    await queryRunner.query(
      `INSERT INTO webhook_cursor (name, txid, event_id) SELECT 'webhooks', COALESCE(MAX(txid), 0), COALESCE(MAX(id), 0) FROM event`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" DROP CONSTRAINT "webhook_delivery_event_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_delivery" DROP CONSTRAINT "webhook_delivery_subscription_id_fkey"`,
    );
    await queryRunner.query(`DROP TABLE "webhook_cursor"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_subscription_id_event_id_key"`);
    await queryRunner.query(
      `DROP INDEX "public"."webhook_delivery_subscription_id_created_at_id_idx"`,
    );
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_event_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_delivery_due_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_delivery"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_subscription_created_at_id_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_subscription"`);
  }
}
