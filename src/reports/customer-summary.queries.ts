import { OPEN_STAGES } from '../customers/opportunities/probability';

export interface CustomerFiguresRow {
  customer_exists: boolean;
  open_orders: number;
  shipped_units: number;
  weighted_pipeline_cents: number;
  last_activity_at: Date | null;
}

/**
 * What the customer summary adds to the backlog and the contract balances, for one customer as of
 * the end of `asOf`: whether it exists, its confirmed orders, the units shipped (as the replayed
 * tranches hold them: a reversed shipment's units are open again), the weighted pipeline of its
 * open opportunities and its latest activity. The pipeline is exact numeric
 * arithmetic, summed first and rounded once, half up (PostgreSQL rounds numeric halves away from
 * zero, and every term is ≥ 0).
 */
export function customerFiguresQuery(
  customerId: string,
  asOf: string,
): { text: string; values: unknown[] } {
  return {
    text: `
      SELECT EXISTS (SELECT 1 FROM customer WHERE id = $1) AS customer_exists,
             (SELECT count(*) FROM purchase_order WHERE customer_id = $1 AND status = 'confirmed')::int AS open_orders,
             (SELECT coalesce(sum(s.shipped_units), 0) FROM tranche_segment s
               WHERE s.customer_id = $1 AND s.valid_from <= $2::date
                 AND (s.valid_to IS NULL OR s.valid_to > $2::date))::bigint AS shipped_units,
             (SELECT round(coalesce(sum(o.quantity::numeric * o.unit_price_cents * o.probability), 0) / 100)::bigint
                FROM opportunity o
               WHERE o.customer_id = $1 AND o.stage = ANY($3)) AS weighted_pipeline_cents,
             (SELECT max(a.occurred_at) FROM activity a WHERE a.customer_id = $1) AS last_activity_at`,
    values: [customerId, asOf, OPEN_STAGES],
  };
}
