/** How the console shows figures: money `$1,234,567.00`, units `12,345`, dates `YYYY-MM-DD`. */

const group = (digits: string) => digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');

/** A money string of the API ("1234567.00") as `$1,234,567.00`, digit for digit (no floats). */
export function money(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const cents = (fraction + '00').slice(0, 2);
  return `${negative ? '-' : ''}$${group(whole.replace(/^0+(?=\d)/, ''))}.${cents}`;
}

/** Whole units with thousands separators. */
export function units(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** A plain number with thousands separators and up to `digits` decimals (EH/s, MW, TH/s). */
export function decimal(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined) return '—';
  return value.toLocaleString('en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A calendar date, or the date of an instant (UTC), as `YYYY-MM-DD`. */
export function date(value: string | null | undefined): string {
  if (!value) return '—';
  return value.slice(0, 10);
}

/** Today in UTC, as the API counts it by default. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}

/** `YYYY-MM` of a date plus `months`. */
export function addMonths(day: string, months: number): string {
  const [y, m] = day.split('-').map(Number);
  const index = y * 12 + (m - 1) + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** A money string as a number, for drawing a chart only (never for arithmetic). */
export const plot = (value: string | null | undefined): number => Number(value ?? 0);

/** Words of an enum value: `public_miner` → `public miner`. */
export const words = (value: string | null | undefined): string =>
  value ? value.replace(/_/g, ' ') : '—';
