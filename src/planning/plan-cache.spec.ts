import { allocate, comparePlanOrder, OpenTranche } from './allocate';
import {
  advance,
  BookState,
  combine,
  emptyBook,
  ModelPlan,
  PlanCache,
  PlanState,
} from './plan-cache';
import type { PlanTrancheRow } from './plan.queries';

const EVERY = '00000000-0000-0000-0000-000000000000';
const markers = { everyModel: EVERY, noOrder: 'capacity' };

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

function modelPlan(productModelId: string, tranches: PlanTrancheRow[], units = 100): ModelPlan {
  const capacity = [{ productModelId, month: '2026-03', units }];
  return {
    tranches,
    capacity,
    allocation: allocate({ startMonth: '2026-03', tranches, capacity }),
  };
}

function book(models: Record<string, ModelPlan>, xmin = 10): BookState {
  return {
    ...emptyBook(),
    snapshot: `${xmin}:${xmin}:`,
    xmin,
    models: new Map(Object.entries(models)),
    complete: true,
  };
}

const state = (changed: [string, string][] | null, horizon = 0): PlanState => ({
  snapshot: '20:20:',
  xmin: 20,
  horizon,
  changed,
});

describe('advance', () => {
  it('notes what changed of kept plans and marks changed models without one missing', () => {
    const a = modelPlan('A', []);
    const b = modelPlan('B', []);
    const next = advance(
      book({ A: a, B: b }),
      state([
        ['B', 'po-1'],
        ['B', 'po-2'],
        ['B', 'capacity'],
        ['C', 'po-1'],
      ]),
      markers,
    );
    expect([...next.models.keys()]).toEqual(['A', 'B']);
    expect(next.models.get('A')).toBe(a);
    expect(next.refresh.get('A')).toBeUndefined();
    expect(next.refresh.get('B')).toEqual({ capacity: true, orders: new Set(['po-1', 'po-2']) });
    expect([...next.missing]).toEqual(['C']);
    expect(next).toMatchObject({ snapshot: '20:20:', xmin: 20, complete: true, whole: null });
  });

  it('adds to what an earlier advance noted, without changing that book', () => {
    const first = advance(book({ A: modelPlan('A', []) }), state([['A', 'po-1']]), markers);
    const second = advance(first, state([['A', 'capacity']]), markers);
    expect(second.refresh.get('A')).toEqual({ capacity: true, orders: new Set(['po-1']) });
    expect(first.refresh.get('A')).toEqual({ capacity: false, orders: new Set(['po-1']) });
  });

  it('drops a model plan whole once too many of its orders changed', () => {
    const changed = Array.from({ length: 1001 }, (_, i): [string, string] => ['A', `po-${i}`]);
    const next = advance(
      book({ A: modelPlan('A', []), B: modelPlan('B', []) }),
      state(changed),
      markers,
    );
    expect([...next.models.keys()]).toEqual(['B']);
    expect(next.refresh.size).toBe(0);
    expect([...next.missing]).toEqual(['A']);
  });

  it('keeps nothing after a change to every model, below the pruning horizon, or without a book', () => {
    const cached = book({ A: modelPlan('A', []) });
    for (const next of [
      advance(cached, state([[EVERY, EVERY]]), markers),
      advance(cached, state([], 11), markers),
      advance(undefined, state(null), markers),
    ]) {
      expect(next.models.size).toBe(0);
      expect(next.complete).toBe(false);
      expect(next.snapshot).toBe('20:20:');
    }
    expect(advance(cached, state([], 10), markers).models.size).toBe(1);
  });

  it('never changes the cached book itself: requests in flight each work on their own copy', () => {
    const cached = book({ A: modelPlan('A', []) });
    advance(cached, state([['A', 'po-1']]), markers);
    expect(cached.models.size).toBe(1);
    expect(cached.refresh.size).toBe(0);
    expect(cached.missing.size).toBe(0);
    expect(cached.snapshot).toBe('10:10:');
  });
});

describe('combine', () => {
  it('puts models side by side in one plan order, each keeping its own allocation', () => {
    const a = modelPlan('A', [row('2', 'A', '2026-03-20', 150), row('4', 'A', '2026-03-01', 50)]);
    const b = modelPlan('B', [row('1', 'B', '2026-03-10', 80)], 50);
    const plan = combine('2026-03-02', '2026-03', [a, b]);
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
    const plan = combine('2026-03-01', '2026-03', parts);
    const sorted = plan.tranches
      .map((_, i) => i)
      .sort((i, j) => comparePlanOrder(plan.tranches[i], plan.tranches[j]));
    expect(plan.allocation.order).toEqual(sorted);
  });
});

describe('PlanCache', () => {
  it('evicts the least recently used books beyond its tranche budget, never the newest', () => {
    const rows = (n: number) =>
      Array.from({ length: n }, (_, i) => row(String(i), 'A', '2026-03-01', 1));
    const cache = new PlanCache(10);
    cache.set('b1', book({ A: modelPlan('A', rows(4)) }));
    cache.set('b2', book({ A: modelPlan('A', rows(4)) }));
    cache.get('b1');
    cache.set('b3', book({ A: modelPlan('A', rows(4)) }));
    expect(cache.get('b2')).toBeUndefined();
    expect(cache.get('b1')).toBeDefined();
    cache.set('b4', book({ A: modelPlan('A', rows(50)) }));
    expect(cache.size).toBe(1);
    expect(cache.get('b4')).toBeDefined();
  });
});
