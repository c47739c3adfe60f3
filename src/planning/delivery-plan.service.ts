import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { Consistency, ReadDatabase } from '../database/read-database';
import { ReferenceNotFoundError, ValidationFailedError } from '../common/errors';
import { decodeCursor, encodeCursor, Page } from '../common/pagination';
import {
  allocate,
  availability,
  CapacityRow,
  comparePlanOrder,
  deliveryMonths,
  ModelLoad,
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
  combine,
  ComputedPlan,
  keepPlans,
  KeptPlans,
  ModelPlan,
  PlanCache,
  staleModels,
} from './plan-cache';
import { PlanVersionRepository } from './plan-version.repository';
import { placeHolds } from './holds/hold-placement';
import { PlanHoldDto, PlanHoldQueryDto, toPlanHoldDto } from './holds/hold.dto';
import { HoldRepository, PlanHoldRow } from './holds/hold.repository';
import {
  capacityFrom,
  currentOpenTranches,
  customersMatching,
  modelsOfOrder,
  openTranchesAsOf,
  PlanTrancheRow,
} from './plan.queries';

export type { ComputedPlan } from './plan-cache';

/** Kept plans hold at most this many tranches in all (about 33 MB per 100,000). */
const KEPT_TRANCHES = 1_000_000;

export interface PlanForecastFilters {
  customerId?: string;
  segment?: string;
  region?: string;
  productModelId?: string;
}

/** What the delivery plan contributes to a plan-basis revenue forecast. */
export interface PlanForecastRow {
  /** The month the units ship: the later of their production month and the tranche's ship month. */
  month: string;
  trancheId: string;
  productModelId: string;
  customerId: string;
  purchaseOrderId: string;
  units: number;
  unitPriceCents: number;
}

export interface PlanForecast {
  rows: PlanForecastRow[];
  /** The units no capacity can take, valued at their tranches' prices. */
  unscheduled: { units: number; valueCents: number };
}

/**
 * The delivery plan: the open tranches and the capacity read in one snapshot, then the pure
 * allocation, model by model (models never share capacity). Each instance keeps the model plans
 * it computed with the version of each model they were computed at (PlanVersion, bumped by every
 * service that changes a model's open tranches or capacity, in its transaction). A read takes the
 * versions in its own REPEATABLE READ snapshot, uses a kept plan whose version is the one it sees,
 * and reads and plans again, whole, each model whose version moved; so every read reflects every
 * committed change, on every instance.
 */
@Injectable()
export class DeliveryPlanService {
  private readonly cache = new PlanCache(KEPT_TRANCHES);
  /** The day the current plans kept are of. */
  private keptDay: string | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly versions: PlanVersionRepository,
    private readonly readDatabase: ReadDatabase,
    private readonly holdRows: HoldRepository,
  ) {}

  /**
   * Runs reads in one snapshot, so versions, tranches and capacity are of one committed state:
   * on the primary (`strong`, the default) or on the read replica (`eventual`). The kept plans
   * serve both: a plan is kept with the version read in the snapshot its tranches and capacity
   * were read in, and used only by a read that sees that same version, so a replica behind the
   * primary plans (and keeps) the older state it shows without passing it off as the newer one.
   */
  read<T>(
    work: (db: EntityManager) => Promise<T>,
    consistency: Consistency = 'strong',
  ): Promise<T> {
    return this.readDatabase.for(consistency).transaction('REPEATABLE READ', work);
  }

  /**
   * The plan of the models (null: every model) as of the end of `asOf`, starting at its month,
   * computed afresh in `db` and kept nowhere: fit for a writer's transaction, whose changes are
   * not committed yet. From today on it plans the tranches' current figures; before today, the
   * units and ship dates in force that day. Capacity is always today's.
   */
  async planWith(
    db: EntityManager,
    asOf: string,
    modelIds: string[] | null,
  ): Promise<ComputedPlan> {
    const { tranches, capacity } = await this.readPlanInputs(db, asOf, modelIds);
    const allocation = allocate({ startMonth: asOf.slice(0, 7), tranches, capacity });
    return { tranches, allocation };
  }

  /** The open tranches and the capacity the plan of these models (null: all) is computed from. */
  private async readPlanInputs(db: EntityManager, asOf: string, modelIds: string[] | null) {
    const tranches =
      asOf >= this.clock.today()
        ? await currentOpenTranches(db, modelIds)
        : await openTranchesAsOf(db, asOf, modelIds);
    const capacity = await capacityFrom(db, asOf.slice(0, 7), modelIds);
    return { tranches, capacity };
  }

  /**
   * planWith, reusing the model plans this instance keeps: in `db`'s snapshot, a kept plan whose
   * model's version is unchanged is used as it is; the other models asked for are read again (one
   * query for their tranches, one for their capacity) and planned again, and kept. `db` must be a
   * REPEATABLE READ transaction that writes nothing (see read): the versions and the reads after
   * them share its snapshot, and no plan of uncommitted changes is kept. Ids of no model are left
   * out.
   */
  async currentPlan(
    db: EntityManager,
    asOf: string,
    modelIds: string[] | null,
  ): Promise<ComputedPlan> {
    const { kept, ids } = await this.modelPlans(db, asOf, modelIds);
    const startMonth = asOf.slice(0, 7);
    if (!modelIds) {
      kept.whole ??= combine(startMonth, [...kept.models.values()]);
      return kept.whole;
    }
    return combine(
      startMonth,
      ids.map((id) => kept.models.get(id)!),
    );
  }

  /**
   * The month-by-month load (capacity and planned units) of each of these models, from the kept
   * model plans brought up to `db`'s snapshot (see currentPlan): no plan of several models is
   * combined, so the cost is that of the models' versions when nothing changed, whatever the size of
   * the book. Ids of no model are left out.
   */
  async modelLoads(
    db: EntityManager,
    asOf: string,
    modelIds: string[],
  ): Promise<Map<string, ModelLoad>> {
    const { kept, ids } = await this.modelPlans(db, asOf, modelIds);
    const loads = new Map<string, ModelLoad>();
    for (const id of ids) {
      const load = kept.models.get(id)!.allocation.models.get(id);
      if (load) loads.set(id, load);
    }
    return loads;
  }

  /** The kept plans brought up to `db`'s snapshot for these models (null: all), and their ids. */
  private async modelPlans(
    db: EntityManager,
    asOf: string,
    modelIds: string[] | null,
  ): Promise<{ kept: KeptPlans; ids: string[] }> {
    // Holds count until the end of their expiry date, so the current plan is kept per day: a new
    // day (and with it every expiry) plans afresh. Within a day the holds a plan places change only
    // by writes, and those bump the model's version.
    const today = this.clock.today();
    if (today !== this.keptDay) {
      // Yesterday's current plans will never be read again: their memory goes to today's.
      this.cache.retain((kept) => !kept.startsWith('current ') || kept.endsWith(` on ${today}`));
      this.keptDay = today;
    }
    const key = asOf >= today ? `current ${asOf.slice(0, 7)} on ${today}` : `as of ${asOf}`;
    const kept = this.cache.get(key) ?? { models: new Map(), whole: null };
    const versions = await this.versions.versions(db, modelIds);
    const stale = staleModels(kept, versions);
    const planned =
      stale.length > 0 ? await this.planModels(db, asOf, today, stale, versions) : new Map();
    const next = keepPlans(kept, versions, planned, modelIds === null);
    if (next !== kept) this.cache.set(key, next);
    return { kept: next, ids: [...versions.keys()] };
  }

  /**
   * Reads and plans these models whole, each at the version read in the same snapshot: the firm
   * tranches first, then the holds active on `today` (before today: at the end of `asOf`) in the
   * spare capacity they leave, oldest first.
   */
  private async planModels(
    db: EntityManager,
    asOf: string,
    today: string,
    modelIds: string[],
    versions: Map<string, number>,
  ): Promise<Map<string, ModelPlan>> {
    const { tranches, capacity } = await this.readPlanInputs(db, asOf, modelIds);
    const holds = await this.holdRows.activeHolds(db, asOf, today, modelIds);
    const inputs = new Map<
      string,
      { tranches: PlanTrancheRow[]; capacity: CapacityRow[]; holds: PlanHoldRow[] }
    >();
    for (const id of modelIds) inputs.set(id, { tranches: [], capacity: [], holds: [] });
    for (const row of tranches) inputs.get(row.productModelId)!.tranches.push(row);
    for (const row of capacity) inputs.get(row.productModelId)!.capacity.push(row);
    for (const row of holds) inputs.get(row.productModelId)?.holds.push(row);
    const startMonth = asOf.slice(0, 7);
    const plans = new Map<string, ModelPlan>();
    for (const [id, { holds: rows, ...input }] of inputs) {
      const allocation = allocate({ startMonth, ...input });
      const placements = placeHolds(allocation.models.get(id), rows);
      const heldUnits = rows.reduce((sum, row) => sum + row.quantity, 0);
      plans.set(id, {
        version: versions.get(id)!,
        ...input,
        allocation,
        holds: { rows, placements, heldUnits },
      });
    }
    return plans;
  }

  /** The plan as of asOf, of the models (null: all), from what this instance keeps. */
  plan(
    asOf: string,
    modelIds: string[] | null,
    consistency: Consistency = 'strong',
  ): Promise<ComputedPlan> {
    return this.read((db) => this.currentPlan(db, asOf, modelIds), consistency);
  }

  async tranches(query: DeliveryPlanQueryDto): Promise<Page<PlanTrancheDto>> {
    const asOf = query.asOf ?? this.clock.today();
    const after = query.cursor ? decodePlanCursor(query.cursor) : null;
    const limit = query.limit ?? 50;
    const computed = await this.read(async (db) => {
      let modelIds = query.productModelId ? [query.productModelId] : null;
      if (query.purchaseOrderId) {
        // Only the order's models matter to it; their plans need every order of those models.
        const ofOrder = await modelsOfOrder(db, query.purchaseOrderId);
        modelIds = modelIds ? modelIds.filter((id) => ofOrder.includes(id)) : ofOrder;
        if (modelIds.length === 0) return null;
      }
      return this.currentPlan(db, asOf, modelIds);
    }, query.consistency ?? 'eventual');
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

  /**
   * When `quantity` more units could be built from the spare capacity the firm tranches and the
   * active holds leave; `ignoreHoldId` leaves that hold out (the quote that owns it asking). A hold
   * id of no hold is 422 REFERENCE_NOT_FOUND; one not counting in this plan leaves nothing out.
   */
  async availability(query: AvailabilityQueryDto): Promise<AvailabilityDto> {
    const asOf = query.asOf ?? this.clock.today();
    const { productModelId, quantity, ignoreHoldId } = query;
    const { plan, modelId } = await this.read(async (db) => {
      const { kept, ids } = await this.modelPlans(db, asOf, [productModelId]);
      if (ids.length === 0) {
        throw new ReferenceNotFoundError('productModelId', 'Product model', productModelId);
      }
      const plan = kept.models.get(ids[0])!;
      if (
        ignoreHoldId &&
        !plan.holds?.rows.some((row) => row.holdId === ignoreHoldId) &&
        !(await this.holdRows.exists(db, ignoreHoldId))
      ) {
        throw new ReferenceNotFoundError('ignoreHoldId', 'Hold', ignoreHoldId);
      }
      return { plan, modelId: ids[0] };
    }, query.consistency ?? 'eventual');
    const ignored = plan.holds?.rows.find((row) => row.holdId === ignoreHoldId)?.quantity ?? 0;
    const heldUnits = (plan.holds?.heldUnits ?? 0) - ignored;
    return {
      productModelId,
      quantity,
      asOf,
      heldUnits,
      ...availability(plan.allocation, modelId, quantity, heldUnits),
    };
  }

  /**
   * The active holds of the plan as of `asOf`, oldest first (the order they are placed in), each
   * with the months its units are built in after every firm tranche of its model.
   */
  async holds(query: PlanHoldQueryDto): Promise<Page<PlanHoldDto>> {
    const asOf = query.asOf ?? this.clock.today();
    const limit = query.limit ?? 50;
    const after = query.cursor ? decodeCursor(query.cursor, ['timestamp', 'uuid']) : null;
    const afterAt = after ? new Date(after[0]).toISOString() : null;
    const plans = await this.read(async (db) => {
      const modelIds = query.productModelId ? [query.productModelId] : null;
      const { kept, ids } = await this.modelPlans(db, asOf, modelIds);
      return ids.map((id) => kept.models.get(id)!);
    });
    const placed: PlanHoldDto[] = [];
    for (const plan of plans) {
      if (!plan.holds) continue;
      const { rows, placements } = plan.holds;
      rows.forEach((row, i) => {
        if (query.customerId && row.customerId !== query.customerId) return;
        if (after && afterAt && comparePlacing(row.createdAt, row.holdId, afterAt, after[1]) <= 0) {
          return;
        }
        placed.push(toPlanHoldDto(row, placements[i]));
      });
    }
    placed.sort((a, b) => comparePlacing(a.createdAt, a.holdId, b.createdAt, b.holdId));
    const items = placed.slice(0, limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor: placed.length > limit ? encodeCursor([last.createdAt, last.holdId]) : null,
    };
  }

  /**
   * The plan basis of the revenue forecast as of the end of `asOf`: for each open tranche of the
   * filtered plan, its planned units per delivery month (each unit in the later of its production
   * month and the tranche's ship month) with the tranche's price, in plan order; and the units no
   * capacity can take, valued at their tranches' prices. The filters choose which tranches are
   * reported, never how capacity is shared: the plan itself is always every model's (or the
   * filtered model's, when there is one).
   */
  async planForecast(
    asOf: string,
    filters: PlanForecastFilters,
    consistency: Consistency = 'strong',
  ): Promise<PlanForecast> {
    const { computed, customers } = await this.read(async (db) => {
      const modelIds = filters.productModelId ? [filters.productModelId] : null;
      const customers =
        filters.customerId || filters.segment || filters.region
          ? await customersMatching(db, filters)
          : null;
      return { computed: await this.currentPlan(db, asOf, modelIds), customers };
    }, consistency);

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

/** The order holds are placed in: oldest first, then by id. */
function comparePlacing(atA: string, idA: string, atB: string, idB: string): number {
  if (atA !== atB) return atA < atB ? -1 : 1;
  return idA < idB ? -1 : idA > idB ? 1 : 0;
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
