// What the replay writes beside each order's tranche segments, derived from them in memory: the
// order's sums per product model over time (order segments), the revenue recognised on each
// tranche's shipping and shipment-reversal days (recognitions), the order's contract balances
// over time (balance segments) and their changes day by day (balance movements), and its bookings
// per product model and day. Pure functions, so the reports' faster rows are checked against the
// rows they summarise.
import { balancesAsOf } from './book';
import type { Booking, BookingKind, BookResult, IsoDate, TrancheSegment } from './book.types';

/** One order's figures for one model over [from, to): the sums of its tranche segments in force. */
export interface OrderSegment {
  productModelId: string;
  from: IsoDate;
  to: IsoDate | null;
  openUnits: number;
  openValueCents: number;
  cashCents: number;
  poolCents: number;
  shippedValueCents: number;
  /** Σ per tranche of the shipped value not yet paid. */
  receivableCents: number;
  forfeitedCents: number;
}

/**
 * Units shipped from a tranche on one day and their value (shipped units × price), or, negative,
 * the units and value a shipment reversal took back on its date.
 */
export interface Recognition {
  trancheId: string;
  on: IsoDate;
  units: number;
  amountCents: number;
  /** The part of amountCents that came from hash-rate true-ups. */
  trueUpCents: number;
}

/**
 * Every day a segment starts or ends bounds a span within which the segments in force do not
 * change; each span's sums per model make one order segment.
 */
export function orderSegments(
  segments: readonly TrancheSegment[],
  modelOf: (trancheId: string) => string,
): OrderSegment[] {
  const bounds = [
    ...new Set(segments.flatMap((s) => (s.to === null ? [s.from] : [s.from, s.to]))),
  ].sort();
  const out: OrderSegment[] = [];
  bounds.forEach((from, i) => {
    const to = bounds[i + 1] ?? null;
    const byModel = new Map<string, OrderSegment>();
    for (const s of segments) {
      if (s.from > from || (s.to !== null && s.to <= from)) continue;
      const productModelId = modelOf(s.trancheId);
      let sum = byModel.get(productModelId);
      if (!sum) {
        sum = {
          productModelId,
          from,
          to,
          openUnits: 0,
          openValueCents: 0,
          cashCents: 0,
          poolCents: 0,
          shippedValueCents: 0,
          receivableCents: 0,
          forfeitedCents: 0,
        };
        byModel.set(productModelId, sum);
      }
      sum.openUnits += s.openUnits;
      sum.openValueCents += s.openUnits * s.unitPriceCents;
      sum.cashCents += s.cashCents;
      sum.poolCents += s.poolCents;
      sum.shippedValueCents += s.shippedValueCents;
      sum.receivableCents += Math.max(s.shippedValueCents - s.shippedCashCents, 0);
      sum.forfeitedCents += s.forfeitedCents;
    }
    out.push(...byModel.values());
  });
  return out;
}

/**
 * A tranche segment that starts with another shipped quantity or value than the one before it:
 * shipped (or, below zero, reversed) that day.
 */
export function recognitions(segments: readonly TrancheSegment[]): Recognition[] {
  const ordered = [...segments].sort((a, b) =>
    a.trancheId === b.trancheId ? (a.from < b.from ? -1 : 1) : a.trancheId < b.trancheId ? -1 : 1,
  );
  const out: Recognition[] = [];
  ordered.forEach((s, i) => {
    const before = i > 0 && ordered[i - 1].trancheId === s.trancheId ? ordered[i - 1] : null;
    const units = s.shippedUnits - (before?.shippedUnits ?? 0);
    const amountCents = s.shippedValueCents - (before?.shippedValueCents ?? 0);
    const trueUpCents = s.trueUpCents - (before?.trueUpCents ?? 0);
    if (units !== 0 || amountCents !== 0) {
      out.push({ trancheId: s.trancheId, on: s.from, units, amountCents, trueUpCents });
    }
  });
  return out;
}

/** One order's contract balances (BR-5, SPEC §10) over [from, to). */
export interface BalanceSegment {
  from: IsoDate;
  to: IsoDate | null;
  /** Payments less reversed ones, gross of refunds. */
  cashReceivedCents: number;
  refundedCents: number;
  recognisedCents: number;
  forfeitedCents: number;
  /** Σ pools + unapplied credit. */
  contractLiabilityCents: number;
  unappliedCents: number;
  receivableCents: number;
}

const FIGURES = [
  'cashReceivedCents',
  'refundedCents',
  'recognisedCents',
  'forfeitedCents',
  'contractLiabilityCents',
  'unappliedCents',
  'receivableCents',
] as const;

/**
 * The order's balances between every two dates where a tranche or credit segment starts or ends or
 * a refund is paid; on each, cash received − refunded − recognised − forfeited = contract liability
 * − receivable.
 */
export function balanceSegments(result: BookResult): BalanceSegment[] {
  const bounds = new Set<IsoDate>();
  for (const s of [...result.tranches, ...result.credit]) {
    bounds.add(s.from);
    if (s.to !== null) bounds.add(s.to);
  }
  for (const r of result.refunds) bounds.add(r.on);
  const out: BalanceSegment[] = [];
  for (const from of [...bounds].sort()) {
    const b = balancesAsOf(result, from);
    const next: BalanceSegment = {
      from,
      to: null,
      cashReceivedCents: b.cashCents,
      refundedCents: b.refundedCents,
      recognisedCents: b.recognisedCents,
      forfeitedCents: b.forfeitedCents,
      contractLiabilityCents: b.contractLiabilityCents,
      unappliedCents: b.unappliedCents,
      receivableCents: b.receivableCents,
    };
    const last = out[out.length - 1];
    if (last && FIGURES.every((k) => last[k] === next[k])) continue;
    if (last) last.to = from;
    out.push(next);
  }
  return out;
}

/**
 * How one order's contract balances changed on one day (each figure's value at the end of the day
 * less its value the day before): cash received (net of reversals), refunds, recognised and
 * forfeited revenue, contract liability and receivable. Each movement keeps the BR-5 identity:
 * cash received − refunded − recognised − forfeited = liability − receivable.
 */
export interface BalanceMovement {
  on: IsoDate;
  cashReceivedCents: number;
  refundedCents: number;
  recognisedCents: number;
  forfeitedCents: number;
  contractLiabilityCents: number;
  receivableCents: number;
}

const MOVING = [
  'cashReceivedCents',
  'refundedCents',
  'recognisedCents',
  'forfeitedCents',
  'contractLiabilityCents',
  'receivableCents',
] as const;

/** The day-by-day differences of balanceSegments; Σ movements up to D = the balances at D. */
export function balanceMovements(result: BookResult): BalanceMovement[] {
  const out: BalanceMovement[] = [];
  let before: BalanceSegment | null = null;
  for (const segment of balanceSegments(result)) {
    const move = { on: segment.from } as BalanceMovement;
    for (const k of MOVING) move[k] = segment[k] - (before?.[k] ?? 0);
    if (MOVING.some((k) => move[k] !== 0)) out.push(move);
    before = segment;
  }
  return out;
}

/** One order's bookings of one kind for one product model on one day. */
export interface BookingRow {
  productModelId: string;
  on: IsoDate;
  kind: BookingKind;
  units: number;
  amountCents: number;
}

/** The replay's bookings summed per product model, day and kind; rows that sum to nothing left out. */
export function bookingRows(
  bookings: readonly Booking[],
  modelOf: (trancheId: string) => string,
): BookingRow[] {
  const rows = new Map<string, BookingRow>();
  for (const b of bookings) {
    const productModelId = modelOf(b.trancheId);
    const key = `${productModelId} ${b.on} ${b.kind}`;
    const row = rows.get(key);
    if (row) {
      row.units += b.units;
      row.amountCents += b.amountCents;
    } else {
      rows.set(key, {
        productModelId,
        on: b.on,
        kind: b.kind,
        units: b.units,
        amountCents: b.amountCents,
      });
    }
  }
  return [...rows.values()].filter((r) => r.units !== 0 || r.amountCents !== 0);
}
