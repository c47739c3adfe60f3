import { Check, Column, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { centsColumn } from '../database/columns';

// The replayed book of every order past draft, rewritten in the transaction of each change to the
// order. Each row holds a state over [valid_from, valid_to); "as of D" reads the row whose range
// contains D, so reports at any past date are plain SQL aggregates.

@Entity()
@Index('tranche_segment_as_of_idx', ['validFrom', 'validTo'])
@Index('tranche_segment_current_idx', ['trancheId'], { where: 'valid_to IS NULL' })
@Index('tranche_segment_purchase_order_id_idx', ['purchaseOrderId'])
@Index('tranche_segment_customer_id_idx', ['customerId'])
@Index('tranche_segment_product_model_id_idx', ['productModelId'])
// A covering partial index for "as of today" (see the OrderBookNowIndexes migration): the open
// current segments, for the forecast and backlog by ship month. Contract balances read
// order_segment.
@Index('tranche_segment_open_now_idx', { synchronize: false })
export class TrancheSegment {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'date', nullable: true })
  validTo: string | null;

  @Column({ type: 'date' })
  shipDate: string;

  @Column(centsColumn())
  unitPriceCents: number;

  @Column({ type: 'int' })
  quantity: number;

  @Column({ type: 'int' })
  shippedUnits: number;

  @Column({ type: 'int' })
  cancelledUnits: number;

  @Column({ type: 'int' })
  openUnits: number;

  @Column(centsColumn())
  cashCents: number;

  @Column(centsColumn())
  poolCents: number;

  @Column(centsColumn())
  shippedValueCents: number;

  @Column(centsColumn())
  shippedCashCents: number;

  @Column(centsColumn())
  forfeitedCents: number;

  /** Option units still to be exercised; readers count them up to the tranche's exercise-by date. */
  @Column({ type: 'int', default: 0 })
  optionUnits: number;
}

/**
 * One order's figures for one product model over [valid_from, valid_to): the sums of its tranche
 * segments in force then, written with them by the replay. Reports that need no ship month read
 * these (one row per order and model) instead of one per tranche.
 */
@Entity()
@Index('order_segment_purchase_order_id_idx', ['purchaseOrderId'])
// Covering indexes (see the OrderSegments migration): every row by its range for a past date, and
// as on tranche_segment the open current rows for backlog, every current row for contract balances.
@Index('order_segment_as_of_idx', { synchronize: false })
@Index('order_segment_open_now_idx', { synchronize: false })
@Index('order_segment_balance_now_idx', { synchronize: false })
export class OrderSegment {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'date', nullable: true })
  validTo: string | null;

  @Column({ type: 'int' })
  openUnits: number;

  /** Σ open units × unit price. */
  @Column(centsColumn())
  openValueCents: number;

  @Column(centsColumn())
  cashCents: number;

  @Column(centsColumn())
  poolCents: number;

  @Column(centsColumn())
  shippedValueCents: number;

  /** Σ per tranche of the shipped value not yet paid (never below zero per tranche). */
  @Column(centsColumn())
  receivableCents: number;

  @Column(centsColumn())
  forfeitedCents: number;
}

/**
 * Revenue recognised on shipment (BR-2): one row per tranche and day its shipped units grew, with
 * the units and their value, written by the replay from the tranche segments. The revenue
 * forecast reads these instead of joining shipment items to their tranches.
 */
@Entity()
@Index('recognition_purchase_order_id_idx', ['purchaseOrderId'])
// Covering: the forecast's shipped flow is an index-only range scan (see the Recognitions migration).
@Index('recognition_on_date_idx', { synchronize: false })
export class Recognition {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  @Column({ type: 'date' })
  onDate: string;

  @Column({ type: 'int' })
  units: number;

  @Column(centsColumn())
  amountCents: number;

  /** The part of amountCents that came from hash-rate true-ups. */
  @Column(centsColumn({ default: 0 }))
  trueUpCents: number;
}

/** The billing schedule as it stands now. */
@Entity()
@Index('instalment_tranche_id_idx', ['trancheId'])
@Index('instalment_due_on_idx', ['dueOn'])
export class Instalment {
  @PrimaryColumn({ type: 'uuid' })
  purchaseOrderId: string;

  @PrimaryColumn({ type: 'varchar', length: 120 })
  key: string;

  @Column({ type: 'varchar', length: 10 })
  kind: 'deposit' | 'milestone';

  @Column({ type: 'uuid', nullable: true })
  trancheId: string | null;

  @Column({ type: 'date' })
  createdOn: string;

  @Column({ type: 'date' })
  dueOn: string;

  @Column(centsColumn())
  amountCents: number;

  @Column(centsColumn())
  paidCents: number;

  @Column(centsColumn())
  voidedCents: number;

  @Column({ type: 'varchar', length: 8 })
  status: 'open' | 'paid' | 'void';
}

@Entity()
@Index('instalment_segment_as_of_idx', ['validFrom', 'validTo'])
@Index('instalment_segment_purchase_order_id_idx', ['purchaseOrderId'])
// Covering and partial: the current instalments with something unpaid, for receivables ageing as
// of today (see the Bookings migration).
@Index('instalment_segment_unpaid_now_idx', { synchronize: false })
export class InstalmentSegment {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'varchar', length: 120 })
  key: string;

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'date', nullable: true })
  validTo: string | null;

  @Column({ type: 'date' })
  dueOn: string;

  @Column(centsColumn())
  amountCents: number;

  @Column(centsColumn())
  paidCents: number;

  @Column(centsColumn())
  voidedCents: number;
}

@Entity()
@Index('credit_segment_as_of_idx', ['validFrom', 'validTo'])
@Index('credit_segment_purchase_order_id_idx', ['purchaseOrderId'])
export class CreditSegment {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'date', nullable: true })
  validTo: string | null;

  @Column(centsColumn())
  unappliedCents: number;
}

@Entity()
@Index('forfeiture_on_date_idx', ['onDate'])
@Index('forfeiture_purchase_order_id_idx', ['purchaseOrderId'])
export class Forfeiture {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  trancheId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  @Column({ type: 'date' })
  onDate: string;

  @Column({ type: 'int' })
  units: number;

  @Column(centsColumn())
  amountCents: number;
}

/**
 * What one order booked for one product model on one day (the replay's bookings summed): units and
 * value at signing, units added or cancelled by amendments at the price in force, and the Δ of
 * price changes (with the open units they repriced). On a reversal date, the change the reversal
 * made to what was booked before it, which may be negative. The bookings report reads these.
 */
@Entity()
@Check('booking_kind_check', `kind IN ('signed','added','cancelled','repriced')`)
@Index('booking_purchase_order_id_idx', ['purchaseOrderId'])
// Covering: a bookings report is an index-only range scan (see the Bookings migration).
@Index('booking_on_date_idx', { synchronize: false })
export class Booking {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'uuid' })
  productModelId: string;

  @Column({ type: 'date' })
  onDate: string;

  @Column({ type: 'varchar', length: 10 })
  kind: 'signed' | 'added' | 'cancelled' | 'repriced';

  @Column({ type: 'int' })
  units: number;

  @Column(centsColumn())
  amountCents: number;
}

/**
 * How one order's contract balances changed on one day (BR-5, SPEC §10): Σ of an order's rows up
 * to D is its balances at D. Each row keeps the identity, so any sum of rows does too. The
 * contract-liability roll-forward and the cash forecast read these.
 */
@Entity()
@Check(
  'balance_movement_identity_check',
  'cash_received_cents - refunded_cents - recognised_cents - forfeited_cents = liability_cents - receivable_cents',
)
@Index('balance_movement_purchase_order_id_idx', ['purchaseOrderId'])
// Covering: the roll-forward and the cash forecast are index-only range scans (see the
// Bookings migration).
@Index('balance_movement_on_date_idx', { synchronize: false })
// Partial: the movements with a refund, which contract balances add up (see the Bookings migration).
@Index('balance_movement_refunds_idx', { synchronize: false })
export class BalanceMovement {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id: string;

  @Column({ type: 'uuid' })
  purchaseOrderId: string;

  @Column({ type: 'uuid' })
  customerId: string;

  @Column({ type: 'date' })
  onDate: string;

  /** Payments received less payments reversed, gross of refunds. */
  @Column(centsColumn())
  cashReceivedCents: number;

  @Column(centsColumn())
  refundedCents: number;

  @Column(centsColumn())
  recognisedCents: number;

  @Column(centsColumn())
  forfeitedCents: number;

  @Column(centsColumn())
  liabilityCents: number;

  @Column(centsColumn())
  receivableCents: number;
}
