import { MigrationInterface, QueryRunner } from 'typeorm';

// The per-key rate limit counted in PostgreSQL, so every instance enforces one total.
export class RateLimitWindow1796400000000 implements MigrationInterface {
  name = 'RateLimitWindow1796400000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "rate_limit_window" ("key" character varying(100) NOT NULL, "used" integer NOT NULL, "window_ends_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "rate_limit_window_used_check" CHECK (used >= 0), CONSTRAINT "PK_rate_limit_window" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "rate_limit_window_ends_at_idx" ON "rate_limit_window" ("window_ends_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "rate_limit_window_ends_at_idx"`);
    await queryRunner.query(`DROP TABLE "rate_limit_window"`);
  }
}
