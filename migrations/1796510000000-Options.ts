import { MigrationInterface, QueryRunner } from 'typeorm';

// Option units on tranches: offered at signing (option_quantity, option_exercise_by), made firm by
// dated exercises (option_exercise) that the replay bills as added units. An option tranche may
// start with no firm units, so a tranche needs at least one firm or option unit. The replay writes
// what remains to be exercised on each tranche segment and on the tranche. Existing tranches have
// no options: the defaults are their state.
export class Options1796510000000 implements MigrationInterface {
  name = 'Options1796510000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "option_exercise" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "purchase_order_id" uuid NOT NULL, "customer_id" uuid NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "tranche_id" uuid NOT NULL, "exercised_on" date NOT NULL, "quantity" integer NOT NULL, CONSTRAINT "option_exercise_quantity_check" CHECK (quantity >= 1), CONSTRAINT "PK_1ffc1028295828ab7db9f3b7379" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "option_exercise_tranche_id_idx" ON "option_exercise" ("tranche_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "option_exercise_purchase_order_id_idx" ON "option_exercise" ("purchase_order_id", "created_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD "option_quantity" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(`ALTER TABLE "tranche" ADD "option_exercise_by" date`);
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD "exercised_quantity" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD "option_units" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche_segment" ADD "option_units" integer NOT NULL DEFAULT '0'`,
    );
    await queryRunner.query(`ALTER TABLE "tranche" DROP CONSTRAINT "tranche_quantity_check"`);
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD CONSTRAINT "tranche_quantity_check" CHECK (quantity >= 1 OR option_quantity >= 1)`,
    );
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD CONSTRAINT "tranche_option_check" CHECK (option_quantity >= 0 AND exercised_quantity BETWEEN 0 AND option_quantity AND (option_quantity = 0) = (option_exercise_by IS NULL))`,
    );
    await queryRunner.query(
      `ALTER TABLE "option_exercise" ADD CONSTRAINT "option_exercise_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_order"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "option_exercise" ADD CONSTRAINT "option_exercise_tranche_id_fkey" FOREIGN KEY ("tranche_id") REFERENCES "tranche"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "option_exercise" DROP CONSTRAINT "option_exercise_tranche_id_fkey"`,
    );
    await queryRunner.query(
      `ALTER TABLE "option_exercise" DROP CONSTRAINT "option_exercise_purchase_order_id_fkey"`,
    );
    await queryRunner.query(`ALTER TABLE "tranche" DROP CONSTRAINT "tranche_option_check"`);
    await queryRunner.query(`ALTER TABLE "tranche" DROP CONSTRAINT "tranche_quantity_check"`);
    await queryRunner.query(
      `ALTER TABLE "tranche" ADD CONSTRAINT "tranche_quantity_check" CHECK (quantity >= 1)`,
    );
    await queryRunner.query(`ALTER TABLE "tranche_segment" DROP COLUMN "option_units"`);
    await queryRunner.query(`ALTER TABLE "tranche" DROP COLUMN "option_units"`);
    await queryRunner.query(`ALTER TABLE "tranche" DROP COLUMN "exercised_quantity"`);
    await queryRunner.query(`ALTER TABLE "tranche" DROP COLUMN "option_exercise_by"`);
    await queryRunner.query(`ALTER TABLE "tranche" DROP COLUMN "option_quantity"`);
    await queryRunner.query(`DROP INDEX "public"."option_exercise_purchase_order_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."option_exercise_tranche_id_idx"`);
    await queryRunner.query(`DROP TABLE "option_exercise"`);
  }
}
