import { allocate, comparePlanOrder, OpenTranche } from './allocate';
import { combine, keepPlans, KeptPlans, ModelPlan, PlanCache, staleModels } from './plan-cache';
import type { PlanTrancheRow } from './plan.queries';

function row(trancheId: string, productModelId: string, shipDate: string, units: number) {
  return {
    trancheId,
    productModelId,
    shipDate,
    signedOn: '2026-01-05',
    orderNumber: `PO-2026-${trancheId}`,
    sequence: 1,
    openUnits: units,
    purchaseOrderId: 'po',
    customerId: 'c',
    unitPriceCents: 100,
  } satisfies PlanTrancheRow & OpenTranche;
}

function modelPlan(
  productModelId: string,
  tranches: PlanTrancheRow[],
  units = 100,
  version = 1,
): ModelPlan {
  const capacity = [{ productModelId, month: '2026-03', units }];
  return {
    version,
    tranches,
    capacity,
    allocation: allocate({ startMonth: '2026-03', tranches, capacity }),
  };
}

function kept(models: Record<string, ModelPlan>): KeptPlans {
  return { models: new Map(Object.entries(models)), whole: null };
}

describe('staleModels and keepPlans', () => {
  const [a1, b1, c1] = ['A', 'B', 'C'].map((id) => modelPlan(id, []));
  const a2 = modelPlan('A', [], 100, 2);
  const versions = (entries: Record<string, number>) => new Map(Object.entries(entries));

  it('plans again exactly the models whose version moved or that were never kept', () => {
    const plans = kept({ A: a1, B: b1 });
    expect(staleModels(plans, versions({ A: 2, B: 1, D: 0 }))).toEqual(['A', 'D']);
    expect(staleModels(plans, versions({ A: 1, B: 1 }))).toEqual([]);
  });

  it('keeps what it has when nothing moved, without a new copy', () => {
    const plans = kept({ A: a1, B: b1 });
    expect(keepPlans(plans, versions({ A: 1 }), new Map(), false)).toBe(plans);
    expect(keepPlans(plans, versions({ A: 1, B: 1 }), new Map(), true)).toBe(plans);
  });

  it('puts plans read again in place, leaving the kept ones and the plans kept before untouched', () => {
    const plans = kept({ A: a1, B: b1 });
    const next = keepPlans(plans, versions({ A: 2 }), new Map([['A', a2]]), false);
    expect(next).not.toBe(plans);
    expect([...next.models]).toEqual([
      ['A', a2],
      ['B', b1],
    ]);
    expect(next.whole).toBeNull();
    expect(plans.models.get('A')).toBe(a1);
  });

  it('keeps only the models it saw after a read of every model', () => {
    const plans = kept({ A: a1, B: b1, C: c1 });
    const next = keepPlans(plans, versions({ A: 1, C: 1 }), new Map(), true);
    expect([...next.models.keys()]).toEqual(['A', 'C']);
  });
});

describe('combine', () => {
  it('puts models side by side in one plan order, each keeping its own allocation', () => {
    const a = modelPlan('A', [row('2', 'A', '2026-03-20', 150), row('4', 'A', '2026-03-01', 50)]);
    const b = modelPlan('B', [row('1', 'B', '2026-03-10', 80)], 50);
    const plan = combine('2026-03', [a, b]);
    expect(plan.allocation.order.map((i) => plan.tranches[i].trancheId)).toEqual(['4', '1', '2']);
    const byId = (id: string) => plan.tranches.findIndex((t) => t.trancheId === id);
    expect(plan.allocation.plan(byId('2'))).toMatchObject({
      plannedUnits: [{ month: '2026-03', units: 50 }],
      status: 'unscheduled',
      unscheduledUnits: 100,
    });
    expect(plan.allocation.status(byId('1'))).toBe('unscheduled');
    expect(plan.allocation.unscheduledUnits(byId('1'))).toBe(30);
    expect(plan.allocation.status(byId('4'))).toBe('on_time');
    expect([...plan.allocation.models.keys()].sort()).toEqual(['A', 'B']);
  });
});

describe('combine, merging sorted models', () => {
  it('yields the order one sort of every tranche would, ties across models included', () => {
    let seed = 11;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const parts = ['A', 'B', 'C', 'D', 'E'].map((model) =>
      modelPlan(
        model,
        Array.from({ length: 200 + random(200) }, (_, i) => ({
          ...row(`${model}${i}`, model, `2026-0${3 + random(3)}-1${random(3)}`, 1 + random(20)),
          signedOn: `2026-0${1 + random(2)}-0${1 + random(3)}`,
          orderNumber: `PO-2026-${String(random(30)).padStart(5, '0')}`,
          sequence: 1 + random(3),
        })),
      ),
    );
    const plan = combine('2026-03', parts);
    const sorted = plan.tranches
      .map((_, i) => i)
      .sort((i, j) => comparePlanOrder(plan.tranches[i], plan.tranches[j]));
    expect(plan.allocation.order).toEqual(sorted);
  });
});

describe('PlanCache', () => {
  it('evicts the least recently used plans beyond its tranche budget, never the newest', () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => row(String(i), 'A', '2026-03-01', 1));
    const cache = new PlanCache(10);
    cache.set('b1', kept({ A: modelPlan('A', rows(4)) }));
    cache.set('b2', kept({ A: modelPlan('A', rows(4)) }));
    cache.get('b1');
    cache.set('b3', kept({ A: modelPlan('A', rows(4)) }));
    expect(cache.get('b2')).toBeUndefined();
    expect(cache.get('b1')).toBeDefined();
    cache.set('b4', kept({ A: modelPlan('A', rows(50)) }));
    expect(cache.size).toBe(1);
    expect(cache.get('b4')).toBeDefined();
  });

  it('drops the plans a test rejects and keeps the others', () => {
    const cache = new PlanCache(100);
    for (const key of [
      'current 2026-03 on 2026-03-14',
      'current 2026-03 on 2026-03-15',
      'as of 2026-01-31',
    ]) {
      cache.set(key, kept({ A: modelPlan('A', []) }));
    }
    cache.retain((key) => !key.startsWith('current ') || key.endsWith(' on 2026-03-15'));
    expect(cache.get('current 2026-03 on 2026-03-14')).toBeUndefined();
    expect(cache.get('current 2026-03 on 2026-03-15')).toBeDefined();
    expect(cache.get('as of 2026-01-31')).toBeDefined();
    expect(cache.size).toBe(2);
  });
});
