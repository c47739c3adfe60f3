import { allocate, availability, CapacityRow, OpenTranche } from '../allocate';
import { placeHolds } from './hold-placement';

const cap = (month: string, units: number): CapacityRow => ({ productModelId: 'm', month, units });
const firm = (shipDate: string, openUnits: number): OpenTranche => ({
  trancheId: `t-${shipDate}`,
  productModelId: 'm',
  shipDate,
  signedOn: '2026-01-05',
  orderNumber: 'PO-2026-00001',
  sequence: 1,
  openUnits,
});

// Capacity 100 a month, January to April; a firm tranche shipping in March takes 150 units:
// 100 in March and 50 built ahead in February. Spare: Jan 100, Feb 50, Apr 100.
const plan = allocate({
  startMonth: '2026-01',
  tranches: [firm('2026-03-15', 150)],
  capacity: [cap('2026-01', 100), cap('2026-02', 100), cap('2026-03', 100), cap('2026-04', 100)],
});
const load = plan.models.get('m');

describe('placeHolds', () => {
  it('places holds oldest first in the earliest spare months, after the firm tranches', () => {
    expect(placeHolds(load, [{ quantity: 120 }, { quantity: 100 }, { quantity: 50 }])).toEqual([
      {
        plannedUnits: [
          { month: '2026-01', units: 100 },
          { month: '2026-02', units: 20 },
        ],
        unscheduledUnits: 0,
      },
      {
        plannedUnits: [
          { month: '2026-02', units: 30 },
          { month: '2026-04', units: 70 },
        ],
        unscheduledUnits: 0,
      },
      { plannedUnits: [{ month: '2026-04', units: 30 }], unscheduledUnits: 20 },
    ]);
  });

  it('leaves a hold of a model without capacity unscheduled', () => {
    expect(placeHolds(undefined, [{ quantity: 5 }])).toEqual([
      { plannedUnits: [], unscheduledUnits: 5 },
    ]);
  });
});

describe('availability after holds', () => {
  it('answers from the spare capacity the held units leave', () => {
    expect(availability(plan, 'm', 120, 0)).toEqual({
      earliestCompletionMonth: '2026-02',
      months: [
        { month: '2026-01', units: 100 },
        { month: '2026-02', units: 20 },
      ],
      shortfallUnits: 0,
    });
    expect(availability(plan, 'm', 100, 120)).toEqual({
      earliestCompletionMonth: '2026-04',
      months: [
        { month: '2026-02', units: 30 },
        { month: '2026-04', units: 70 },
      ],
      shortfallUnits: 0,
    });
  });

  it('reports a shortfall once capacity runs out', () => {
    expect(availability(plan, 'm', 100, 200)).toEqual({
      earliestCompletionMonth: null,
      months: [{ month: '2026-04', units: 50 }],
      shortfallUnits: 50,
    });
  });
});
