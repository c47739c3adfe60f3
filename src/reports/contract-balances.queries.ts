import { inForce } from './as-of';
import type { ReportFilters } from './backlog.queries';
import { customerFilter, customerJoin, customerValues, ENTITY_LABELS } from './filters';
import type { BalanceGroup } from './report-query.dto';

export interface BalanceRow {
  key: string | null;
  label: string | null;
  is_total: boolean;
  cash_received: number;
  refunded: number;
  recognized: number;
  forfeited: number;
  liability: number;
  receivable: number;
  credit: number;
}

const GROUPS: Record<
  BalanceGroup,
  { segmentKey: string; creditKey: string; refundKey: string; label: string; join: string }
> = {
  customer: {
    segmentKey: 's.customer_id',
    creditKey: 'cr.customer_id',
    refundKey: 'm.customer_id',
    ...ENTITY_LABELS.customer,
  },
  purchaseOrder: {
    segmentKey: 's.purchase_order_id',
    creditKey: 'cr.purchase_order_id',
    refundKey: 'm.purchase_order_id',
    ...ENTITY_LABELS.purchaseOrder,
  },
};

/**
 * BR-5 at the end of asOf, from the replayed order segments (the sums of the tranche segments, one
 * row per order and model), credit segments and the refunds among the balance movements: cash
 * received (payments less reversed ones, gross of refunds: what the tranches received, unapplied
 * credit and what was refunded), refunds, recognised and forfeited revenue, contract liability
 * (pools + credit) and receivable (shipped value not yet paid, per tranche). Summed straight to the
 * group key; labels are joined to the result rows.
 */
export function contractBalancesQuery(
  groupBy: BalanceGroup | undefined,
  filters: ReportFilters,
): { text: string; values: unknown[] } {
  const group = groupBy
    ? GROUPS[groupBy]
    : {
        segmentKey: 'NULL::uuid',
        creditKey: 'NULL::uuid',
        refundKey: 'NULL::uuid',
        label: 'NULL::text',
        join: '',
      };
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
          ${customerJoin('s', filters)}
         WHERE ${inForce('s', filters.current)} ${customerFilter('s', filters)}
         GROUP BY 1
      ), cr AS (
        SELECT ${group.creditKey} AS key, sum(cr.unapplied_cents) AS credit
          FROM credit_segment cr
          ${customerJoin('cr', filters)}
         WHERE ${inForce('cr', filters.current)} ${customerFilter('cr', filters)}
         GROUP BY 1
      ), rf AS (
        SELECT ${group.refundKey} AS key, sum(m.refunded_cents) AS refunded
          FROM balance_movement m
          ${customerJoin('m', filters)}
         WHERE m.refunded_cents <> 0 AND m.on_date <= $1::date ${customerFilter('m', filters)}
         GROUP BY 1
      ), p AS (
        SELECT t.*, coalesce(cr.credit, 0) AS credit, coalesce(rf.refunded, 0) AS refunded
          FROM t
          LEFT JOIN cr ON cr.key IS NOT DISTINCT FROM t.key
          LEFT JOIN rf ON rf.key IS NOT DISTINCT FROM t.key
      ), a AS (
        SELECT p.key, GROUPING(p.key) = 1 AS is_total,
               sum(p.cash + p.credit + p.refunded)::bigint AS cash_received,
               sum(p.refunded)::bigint AS refunded,
               sum(p.recognized)::bigint AS recognized,
               sum(p.forfeited)::bigint AS forfeited,
               sum(p.pool + p.credit)::bigint AS liability,
               sum(p.receivable)::bigint AS receivable,
               sum(p.credit)::bigint AS credit
          FROM p
         GROUP BY GROUPING SETS ((p.key), ())
      )
      SELECT a.key::text AS key, ${group.label} AS label, a.is_total, a.cash_received, a.refunded, a.recognized,
             a.forfeited, a.liability, a.receivable, a.credit
        FROM a ${group.join}
       ORDER BY a.is_total DESC, a.key`,
    values: [filters.asOf, ...customerValues(filters)],
  };
}
