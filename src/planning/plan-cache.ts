import { Allocation, CapacityRow, comparePlanOrder, ModelLoad } from './allocate';
import type { PlanTrancheRow } from './plan.queries';

/** Past this many changed orders, a model's tranches are read again whole. */
const REREAD_ORDERS = 1000;

export interface ComputedPlan {
  asOf: string;
  /** The open tranches, at the indexes `allocation` refers to. */
  tranches: PlanTrancheRow[];
  allocation: Allocation;
}

/** One model's plan: models never share capacity, so each is computed on its own. */
export interface ModelPlan {
  tranches: PlanTrancheRow[];
  capacity: CapacityRow[];
  allocation: Allocation;
}

/** What changed of a model whose plan is kept: its capacity, and the tranches of some orders. */
export interface Refresh {
  capacity: boolean;
  orders: Set<string>;
}

/**
 * What this process knows of one book (the current one from a month, or one as of a date): the
 * plans of some models, every one of them current at `snapshot`.
 */
export interface BookState {
  /** pg_current_snapshot() of the last transaction that found these plans current. */
  snapshot: string;
  /** That snapshot's xmin: every transaction below it had finished. */
  xmin: number;
  models: Map<string, ModelPlan>;
  /** Models in `models` whose plans are out of date: what to read again before use. */
  refresh: Map<string, Refresh>;
  /** Models changed since their plans were dropped (new ones included): to compute before use. */
  missing: Set<string>;
  /** Whether `models` and `missing` together name every model with open tranches or capacity. */
  complete: boolean;
  /** Every model's plan in one, built when first asked for while nothing changes. */
  whole: ComputedPlan | null;
}

export function emptyBook(): BookState {
  return {
    snapshot: '',
    xmin: 0,
    models: new Map(),
    refresh: new Map(),
    missing: new Set(),
    complete: false,
    whole: null,
  };
}

/** A copy to change: requests in flight never see each other's half-done work. */
export function copyBook(state: BookState): BookState {
  return {
    ...state,
    models: new Map(state.models),
    refresh: new Map(state.refresh),
    missing: new Set(state.missing),
  };
}

/**
 * What changed since the cached snapshot `$1`, read first in a REPEATABLE READ transaction so
 * pg_current_snapshot() is the snapshot every later query of the transaction sees: the models and
 * orders of every transaction that wrote a planned table, has committed, and was invisible to `$1`
 * (still running, or not yet started). Such a transaction's id is at least `$1`'s xmin, which
 * keeps the index scan short. Null without a cached snapshot.
 */
export const PLAN_STATE_SQL = `
  SELECT pg_current_snapshot()::text AS snapshot,
         pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin,
         (SELECT txid FROM plan_change_horizon WHERE id = 1) AS horizon,
         CASE WHEN $1::text IS NULL THEN NULL ELSE (
           SELECT coalesce(json_agg(json_build_array(product_model_id, purchase_order_id)), '[]')
             FROM (SELECT DISTINCT product_model_id, purchase_order_id FROM plan_change
                    WHERE txid >= pg_snapshot_xmin($1::text::pg_snapshot)::text::bigint
                      AND NOT pg_visible_in_snapshot(txid::text::xid8, $1::text::pg_snapshot)) AS c
         ) END AS changed`;

export interface PlanState {
  snapshot: string;
  xmin: number;
  horizon: number;
  /**
   * [model, order] changed since the cached snapshot (EVERY_MODEL for all models, NO_ORDER for a
   * model's capacity); null when no snapshot was given.
   */
  changed: [string, string][] | null;
}

/**
 * The cached book brought up to the snapshot of `state`: what changed of each kept model plan
 * noted (to read again when asked for; a model with too many changed orders is dropped whole),
 * changed models without a plan marked missing, or nothing kept at all when the change names
 * every model or plan_change was pruned above the book's snapshot (its changes may be gone).
 */
export function advance(
  cached: BookState | undefined,
  state: PlanState,
  markers: { everyModel: string; noOrder: string },
): BookState {
  let book: BookState;
  if (
    !cached ||
    cached.xmin < state.horizon ||
    !state.changed ||
    state.changed.some(([modelId]) => modelId === markers.everyModel)
  ) {
    book = emptyBook();
  } else {
    book = copyBook(cached);
    // The cached book's Refresh objects are shared with requests in flight: copied before change.
    const copied = new Set<string>();
    for (const [modelId, orderId] of state.changed) {
      book.whole = null;
      if (!book.models.has(modelId)) {
        book.missing.add(modelId);
        continue;
      }
      let refresh = book.refresh.get(modelId);
      if (!copied.has(modelId)) {
        copied.add(modelId);
        refresh = {
          capacity: refresh?.capacity ?? false,
          orders: new Set(refresh?.orders),
        };
        book.refresh.set(modelId, refresh);
      }
      if (orderId === markers.noOrder) refresh!.capacity = true;
      else refresh!.orders.add(orderId);
      if (refresh!.orders.size > REREAD_ORDERS) {
        book.models.delete(modelId);
        book.refresh.delete(modelId);
        book.missing.add(modelId);
      }
    }
  }
  book.snapshot = state.snapshot;
  book.xmin = Number(state.xmin);
  return book;
}

/** Several models' plans as one: their tranches side by side, in one plan order. */
export function combine(asOf: string, startMonth: string, parts: ModelPlan[]): ComputedPlan {
  if (parts.length === 1) return { asOf, ...parts[0] };
  const tranches: PlanTrancheRow[] = [];
  const total = parts.reduce((sum, part) => sum + part.tranches.length, 0);
  const partOf = new Int32Array(total);
  const localOf = new Int32Array(total);
  const dates = new Float64Array(total);
  const serials = new Float64Array(total);
  const models = new Map<string, ModelLoad>();
  const runs: number[][] = [];
  for (const [k, part] of parts.entries()) {
    const base = tranches.length;
    const { keys } = part.allocation;
    for (let i = 0; i < part.tranches.length; i++) {
      partOf[base + i] = k;
      localOf[base + i] = i;
      dates[base + i] = keys.dates[i];
      serials[base + i] = keys.serials[i];
      tranches.push(part.tranches[i]);
    }
    runs.push(part.allocation.order.map((i) => base + i));
    for (const [modelId, load] of part.allocation.models) models.set(modelId, load);
  }
  const of = (i: number) => parts[partOf[i]].allocation;
  let order: number[] | null = null;
  return {
    asOf,
    tranches,
    allocation: {
      startMonth,
      // Merged when first read (capacity and availability never need it): each part is sorted.
      get order() {
        order ??= mergeRuns(runs, (i, j) =>
          dates[i] !== dates[j]
            ? dates[i] - dates[j]
            : serials[i] - serials[j] || comparePlanOrder(tranches[i], tranches[j]),
        );
        return order;
      },
      keys: { dates, serials },
      models,
      plan: (i) => of(i).plan(localOf[i]),
      status: (i) => of(i).status(localOf[i]),
      unscheduledUnits: (i) => of(i).unscheduledUnits(localOf[i]),
    },
  };
}

/** Sorted runs merged pairwise into one sorted run. */
function mergeRuns(runs: number[][], compare: (i: number, j: number) => number): number[] {
  let level = runs;
  while (level.length > 1) {
    const next: number[][] = [];
    for (let r = 0; r < level.length; r += 2) {
      if (r + 1 === level.length) {
        next.push(level[r]);
        continue;
      }
      const [a, b] = [level[r], level[r + 1]];
      const merged: number[] = [];
      let i = 0;
      let j = 0;
      while (i < a.length && j < b.length) merged.push(compare(a[i], b[j]) <= 0 ? a[i++] : b[j++]);
      while (i < a.length) merged.push(a[i++]);
      while (j < b.length) merged.push(b[j++]);
      next.push(merged);
    }
    level = next;
  }
  return level[0] ?? [];
}

const held = (book: BookState) =>
  [...book.models.values()].reduce((sum, plan) => sum + plan.tranches.length, 0);

/**
 * The books this process knows, least recently used first out, bounded by the tranches they hold.
 * Never trusted on its own: every use is first brought up to date with advance().
 */
export class PlanCache {
  private readonly books = new Map<string, BookState>();

  constructor(private readonly maxTranches: number) {}

  get(book: string): BookState | undefined {
    const state = this.books.get(book);
    if (state) {
      this.books.delete(book);
      this.books.set(book, state);
    }
    return state;
  }

  set(book: string, state: BookState): void {
    this.books.delete(book);
    this.books.set(book, state);
    let total = [...this.books.values()].reduce((sum, b) => sum + held(b), 0);
    for (const [oldest, old] of [...this.books]) {
      if (total <= this.maxTranches || oldest === book) break;
      this.books.delete(oldest);
      total -= held(old);
    }
  }

  get size(): number {
    return this.books.size;
  }
}
