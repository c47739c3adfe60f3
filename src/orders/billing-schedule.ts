import { addDays } from '../common/dates';
import { BookTranche, IsoDate, Milestone, TermsSnapshot } from './book.types';

/*
 * Billing schedule arithmetic (SPEC BR-3): exact integer cents, half-up rounding, remainders taken by
 * the last part so that every split adds up to its total to the cent.
 */

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** A percent with up to 2 decimals as integer basis points: 30 → 3000, 33.33 → 3333. */
export function basisPoints(percent: number): number {
  const bp = Math.round(percent * 100);
  if (!Number.isFinite(percent) || Math.abs(percent * 100 - bp) > 1e-6) {
    throw new RangeError(`A percent has at most 2 decimals: ${percent}`);
  }
  return bp;
}

/**
 * round_half_up(a × b / c) for non-negative integers, exact at any size (falls back to BigInt when
 * a × b leaves the safe-integer range).
 */
export function mulDivHalfUp(a: number, b: number, c: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(c)) {
    throw new RangeError(`Not whole numbers: ${a} × ${b} / ${c}`);
  }
  if (a < 0 || b < 0 || c <= 0) throw new RangeError(`Out of range: ${a} × ${b} / ${c}`);
  const product = a * b;
  if (Number.isSafeInteger(product)) {
    const remainder = product % c;
    const quotient = (product - remainder) / c;
    return remainder * 2 >= c ? quotient + 1 : quotient;
  }
  const big = BigInt(a) * BigInt(b);
  const divisor = BigInt(c);
  const rounded = (big * 2n + divisor) / (divisor * 2n);
  if (rounded > MAX_SAFE) throw new RangeError(`Result too large: ${a} × ${b} / ${c}`);
  return Number(rounded);
}

/** percent × cents, rounded half up to the cent. */
export function percentOfCents(cents: number, percent: number): number {
  return mulDivHalfUp(cents, basisPoints(percent), 10_000);
}

/**
 * Splits `amount` over parts in proportion to `weights`: every part but the last (with a positive
 * weight) is round_half_up(amount × weight / Σ weights), the last takes the remainder. Parts with zero
 * weight get nothing. When amount ≤ Σ weights the weights are also caps (no part above its weight,
 * none below zero): the rare rounding overshoot that would break a cap is moved to the nearest
 * earlier parts with room, so the result always sums to `amount` exactly.
 */
export function splitByWeight(amount: number, weights: readonly number[]): number[] {
  const parts = new Array<number>(weights.length).fill(0);
  if (amount === 0) return parts;
  let total = 0;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    const w = weights[i];
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`Bad weight: ${w}`);
    if (w > 0) {
      total += w;
      last = i;
    }
  }
  if (last < 0) throw new RangeError(`Nothing to split ${amount} over`);
  let given = 0;
  for (let i = 0; i < last; i++) {
    if (weights[i] === 0) continue;
    parts[i] = mulDivHalfUp(amount, weights[i], total);
    given += parts[i];
  }
  parts[last] = amount - given;
  const capped = amount <= total;
  if (parts[last] < 0) {
    // Half-up rounding of many parts gave out more than the amount: take it back from the end.
    let owed = -parts[last];
    parts[last] = 0;
    for (let i = last - 1; i >= 0 && owed > 0; i--) {
      const take = Math.min(parts[i], owed);
      parts[i] -= take;
      owed -= take;
    }
  } else if (capped && parts[last] > weights[last]) {
    let excess = parts[last] - weights[last];
    parts[last] = weights[last];
    for (let i = last - 1; i >= 0 && excess > 0; i--) {
      const room = weights[i] - parts[i];
      const give = Math.min(room, excess);
      parts[i] += give;
      excess -= give;
    }
  }
  return parts;
}

/** Each tranche billed in full on its ship date when the order has no terms. */
export const IN_FULL_ON_SHIPMENT: readonly Milestone[] = [{ percent: 100, dueDaysFromShip: 0 }];

export function milestonesOf(terms: TermsSnapshot | null): readonly Milestone[] {
  return terms ? terms.milestones : IN_FULL_ON_SHIPMENT;
}

/**
 * The milestone amounts of one tranche (or of units added to it): percent × value each, the last one
 * taking whatever makes deposit share + milestones = value exactly.
 */
export function milestoneAmounts(
  valueCents: number,
  depositShareCents: number,
  milestones: readonly Milestone[],
): number[] {
  if (milestones.length === 0) {
    if (depositShareCents !== valueCents)
      throw new RangeError('Terms without milestones must bill everything as deposit');
    return [];
  }
  const amounts = milestones.map((m) => percentOfCents(valueCents, m.percent));
  const lastIndex = amounts.length - 1;
  let others = 0;
  for (let i = 0; i < lastIndex; i++) others += amounts[i];
  amounts[lastIndex] = valueCents - depositShareCents - others;
  // Only reachable with a near-zero last milestone: give back from earlier milestones.
  for (let i = lastIndex - 1; amounts[lastIndex] < 0 && i >= 0; i--) {
    const take = Math.min(amounts[i], -amounts[lastIndex]);
    amounts[i] -= take;
    amounts[lastIndex] += take;
  }
  if (amounts[lastIndex] < 0) throw new RangeError('Deposit share exceeds the tranche value');
  return amounts;
}

export interface ScheduledMilestone {
  /** 1-based position in the terms. */
  n: number;
  amountCents: number;
  dueDaysFromShip: number;
  dueOn: IsoDate;
}

export interface TrancheBilling {
  trancheId: string;
  valueCents: number;
  /** This tranche's part of the shared deposit. */
  depositShareCents: number;
  milestones: ScheduledMilestone[];
}

export interface InitialSchedule {
  /** Null without terms. */
  deposit: { amountCents: number; dueOn: IsoDate } | null;
  tranches: TrancheBilling[];
}

export const trancheValue = (t: Pick<BookTranche, 'quantity' | 'unitPriceCents'>): number => {
  const value = t.quantity * t.unitPriceCents;
  if (!Number.isSafeInteger(value)) throw new RangeError('Tranche value out of range');
  return value;
};

function scheduleMilestones(
  valueCents: number,
  depositShareCents: number,
  shipDate: IsoDate,
  milestones: readonly Milestone[],
): ScheduledMilestone[] {
  const amounts = milestoneAmounts(valueCents, depositShareCents, milestones);
  return milestones.map((m, i) => ({
    n: i + 1,
    amountCents: amounts[i],
    dueDaysFromShip: m.dueDaysFromShip,
    dueOn: addDays(shipDate, m.dueDaysFromShip),
  }));
}

/**
 * The schedule at confirmation (BR-3): one deposit on the order value, shared over the tranches by value
 * (last tranche takes the remainder), then per tranche its milestones; sums to the order value exactly.
 */
export function initialSchedule(
  signedOn: IsoDate,
  terms: TermsSnapshot | null,
  tranches: readonly BookTranche[],
): InitialSchedule {
  const values = tranches.map(trancheValue);
  const orderValue = values.reduce((a, b) => a + b, 0);
  const depositCents = terms ? percentOfCents(orderValue, terms.depositPercent) : 0;
  const shares = splitByWeight(depositCents, values);
  const milestones = milestonesOf(terms);
  return {
    deposit: terms
      ? { amountCents: depositCents, dueOn: addDays(signedOn, terms.depositDueDays) }
      : null,
    tranches: tranches.map((t, i) => ({
      trancheId: t.id,
      valueCents: values[i],
      depositShareCents: shares[i],
      milestones: scheduleMilestones(values[i], shares[i], t.shipDate, milestones),
    })),
  };
}

export interface AddedUnitsBilling {
  /** Null without terms. */
  deposit: { amountCents: number; dueOn: IsoDate } | null;
  milestones: ScheduledMilestone[];
}

/** Units added by an amendment (BR-3): their own deposit, due effectiveOn + depositDueDays, and milestones. */
export function addedUnitsSchedule(
  effectiveOn: IsoDate,
  terms: TermsSnapshot | null,
  addedValueCents: number,
  shipDate: IsoDate,
): AddedUnitsBilling {
  const depositCents = terms ? percentOfCents(addedValueCents, terms.depositPercent) : 0;
  return {
    deposit: terms
      ? { amountCents: depositCents, dueOn: addDays(effectiveOn, terms.depositDueDays) }
      : null,
    milestones: scheduleMilestones(addedValueCents, depositCents, shipDate, milestonesOf(terms)),
  };
}
