import { stringify } from 'csv-stringify/sync';
import { FastifyReply } from 'fastify';

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

/**
 * The report as JSON, or, when asked for (`format=csv` or `Accept: text/csv`), `rows(report)` as a
 * CSV attachment named `<name>-<asOf>.csv`.
 */
export function jsonOrCsv<R extends { asOf: string }>(
  report: R,
  ask: { format?: string; accept?: string; reply: FastifyReply },
  name: string,
  rows: (report: R) => object[],
): R | string {
  return wantsCsv(ask.format, ask.accept)
    ? sendCsv(ask.reply, `${name}-${report.asOf}`, rows(report))
    : report;
}

/** Answers `rows` as a CSV attachment named `name`.csv. */
export function sendCsv(reply: FastifyReply, name: string, rows: object[]): string {
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`);
  return toCsv(rows as Record<string, unknown>[]);
}

/** A report of groups: one row per group; with no groupBy, one row of totals. */
export function groupRows(report: { totals: object; groups: object[] }): object[] {
  return report.groups.length > 0
    ? report.groups
    : [{ key: 'total', label: 'Total', ...report.totals }];
}

/** A report of periods: one row per period, or per period and group when grouped. */
export function periodRows(report: {
  periods: ({ period: string; groups?: object[] } & object)[];
}): object[] {
  return report.periods.flatMap(({ groups, ...period }) =>
    groups ? groups.map((group) => ({ period: period.period, ...group })) : [period],
  );
}
