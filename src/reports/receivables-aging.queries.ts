import { inForce } from './as-of';
import type { ReportFilters } from './backlog.queries';
import { customerFilter, customerJoin, customerValues, ENTITY_LABELS } from './filters';
import type { BalanceGroup } from './report-query.dto';

export interface AgingRow {
  key: string | null;
  label: string | null;
  is_total: boolean;
  not_due: number;
  days_1_30: number;
  days_31_60: number;
  days_61_90: number;
  over_90: number;
  total: number;
}

const GROUPS: Record<BalanceGroup, { key: string; label: string; join: string }> = {
  customer: { key: 'i.customer_id', ...ENTITY_LABELS.customer },
  purchaseOrder: { key: 'i.purchase_order_id', ...ENTITY_LABELS.purchaseOrder },
};

/**
 * Receivables ageing at the end of asOf: every instalment in force then with something neither
 * paid nor voided, by days from its due date in force to asOf — 0 or less (due on or after asOf)
 * not due, then 1–30, 31–60, 61–90 and over 90 days past due. Totals and groups in one pass with
 * GROUPING SETS; labels joined to the result rows.
 */
export function receivablesAgingQuery(
  groupBy: BalanceGroup | undefined,
  filters: ReportFilters,
): { text: string; values: unknown[] } {
  const group = groupBy ? GROUPS[groupBy] : { key: 'NULL::uuid', label: 'NULL::text', join: '' };
  return {
    text: `
      WITH unpaid AS (
        SELECT ${group.key} AS key, $1::date - i.due_on AS late,
               i.amount_cents - i.paid_cents - i.voided_cents AS cents
          FROM instalment_segment i
          ${customerJoin('i', filters)}
         WHERE ${inForce('i', filters.current)}
           AND i.amount_cents - i.paid_cents - i.voided_cents > 0 ${customerFilter('i', filters)}
      ), a AS (
        SELECT u.key, GROUPING(u.key) = 1 AS is_total,
               coalesce(sum(u.cents) FILTER (WHERE u.late <= 0), 0)::bigint AS not_due,
               coalesce(sum(u.cents) FILTER (WHERE u.late BETWEEN 1 AND 30), 0)::bigint AS days_1_30,
               coalesce(sum(u.cents) FILTER (WHERE u.late BETWEEN 31 AND 60), 0)::bigint AS days_31_60,
               coalesce(sum(u.cents) FILTER (WHERE u.late BETWEEN 61 AND 90), 0)::bigint AS days_61_90,
               coalesce(sum(u.cents) FILTER (WHERE u.late > 90), 0)::bigint AS over_90,
               coalesce(sum(u.cents), 0)::bigint AS total
          FROM unpaid u
         GROUP BY GROUPING SETS ((u.key), ())
      )
      SELECT a.key::text AS key, ${group.label} AS label, a.is_total, a.not_due, a.days_1_30, a.days_31_60,
             a.days_61_90, a.over_90, a.total
        FROM a ${group.join}
       ORDER BY a.is_total DESC, a.key`,
    values: [filters.asOf, ...customerValues(filters)],
  };
}
