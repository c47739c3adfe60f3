import {
  allocate,
  availability,
  CapacityRow,
  comparePlanOrder,
  deliveryMonths,
  monthIndex,
  monthOf,
  OpenTranche,
  plannedIn,
  planOrder,
} from './allocate';

let n = 0;
function tranche(
  overrides: Partial<OpenTranche> & { shipDate: string; openUnits: number },
): OpenTranche {
  n += 1;
  return {
    trancheId: `t${String(n).padStart(4, '0')}`,
    productModelId: 'A1246',
    signedOn: '2026-01-10',
    orderNumber: 'PO-2026-00001',
    sequence: n,
    ...overrides,
  };
}

const cap = (month: string, units: number, productModelId = 'A1246'): CapacityRow => ({
  productModelId,
  month,
  units,
});

describe('months as integers', () => {
  it('round-trips months and dates', () => {
    expect(monthIndex('2026-01')).toBe(2026 * 12);
    expect(monthIndex('2026-12-31')).toBe(2026 * 12 + 11);
    expect(monthOf(monthIndex('2027-03'))).toBe('2027-03');
    expect(monthOf(monthIndex('2026-12') + 1)).toBe('2027-01');
  });
});

describe('plan order', () => {
  it('takes ship date, then signing date, then order number (numerically), then sequence', () => {
    const a = tranche({ shipDate: '2026-05-10', openUnits: 1, signedOn: '2026-02-01' });
    const b = tranche({ shipDate: '2026-05-10', openUnits: 1, signedOn: '2026-01-01' });
    const c = tranche({ shipDate: '2026-05-09', openUnits: 1, signedOn: '2026-03-01' });
    const d = tranche({
      shipDate: '2026-05-10',
      openUnits: 1,
      signedOn: '2026-01-01',
      orderNumber: 'PO-2026-100000',
      sequence: 1,
    });
    const e = tranche({
      shipDate: '2026-05-10',
      openUnits: 1,
      signedOn: '2026-01-01',
      orderNumber: 'PO-2026-99999',
      sequence: 2,
    });
    const f = tranche({
      shipDate: '2026-05-10',
      openUnits: 1,
      signedOn: '2026-01-01',
      orderNumber: 'PO-2026-99999',
      sequence: 1,
    });
    const sorted = [a, b, c, d, e, f].sort(comparePlanOrder).map((t) => t.trancheId);
    expect(sorted).toEqual([c, b, f, e, d, a].map((t) => t.trancheId));
  });

  it('sorts as the comparison does, with many ties, in the packed and the plain sort alike', () => {
    let seed = 7;
    const random = (below: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % below;
    };
    const day = (year: number) =>
      `${year}-${String(1 + random(12)).padStart(2, '0')}-${String(1 + random(28)).padStart(2, '0')}`;
    for (const years of [
      [2026, 2],
      [1000, 8000],
    ]) {
      const tranches = Array.from({ length: 3000 }, (_, i) => ({
        trancheId: `t${i}`,
        productModelId: 'A1246',
        shipDate: day(years[0] + random(years[1])),
        signedOn: day(years[0] + random(years[1])),
        orderNumber: `PO-${2025 + random(2)}-${String(random(40)).padStart(random(2) ? 5 : 6, '0')}`,
        sequence: 1 + random(3),
        openUnits: 1,
      }));
      // Duplicated dates make long runs of ties on (ship date, signing date).
      for (let i = 0; i < 1000; i++) {
        tranches[i].shipDate = tranches[0].shipDate;
        tranches[i].signedOn = tranches[0].signedOn;
      }
      const expected = tranches
        .map((_, i) => i)
        .sort((i, j) => comparePlanOrder(tranches[i], tranches[j]));
      expect(planOrder(tranches)).toEqual(expected);
    }
  });

  it('gives the contested capacity to the tranche first in plan order', () => {
    const later = tranche({ shipDate: '2026-03-20', openUnits: 100, signedOn: '2026-01-05' });
    const first = tranche({ shipDate: '2026-03-20', openUnits: 100, signedOn: '2026-01-04' });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [later, first],
      capacity: [cap('2026-03', 150), cap('2026-04', 100)],
    });
    expect(plan.order).toEqual([1, 0]);
    expect(plan.plan(1)).toEqual({
      plannedUnits: [{ month: '2026-03', units: 100 }],
      projectedShipMonth: '2026-03',
      status: 'on_time',
      lateByMonths: 0,
      unscheduledUnits: 0,
    });
    expect(plan.plan(0)).toEqual({
      plannedUnits: [
        { month: '2026-03', units: 50 },
        { month: '2026-04', units: 50 },
      ],
      projectedShipMonth: '2026-04',
      status: 'late',
      lateByMonths: 1,
      unscheduledUnits: 0,
    });
  });
});

describe('allocate', () => {
  it('fills the ship month, then builds ahead walking back to the planning start, nearest month first', () => {
    const big = tranche({ shipDate: '2026-06-15', openUnits: 700 });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [big],
      capacity: [
        cap('2026-02', 1000), // before the start: never used
        cap('2026-03', 300),
        cap('2026-04', 100),
        cap('2026-05', 200),
        cap('2026-06', 250),
        cap('2026-07', 1000),
      ],
    });
    expect(plan.plan(0)).toEqual({
      plannedUnits: [
        { month: '2026-03', units: 150 },
        { month: '2026-04', units: 100 },
        { month: '2026-05', units: 200 },
        { month: '2026-06', units: 250 },
      ],
      projectedShipMonth: '2026-06',
      status: 'on_time',
      lateByMonths: 0,
      unscheduledUnits: 0,
    });
    expect(plannedIn(plan, 'A1246', '2026-02')).toBe(0);
    expect(plannedIn(plan, 'A1246', '2026-03')).toBe(150);
    expect(plannedIn(plan, 'A1246', '2026-07')).toBe(0);
  });

  it('goes late, walking forward, only once every earlier month is full', () => {
    const first = tranche({ shipDate: '2026-04-01', openUnits: 300 });
    const second = tranche({ shipDate: '2026-04-30', openUnits: 300 });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [first, second],
      capacity: [
        cap('2026-03', 100),
        cap('2026-04', 200),
        cap('2026-06', 150),
        cap('2026-07', 500),
      ],
    });
    expect(plan.plan(0).plannedUnits).toEqual([
      { month: '2026-03', units: 100 },
      { month: '2026-04', units: 200 },
    ]);
    // May has no capacity row, so it has none: June, then July.
    expect(plan.plan(1)).toEqual({
      plannedUnits: [
        { month: '2026-06', units: 150 },
        { month: '2026-07', units: 150 },
      ],
      projectedShipMonth: '2026-07',
      status: 'late',
      lateByMonths: 3,
      unscheduledUnits: 0,
    });
  });

  it('leaves what no month can take unscheduled, with no projected month', () => {
    const first = tranche({ shipDate: '2026-03-10', openUnits: 80 });
    const second = tranche({ shipDate: '2026-04-10', openUnits: 100 });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [first, second],
      capacity: [cap('2026-03', 100), cap('2026-04', 50)],
    });
    expect(plan.plan(0).status).toBe('on_time');
    expect(plan.plan(1)).toEqual({
      plannedUnits: [
        { month: '2026-03', units: 20 },
        { month: '2026-04', units: 50 },
      ],
      projectedShipMonth: null,
      status: 'unscheduled',
      lateByMonths: null,
      unscheduledUnits: 30,
    });
  });

  it('plans nothing at all for a model without capacity', () => {
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [tranche({ shipDate: '2026-05-01', openUnits: 10, productModelId: 'S21' })],
      capacity: [cap('2026-05', 1000)],
    });
    expect(plan.plan(0)).toMatchObject({
      plannedUnits: [],
      status: 'unscheduled',
      unscheduledUnits: 10,
    });
    expect(availability(plan, 'S21', 5)).toEqual({
      earliestCompletionMonth: null,
      months: [],
      shortfallUnits: 5,
    });
  });

  it('moves an overdue tranche forward from the planning start, late by the months since its ship month', () => {
    const overdue = tranche({ shipDate: '2026-01-20', openUnits: 150 });
    const current = tranche({ shipDate: '2026-03-20', openUnits: 100 });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [current, overdue],
      capacity: [
        cap('2026-01', 1000),
        cap('2026-03', 100),
        cap('2026-04', 100),
        cap('2026-05', 100),
      ],
    });
    // Overdue first in plan order: it takes March and half of April, the current one goes late.
    expect(plan.plan(1)).toEqual({
      plannedUnits: [
        { month: '2026-03', units: 100 },
        { month: '2026-04', units: 50 },
      ],
      projectedShipMonth: '2026-04',
      status: 'late',
      lateByMonths: 3,
      unscheduledUnits: 0,
    });
    expect(plan.plan(0)).toEqual({
      plannedUnits: [
        { month: '2026-04', units: 50 },
        { month: '2026-05', units: 50 },
      ],
      projectedShipMonth: '2026-05',
      status: 'late',
      lateByMonths: 2,
      unscheduledUnits: 0,
    });
  });

  it('plans only the open units: a partly shipped tranche leaves the rest of its month to the next', () => {
    // 1,000 contracted, 400 shipped, 100 cancelled: 500 open.
    const partly = tranche({ shipDate: '2026-03-05', openUnits: 500 });
    const next = tranche({ shipDate: '2026-03-25', openUnits: 600 });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [partly, next],
      capacity: [cap('2026-03', 1000)],
    });
    expect(plan.plan(0).plannedUnits).toEqual([{ month: '2026-03', units: 500 }]);
    expect(plan.plan(1)).toMatchObject({
      plannedUnits: [{ month: '2026-03', units: 500 }],
      status: 'unscheduled',
      unscheduledUnits: 100,
    });
  });

  it('takes nothing for a cancelled tranche, whose capacity goes to the next one', () => {
    const cancelled = tranche({ shipDate: '2026-03-05', openUnits: 0 });
    const next = tranche({ shipDate: '2026-03-25', openUnits: 1000 });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [cancelled, next],
      capacity: [cap('2026-03', 1000)],
    });
    expect(plan.plan(0)).toMatchObject({
      plannedUnits: [],
      status: 'on_time',
      unscheduledUnits: 0,
    });
    expect(plan.plan(1)).toMatchObject({
      plannedUnits: [{ month: '2026-03', units: 1000 }],
      status: 'on_time',
    });
  });

  it('keeps models apart: one model never uses another model’s capacity', () => {
    const a = tranche({ shipDate: '2026-03-10', openUnits: 300, productModelId: 'A1246' });
    const b = tranche({ shipDate: '2026-03-10', openUnits: 300, productModelId: 'A1366' });
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [a, b],
      capacity: [cap('2026-03', 100, 'A1246'), cap('2026-03', 1000, 'A1366')],
    });
    expect(plan.plan(0)).toMatchObject({
      plannedUnits: [{ month: '2026-03', units: 100 }],
      status: 'unscheduled',
      unscheduledUnits: 200,
    });
    expect(plan.plan(1)).toMatchObject({
      plannedUnits: [{ month: '2026-03', units: 300 }],
      status: 'on_time',
    });
    expect(plannedIn(plan, 'A1366', '2026-03')).toBe(300);
    expect(availability(plan, 'A1366', 800)).toEqual({
      earliestCompletionMonth: null,
      months: [{ month: '2026-03', units: 700 }],
      shortfallUnits: 100,
    });
  });

  it('holds a tranche shipping beyond the capacity horizon on time by building ahead', () => {
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [tranche({ shipDate: '2028-01-01', openUnits: 120 })],
      capacity: [cap('2026-03', 100), cap('2026-04', 100)],
    });
    expect(plan.plan(0)).toEqual({
      plannedUnits: [
        { month: '2026-03', units: 20 },
        { month: '2026-04', units: 100 },
      ],
      projectedShipMonth: '2028-01',
      status: 'on_time',
      lateByMonths: 0,
      unscheduledUnits: 0,
    });
  });
});

describe('availability', () => {
  it('takes the spare capacity the plan leaves, month by month from the start', () => {
    const plan = allocate({
      startMonth: '2026-03',
      tranches: [tranche({ shipDate: '2026-04-10', openUnits: 250 })],
      capacity: [cap('2026-03', 100), cap('2026-04', 200), cap('2026-05', 300), cap('2026-07', 50)],
    });
    // The tranche takes 200 of April and builds 50 ahead in March: spare 50, 0, 300, -, 50.
    expect(availability(plan, 'A1246', 200)).toEqual({
      earliestCompletionMonth: '2026-05',
      months: [
        { month: '2026-03', units: 50 },
        { month: '2026-05', units: 150 },
      ],
      shortfallUnits: 0,
    });
    expect(availability(plan, 'A1246', 400)).toEqual({
      earliestCompletionMonth: '2026-07',
      months: [
        { month: '2026-03', units: 50 },
        { month: '2026-05', units: 300 },
        { month: '2026-07', units: 50 },
      ],
      shortfallUnits: 0,
    });
    expect(availability(plan, 'A1246', 401)).toMatchObject({
      earliestCompletionMonth: null,
      shortfallUnits: 1,
    });
  });
});

describe('deliveryMonths', () => {
  it('counts built-ahead units in the ship month and late units in their production month', () => {
    expect(
      deliveryMonths(
        [
          { month: '2026-03', units: 10 },
          { month: '2026-04', units: 20 },
          { month: '2026-05', units: 30 },
          { month: '2026-06', units: 40 },
        ],
        '2026-05-20',
      ),
    ).toEqual([
      { month: '2026-05', units: 60 },
      { month: '2026-06', units: 40 },
    ]);
  });
});

describe('speed', () => {
  it('plans 100,000 tranches over 20 models and 36 months well within 300 ms', () => {
    const models = Array.from({ length: 20 }, (_, i) => `model-${i}`);
    const capacity: CapacityRow[] = [];
    for (const model of models) {
      for (let m = 0; m < 36; m++)
        capacity.push(cap(monthOf(monthIndex('2026-01') + m), 2500, model));
    }
    const tranches: OpenTranche[] = [];
    for (let i = 0; i < 100_000; i++) {
      const month = monthOf(monthIndex('2025-10') + (i % 40));
      tranches.push({
        trancheId: `tranche-${i}`,
        productModelId: models[(i * 7) % 20],
        shipDate: `${month}-${String(1 + (i % 28)).padStart(2, '0')}`,
        signedOn: `2025-0${1 + (i % 9)}-15`,
        orderNumber: `PO-2025-${String(i >> 2).padStart(5, '0')}`,
        sequence: 1 + (i % 4),
        openUnits: 10 + (i % 50),
      });
    }
    // CPU time, best of three: the figure should not depend on what else shares the machine.
    const cpuMs = () => {
      const { user, system } = process.cpuUsage();
      return (user + system) / 1000;
    };
    let best = Infinity;
    let plan = allocate({ startMonth: '2026-01', tranches, capacity });
    for (let run = 0; run < 3; run++) {
      const started = cpuMs();
      plan = allocate({ startMonth: '2026-01', tranches, capacity });
      best = Math.min(best, cpuMs() - started);
    }
    expect(plan.order).toHaveLength(100_000);
    // Every unit is either planned or unscheduled.
    let planned = 0;
    for (let i = 0; i < tranches.length; i++) {
      const p = plan.plan(i);
      planned += p.plannedUnits.reduce((s, u) => s + u.units, 0) + p.unscheduledUnits;
    }
    expect(planned).toBe(tranches.reduce((sum, t) => sum + t.openUnits, 0));
    expect(best).toBeLessThan(300);
  });
});
