import { Allocation, CapacityRow, comparePlanOrder, ModelLoad } from './allocate';
import type { PlanTrancheRow } from './plan.queries';
import type { HoldPlacement } from './holds/hold-placement';
import type { PlanHoldRow } from './holds/hold.repository';

export interface ComputedPlan {
  /** The open tranches, at the indexes `allocation` refers to. */
  tranches: PlanTrancheRow[];
  allocation: Allocation;
}

/**
 * One model's plan: models never share capacity, so each is computed on its own, from its open
 * tranches and capacity as they stood at `version` (see PlanVersion).
 */
export interface ModelPlan {
  version: number;
  tranches: PlanTrancheRow[];
  capacity: CapacityRow[];
  allocation: Allocation;
  /** The model's active holds, oldest first, placed after its firm tranches (none when absent). */
  holds?: ModelHolds;
}

export interface ModelHolds {
  rows: PlanHoldRow[];
  /** placements[i] is where rows[i]'s units are built. */
  placements: HoldPlacement[];
  /** Units of all the rows together. */
  heldUnits: number;
}

/**
 * The model plans this process keeps of one plan (the current one from a month, or one as of a
 * date). Never changed once kept: a read that plans a model again keeps a new one, so requests in
 * flight never see each other's half-done work.
 */
export interface KeptPlans {
  models: ReadonlyMap<string, ModelPlan>;
  /** Every model's plan in one, once asked for while `models` holds exactly the catalogue's. */
  whole: ComputedPlan | null;
}

/** The models of `versions` whose plan is not kept at the version read. */
export function staleModels(kept: KeptPlans, versions: ReadonlyMap<string, number>): string[] {
  return [...versions]
    .filter(([id, version]) => kept.models.get(id)?.version !== version)
    .map(([id]) => id);
}

/**
 * What to keep after a read that saw `versions` and planned the models of `planned` again: those
 * in place of the kept ones. A read of every model (`everyModel`) keeps exactly the models it saw,
 * so models gone from the catalogue go and the whole plan is made of the catalogue's; a read of
 * some models keeps the others as they were. The kept plans themselves when nothing changed.
 */
export function keepPlans(
  kept: KeptPlans,
  versions: ReadonlyMap<string, number>,
  planned: ReadonlyMap<string, ModelPlan>,
  everyModel: boolean,
): KeptPlans {
  if (planned.size === 0 && !(everyModel && kept.models.size !== versions.size)) return kept;
  const models = new Map(everyModel ? [] : kept.models);
  for (const id of versions.keys()) models.set(id, planned.get(id) ?? kept.models.get(id)!);
  return { models, whole: null };
}

/** Several models' plans as one: their tranches side by side, in one plan order. */
export function combine(
  startMonth: string,
  parts: readonly Pick<ModelPlan, 'tranches' | 'allocation'>[],
): ComputedPlan {
  if (parts.length === 1) return { tranches: parts[0].tranches, allocation: parts[0].allocation };
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

const held = (kept: KeptPlans) =>
  [...kept.models.values()].reduce((sum, plan) => sum + plan.tranches.length, 0);

/**
 * The plans this process keeps, least recently used first out, bounded by the tranches they hold.
 * Never trusted on its own: each model plan is used only while its version is the one a reader
 * sees.
 */
export class PlanCache {
  private readonly plans = new Map<string, KeptPlans>();

  constructor(private readonly maxTranches: number) {}

  get(key: string): KeptPlans | undefined {
    const kept = this.plans.get(key);
    if (kept) {
      this.plans.delete(key);
      this.plans.set(key, kept);
    }
    return kept;
  }

  set(key: string, kept: KeptPlans): void {
    this.plans.delete(key);
    this.plans.set(key, kept);
    let total = [...this.plans.values()].reduce((sum, plans) => sum + held(plans), 0);
    for (const [oldest, old] of [...this.plans]) {
      if (total <= this.maxTranches || oldest === key) break;
      this.plans.delete(oldest);
      total -= held(old);
    }
  }

  /** Drops the plans whose key fails `keep` (the current plans of a day gone by). */
  retain(keep: (key: string) => boolean): void {
    for (const key of [...this.plans.keys()]) if (!keep(key)) this.plans.delete(key);
  }

  get size(): number {
    return this.plans.size;
  }
}
