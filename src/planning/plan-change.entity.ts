import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/** Stands for every model: a change the triggers cannot pin to models (a truncate). */
export const EVERY_MODEL = '00000000-0000-0000-0000-000000000000';

/** Stands for no order: the change is to the model's capacity (or, with EVERY_MODEL, to all). */
export const NO_ORDER = '00000000-0000-0000-0000-000000000000';

/**
 * One row per transaction, product model and order whose part of the plan it may change, written
 * by statement triggers on the tables the delivery plan reads (tranche, tranche_segment,
 * purchase_order, production_capacity) in that transaction, so it commits with the change
 * whichever module made it. A cached model plan stays good while no row for its model exists that
 * its snapshot could not see; when some do, only the orders (and the capacity) they name need
 * reading again.
 */
@Entity()
export class PlanChange {
  /** pg_current_xact_id() of the writing transaction. */
  @PrimaryColumn({ type: 'bigint' })
  txid: string;

  /** The model whose tranches or capacity changed; EVERY_MODEL for all of them. */
  @PrimaryColumn({ type: 'uuid' })
  productModelId: string;

  /** The order whose tranches of the model changed; NO_ORDER for the model's capacity. */
  @PrimaryColumn({ type: 'uuid' })
  purchaseOrderId: string;
}

/**
 * The single row below which plan_change has been pruned: a cached plan whose snapshot's xmin is
 * lower may have lost rows it needed and is recomputed.
 */
@Entity()
@Check('plan_change_horizon_single_row_check', 'id = 1')
export class PlanChangeHorizon {
  @PrimaryColumn({ type: 'int' })
  id: number;

  @Column({ type: 'bigint' })
  txid: string;
}
