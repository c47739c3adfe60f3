import { MigrationInterface, QueryRunner } from 'typeorm';

export class ForecastSnapshots1795499897694 implements MigrationInterface {
  name = 'ForecastSnapshots1795499897694';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "forecast_snapshot" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" character varying(200) NOT NULL, "taken_on" date NOT NULL, "from_month" character varying(7) NOT NULL, "to_month" character varying(7) NOT NULL, "granularity" character varying(8) NOT NULL, "basis" character varying(8) NOT NULL, "forecast" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "forecast_snapshot_basis_check" CHECK (basis IN ('contract','plan')), CONSTRAINT "forecast_snapshot_granularity_check" CHECK (granularity IN ('month','quarter')), CONSTRAINT "PK_589198783c55a600a4b4836790c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "forecast_snapshot_created_at_id_idx" ON "forecast_snapshot" ("created_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."forecast_snapshot_created_at_id_idx"`);
    await queryRunner.query(`DROP TABLE "forecast_snapshot"`);
  }
}
