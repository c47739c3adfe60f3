import { MigrationInterface, QueryRunner } from 'typeorm';

// People who sign in (users, sessions, setup tokens, sign-in throttling, single sign-on flows),
// owners and assignees in the CRM, and the audit log naming users beside API keys.
export class People1796294995290 implements MigrationInterface {
  name = 'People1796294995290';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "idempotency_record" RENAME COLUMN "api_key_id" TO "caller_id"`,
    );
    await queryRunner.query(
      `ALTER TABLE "idempotency_record" RENAME CONSTRAINT "PK_8656092b9ddefc147ff3ab9a70e" TO "PK_bdfc619c74b38ebc4950c6f8368"`,
    );
    await queryRunner.query(
      `CREATE TABLE "app_user" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "email" character varying(254) NOT NULL, "name" character varying(200) NOT NULL, "role" character varying(20) NOT NULL, "status" character varying(10) NOT NULL DEFAULT 'active', "password_hash" text, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "app_user_version_check" CHECK (version >= 1), CONSTRAINT "app_user_status_check" CHECK (status IN ('active','disabled')), CONSTRAINT "app_user_role_check" CHECK (role IN ('admin','sales','finance','operations','erp','viewer')), CONSTRAINT "PK_22a5c4a3d9b2fb8e4e73fc4ada1" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "app_user_created_at_id_idx" ON "app_user" ("created_at", "id") `,
    );
    // Emails are unique ignoring case (not expressible in the entity's decorators).
    await queryRunner.query(
      `CREATE UNIQUE INDEX "app_user_email_lower_key" ON "app_user" (lower("email"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "user_setup_token" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a5745241ee7cbbf582fc20dfe03" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "user_setup_token_token_hash_key" ON "user_setup_token" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "user_setup_token_user_id_idx" ON "user_setup_token" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "sign_in_throttle" ("email" character varying(254) NOT NULL, "attempts" integer NOT NULL, "window_started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "locked_until" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "sign_in_throttle_attempts_check" CHECK (attempts >= 0), CONSTRAINT "PK_c18a969ed3b9dd6a3c88b04f1d7" PRIMARY KEY ("email"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "user_session" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "user_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "csrf_token" character varying(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "last_seen_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_adf3b49590842ac3cf54cac451a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "user_session_token_hash_key" ON "user_session" ("token_hash") `,
    );
    await queryRunner.query(
      `CREATE INDEX "user_session_user_id_idx" ON "user_session" ("user_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "oidc_login" ("flow_hash" character(64) NOT NULL, "state" character varying(100) NOT NULL, "nonce" character varying(100) NOT NULL, "code_verifier" character varying(100) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_e3bfc38884d9b5fcd3d2828803c" PRIMARY KEY ("flow_hash"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "oidc_login_created_at_idx" ON "oidc_login" ("created_at") `,
    );
    await queryRunner.query(`ALTER TABLE "customer" ADD "owner_id" uuid`);
    // Rows written before users existed were API keys' or, without a key id, the system's (CLI,
    // demo data). A constant default adds the column without rewriting the table.
    await queryRunner.query(
      `ALTER TABLE "audit_log" ADD "actor_type" character varying(10) NOT NULL DEFAULT 'api_key'`,
    );
    await queryRunner.query(
      `UPDATE "audit_log" SET "actor_type" = 'system' WHERE "api_key_id" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "audit_log" ALTER COLUMN "actor_type" DROP DEFAULT`);
    await queryRunner.query(`ALTER TABLE "audit_log" ADD "user_id" uuid`);
    await queryRunner.query(`ALTER TABLE "opportunity" ADD "owner_id" uuid`);
    await queryRunner.query(`ALTER TABLE "activity" ADD "assignee_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "customer_owner_id_created_at_id_idx" ON "customer" ("owner_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "opportunity_owner_id_created_at_id_idx" ON "opportunity" ("owner_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "activity_assignee_id_idx" ON "activity" ("assignee_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "activity_assignee_open_task_idx" ON "activity" ("assignee_id", "created_at", "id") WHERE type = 'task' AND completed_at IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_type_check" CHECK (actor_type IN ('user','api_key','system'))`,
    );
    await queryRunner.query(
      `ALTER TABLE "customer" ADD CONSTRAINT "customer_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "opportunity" ADD CONSTRAINT "opportunity_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "activity" ADD CONSTRAINT "activity_assignee_id_fkey" FOREIGN KEY ("assignee_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_setup_token" ADD CONSTRAINT "user_setup_token_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_session" ADD CONSTRAINT "user_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "user_session" DROP CONSTRAINT "user_session_user_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "user_setup_token" DROP CONSTRAINT "user_setup_token_user_id_fkey"`,
    );
    await queryRunner.query(`ALTER TABLE "activity" DROP CONSTRAINT "activity_assignee_id_fkey"`);
    await queryRunner.query(
      `ALTER TABLE "opportunity" DROP CONSTRAINT "opportunity_owner_id_fkey"`,
    );
    await queryRunner.query(`ALTER TABLE "customer" DROP CONSTRAINT "customer_owner_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_actor_type_check"`);
    await queryRunner.query(`DROP INDEX "public"."activity_assignee_open_task_idx"`);
    await queryRunner.query(`DROP INDEX "public"."activity_assignee_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."opportunity_owner_id_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."customer_owner_id_created_at_id_idx"`);
    await queryRunner.query(`ALTER TABLE "activity" DROP COLUMN "assignee_id"`);
    await queryRunner.query(`ALTER TABLE "opportunity" DROP COLUMN "owner_id"`);
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "user_id"`);
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "actor_type"`);
    await queryRunner.query(`ALTER TABLE "customer" DROP COLUMN "owner_id"`);
    await queryRunner.query(`DROP INDEX "public"."oidc_login_created_at_idx"`);
    await queryRunner.query(`DROP TABLE "oidc_login"`);
    await queryRunner.query(`DROP INDEX "public"."user_session_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."user_session_token_hash_key"`);
    await queryRunner.query(`DROP TABLE "user_session"`);
    await queryRunner.query(`DROP TABLE "sign_in_throttle"`);
    await queryRunner.query(`DROP INDEX "public"."user_setup_token_user_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."user_setup_token_token_hash_key"`);
    await queryRunner.query(`DROP TABLE "user_setup_token"`);
    await queryRunner.query(`DROP INDEX "public"."app_user_email_lower_key"`);
    await queryRunner.query(`DROP INDEX "public"."app_user_created_at_id_idx"`);
    await queryRunner.query(`DROP TABLE "app_user"`);
    await queryRunner.query(
      `ALTER TABLE "idempotency_record" RENAME CONSTRAINT "PK_bdfc619c74b38ebc4950c6f8368" TO "PK_8656092b9ddefc147ff3ab9a70e"`,
    );
    await queryRunner.query(
      `ALTER TABLE "idempotency_record" RENAME COLUMN "caller_id" TO "api_key_id"`,
    );
  }
}
