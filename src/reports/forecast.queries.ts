import { inForce } from './as-of';
import type { ReportFilters } from './backlog.queries';

export type ForecastGroup = 'productModel' | 'customer' | 'segment' | 'region' | 'purchaseOrder';

export const GROUP_COLUMNS: Record<ForecastGroup, { key: string; label: string }> = {
  productModel: { key: 'm.id::text', label: 'm.sku' },
  customer: { key: 'c.id::text', label: 'c.name' },
  segment: { key: 'c.segment', label: 'c.segment' },
  region: { key: 'c.region', label: 'c.region' },
  purchaseOrder: { key: 'o.id::text', label: 'o.number' },
};

/** Which of the customer (c), the model (m) and the order (o) a grouping or a filter needs joined. */
export function groupNeeds(groupBy: ForecastGroup | undefined, filters: ReportFilters) {
  return {
    customer:
      !!filters.segment ||
      !!filters.region ||
      ['customer', 'segment', 'region'].includes(groupBy ?? ''),
    model: groupBy === 'productModel',
    order: groupBy === 'purchaseOrder',
  };
}

/** The joins groupNeeds asks for, on rows `alias` that carry the ids. */
export function groupJoins(needs: ReturnType<typeof groupNeeds>, alias: string): string {
  return [
    needs.customer ? `JOIN customer c ON c.id = ${alias}.customer_id` : '',
    needs.model ? `JOIN product_model m ON m.id = ${alias}.product_model_id` : '',
    needs.order ? `JOIN purchase_order o ON o.id = ${alias}.purchase_order_id` : '',
  ].join('\n        ');
}

/** Per period alone, or per period and per group of `groupBy` as well (is_group tells them apart). */
export function periodGrouping(groupBy: ForecastGroup | undefined, period: string) {
  const group = groupBy ? GROUP_COLUMNS[groupBy] : null;
  return {
    columns: group
      ? `${group.key} AS key, ${group.label} AS label, GROUPING(${group.key}) = 0 AS is_group,`
      : 'NULL AS key, NULL AS label, false AS is_group,',
    sets: group ? `GROUPING SETS ((${period}), (${period}, ${group.key}, ${group.label}))` : period,
  };
}

export interface RevenueRow {
  /** Null for units overdue at asOf (in no period). */
  period_start: string | null;
  key: string | null;
  label: string | null;
  is_group: boolean;
  recognized: number;
  /** The part of `recognized` that came from hash-rate true-ups. */
  true_up: number;
  forfeited: number;
  forecast: number;
  shipped_quantity: number;
  forecast_quantity: number;
  /** Option units that may still be exercised at asOf, by ship date, at their price. */
  option_revenue: number;
}

/**
 * Revenue per period on the contract basis (SPEC §6): shipments on or before asOf (BR-2, from the
 * recognitions the replay writes), forfeitures on or before asOf (BR-6), and units open at asOf by
 * the ship date in force at asOf. Open units whose ship date is on or before asOf are overdue and
 * land in no period.
 * `withForecast=false` leaves the open units out (the plan basis brings its own).
 */
export function revenueQuery(
  filters: ReportFilters & {
    from: string;
    to: string;
    granularity: 'month' | 'quarter';
    groupBy?: ForecastGroup;
    withForecast: boolean;
  },
): { text: string; values: unknown[] } {
  // Only the joins a filter or the grouping needs: the flows carry the ids already.
  const needs = groupNeeds(filters.groupBy, filters);
  const grouping = periodGrouping(filters.groupBy, 'period_start');
  // Without a grouping by customer or order, each kind of flow is summed per day (and model) first,
  // so the per-period aggregation sees a few thousand rows, not one per tranche. Customers and
  // orders are too many for that to pay.
  const ids = [
    needs.customer ? 'customer_id' : null,
    needs.model ? 'product_model_id' : null,
    needs.order ? 'purchase_order_id' : null,
  ].filter((id): id is string => id !== null);
  const perDay = !needs.customer && !needs.order;
  const idsOf = (alias: string) => ids.map((id) => `, ${alias}.${id}`).join('');
  const sum = (expression: string) => (perDay ? `sum(${expression})` : expression);
  const perDayOf = (date: string, alias: string) =>
    perDay ? `GROUP BY ${date}${idsOf(alias)}` : '';
  const filtersOn = (alias: string) =>
    `($5::uuid IS NULL OR ${alias}.customer_id = $5::uuid) AND ($8::uuid IS NULL OR ${alias}.product_model_id = $8::uuid)`;
  return {
    text: `
      WITH flows AS (
        SELECT r.on_date, 'recognized' AS kind, ${sum('r.units')} AS units,
               ${sum('r.amount_cents')} AS cents, ${sum('r.true_up_cents')} AS true_up${idsOf('r')}
          FROM recognition r
         WHERE r.on_date <= $1::date AND r.on_date >= $2::date AND r.on_date < $3::date
           AND ${filtersOn('r')}
         ${perDayOf('r.on_date', 'r')}
        UNION ALL
        SELECT f.on_date, 'forfeited', 0, ${sum('f.amount_cents')}, 0${idsOf('f')}
          FROM forfeiture f
         WHERE f.on_date <= $1::date AND f.on_date >= $2::date AND f.on_date < $3::date
           AND ${filtersOn('f')}
         ${perDayOf('f.on_date', 'f')}
        UNION ALL
        SELECT s.ship_date, CASE WHEN s.ship_date <= $1::date THEN 'overdue' ELSE 'forecast' END,
               ${sum('s.open_units')}, ${sum('s.open_units * s.unit_price_cents')}, 0${idsOf('s')}
          FROM tranche_segment s
         WHERE $9::boolean AND ${inForce('s', filters.current)} AND s.open_units > 0
           AND (s.ship_date <= $1::date OR (s.ship_date >= $2::date AND s.ship_date < $3::date))
           AND ${filtersOn('s')}
         ${perDayOf('s.ship_date', 's')}
        UNION ALL
        SELECT s.ship_date, 'option', ${sum('s.option_units')},
               ${sum('s.option_units * s.unit_price_cents')}, 0${idsOf('s')}
          FROM tranche_segment s
          JOIN tranche t ON t.id = s.tranche_id
         WHERE ${inForce('s', filters.current)} AND s.option_units > 0 AND t.option_exercise_by >= $1::date
           AND s.ship_date >= $2::date AND s.ship_date < $3::date
           AND ${filtersOn('s')}
         ${perDayOf('s.ship_date', 's')}
      ), placed AS (
        SELECT CASE WHEN kind = 'overdue' THEN NULL ELSE date_trunc($4, on_date)::date END AS period_start, flows.*
          FROM flows
      )
      SELECT p.period_start::text AS period_start,
             ${grouping.columns}
             coalesce(sum(p.cents) FILTER (WHERE p.kind = 'recognized'), 0)::bigint AS recognized,
             coalesce(sum(p.true_up), 0)::bigint AS true_up,
             coalesce(sum(p.cents) FILTER (WHERE p.kind = 'forfeited'), 0)::bigint AS forfeited,
             coalesce(sum(p.cents) FILTER (WHERE p.kind IN ('forecast', 'overdue')), 0)::bigint AS forecast,
             coalesce(sum(p.units) FILTER (WHERE p.kind = 'recognized'), 0)::bigint AS shipped_quantity,
             coalesce(sum(p.units) FILTER (WHERE p.kind IN ('forecast', 'overdue')), 0)::bigint AS forecast_quantity,
             coalesce(sum(p.cents) FILTER (WHERE p.kind = 'option'), 0)::bigint AS option_revenue
        FROM placed p
        ${groupJoins(needs, 'p')}
       WHERE true
         ${filters.segment ? 'AND c.segment = $6::text' : 'AND $6::text IS NULL'}
         ${filters.region ? 'AND c.region = $7::text' : 'AND $7::text IS NULL'}
       GROUP BY ${grouping.sets}
       ORDER BY 1 NULLS FIRST, 2 NULLS FIRST`,
    values: [
      filters.asOf,
      filters.from,
      filters.to,
      filters.granularity,
      filters.customerId ?? null,
      filters.segment ?? null,
      filters.region ?? null,
      filters.productModelId ?? null,
      filters.withForecast,
    ],
  };
}

export interface CashRow {
  period_start: string | null;
  received: number;
  expected: number;
}

/**
 * Cash per period: payments received on or before asOf less payments reversed and refunds paid by
 * then (from the orders' balance movements: a reversal or a refund is negative cash on its date),
 * and what the instalments open at asOf (schedule in force at asOf) still expect, by due date; due
 * on or before asOf is overdue.
 */
export function cashQuery(
  filters: ReportFilters & { from: string; to: string; granularity: 'month' | 'quarter' },
): { text: string; values: unknown[] } {
  return {
    text: `
      WITH flows AS (
        SELECT m.on_date, 'received' AS kind, m.cash_received_cents - m.refunded_cents AS cents, m.customer_id
          FROM balance_movement m
         WHERE m.on_date <= $1::date AND m.on_date >= $2::date AND m.on_date < $3::date
           AND (m.cash_received_cents <> 0 OR m.refunded_cents <> 0)
        UNION ALL
        SELECT i.due_on, CASE WHEN i.due_on <= $1::date THEN 'overdue' ELSE 'expected' END,
               i.amount_cents - i.paid_cents - i.voided_cents, i.customer_id
          FROM instalment_segment i
         WHERE ${inForce('i', filters.current)}
           AND i.amount_cents - i.paid_cents - i.voided_cents > 0
           AND (i.due_on <= $1::date OR (i.due_on >= $2::date AND i.due_on < $3::date))
      )
      SELECT CASE WHEN f.kind = 'overdue' THEN NULL ELSE date_trunc($4, f.on_date)::date::text END AS period_start,
             coalesce(sum(f.cents) FILTER (WHERE f.kind = 'received'), 0)::bigint AS received,
             coalesce(sum(f.cents) FILTER (WHERE f.kind <> 'received'), 0)::bigint AS expected
        FROM flows f
        JOIN customer c ON c.id = f.customer_id
       WHERE ($5::uuid IS NULL OR f.customer_id = $5::uuid)
         AND ($6::text IS NULL OR c.segment = $6::text)
         AND ($7::text IS NULL OR c.region = $7::text)
       GROUP BY 1
       ORDER BY 1 NULLS FIRST`,
    values: [
      filters.asOf,
      filters.from,
      filters.to,
      filters.granularity,
      filters.customerId ?? null,
      filters.segment ?? null,
      filters.region ?? null,
    ],
  };
}
