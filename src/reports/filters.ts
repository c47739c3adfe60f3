import type { ReportFilters } from './backlog.queries';

// The customer filters and entity labels the reports over timeline rows share. Each such row
// carries its customer_id; segment and region are the customer's (`c`), joined only when asked for.

/** `JOIN customer c` on the rows of `alias` when the segment or region filter needs it. */
export function customerJoin(alias: string, filters: ReportFilters): string {
  return filters.segment || filters.region ? `JOIN customer c ON c.id = ${alias}.customer_id` : '';
}

/** The conditions of the customerId, segment and region filters, as $2, $3 and $4 (customerValues). */
export function customerFilter(alias: string, filters: ReportFilters): string {
  return `
           AND ($2::uuid IS NULL OR ${alias}.customer_id = $2::uuid)
           ${filters.segment ? 'AND c.segment = $3::text' : 'AND $3::text IS NULL'}
           ${filters.region ? 'AND c.region = $4::text' : 'AND $4::text IS NULL'}`;
}

/** $2, $3 and $4 of customerFilter. */
export function customerValues(filters: ReportFilters): unknown[] {
  return [filters.customerId ?? null, filters.segment ?? null, filters.region ?? null];
}

/**
 * $1 to $7 of a report over periods: asOf, the customer filters ($2–$4), the first period's start,
 * the last one's end (exclusive) and the granularity.
 */
export function periodValues(
  filters: ReportFilters & { from: string; to: string; granularity: 'month' | 'quarter' },
): unknown[] {
  return [filters.asOf, ...customerValues(filters), filters.from, filters.to, filters.granularity];
}

/** An entity group key of the aggregated rows `a`, and the join that gives its label. */
export const ENTITY_LABELS = {
  customer: { label: 'lc.name', join: 'LEFT JOIN customer lc ON lc.id = a.key' },
  purchaseOrder: { label: 'lo.number', join: 'LEFT JOIN purchase_order lo ON lo.id = a.key' },
} as const;
