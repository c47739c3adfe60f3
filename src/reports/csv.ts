import { stringify } from 'csv-stringify/sync';

/** Flattens nested objects into dotted columns: {totals: {a: 1}} → {'totals.a': 1}. */
export function flatten(row: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value))
      Object.assign(out, flatten(value as Record<string, unknown>, name));
    else if (!Array.isArray(value)) out[name] = value;
  }
  return out;
}

/** A header row, then one row per item; money stays a plain decimal string. */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const flat = rows.map((row) => flatten(row));
  const header = columns ?? [...new Set(flat.flatMap((row) => Object.keys(row)))];
  return stringify(flat, { header: true, columns: header, cast: { boolean: (v) => String(v) } });
}

export function wantsCsv(format: string | undefined, accept: string | undefined): boolean {
  return format === 'csv' || (format === undefined && !!accept && /\btext\/csv\b/.test(accept));
}
