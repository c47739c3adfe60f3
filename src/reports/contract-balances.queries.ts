import { inForce } from './as-of';
import type { ReportFilters } from './backlog.queries';
import type { BalanceGroup } from './report-query.dto';

export interface BalanceRow {
  key: string | null;
  label: string | null;
  is_total: boolean;
  cash_received: number;
  recognized: number;
  forfeited: number;
  liability: number;
  receivable: number;
  credit: number;
}

const GROUPS: Record<
  BalanceGroup,
  { segmentKey: string; creditKey: string; label: string; join: string }
> = {
  customer: {
    segmentKey: 's.customer_id',
    creditKey: 'cr.customer_id',
    label: 'lc.name',
    join: 'LEFT JOIN customer lc ON lc.id = a.key',
  },
  purchaseOrder: {
    segmentKey: 's.purchase_order_id',
    creditKey: 'cr.purchase_order_id',
    label: 'lo.number',
    join: 'LEFT JOIN purchase_order lo ON lo.id = a.key',
  },
};

/**
 * BR-5 at the end of asOf, from the replayed order segments (the sums of the tranche segments, one
 * row per order and model) and credit segments: cash received (what the tranches received plus
 * unapplied credit), recognised and forfeited revenue, contract liability (pools + credit) and
 * receivable (shipped value not yet paid, per tranche). Summed straight to the group key; labels
 * are joined to the result rows.
 */
export function contractBalancesQuery(
  groupBy: BalanceGroup | undefined,
  filters: ReportFilters,
): { text: string; values: unknown[] } {
  const group = groupBy
    ? GROUPS[groupBy]
    : { segmentKey: 'NULL::uuid', creditKey: 'NULL::uuid', label: 'NULL::text', join: '' };
  const byCustomer = filters.segment || filters.region;
  const customerFilter = (alias: string) => `
           AND ($2::uuid IS NULL OR ${alias}.customer_id = $2::uuid)
           ${filters.segment ? 'AND c.segment = $3::text' : 'AND $3::text IS NULL'}
           ${filters.region ? 'AND c.region = $4::text' : 'AND $4::text IS NULL'}`;
  return {
    text: `
      WITH t AS (
        SELECT ${group.segmentKey} AS key,
               sum(s.cash_cents) AS cash,
               sum(s.shipped_value_cents) AS recognized,
               sum(s.forfeited_cents) AS forfeited,
               sum(s.pool_cents) AS pool,
               sum(s.receivable_cents) AS receivable
          FROM order_segment s
          ${byCustomer ? 'JOIN customer c ON c.id = s.customer_id' : ''}
         WHERE ${inForce('s', filters.current)} ${customerFilter('s')}
         GROUP BY 1
      ), cr AS (
        SELECT ${group.creditKey} AS key, sum(cr.unapplied_cents) AS credit
          FROM credit_segment cr
          ${byCustomer ? 'JOIN customer c ON c.id = cr.customer_id' : ''}
         WHERE ${inForce('cr', filters.current)} ${customerFilter('cr')}
         GROUP BY 1
      ), p AS (
        SELECT t.*, coalesce(cr.credit, 0) AS credit FROM t LEFT JOIN cr ON cr.key IS NOT DISTINCT FROM t.key
      ), a AS (
        SELECT p.key, GROUPING(p.key) = 1 AS is_total,
               sum(p.cash + p.credit)::bigint AS cash_received,
               sum(p.recognized)::bigint AS recognized,
               sum(p.forfeited)::bigint AS forfeited,
               sum(p.pool + p.credit)::bigint AS liability,
               sum(p.receivable)::bigint AS receivable,
               sum(p.credit)::bigint AS credit
          FROM p
         GROUP BY GROUPING SETS ((p.key), ())
      )
      SELECT a.key::text AS key, ${group.label} AS label, a.is_total, a.cash_received, a.recognized, a.forfeited,
             a.liability, a.receivable, a.credit
        FROM a ${group.join}
       ORDER BY a.is_total DESC, a.key`,
    values: [
      filters.asOf,
      filters.customerId ?? null,
      filters.segment ?? null,
      filters.region ?? null,
    ],
  };
}
