import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/** Reads and bumps the per-model plan versions (see PlanVersion). */
@Injectable()
export class PlanVersionRepository {
  /**
   * Marks the plans of these models changed, in the writer's transaction `tx`. The rows are
   * locked in id order, so two writers of overlapping models never deadlock on them.
   */
  async bump(tx: EntityManager, productModelIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(productModelIds)].sort();
    if (ids.length === 0) return;
    await tx.query(
      `INSERT INTO plan_version (product_model_id, version)
       SELECT id, 1 FROM unnest($1::uuid[]) AS id ORDER BY id
       ON CONFLICT (product_model_id) DO UPDATE SET version = plan_version.version + 1`,
      [ids],
    );
  }

  /**
   * The plan version of every product model (null: all of them), 0 for a model never bumped; read
   * in `db`'s snapshot, which the plan's reads of tranches and capacity must share.
   */
  async versions(
    db: EntityManager,
    productModelIds: string[] | null,
  ): Promise<Map<string, number>> {
    const rows: { id: string; version: number }[] = await db.query(
      `SELECT m.id, coalesce(v.version, 0) AS version
         FROM product_model m LEFT JOIN plan_version v ON v.product_model_id = m.id
        WHERE $1::uuid[] IS NULL OR m.id = ANY($1::uuid[])`,
      [productModelIds],
    );
    return new Map(rows.map((row) => [row.id, row.version]));
  }
}
