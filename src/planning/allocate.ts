// The delivery plan as a pure function of the open tranches and the capacity: no I/O, so it can
// be recomputed whenever the book changes and tested on its own. Months are integers (year × 12 +
// month − 1) so walking the calendar is arithmetic, each model's spare capacity is one Int32Array,
// and the result lives in flat typed arrays: a tranche's plan becomes objects only when read.

export interface OpenTranche {
  trancheId: string;
  productModelId: string;
  /** The contracted ship date in force, YYYY-MM-DD. */
  shipDate: string;
  /** The order's signing date, YYYY-MM-DD. */
  signedOn: string;
  orderNumber: string;
  sequence: number;
  /** Units neither shipped nor cancelled. */
  openUnits: number;
}

export interface CapacityRow {
  productModelId: string;
  /** YYYY-MM. */
  month: string;
  units: number;
}

export interface AllocationInput {
  /** YYYY-MM: nothing is planned before it. */
  startMonth: string;
  tranches: readonly OpenTranche[];
  capacity: readonly CapacityRow[];
}

export type PlanStatus = 'on_time' | 'late' | 'unscheduled';
export const PLAN_STATUSES: readonly PlanStatus[] = ['on_time', 'late', 'unscheduled'];

export interface MonthUnits {
  /** YYYY-MM. */
  month: string;
  units: number;
}

export interface TranchePlan {
  /** Production months, ascending. */
  plannedUnits: MonthUnits[];
  /** The later of the last production month and the ship month; null while units are unscheduled. */
  projectedShipMonth: string | null;
  status: PlanStatus;
  /** Months between the ship month and the projected one; 0 on time, null when unscheduled. */
  lateByMonths: number | null;
  unscheduledUnits: number;
}

/** A model's months from the planning start: capacity[i] and planned[i] are month start + i. */
export interface ModelLoad {
  start: number;
  capacity: Int32Array;
  planned: Int32Array;
}

export interface Allocation {
  startMonth: string;
  /** Indexes into the input tranches, in plan order. */
  order: number[];
  /** What the order was sorted by, per input tranche: lets plans of several models merge. */
  keys: PlanKeys;
  /** The plan of input tranche i. */
  plan(i: number): TranchePlan;
  /** The status of input tranche i (cheaper than plan(i).status). */
  status(i: number): PlanStatus;
  unscheduledUnits(i: number): number;
  models: Map<string, ModelLoad>;
}

const ZERO = 48;
const digit = (value: string, at: number) => value.charCodeAt(at) - ZERO;

/** 'YYYY-MM' or 'YYYY-MM-DD' → year × 12 + month − 1. */
export function monthIndex(value: string): number {
  const year =
    digit(value, 0) * 1000 + digit(value, 1) * 100 + digit(value, 2) * 10 + digit(value, 3);
  return year * 12 + digit(value, 5) * 10 + digit(value, 6) - 1;
}

/** 'YYYY-MM-DD' → an integer in the same order (not a day count), below 2^20. */
function dayKey(value: string): number {
  return monthIndex(value) * 31 + digit(value, 8) * 10 + digit(value, 9);
}

export function monthOf(index: number): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${year}-${month < 10 ? '0' : ''}${month}`;
}

/** The serial at the end of an order number (PO-2026-00017 → 17): order numbers grow with it. */
function orderSerial(orderNumber: string): number {
  let serial = 0;
  let scale = 1;
  for (let i = orderNumber.length - 1; i >= 0; i--) {
    const d = orderNumber.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) break;
    serial += d * scale;
    scale *= 10;
  }
  return serial;
}

function compareOrderNumbers(a: string, b: string): number {
  return orderSerial(a) - orderSerial(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * The plan order: ship date, then signing date, then order number (by its serial, so PO-2026-99999
 * comes before PO-2026-100000), then sequence; the tranche id settles anything left.
 */
export function comparePlanOrder(a: OpenTranche, b: OpenTranche): number {
  if (a.shipDate !== b.shipDate) return a.shipDate < b.shipDate ? -1 : 1;
  if (a.signedOn !== b.signedOn) return a.signedOn < b.signedOn ? -1 : 1;
  if (a.orderNumber !== b.orderNumber) return compareOrderNumbers(a.orderNumber, b.orderNumber);
  if (a.sequence !== b.sequence) return a.sequence - b.sequence;
  return a.trancheId < b.trancheId ? -1 : a.trancheId > b.trancheId ? 1 : 0;
}

const bitsFor = (values: number) => Math.max(1, Math.ceil(Math.log2(values + 1)));

/**
 * Tranche indexes in plan order. Ship date, signing date and index are packed into one number
 * and sorted natively as a Float64Array; only tranches sharing both dates (a few at a time) are
 * then ordered by order number and sequence with a comparison. When the packed number would not
 * be exact, a plain comparison sort.
 */
export function planOrder(tranches: readonly OpenTranche[]): number[] {
  return sortPlan(tranches).order;
}

/** Each tranche's place in plan order as numbers: ship and signing dates, then order serial. */
export interface PlanKeys {
  /** dayKey(shipDate) × 2^20 + dayKey(signedOn): exact, in date order. */
  dates: Float64Array;
  serials: Float64Array;
}

function sortPlan(tranches: readonly OpenTranche[]): { order: number[]; keys: PlanKeys } {
  const n = tranches.length;
  const ship = new Int32Array(n);
  const signed = new Int32Array(n);
  const serial = new Float64Array(n);
  let minShip = Infinity;
  let maxShip = -Infinity;
  let minSigned = Infinity;
  let maxSigned = -Infinity;
  for (let i = 0; i < n; i++) {
    ship[i] = dayKey(tranches[i].shipDate);
    signed[i] = dayKey(tranches[i].signedOn);
    serial[i] = orderSerial(tranches[i].orderNumber);
    if (ship[i] < minShip) minShip = ship[i];
    if (ship[i] > maxShip) maxShip = ship[i];
    if (signed[i] < minSigned) minSigned = signed[i];
    if (signed[i] > maxSigned) maxSigned = signed[i];
  }
  const dates = new Float64Array(n);
  for (let i = 0; i < n; i++) dates[i] = ship[i] * 1048576 + signed[i];
  const keys = { dates, serials: serial };
  const byOrderNumber = (i: number, j: number) => comparePlanOrder(tranches[i], tranches[j]);
  const signedBits = bitsFor(maxSigned - minSigned);
  const indexBits = bitsFor(n);
  if (n === 0 || bitsFor(maxShip - minShip) + signedBits + indexBits > 52) {
    return { order: Array.from({ length: n }, (_, i) => i).sort(byOrderNumber), keys };
  }
  const dateScale = 2 ** signedBits;
  const indexScale = 2 ** indexBits;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    packed[i] = ((ship[i] - minShip) * dateScale + (signed[i] - minSigned)) * indexScale + i;
  }
  packed.sort();
  const order: number[] = [];
  for (let k = 0; k < n; k++) order.push(packed[k] % indexScale);
  // Tranches sharing both dates: insertion sort (the runs are short), by order serial first; the
  // tranches themselves are read only for two of one order (scattered in memory, they are slow).
  for (let a = 0; a < n;) {
    let b = a + 1;
    while (b < n && ship[order[b]] === ship[order[a]] && signed[order[b]] === signed[order[a]]) b++;
    for (let k = a + 1; k < b; k++) {
      const index = order[k];
      const key = serial[index];
      let j = k - 1;
      while (j >= a) {
        const other = serial[order[j]];
        if (other < key || (other === key && byOrderNumber(order[j], index) <= 0)) break;
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = index;
    }
    a = b;
  }
  return { order, keys };
}

interface ModelState {
  load: ModelLoad;
  spare: Int32Array;
  /** Lowest and highest month with spare units left; low > high once none is left. */
  low: number;
  high: number;
}

function modelState(start: number, length: number): ModelState {
  const load = { start, capacity: new Int32Array(length), planned: new Int32Array(length) };
  return { load, spare: new Int32Array(length), low: 0, high: length - 1 };
}

/** One state per model with capacity, indexed like `ids`. */
function modelStates(start: number, capacity: readonly CapacityRow[]) {
  const ids = new Map<string, number>();
  const lengths: number[] = [];
  for (const row of capacity) {
    const i = monthIndex(row.month) - start;
    if (i < 0 || row.units <= 0) continue;
    let k = ids.get(row.productModelId);
    if (k === undefined) {
      k = lengths.length;
      ids.set(row.productModelId, k);
      lengths.push(0);
    }
    lengths[k] = Math.max(lengths[k], i + 1);
  }
  const states = lengths.map((length) => modelState(start, length));
  for (const row of capacity) {
    const i = monthIndex(row.month) - start;
    if (i < 0 || row.units <= 0) continue;
    const state = states[ids.get(row.productModelId)!];
    state.load.capacity[i] += row.units;
    state.spare[i] += row.units;
  }
  for (const state of states) settle(state);
  return { ids, states };
}

function settle(state: ModelState): void {
  const spare = state.spare;
  while (state.low <= state.high && spare[state.low] === 0) state.low++;
  while (state.high >= state.low && spare[state.high] === 0) state.high--;
}

const STATUS_ON_TIME = 0;
const STATUS_LATE = 1;
const STATUS_UNSCHEDULED = 2;

/**
 * Allocates the open units of each tranche, in plan order, to its model's spare capacity: first its
 * ship month, then earlier months walking back to the planning start (built ahead, they wait for
 * the ship date), then later months walking forward (late); the rest is unscheduled. A tranche
 * whose ship month is before the start goes forward from the start. A month without capacity has
 * none. Models never share capacity.
 */
export function allocate(input: AllocationInput): Allocation {
  const start = monthIndex(input.startMonth);
  const { tranches } = input;
  const n = tranches.length;
  const { ids, states } = modelStates(start, input.capacity);

  // One sequential pass turns what the loop needs into numbers.
  const modelOf = new Int32Array(n);
  const shipOf = new Int32Array(n);
  const openOf = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const tranche = tranches[i];
    let k = ids.get(tranche.productModelId);
    if (k === undefined) {
      k = states.length;
      ids.set(tranche.productModelId, k);
      states.push(modelState(start, 0));
    }
    modelOf[i] = k;
    shipOf[i] = monthIndex(tranche.shipDate);
    openOf[i] = Math.max(0, tranche.openUnits);
  }
  const { order, keys } = sortPlan(tranches);
  const horizon = states.reduce((most, state) => Math.max(most, state.spare.length), 0);
  const months = Array.from({ length: horizon }, (_, i) => monthOf(start + i));

  // Tranche i's production months are pieceMonth/pieceUnits[first[i] … first[i] + count[i]),
  // ascending, as offsets from the start.
  const first = new Int32Array(n);
  const count = new Int32Array(n);
  const last = new Int32Array(n);
  const unscheduled = new Int32Array(n);
  let pieceMonth = new Int32Array(n * 2 + 16);
  let pieceUnits = new Int32Array(n * 2 + 16);
  let pieces = 0;
  const take = (month: number, units: number) => {
    if (pieces === pieceMonth.length) {
      const grownMonth = new Int32Array(pieces * 2);
      const grownUnits = new Int32Array(pieces * 2);
      grownMonth.set(pieceMonth);
      grownUnits.set(pieceUnits);
      pieceMonth = grownMonth;
      pieceUnits = grownUnits;
    }
    pieceMonth[pieces] = month;
    pieceUnits[pieces] = units;
    pieces++;
  };

  for (const index of order) {
    const state = states[modelOf[index]];
    const { spare } = state;
    const planned = state.load.planned;
    const s = Math.max(0, shipOf[index] - start);
    let remaining = openOf[index];
    first[index] = pieces;
    let latest = -1;

    let shipTake = 0;
    if (remaining > 0 && s >= state.low && s <= state.high && spare[s] > 0) {
      shipTake = Math.min(spare[s], remaining);
      spare[s] -= shipTake;
      planned[s] += shipTake;
      remaining -= shipTake;
      latest = s;
    }
    // Walking back finds months in descending order; reversed into place after.
    for (let i = Math.min(s - 1, state.high); remaining > 0 && i >= state.low; i--) {
      if (spare[i] === 0) continue;
      const units = Math.min(spare[i], remaining);
      spare[i] -= units;
      planned[i] += units;
      remaining -= units;
      take(i, units);
      if (i > latest) latest = i;
    }
    for (let a = first[index], b = pieces - 1; a < b; a++, b--) {
      const month = pieceMonth[a];
      const units = pieceUnits[a];
      pieceMonth[a] = pieceMonth[b];
      pieceUnits[a] = pieceUnits[b];
      pieceMonth[b] = month;
      pieceUnits[b] = units;
    }
    if (shipTake > 0) take(s, shipTake);
    for (let i = Math.max(s + 1, state.low); remaining > 0 && i <= state.high; i++) {
      if (spare[i] === 0) continue;
      const units = Math.min(spare[i], remaining);
      spare[i] -= units;
      planned[i] += units;
      remaining -= units;
      take(i, units);
      latest = i;
    }
    settle(state);
    count[index] = pieces - first[index];
    unscheduled[index] = remaining;
    last[index] = latest;
  }

  const statusOf = (i: number): number => {
    if (unscheduled[i] > 0) return STATUS_UNSCHEDULED;
    return last[i] >= 0 && start + last[i] > shipOf[i] ? STATUS_LATE : STATUS_ON_TIME;
  };
  const models = new Map<string, ModelLoad>();
  for (const [modelId, k] of ids) models.set(modelId, states[k].load);
  return {
    startMonth: monthOf(start),
    order,
    keys,
    models,
    status: (i) => PLAN_STATUSES[statusOf(i)],
    unscheduledUnits: (i) => unscheduled[i],
    plan: (i) => {
      const plannedUnits: MonthUnits[] = [];
      for (let k = first[i]; k < first[i] + count[i]; k++) {
        plannedUnits.push({ month: months[pieceMonth[k]], units: pieceUnits[k] });
      }
      const status = statusOf(i);
      if (status === STATUS_UNSCHEDULED) {
        return {
          plannedUnits,
          projectedShipMonth: null,
          status: 'unscheduled',
          lateByMonths: null,
          unscheduledUnits: unscheduled[i],
        };
      }
      const projected = last[i] < 0 ? shipOf[i] : Math.max(start + last[i], shipOf[i]);
      return {
        plannedUnits,
        projectedShipMonth: monthOf(projected),
        status: PLAN_STATUSES[status],
        lateByMonths: projected - shipOf[i],
        unscheduledUnits: 0,
      };
    },
  };
}

/** Units the plan puts into production for the model in the month (0 outside the plan). */
export function plannedIn(allocation: Allocation, productModelId: string, month: string): number {
  return plannedInLoad(allocation.models.get(productModelId), month);
}

/** Units a model's load puts into production in the month (0 outside the plan or without one). */
export function plannedInLoad(load: ModelLoad | undefined, month: string): number {
  if (!load) return 0;
  const i = monthIndex(month) - load.start;
  return i >= 0 && i < load.planned.length ? load.planned[i] : 0;
}

export interface Availability {
  earliestCompletionMonth: string | null;
  months: MonthUnits[];
  shortfallUnits: number;
}

/** Walks a model's spare capacity (what the firm plan leaves) month by month from the start. */
export class SpareWalk {
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

/**
 * Where `quantity` more units of the model would come from: the spare capacity the plan leaves,
 * month by month from the planning start, once `heldUnits` units of holds have taken the first of
 * it (holds come after every firm tranche). Null completion and a shortfall when it runs out.
 */
export function availability(
  allocation: Allocation,
  productModelId: string,
  quantity: number,
  heldUnits = 0,
): Availability {
  const walk = new SpareWalk(allocation.models.get(productModelId));
  walk.take(heldUnits);
  const months: MonthUnits[] = [];
  const shortfallUnits = walk.take(Math.max(0, quantity), months);
  const earliestCompletionMonth =
    quantity <= 0
      ? allocation.startMonth
      : shortfallUnits === 0
        ? months[months.length - 1].month
        : null;
  return { earliestCompletionMonth, months, shortfallUnits };
}

/**
 * The months the tranche's planned units can be delivered (and recognised): built-ahead units wait
 * for the ship month, so each counts in the later of its production month and the ship month.
 */
export function deliveryMonths(
  plannedUnits: readonly MonthUnits[],
  shipDate: string,
): MonthUnits[] {
  const ship = shipDate.slice(0, 7);
  const out: MonthUnits[] = [];
  for (const { month, units } of plannedUnits) {
    const at = month < ship ? ship : month;
    const previous = out[out.length - 1];
    if (previous && previous.month === at) previous.units += units;
    else out.push({ month: at, units });
  }
  return out;
}
