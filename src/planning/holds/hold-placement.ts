// Where holds sit in a model's plan, as pure functions of the load the firm tranches leave.
// Holds come after every firm tranche of their model and take, oldest first, the earliest months
// with spare capacity from the planning start: so whatever their order, together they take the
// first units of spare capacity, and what a question about availability is left with depends only
// on how many units are held (see availability in ../allocate).

import { SpareWalk, type ModelLoad, type MonthUnits } from '../allocate';

export interface HoldPlacement {
  /** Months the held units are built in, ascending. */
  plannedUnits: MonthUnits[];
  /** Held units no spare capacity is left for. */
  unscheduledUnits: number;
}

/** The months each hold takes, in the order given (oldest first), after the firm tranches. */
export function placeHolds(
  load: ModelLoad | undefined,
  holds: readonly { quantity: number }[],
): HoldPlacement[] {
  const walk = new SpareWalk(load);
  return holds.map(({ quantity }) => {
    const plannedUnits: MonthUnits[] = [];
    const unscheduledUnits = walk.take(Math.max(0, quantity), plannedUnits);
    return { plannedUnits, unscheduledUnits };
  });
}
