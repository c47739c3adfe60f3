/**
 * The SQL condition "this segment is the state at the end of $1". Business dates are never after
 * today, so for an asOf of today or later the state is the current segment (valid_to IS NULL,
 * a partial index) — no need to scan the history. `alias` is the segment table's alias.
 */
export function inForce(alias: string, current = false): string {
  const col = (name: string) => (alias ? `${alias}.${name}` : name);
  return current
    ? `${col('valid_to')} IS NULL AND ${col('valid_from')} <= $1::date`
    : `${col('valid_from')} <= $1::date AND (${col('valid_to')} IS NULL OR ${col('valid_to')} > $1::date)`;
}
