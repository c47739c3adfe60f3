import { MigrationInterface, QueryRunner } from 'typeorm';

// An Idempotency-Key's claim carries a token (a retry that takes an abandoned key over gets a new
// one, so the first request can no longer complete or release it), and the transaction that
// applies the request's write stamps `applied_at` on the claim before it commits: a retry of a
// request whose answer was lost (the database went away between the commit and storing the
// answer) is never run a second time.
export class IdempotencyApplied1796323357543 implements MigrationInterface {
  name = 'IdempotencyApplied1796323357543';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_record" ADD "claim_token" uuid`);
    await queryRunner.query(
      `ALTER TABLE "idempotency_record" ADD "applied_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_record" DROP COLUMN "applied_at"`);
    await queryRunner.query(`ALTER TABLE "idempotency_record" DROP COLUMN "claim_token"`);
  }
}
