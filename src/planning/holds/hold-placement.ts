// Where holds sit in a model's plan, as pure functions of the load the firm tranches leave.
// Holds come after every firm tranche of their model and take, oldest first, the earliest months
// with spare capacity from the planning start: so whatever their order, together they take the
// first units of spare capacity, and what a question about availability is left with depends only
// on how many units are held.

import { monthOf, type ModelLoad, type MonthUnits } from '../allocate';

export interface HoldPlacement {
  /** Months the held units are built in, ascending. */
  plannedUnits: MonthUnits[];
  /** Held units no spare capacity is left for. */
  unscheduledUnits: number;
}

export interface HoldAvailability {
  earliestCompletionMonth: string | null;
  months: MonthUnits[];
  shortfallUnits: number;
}

/** Walks a model's spare capacity (what the firm plan leaves) month by month from the start. */
class SpareWalk {
  private month = 0;
  private usedInMonth = 0;

  constructor(private readonly load: ModelLoad | undefined) {}

  /** Takes up to `units` from the earliest spare months not yet taken; the units left over. */
  take(units: number, into?: MonthUnits[]): number {
    const load = this.load;
    let remaining = units;
    if (!load) return remaining;
    while (remaining > 0 && this.month < load.capacity.length) {
      const spare = load.capacity[this.month] - load.planned[this.month] - this.usedInMonth;
      if (spare <= 0) {
        this.month++;
        this.usedInMonth = 0;
        continue;
      }
      const taken = Math.min(spare, remaining);
      remaining -= taken;
      this.usedInMonth += taken;
      into?.push({ month: monthOf(load.start + this.month), units: taken });
    }
    return remaining;
  }
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

/**
 * Where `quantity` more units of the model would come from once `heldUnits` units of holds have
 * taken the first spare capacity: the months after them, from the planning start. Null completion
 * and a shortfall when it runs out.
 */
export function availabilityAfterHolds(
  load: ModelLoad | undefined,
  startMonth: string,
  heldUnits: number,
  quantity: number,
): HoldAvailability {
  const walk = new SpareWalk(load);
  walk.take(heldUnits);
  const months: MonthUnits[] = [];
  const shortfallUnits = walk.take(Math.max(0, quantity), months);
  const earliestCompletionMonth =
    quantity <= 0 ? startMonth : shortfallUnits === 0 ? months[months.length - 1].month : null;
  return { earliestCompletionMonth, months, shortfallUnits };
}
