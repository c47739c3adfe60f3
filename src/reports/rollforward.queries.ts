import type { ReportFilters } from './backlog.queries';
import { customerFilter, customerJoin, periodValues } from './filters';

export interface RollforwardRow {
  period_start: string;
  opening_liability: number;
  opening_receivable: number;
  cash_received: number;
  refunded: number;
  recognized: number;
  forfeited: number;
  closing_liability: number;
  closing_receivable: number;
}

/**
 * The contract-liability roll-forward (SPEC §10) from the orders' balance movements: per period,
 * the liability and receivable at the end of the day before it (every movement before it) and at
 * its last day, and the movements in it — cash received net of reversals, refunds, recognised and
 * forfeited revenue. Every movement keeps cash − refunded − recognised − forfeited = Δliability −
 * Δreceivable, so each period rolls forward exactly. Only movements on or before asOf count. Summed
 * per day first: the per-period step then sees a few hundred rows, not one per order and day.
 * `periodStarts` are the first days of the periods, from `from` up to `to` (exclusive).
 */
export function rollforwardQuery(
  filters: ReportFilters & {
    from: string;
    to: string;
    granularity: 'month' | 'quarter';
    periodStarts: string[];
  },
): { text: string; values: unknown[] } {
  return {
    text: `
      WITH daily AS (
        SELECT m.on_date,
               sum(m.cash_received_cents) AS cash, sum(m.refunded_cents) AS refunded,
               sum(m.recognised_cents) AS recognized, sum(m.forfeited_cents) AS forfeited,
               sum(m.liability_cents) AS liability, sum(m.receivable_cents) AS receivable
          FROM balance_movement m
          ${customerJoin('m', filters)}
         WHERE m.on_date <= $1::date AND m.on_date < $6::date ${customerFilter('m', filters)}
         GROUP BY m.on_date
      ), moved AS (
        SELECT CASE WHEN d.on_date < $5::date THEN NULL ELSE date_trunc($7, d.on_date)::date END AS period_start,
               sum(d.cash) AS cash, sum(d.refunded) AS refunded, sum(d.recognized) AS recognized,
               sum(d.forfeited) AS forfeited, sum(d.liability) AS liability, sum(d.receivable) AS receivable
          FROM daily d
         GROUP BY 1
      ), opening AS (
        SELECT coalesce(sum(liability), 0) AS liability, coalesce(sum(receivable), 0) AS receivable
          FROM moved WHERE period_start IS NULL
      ), periods AS (
        SELECT p.period_start, coalesce(mv.cash, 0) AS cash, coalesce(mv.refunded, 0) AS refunded,
               coalesce(mv.recognized, 0) AS recognized, coalesce(mv.forfeited, 0) AS forfeited,
               coalesce(mv.liability, 0) AS liability, coalesce(mv.receivable, 0) AS receivable
          FROM unnest($8::date[]) AS p(period_start)
          LEFT JOIN moved mv ON mv.period_start = p.period_start
      )
      SELECT p.period_start::text AS period_start,
             (o.liability + coalesce(sum(p.liability) OVER before, 0))::bigint AS opening_liability,
             (o.receivable + coalesce(sum(p.receivable) OVER before, 0))::bigint AS opening_receivable,
             p.cash::bigint AS cash_received, p.refunded::bigint AS refunded,
             p.recognized::bigint AS recognized, p.forfeited::bigint AS forfeited,
             (o.liability + sum(p.liability) OVER upto)::bigint AS closing_liability,
             (o.receivable + sum(p.receivable) OVER upto)::bigint AS closing_receivable
        FROM periods p CROSS JOIN opening o
      WINDOW before AS (ORDER BY p.period_start ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
             upto AS (ORDER BY p.period_start ROWS UNBOUNDED PRECEDING)
       ORDER BY p.period_start`,
    values: [...periodValues(filters), filters.periodStarts],
  };
}
