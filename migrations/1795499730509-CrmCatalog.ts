import { MigrationInterface, QueryRunner } from 'typeorm';

export class CrmCatalog1795499730509 implements MigrationInterface {
  name = 'CrmCatalog1795499730509';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "customer" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "legal_name" character varying(200), "segment" character varying(30) NOT NULL, "country" character(2) NOT NULL, "region" character varying(5) NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'prospect', "external_ref" character varying(100), "account_owner" character varying(200), "default_payment_terms_code" character varying(40), "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "customer_version_check" CHECK (version >= 1), CONSTRAINT "customer_country_check" CHECK (country ~ '^[A-Z]{2}$'), CONSTRAINT "customer_region_check" CHECK (region IN ('NA','LATAM','EMEA','APAC')), CONSTRAINT "customer_status_check" CHECK (status IN ('prospect','active','inactive')), CONSTRAINT "customer_segment_check" CHECK (segment IN ('public_miner','investment_fund','hosting_provider','individual_operator')), CONSTRAINT "PK_a7a13f4cacb744524e44dfdad32" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "customer_created_at_id_idx" ON "customer" ("created_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "customer_status_idx" ON "customer" ("status") `);
    await queryRunner.query(`CREATE INDEX "customer_region_idx" ON "customer" ("region") `);
    await queryRunner.query(`CREATE INDEX "customer_segment_idx" ON "customer" ("segment") `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "customer_external_ref_key" ON "customer" ("external_ref") `,
    );
    // Names are unique ignoring case (not expressible in the entity's decorators).
    await queryRunner.query(
      `CREATE UNIQUE INDEX "customer_name_lower_key" ON "customer" (lower("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "product_model" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "sku" character varying(64) NOT NULL, "name" character varying(200) NOT NULL, "series" character varying(100) NOT NULL, "hashrate_ths" numeric(10,2) NOT NULL, "power_w" integer NOT NULL, "list_price_cents" bigint NOT NULL, "status" character varying(20) NOT NULL DEFAULT 'active', "released_on" date, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "product_model_version_check" CHECK (version >= 1), CONSTRAINT "product_model_list_price_cents_check" CHECK (list_price_cents >= 0), CONSTRAINT "product_model_power_w_check" CHECK (power_w > 0), CONSTRAINT "product_model_hashrate_ths_check" CHECK (hashrate_ths > 0), CONSTRAINT "product_model_status_check" CHECK (status IN ('announced','active','end_of_life')), CONSTRAINT "PK_deef06ea1075a8678683d25c718" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "product_model_created_at_id_idx" ON "product_model" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "product_model_status_idx" ON "product_model" ("status") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "product_model_sku_key" ON "product_model" ("sku") `,
    );
    await queryRunner.query(
      `CREATE TABLE "opportunity" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "product_model_id" uuid NOT NULL, "quantity" integer NOT NULL, "unit_price_cents" bigint NOT NULL, "stage" character varying(12) NOT NULL DEFAULT 'lead', "probability" smallint NOT NULL, "expected_close_on" date, "first_delivery_on" date, "purchase_order_id" uuid, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "opportunity_version_check" CHECK (version >= 1), CONSTRAINT "opportunity_converted_won_check" CHECK (purchase_order_id IS NULL OR stage = 'won'), CONSTRAINT "opportunity_probability_check" CHECK (probability BETWEEN 0 AND 100), CONSTRAINT "opportunity_unit_price_cents_check" CHECK (unit_price_cents >= 0), CONSTRAINT "opportunity_quantity_check" CHECK (quantity > 0), CONSTRAINT "opportunity_stage_check" CHECK (stage IN ('lead','qualified','proposal','negotiation','won','lost')), CONSTRAINT "PK_085fd6d6f4765325e6c16163568" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "opportunity_purchase_order_id_key" ON "opportunity" ("purchase_order_id") WHERE purchase_order_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "opportunity_created_at_id_idx" ON "opportunity" ("created_at", "id") `,
    );
    await queryRunner.query(`CREATE INDEX "opportunity_stage_idx" ON "opportunity" ("stage") `);
    await queryRunner.query(
      `CREATE INDEX "opportunity_product_model_id_idx" ON "opportunity" ("product_model_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "opportunity_customer_id_created_at_id_idx" ON "opportunity" ("customer_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "contact" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "name" character varying(200) NOT NULL, "email" character varying(254), "phone" character varying(50), "title" character varying(200), "is_primary" boolean NOT NULL DEFAULT false, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "contact_version_check" CHECK (version >= 1), CONSTRAINT "PK_2cbbe00f59ab6b3bb5b8d19f989" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "contact_primary_key" ON "contact" ("customer_id") WHERE is_primary`,
    );
    await queryRunner.query(
      `CREATE INDEX "contact_created_at_id_idx" ON "contact" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "contact_customer_id_created_at_id_idx" ON "contact" ("customer_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "activity" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "customer_id" uuid NOT NULL, "type" character varying(10) NOT NULL, "subject" character varying(200) NOT NULL, "body" text, "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "due_on" date, "completed_at" TIMESTAMP(3) WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "activity_version_check" CHECK (version >= 1), CONSTRAINT "activity_type_check" CHECK (type IN ('call','meeting','email','note','task')), CONSTRAINT "PK_24625a1d6b1b089c8ae206fe467" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "activity_open_task_idx" ON "activity" ("due_on", "created_at", "id") WHERE type = 'task' AND completed_at IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "activity_created_at_id_idx" ON "activity" ("created_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "activity_customer_id_occurred_at_idx" ON "activity" ("customer_id", "occurred_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "activity_customer_id_created_at_id_idx" ON "activity" ("customer_id", "created_at", "id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "opportunity" ADD CONSTRAINT "opportunity_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "opportunity" ADD CONSTRAINT "opportunity_product_model_id_fkey" FOREIGN KEY ("product_model_id") REFERENCES "product_model"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "contact" ADD CONSTRAINT "contact_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "activity" ADD CONSTRAINT "activity_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "customer"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "activity" DROP CONSTRAINT "activity_customer_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "contact" DROP CONSTRAINT "contact_customer_id_fkey"`);
    await queryRunner.query(
      `ALTER TABLE "opportunity" DROP CONSTRAINT "opportunity_product_model_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "opportunity" DROP CONSTRAINT "opportunity_customer_id_fkey"`,
    );
    await queryRunner.query(`DROP INDEX "public"."activity_customer_id_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."activity_customer_id_occurred_at_idx"`);
    await queryRunner.query(`DROP INDEX "public"."activity_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."activity_open_task_idx"`);
    await queryRunner.query(`DROP TABLE "activity"`);
    await queryRunner.query(`DROP INDEX "public"."contact_customer_id_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."contact_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."contact_primary_key"`);
    await queryRunner.query(`DROP TABLE "contact"`);
    await queryRunner.query(`DROP INDEX "public"."opportunity_customer_id_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."opportunity_product_model_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."opportunity_stage_idx"`);
    await queryRunner.query(`DROP INDEX "public"."opportunity_created_at_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."opportunity_purchase_order_id_key"`);
    await queryRunner.query(`DROP TABLE "opportunity"`);
    await queryRunner.query(`DROP INDEX "public"."product_model_sku_key"`);
    await queryRunner.query(`DROP INDEX "public"."product_model_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."product_model_created_at_id_idx"`);
    await queryRunner.query(`DROP TABLE "product_model"`);
    await queryRunner.query(`DROP INDEX "public"."customer_name_lower_key"`);
    await queryRunner.query(`DROP INDEX "public"."customer_external_ref_key"`);
    await queryRunner.query(`DROP INDEX "public"."customer_segment_idx"`);
    await queryRunner.query(`DROP INDEX "public"."customer_region_idx"`);
    await queryRunner.query(`DROP INDEX "public"."customer_status_idx"`);
    await queryRunner.query(`DROP INDEX "public"."customer_created_at_id_idx"`);
    await queryRunner.query(`DROP TABLE "customer"`);
  }
}
