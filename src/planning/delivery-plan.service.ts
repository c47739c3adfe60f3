import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { today } from '../common/dates';
import { ReferenceNotFoundError, ValidationFailedError } from '../common/errors';
import { Page } from '../common/pagination';
import { APP_CONFIG, AppConfig } from '../config/config';
import type { PlanForecastProvider, PlanForecastRow } from '../reports/forecast.service';
import {
  allocate,
  availability,
  CapacityRow,
  comparePlanOrder,
  deliveryMonths,
  OpenTranche,
} from './allocate';
import {
  AvailabilityDto,
  AvailabilityQueryDto,
  DeliveryPlanQueryDto,
  PlanTrancheDto,
  toPlanTrancheDto,
} from './delivery-plan.dto';
import {
  advance,
  BookState,
  combine,
  ComputedPlan,
  PLAN_STATE_SQL,
  PlanCache,
  PlanState,
} from './plan-cache';
import { EVERY_MODEL, NO_ORDER } from './plan-change.entity';
import {
  capacityFrom,
  currentOpenTranches,
  ModelFilter,
  openTranchesAsOf,
  PlanTrancheRow,
} from './plan.queries';

export type { ComputedPlan } from './plan-cache';

/** Cached plans hold at most this many tranches in all (about 33 MB per 100,000). */
const CACHE_TRANCHES = 1_000_000;
/** How often an instance prunes plan_change: rows older than one period go. */
const PRUNE_EVERY_MS = 10 * 60 * 1000;

export interface PlanForecastFilters {
  customerId?: string;
  segment?: string;
  region?: string;
  productModelId?: string;
}

/**
 * The delivery plan: one query for the open tranches, one for the capacity, both in one snapshot,
 * then the pure allocation, model by model (models never share capacity). Each instance keeps the
 * model plans it computed, with their tranches and capacity, and the snapshot they are current at.
 * A read first asks, in its own REPEATABLE READ snapshot, which models and orders any transaction
 * committed since has touched (plan_change, written by triggers in the writers' transactions),
 * reads again the tranches of those orders (or the capacity) and plans those models again; the
 * others are still exact. So every read reflects every committed change, on every instance,
 * whichever module or statement made it.
 */
@Injectable()
export class DeliveryPlanService implements PlanForecastProvider {
  private readonly cache = new PlanCache(CACHE_TRANCHES);
  private pruned = { at: Date.now(), xmin: null as number | null };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  today(): string {
    return today(this.config.businessTimeZone);
  }

  /** Runs reads in one snapshot, so tranches and capacity are from the same committed state. */
  read<T>(work: (db: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', work);
  }

  /**
   * The plan of the models (null: every model) as of the end of `asOf`, starting at its month,
   * computed now in `db`. From today on it plans the tranches' current figures; before today, the
   * units and ship dates in force that day. Capacity is always today's.
   */
  async planWith(
    db: EntityManager,
    asOf: string,
    modelIds: string[] | null,
  ): Promise<ComputedPlan> {
    const startMonth = asOf.slice(0, 7);
    const models = { only: modelIds };
    const { tranches, capacity } = await this.readBook(db, asOf, models, models);
    return { asOf, tranches, allocation: allocate({ startMonth, tranches, capacity }) };
  }

  /** The open tranches and the capacity of the models each filter names (none for null). */
  async readBook(
    db: EntityManager,
    asOf: string,
    tranchesOf: ModelFilter | null,
    capacityOf: ModelFilter | null,
  ) {
    const tranches = !tranchesOf
      ? []
      : asOf >= this.today()
        ? await currentOpenTranches(db, tranchesOf)
        : await openTranchesAsOf(db, asOf, tranchesOf);
    const capacity = capacityOf ? await capacityFrom(db, asOf.slice(0, 7), capacityOf) : [];
    return { tranches, capacity };
  }

  /**
   * planWith, reusing what this instance computed before: only what some transaction changed
   * since (plan_change, read in this transaction's snapshot) is read again — the tranches of the
   * orders it names, a model's capacity, or a model whole — and only those models are planned
   * again. `db` must be a REPEATABLE READ transaction (see read), so the check and the reads share
   * one snapshot. The plan may hold more models than asked for.
   */
  async currentPlan(
    db: EntityManager,
    asOf: string,
    modelIds: string[] | null,
  ): Promise<ComputedPlan> {
    const startMonth = asOf.slice(0, 7);
    const key = asOf >= this.today() ? `current ${startMonth}` : `as of ${asOf}`;
    const cached = this.cache.get(key);
    const [state] = (await db.query(PLAN_STATE_SQL, [cached?.snapshot ?? null])) as PlanState[];
    const book = advance(cached, state, { everyModel: EVERY_MODEL, noOrder: NO_ORDER });

    let read: ModelFilter | null = null;
    if (modelIds) {
      // A complete book holds every model with tranches or capacity: any other's plan is empty.
      const absent = modelIds.filter(
        (id) => !book.models.has(id) && (!book.complete || book.missing.has(id)),
      );
      if (absent.length > 0) read = { only: absent };
    } else if (!book.complete) {
      read = { only: null, except: [...book.models.keys()] };
    } else if (book.missing.size > 0) {
      read = { only: [...book.missing] };
    }
    const stale = (modelIds ?? [...book.refresh.keys()]).filter((id) => book.refresh.has(id));
    if (read) await this.readModels(db, asOf, book, read);
    if (stale.length > 0) await this.refreshModels(db, asOf, book, stale);
    this.cache.set(key, book);
    if (modelIds) {
      const nothing = {
        tranches: [],
        capacity: [],
        allocation: allocate({ startMonth, tranches: [], capacity: [] }),
      };
      return combine(
        asOf,
        startMonth,
        modelIds.map((id) => book.models.get(id) ?? nothing),
      );
    }
    book.whole ??= combine(asOf, startMonth, [...book.models.values()]);
    return book.whole;
  }

  /** Reads and plans the models `read` names, whole, into the book. */
  private async readModels(db: EntityManager, asOf: string, book: BookState, read: ModelFilter) {
    const startMonth = asOf.slice(0, 7);
    const { tranches, capacity } = await this.readBook(db, asOf, read, read);
    const byModel = new Map<string, { tranches: PlanTrancheRow[]; capacity: CapacityRow[] }>();
    const of = (id: string) => {
      if (!byModel.has(id)) byModel.set(id, { tranches: [], capacity: [] });
      return byModel.get(id)!;
    };
    for (const row of tranches) of(row.productModelId).tranches.push(row);
    for (const row of capacity) of(row.productModelId).capacity.push(row);
    // Models read and found empty are not kept: unknown ids must not fill the cache.
    for (const id of read.only ?? []) book.missing.delete(id);
    for (const [id, part] of byModel) {
      book.models.set(id, { ...part, allocation: allocate({ startMonth, ...part }) });
      book.refresh.delete(id);
    }
    if (!read.only) {
      book.complete = true;
      book.missing.clear();
    }
    book.whole = null;
  }

  /**
   * Brings the kept plans of the `stale` models up to date: their changed orders' tranches and,
   * where it changed, their capacity are read again (one query each) and put in place of what
   * the plan held; then each model is planned again.
   */
  private async refreshModels(db: EntityManager, asOf: string, book: BookState, stale: string[]) {
    const startMonth = asOf.slice(0, 7);
    const orders = new Set<string>();
    const capacityOf = stale.filter((id) => book.refresh.get(id)!.capacity);
    for (const id of stale) for (const order of book.refresh.get(id)!.orders) orders.add(order);
    const { tranches: fresh, capacity } = await this.readBook(
      db,
      asOf,
      orders.size > 0 ? { only: stale, orders: [...orders] } : null,
      capacityOf.length > 0 ? { only: capacityOf } : null,
    );
    const freshOf = new Map<string, PlanTrancheRow[]>();
    for (const row of fresh) {
      const rows = freshOf.get(row.productModelId);
      if (rows) rows.push(row);
      else freshOf.set(row.productModelId, [row]);
    }
    for (const id of stale) {
      const plan = book.models.get(id)!;
      const refresh = book.refresh.get(id)!;
      const tranches = plan.tranches.filter((t) => !refresh.orders.has(t.purchaseOrderId));
      // Another stale model's order may hold tranches of this model that did not change.
      for (const row of freshOf.get(id) ?? []) {
        if (refresh.orders.has(row.purchaseOrderId)) tranches.push(row);
      }
      const part = {
        tranches,
        capacity: refresh.capacity
          ? capacity.filter((row) => row.productModelId === id)
          : plan.capacity,
      };
      book.models.set(id, { ...part, allocation: allocate({ startMonth, ...part }) });
      book.refresh.delete(id);
    }
    book.whole = null;
  }

  /** The plan as of asOf (cached when current; see currentPlan). */
  async plan(asOf: string, modelIds: string[] | null): Promise<ComputedPlan> {
    const plan = await this.read((db) => this.currentPlan(db, asOf, modelIds));
    await this.pruneWhenDue();
    return plan;
  }

  /**
   * Drops plan_change rows no cached plan can need: those of transactions that had finished
   * before the xmin this instance noted one period ago. Any plan checked since has a snapshot
   * xmin at least that high; the horizon makes the others recompute. Cheap, and at most once a
   * period per instance.
   */
  async pruneWhenDue(now = Date.now()): Promise<void> {
    if (now - this.pruned.at < PRUNE_EVERY_MS) return;
    const below = this.pruned.xmin;
    this.pruned = { at: now, xmin: this.pruned.xmin };
    await this.dataSource.transaction(async (tx) => {
      if (below !== null) {
        await tx.query(
          'UPDATE plan_change_horizon SET txid = greatest(txid, $1::bigint) WHERE id = 1',
          [below],
        );
        await tx.query('DELETE FROM plan_change WHERE txid < $1::bigint', [below]);
      }
      const [row] = (await tx.query(
        'SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin',
      )) as { xmin: number }[];
      this.pruned = { at: now, xmin: Number(row.xmin) };
    });
  }

  async tranches(query: DeliveryPlanQueryDto): Promise<Page<PlanTrancheDto>> {
    const asOf = query.asOf ?? this.today();
    const after = query.cursor ? decodePlanCursor(query.cursor) : null;
    const limit = query.limit ?? 50;
    const computed = await this.read(async (db) => {
      let modelIds = query.productModelId ? [query.productModelId] : null;
      if (query.purchaseOrderId) {
        // Only the order's models matter to it; their plans need every order of those models.
        const rows = (await db.query(
          'SELECT DISTINCT product_model_id AS id FROM tranche WHERE purchase_order_id = $1',
          [query.purchaseOrderId],
        )) as { id: string }[];
        const ofOrder = rows.map((r) => r.id);
        modelIds = modelIds ? modelIds.filter((id) => ofOrder.includes(id)) : ofOrder;
        if (modelIds.length === 0) return null;
      }
      return this.currentPlan(db, asOf, modelIds);
    });
    await this.pruneWhenDue();
    if (!computed) return { items: [], nextCursor: null };

    const { tranches, allocation } = computed;
    const { order } = allocation;
    let position = after ? firstAfter(tranches, order, after) : 0;
    const items: PlanTrancheDto[] = [];
    let last: PlanTrancheRow | null = null;
    for (; position < order.length; position++) {
      const index = order[position];
      const row = tranches[index];
      if (query.productModelId && row.productModelId !== query.productModelId) continue;
      if (query.purchaseOrderId && row.purchaseOrderId !== query.purchaseOrderId) continue;
      if (query.status && allocation.status(index) !== query.status) continue;
      if (items.length === limit) {
        return { items, nextCursor: encodePlanCursor(last!) };
      }
      items.push(toPlanTrancheDto(row, allocation.plan(index)));
      last = row;
    }
    return { items, nextCursor: null };
  }

  async availability(query: AvailabilityQueryDto): Promise<AvailabilityDto> {
    const asOf = query.asOf ?? this.today();
    const { productModelId, quantity } = query;
    const computed = await this.read(async (db) => {
      const plan = await this.currentPlan(db, asOf, [productModelId]);
      // A model with tranches or capacity exists (foreign keys); only an empty plan needs asking.
      if (plan.tranches.length === 0 && !plan.allocation.models.has(productModelId)) {
        const model = (await db.query('SELECT 1 FROM product_model WHERE id = $1', [
          productModelId,
        ])) as unknown[];
        if (model.length === 0) {
          throw new ReferenceNotFoundError('productModelId', 'Product model', productModelId);
        }
      }
      return plan;
    });
    await this.pruneWhenDue();
    return {
      productModelId,
      quantity,
      asOf,
      ...availability(computed.allocation, productModelId, quantity),
    };
  }

  /**
   * The plan basis of the revenue forecast as of the end of `asOf`: for each open tranche of the
   * filtered book, its planned units per delivery month (each unit in the later of its production
   * month and the tranche's ship month) with the tranche's price, in plan order; and the units no
   * capacity can take, valued at their tranches' prices. The filters choose which tranches are
   * reported, never how capacity is shared: the plan itself is always the whole book's (of the
   * filtered model, when there is one).
   */
  async planForecast(
    asOf: string,
    filters: PlanForecastFilters,
  ): Promise<{ rows: PlanForecastRow[]; unscheduled: { units: number; valueCents: number } }> {
    const { computed, customers } = await this.read(async (db) => {
      const modelIds = filters.productModelId ? [filters.productModelId] : null;
      let customers: Set<string> | null = null;
      if (filters.customerId || filters.segment || filters.region) {
        const rows = (await db.query(
          `SELECT id FROM customer
            WHERE ($1::uuid IS NULL OR id = $1::uuid)
              AND ($2::text IS NULL OR segment = $2::text)
              AND ($3::text IS NULL OR region = $3::text)`,
          [filters.customerId ?? null, filters.segment ?? null, filters.region ?? null],
        )) as { id: string }[];
        customers = new Set(rows.map((r) => r.id));
      }
      return { computed: await this.currentPlan(db, asOf, modelIds), customers };
    });
    await this.pruneWhenDue();

    const rows: PlanForecastRow[] = [];
    const unscheduled = { units: 0, valueCents: 0 };
    const { tranches, allocation } = computed;
    for (const index of allocation.order) {
      const tranche = tranches[index];
      if (filters.productModelId && tranche.productModelId !== filters.productModelId) continue;
      if (customers && !customers.has(tranche.customerId)) continue;
      const plan = allocation.plan(index);
      for (const { month, units } of deliveryMonths(plan.plannedUnits, tranche.shipDate)) {
        rows.push({
          month,
          trancheId: tranche.trancheId,
          productModelId: tranche.productModelId,
          customerId: tranche.customerId,
          purchaseOrderId: tranche.purchaseOrderId,
          units,
          unitPriceCents: tranche.unitPriceCents,
        });
      }
      unscheduled.units += plan.unscheduledUnits;
      unscheduled.valueCents += plan.unscheduledUnits * tranche.unitPriceCents;
    }
    return { rows, unscheduled };
  }
}

type PlanKey = Pick<
  OpenTranche,
  'shipDate' | 'signedOn' | 'orderNumber' | 'sequence' | 'trancheId'
>;

// The cursor is the last item's place in the plan order, so a page follows on from the previous
// one even when the plan has changed in between.
function encodePlanCursor(row: PlanKey): string {
  return Buffer.from(
    JSON.stringify([row.shipDate, row.signedOn, row.orderNumber, row.sequence, row.trancheId]),
  ).toString('base64url');
}

function decodePlanCursor(cursor: string): OpenTranche {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 5 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string' &&
      typeof value[2] === 'string' &&
      Number.isInteger(value[3]) &&
      typeof value[4] === 'string'
    ) {
      const [shipDate, signedOn, orderNumber, sequence, trancheId] = value as [
        string,
        string,
        string,
        number,
        string,
      ];
      return {
        shipDate,
        signedOn,
        orderNumber,
        sequence,
        trancheId,
        productModelId: '',
        openUnits: 0,
      };
    }
  } catch {
    // Falls through to the error below.
  }
  throw new ValidationFailedError(
    'cursor: is not a cursor this API returned',
    [{ path: 'cursor', message: 'is not a cursor this API returned' }],
    'INVALID_CURSOR',
  );
}

/** The first position in plan order after the cursor's tranche (binary search). */
function firstAfter(tranches: OpenTranche[], order: number[], after: OpenTranche): number {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (comparePlanOrder(tranches[order[middle]], after) <= 0) low = middle + 1;
    else high = middle;
  }
  return low;
}
