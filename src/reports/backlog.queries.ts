import { inForce } from './as-of';
import type { BacklogGroup } from './report-query.dto';

export interface ReportFilters {
  asOf: string;
  customerId?: string;
  segment?: string;
  region?: string;
  productModelId?: string;
  /** asOf is today or later: read the current segments only. */
  current?: boolean;
}

export interface BacklogRow {
  key: string | null;
  label: string | null;
  is_total: boolean;
  open_quantity: number;
  open_value_cents: number;
  hashrate_ths: string;
  hashrate_ehs: string;
  power_mw: string;
  order_count: number;
}

/** The grouping key on the segment, and where its label comes from after aggregation. */
const GROUPS: Record<
  BacklogGroup,
  { key: string; needsCustomer: boolean; label: string; join: string }
> = {
  productModel: {
    key: 's.product_model_id',
    needsCustomer: false,
    label: 'lm.sku',
    join: 'LEFT JOIN product_model lm ON lm.id = a.key',
  },
  customer: {
    key: 's.customer_id',
    needsCustomer: false,
    label: 'lc.name',
    join: 'LEFT JOIN customer lc ON lc.id = a.key',
  },
  segment: { key: 'c.segment', needsCustomer: true, label: 'a.key', join: '' },
  region: { key: 'c.region', needsCustomer: true, label: 'a.key', join: '' },
  shipMonth: {
    key: `to_char(s.ship_date, 'YYYY-MM')`,
    needsCustomer: false,
    label: 'a.key',
    join: '',
  },
  purchaseOrder: {
    key: 's.purchase_order_id',
    needsCustomer: false,
    label: 'lo.number',
    join: 'LEFT JOIN purchase_order lo ON lo.id = a.key',
  },
};

/** A backlog query's grouping (none: totals only), and the customer join it or the filters need. */
function grouping(groupBy: BacklogGroup | undefined, filters: ReportFilters) {
  const group = groupBy
    ? GROUPS[groupBy]
    : { key: 'NULL::text', needsCustomer: false, label: 'NULL::text', join: '' };
  const customerJoin =
    group.needsCustomer || filters.segment || filters.region
      ? 'JOIN customer c ON c.id = s.customer_id'
      : '';
  return { group, customerJoin };
}

/**
 * BR-1/BR-7: the units open at the end of asOf, valued at their tranches' prices — from the
 * replayed order segments (one row per order and model) unless grouped by ship month, which only
 * the tranche segments know. Aggregated on ids first (totals and groups in one pass with
 * GROUPING SETS); names are joined to the few result rows afterwards.
 */
export function backlogQuery(
  groupBy: BacklogGroup | undefined,
  filters: ReportFilters,
): { text: string; values: unknown[] } {
  const { group, customerJoin } = grouping(groupBy, filters);
  const open = (table: string) => `
          FROM ${table} s
          ${customerJoin}
         WHERE ${inForce('s', filters.current)}
           AND s.open_units > 0
           AND ($2::uuid IS NULL OR s.customer_id = $2::uuid)
           ${filters.segment ? 'AND c.segment = $3::text' : 'AND $3::text IS NULL'}
           ${filters.region ? 'AND c.region = $4::text' : 'AND $4::text IS NULL'}
           AND ($5::uuid IS NULL OR s.product_model_id = $5::uuid)`;
  const values = [
    filters.asOf,
    filters.customerId ?? null,
    filters.segment ?? null,
    filters.region ?? null,
    filters.productModelId ?? null,
  ];
  const result = `
      SELECT a.key::text AS key, ${group.label} AS label, a.is_total,
             -- The total over nothing open is a row of NULL sums: zeros.
             coalesce(a.open_quantity, 0) AS open_quantity,
             coalesce(a.open_value_cents, 0) AS open_value_cents,
             coalesce(a.ths, 0)::numeric(20, 2)::text AS hashrate_ths,
             round(coalesce(a.ths, 0) / 1000000, 4)::text AS hashrate_ehs,
             round(coalesce(a.watts, 0)::numeric / 1000000, 2)::text AS power_mw,
             a.order_count
        FROM a ${group.join}
       ORDER BY a.is_total DESC, a.key`;
  if (groupBy === 'shipMonth') {
    return {
      text: `
      WITH per_order AS (
        SELECT ${group.key} AS key, s.purchase_order_id, s.product_model_id,
               sum(s.open_units) AS units,
               sum(s.open_units * s.unit_price_cents) AS cents
          ${open('tranche_segment')}
         GROUP BY 1, 2, 3
      ), a AS (
        SELECT p.key, GROUPING(p.key) = 1 AS is_total,
               sum(p.units)::bigint AS open_quantity,
               sum(p.cents)::bigint AS open_value_cents,
               sum(p.units * m.hashrate_ths) AS ths,
               sum(p.units * m.power_w) AS watts,
               count(DISTINCT p.purchase_order_id)::int AS order_count
          FROM per_order p
          JOIN product_model m ON m.id = p.product_model_id
         GROUP BY GROUPING SETS ((p.key), ())
      ) ${result}`,
      values,
    };
  }
  // Units and value per group and model (the model gives hashrate and power), and apart the
  // orders per group: two small aggregates of the same rows, cheaper than one per order and model.
  return {
    text: `
      WITH by_model AS (
        SELECT ${group.key} AS key, s.product_model_id,
               sum(s.open_units) AS units, sum(s.open_value_cents) AS cents
          ${open('order_segment')}
         GROUP BY 1, 2
      ), by_order AS (
        SELECT ${group.key} AS key, s.purchase_order_id
          ${open('order_segment')}
         GROUP BY 1, 2
      ), sums AS (
        SELECT b.key, GROUPING(b.key) = 1 AS is_total,
               sum(b.units)::bigint AS open_quantity,
               sum(b.cents)::bigint AS open_value_cents,
               sum(b.units * m.hashrate_ths) AS ths,
               sum(b.units * m.power_w) AS watts
          FROM by_model b
          JOIN product_model m ON m.id = b.product_model_id
         GROUP BY GROUPING SETS ((b.key), ())
      ), orders AS (
        SELECT o.key, GROUPING(o.key) = 1 AS is_total,
               count(DISTINCT o.purchase_order_id)::int AS order_count
          FROM by_order o
         GROUP BY GROUPING SETS ((o.key), ())
      ), a AS (
        SELECT sums.*, orders.order_count
          FROM sums
          JOIN orders ON orders.is_total = sums.is_total
           AND coalesce(orders.key::text, '') = coalesce(sums.key::text, '')
      ) ${result}`,
    values,
  };
}

export interface BacklogOptionRow {
  key: string | null;
  label: string | null;
  is_total: boolean;
  option_quantity: number;
  option_value_cents: number;
}

/**
 * The option units that may still be exercised at the end of asOf (neither exercised, cancelled
 * nor lapsed: asOf is on or before the exercise-by date), valued at their tranches' prices; with
 * the groups of backlogQuery and its parameters. They are no part of the open units.
 */
export function backlogOptionsQuery(
  groupBy: BacklogGroup | undefined,
  filters: ReportFilters,
): { text: string; values: unknown[] } {
  const { group, customerJoin } = grouping(groupBy, filters);
  return {
    text: `
      WITH a AS (
        SELECT ${group.key} AS key, GROUPING(${group.key}) = 1 AS is_total,
               sum(s.option_units)::bigint AS option_quantity,
               sum(s.option_units * s.unit_price_cents)::bigint AS option_value_cents
          FROM tranche_segment s
          JOIN tranche t ON t.id = s.tranche_id
          ${customerJoin}
         WHERE ${inForce('s', filters.current)}
           AND s.option_units > 0
           AND t.option_exercise_by >= $1::date
           AND ($2::uuid IS NULL OR s.customer_id = $2::uuid)
           ${filters.segment ? 'AND c.segment = $3::text' : 'AND $3::text IS NULL'}
           ${filters.region ? 'AND c.region = $4::text' : 'AND $4::text IS NULL'}
           AND ($5::uuid IS NULL OR s.product_model_id = $5::uuid)
         GROUP BY GROUPING SETS ((${group.key}), ())
      )
      SELECT a.key::text AS key, ${group.label} AS label, a.is_total,
             coalesce(a.option_quantity, 0) AS option_quantity,
             coalesce(a.option_value_cents, 0) AS option_value_cents
        FROM a ${group.join}
       ORDER BY a.is_total DESC, a.key`,
    values: [
      filters.asOf,
      filters.customerId ?? null,
      filters.segment ?? null,
      filters.region ?? null,
      filters.productModelId ?? null,
    ],
  };
}
