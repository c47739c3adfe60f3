import type { EntityManager } from 'typeorm';
import type { CapacityRow, OpenTranche } from './allocate';

/** An open tranche with what the plan's readers show beside its allocation. */
export interface PlanTrancheRow extends OpenTranche {
  purchaseOrderId: string;
  customerId: string;
  unitPriceCents: number;
}

/** Which models to read: these only (null: all), less those already at hand; of some orders only. */
export interface ModelFilter {
  only: string[] | null;
  except?: string[];
  orders?: string[];
}

/**
 * The open units of every order past draft as they stand now, from the tranches' current figures.
 * Unsorted: the allocation sorts in the application, which scales out, not in the one database.
 */
export async function currentOpenTranches(
  db: EntityManager,
  models: ModelFilter,
): Promise<PlanTrancheRow[]> {
  return (await db.query(
    `SELECT t.id AS "trancheId", t.purchase_order_id AS "purchaseOrderId", o.number AS "orderNumber",
            o.signed_on AS "signedOn", t.customer_id AS "customerId", t.product_model_id AS "productModelId",
            t.ship_date AS "shipDate", t.sequence,
            t.quantity - t.shipped_quantity - t.cancelled_quantity AS "openUnits",
            t.unit_price_cents AS "unitPriceCents"
       FROM tranche t
       JOIN purchase_order o ON o.id = t.purchase_order_id
      WHERE o.status <> 'draft'
        AND t.shipped_quantity + t.cancelled_quantity < t.quantity
        AND ($1::uuid[] IS NULL OR t.product_model_id = ANY($1::uuid[]))
        AND NOT t.product_model_id = ANY($2::uuid[])
        AND ($3::uuid[] IS NULL OR t.purchase_order_id = ANY($3::uuid[]))`,
    [models.only, models.except ?? [], models.orders ?? null],
  )) as PlanTrancheRow[];
}

/**
 * The open units and ship dates in force at the end of `asOf`, from the replayed timeline (the
 * segment whose [valid_from, valid_to) holds asOf). Only orders past draft have a timeline.
 */
export async function openTranchesAsOf(
  db: EntityManager,
  asOf: string,
  models: ModelFilter,
): Promise<PlanTrancheRow[]> {
  return (await db.query(
    `SELECT s.tranche_id AS "trancheId", s.purchase_order_id AS "purchaseOrderId", o.number AS "orderNumber",
            o.signed_on AS "signedOn", s.customer_id AS "customerId", s.product_model_id AS "productModelId",
            s.ship_date AS "shipDate", t.sequence, s.open_units AS "openUnits",
            s.unit_price_cents AS "unitPriceCents"
       FROM tranche_segment s
       JOIN tranche t ON t.id = s.tranche_id
       JOIN purchase_order o ON o.id = s.purchase_order_id
      WHERE s.valid_from <= $1::date AND (s.valid_to IS NULL OR s.valid_to > $1::date)
        AND s.open_units > 0
        AND ($2::uuid[] IS NULL OR s.product_model_id = ANY($2::uuid[]))
        AND NOT s.product_model_id = ANY($3::uuid[])
        AND ($4::uuid[] IS NULL OR s.purchase_order_id = ANY($4::uuid[]))`,
    [asOf, models.only, models.except ?? [], models.orders ?? null],
  )) as PlanTrancheRow[];
}

/** Capacity from the planning start month on (earlier months cannot be planned). */
export async function capacityFrom(
  db: EntityManager,
  startMonth: string,
  models: ModelFilter,
): Promise<CapacityRow[]> {
  return (await db.query(
    `SELECT product_model_id AS "productModelId", to_char(month, 'YYYY-MM') AS month, units
       FROM production_capacity
      WHERE month >= $1::date AND ($2::uuid[] IS NULL OR product_model_id = ANY($2::uuid[]))
        AND NOT product_model_id = ANY($3::uuid[])`,
    [`${startMonth}-01`, models.only, models.except ?? []],
  )) as CapacityRow[];
}
