import type { ReportFilters } from './backlog.queries';
import { customerFilter, periodValues } from './filters';
import { ForecastGroup, groupJoins, groupNeeds, periodGrouping } from './forecast.queries';

export interface BookingRow {
  period_start: string;
  key: string | null;
  label: string | null;
  is_group: boolean;
  order_count: number;
  gross_units: number;
  gross_cents: number;
  added_units: number;
  added_cents: number;
  cancelled_units: number;
  cancelled_cents: number;
  repriced_cents: number;
}

/**
 * Bookings per period (SPEC §10), from what the replay booked per order, model and day: orders past
 * draft signed in the period with their units and value at signing (by signedOn), units added and
 * cancelled by amendments and the Δ of price changes (by effective date; on a reversal date, what
 * the reversal changed in them). Only what is dated on or before asOf counts.
 */
export function bookingsQuery(
  filters: ReportFilters & {
    from: string;
    to: string;
    granularity: 'month' | 'quarter';
    groupBy?: ForecastGroup;
  },
): { text: string; values: unknown[] } {
  const needs = groupNeeds(filters.groupBy, filters);
  const grouping = periodGrouping(filters.groupBy, 'b.period_start');
  const sum = (what: string, kind: string) =>
    `coalesce(sum(b.${what}) FILTER (WHERE b.kind = '${kind}'), 0)::bigint`;
  return {
    text: `
      WITH placed AS (
        SELECT date_trunc($7, b.on_date)::date AS period_start, b.*
          FROM booking b
         WHERE b.on_date <= $1::date AND b.on_date >= $5::date AND b.on_date < $6::date
           AND ($8::uuid IS NULL OR b.product_model_id = $8::uuid)
      )
      SELECT b.period_start::text AS period_start,
             ${grouping.columns}
             (count(DISTINCT b.purchase_order_id) FILTER (WHERE b.kind = 'signed'))::int AS order_count,
             ${sum('units', 'signed')} AS gross_units, ${sum('amount_cents', 'signed')} AS gross_cents,
             ${sum('units', 'added')} AS added_units, ${sum('amount_cents', 'added')} AS added_cents,
             ${sum('units', 'cancelled')} AS cancelled_units, ${sum('amount_cents', 'cancelled')} AS cancelled_cents,
             ${sum('amount_cents', 'repriced')} AS repriced_cents
        FROM placed b
        ${groupJoins(needs, 'b')}
       WHERE true ${customerFilter('b', filters)}
       GROUP BY ${grouping.sets}
       ORDER BY 1, 2 NULLS FIRST`,
    values: [...periodValues(filters), filters.productModelId ?? null],
  };
}
