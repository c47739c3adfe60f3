import { assertOrderedRange } from '../common/dates';
import { ValidationFailedError } from '../common/errors';

/** Months 'YYYY-MM' and quarters 'YYYY-Qn' as half-open date ranges. */
export type Granularity = 'month' | 'quarter';

export interface Period {
  period: string;
  start: string;
  /** Exclusive. */
  end: string;
}

const monthIndex = (month: string) =>
  Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index: number) =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

export function addMonths(month: string, count: number): string {
  return monthOf(monthIndex(month) + count);
}

export function monthsBetween(from: string, to: string): number {
  return monthIndex(to) - monthIndex(from);
}

/** Every period from `from` to `to`; quarters cover the whole quarters the months touch. */
export function periods(from: string, to: string, granularity: Granularity): Period[] {
  const out: Period[] = [];
  const step = granularity === 'month' ? 1 : 3;
  let index = monthIndex(from);
  const last = monthIndex(to);
  if (granularity === 'quarter') index -= index % 3;
  for (; index <= last; index += step) {
    const start = `${monthOf(index)}-01`;
    const end = `${monthOf(index + step)}-01`;
    const year = Math.floor(index / 12);
    out.push({
      period:
        granularity === 'month' ? monthOf(index) : `${year}-Q${Math.floor((index % 12) / 3) + 1}`,
      start,
      end,
    });
  }
  return out;
}

/** The period label a calendar date falls in. */
export function periodOf(date: string, granularity: Granularity): string {
  if (granularity === 'month') return date.slice(0, 7);
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

/** The most months one period report covers. */
export const MAX_MONTHS = 120;

/**
 * The asOf (default `today`), the months a period report covers, its periods and the dates they
 * span (`bounds`: from the first period's start to the last one's end, exclusive). Looking `ahead`
 * (forecasts): from the month of asOf, twelve months unless `to` is given. Looking `behind`
 * (bookings, the roll-forward): the twelve months ending with the month of asOf, or twelve months
 * from `from` or up to `to` when only one is given. 400 when `to` is before `from` or the range
 * exceeds MAX_MONTHS.
 */
export function periodRange(
  query: { from?: string; to?: string; asOf?: string; granularity?: Granularity },
  today: string,
  looking: 'ahead' | 'behind',
) {
  const asOf = query.asOf ?? today;
  let { from, to } = query;
  if (looking === 'ahead') {
    from ??= asOf.slice(0, 7);
    to ??= addMonths(from, 11);
  } else if (from === undefined) {
    to ??= asOf.slice(0, 7);
    from = addMonths(to, -11);
  } else {
    to ??= addMonths(from, 11);
  }
  assertOrderedRange(from, to);
  if (monthsBetween(from, to) >= MAX_MONTHS) {
    throw new ValidationFailedError(`at most ${MAX_MONTHS} months at once`, [
      { path: 'to', message: `at most ${MAX_MONTHS} months after from` },
    ]);
  }
  const granularity: Granularity = query.granularity ?? 'month';
  const list = periods(from, to, granularity);
  const bounds = { from: list[0].start, to: list[list.length - 1].end };
  return { asOf, from, to, current: asOf >= today, granularity, list, bounds };
}
