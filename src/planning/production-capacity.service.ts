import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { assertOrderedRange } from '../common/dates';
import { ReferenceNotFoundError, ValidationFailedError } from '../common/errors';
import { Page } from '../common/pagination';
import { ModelLoad, plannedIn, plannedInLoad } from './allocate';
import { DeliveryPlanService } from './delivery-plan.service';
import { PlanVersionRepository } from './plan-version.repository';
import {
  CapacityBatchDto,
  CapacityDto,
  CapacityQueryDto,
  PutCapacityDto,
  toCapacityDto,
} from './production-capacity.dto';

interface CapacityRow {
  productModelId: string;
  month: string;
  units: number;
}

const ROW = `product_model_id AS "productModelId", to_char(month, 'YYYY-MM') AS month, units`;

@Injectable()
export class ProductionCapacityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly plans: DeliveryPlanService,
    private readonly versions: PlanVersionRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates or replaces the capacity rows sent, all or none. One audit record and one
   * `capacity.updated` event per request: the change is the batch, so its entity id is a fresh
   * uuid naming the batch, and before/after list the rows it touched.
   */
  async put(body: PutCapacityDto): Promise<CapacityBatchDto> {
    const items = body.items;
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
      const key = `${item.productModelId.toLowerCase()}|${item.month}`;
      const first = seen.get(key);
      if (first !== undefined) {
        throw new ValidationFailedError(`items[${i}]: repeats items[${first}]`, [
          { path: `items[${i}].month`, message: `repeats the model and month of items[${first}]` },
        ]);
      }
      seen.set(key, i);
    });

    return this.dataSource.transaction(async (tx) => {
      const modelIds = [...new Set(items.map((item) => item.productModelId.toLowerCase()))];
      // Share-locked: a model cannot disappear before the rows referring to it are written.
      const known = (await tx.query(
        'SELECT id FROM product_model WHERE id = ANY($1::uuid[]) FOR KEY SHARE',
        [modelIds],
      )) as { id: string }[];
      const knownIds = new Set(known.map((row) => row.id));
      const missing = items.findIndex((item) => !knownIds.has(item.productModelId.toLowerCase()));
      if (missing >= 0) {
        throw new ReferenceNotFoundError(
          `items[${missing}].productModelId`,
          'Product model',
          items[missing].productModelId,
        );
      }

      const models = items.map((item) => item.productModelId.toLowerCase());
      const months = items.map((item) => `${item.month}-01`);
      const before = (await tx.query(
        `SELECT ${ROW} FROM production_capacity
          WHERE (product_model_id, month) IN (SELECT * FROM unnest($1::uuid[], $2::date[]))
          ORDER BY month, product_model_id
          FOR UPDATE`,
        [models, months],
      )) as CapacityRow[];
      const written = (await tx.query(
        `INSERT INTO production_capacity (product_model_id, month, units)
         SELECT * FROM unnest($1::uuid[], $2::date[], $3::int[])
         ON CONFLICT (product_model_id, month)
         DO UPDATE SET units = EXCLUDED.units, updated_at = now()
         RETURNING ${ROW}`,
        [models, months, items.map((item) => item.units)],
      )) as CapacityRow[];
      const byKey = new Map(written.map((row) => [`${row.productModelId}|${row.month}`, row]));
      const stored = items.map((item, i) => byKey.get(`${models[i]}|${item.month}`)!);
      await this.versions.bump(tx, modelIds);

      // What the plan makes of the new capacity, from this transaction's own view.
      const plan = await this.plans.planWith(tx, this.clock.today(), modelIds);
      const after = stored.map((row) =>
        toCapacityDto(row, plannedIn(plan.allocation, row.productModelId, row.month)),
      );
      await this.audit.record(tx, {
        entityType: 'capacity',
        entityId: randomUUID(),
        action: 'updated',
        before: { items: before },
        after: { items: stored },
      });
      return { items: after };
    });
  }

  /** Rows in month order, then model; planned and spare units from the current plan. */
  async list(query: CapacityQueryDto): Promise<Page<CapacityDto>> {
    assertOrderedRange(query.from, query.to);
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCapacityCursor(query.cursor) : null;
    return this.plans.read(async (db) => {
      const rows = (await db.query(
        `SELECT ${ROW} FROM production_capacity
          WHERE ($1::uuid IS NULL OR product_model_id = $1::uuid)
            AND ($2::date IS NULL OR month >= $2::date)
            AND ($3::date IS NULL OR month <= $3::date)
            AND ($4::date IS NULL OR (month, product_model_id) > ($4::date, $5::uuid))
          ORDER BY month, product_model_id
          LIMIT $6`,
        [
          query.productModelId ?? null,
          query.from ? `${query.from}-01` : null,
          query.to ? `${query.to}-01` : null,
          after ? `${after.month}-01` : null,
          after?.productModelId ?? null,
          limit + 1,
        ],
      )) as CapacityRow[];
      const page = rows.slice(0, limit);
      const modelIds = [...new Set(page.map((row) => row.productModelId))];
      // Only the load of the page's models, each from its kept plan: never the whole plan.
      const loads =
        modelIds.length > 0
          ? await this.plans.modelLoads(db, this.clock.today(), modelIds)
          : new Map<string, ModelLoad>();
      const last = page[page.length - 1];
      return {
        items: page.map((row) =>
          toCapacityDto(row, plannedInLoad(loads.get(row.productModelId), row.month)),
        ),
        nextCursor: rows.length > limit ? encodeCapacityCursor(last) : null,
      };
    });
  }
}

function encodeCapacityCursor(row: CapacityRow): string {
  return Buffer.from(`${row.month}|${row.productModelId}`).toString('base64url');
}

function decodeCapacityCursor(cursor: string): { month: string; productModelId: string } {
  const [month, productModelId] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (
    !/^\d{4}-(0[1-9]|1[0-2])$/.test(month ?? '') ||
    !/^[0-9a-f-]{36}$/.test(productModelId ?? '')
  ) {
    throw new ValidationFailedError(
      'cursor: is not a cursor this API returned',
      [{ path: 'cursor', message: 'is not a cursor this API returned' }],
      'INVALID_CURSOR',
    );
  }
  return { month, productModelId };
}
