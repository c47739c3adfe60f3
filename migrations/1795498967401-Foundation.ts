import { MigrationInterface, QueryRunner } from 'typeorm';

export class Foundation1795498967401 implements MigrationInterface {
  name = 'Foundation1795498967401';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "idempotency_record" ("api_key_id" uuid NOT NULL, "key" character varying(255) NOT NULL, "request_hash" character(64) NOT NULL, "response_status" integer, "response_body" jsonb, "response_headers" jsonb, "locked_until" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8656092b9ddefc147ff3ab9a70e" PRIMARY KEY ("api_key_id", "key"))`);
    await queryRunner.query(`CREATE INDEX "idempotency_record_created_at_idx" ON "idempotency_record" ("created_at") `);
    await queryRunner.query(`CREATE TABLE "event" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "txid" bigint NOT NULL, "type" character varying(60) NOT NULL, "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "entity_type" character varying(40) NOT NULL, "entity_id" uuid NOT NULL, "data" jsonb NOT NULL, CONSTRAINT "PK_30c2f3bbaf6d34a55f8ae6e4614" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "event_entity_idx" ON "event" ("entity_type", "entity_id") `);
    await queryRunner.query(`CREATE INDEX "event_txid_id_idx" ON "event" ("txid", "id") `);
    await queryRunner.query(`CREATE TABLE "audit_log" ("id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL, "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "api_key_id" uuid, "actor_name" character varying(100) NOT NULL, "actor_role" character varying(20) NOT NULL, "action" character varying(40) NOT NULL, "entity_type" character varying(40) NOT NULL, "entity_id" uuid NOT NULL, "changes" jsonb NOT NULL, "request_id" character varying(64), CONSTRAINT "PK_07fefa57f7f5ab8fc3f52b3ed0b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "audit_log_at_idx" ON "audit_log" ("at") `);
    await queryRunner.query(`CREATE INDEX "audit_log_entity_idx" ON "audit_log" ("entity_type", "entity_id", "id") `);
    await queryRunner.query(`CREATE TABLE "api_key" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(100) NOT NULL, "role" character varying(20) NOT NULL, "key_hash" character(64) NOT NULL, "key_prefix" character varying(16) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "api_key_role_check" CHECK (role IN ('admin','sales','finance','operations','erp','viewer')), CONSTRAINT "PK_b1bd840641b8acbaad89c3d8d11" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "api_key_key_hash_key" ON "api_key" ("key_hash") `);
    await queryRunner.query(`CREATE INDEX "api_key_created_at_id_idx" ON "api_key" ("created_at", "id") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."api_key_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."api_key_key_hash_key"`);
    await queryRunner.query(`DROP TABLE "api_key"`);
    await queryRunner.query(`DROP INDEX "public"."audit_log_entity_idx"`);
    await queryRunner.query(`DROP INDEX "public"."audit_log_at_idx"`);
    await queryRunner.query(`DROP TABLE "audit_log"`);
    await queryRunner.query(`DROP INDEX "public"."event_txid_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."event_entity_idx"`);
    await queryRunner.query(`DROP TABLE "event"`);
    await queryRunner.query(`DROP INDEX "public"."idempotency_record_created_at_idx"`);
    await queryRunner.query(`DROP TABLE "idempotency_record"`);
  }
}
