/** Months 'YYYY-MM' and quarters 'YYYY-Qn' as half-open date ranges. */
export type Granularity = 'month' | 'quarter';

export interface Period {
  period: string;
  start: string;
  /** Exclusive. */
  end: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: unknown): value is string {
  return typeof value === 'string' && MONTH.test(value);
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
