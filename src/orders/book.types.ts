/**
 * The order book of one purchase order as a pure replay: the contract at confirmation plus its
 * business-dated events (payments, shipments, amendments, refunds and reversals) in, every state
 * "as of" any date out.
 * All money is integer cents; all dates are 'YYYY-MM-DD'.
 */
export type IsoDate = string;

export interface Milestone {
  /** Percent of the tranche value, up to 2 decimals. */
  percent: number;
  /** Days after the tranche's ship date in force (negative = before). */
  dueDaysFromShip: number;
}

/** Copied onto the order at confirmation. Null terms: each tranche billed in full on its ship date. */
export interface TermsSnapshot {
  code: string;
  depositPercent: number;
  depositDueDays: number;
  milestones: Milestone[];
}

export interface BookTranche {
  id: string;
  /** 1…n per order. */
  sequence: number;
  unitPriceCents: number;
  /** Units contracted at signing. */
  quantity: number;
  shipDate: IsoDate;
  /**
   * Option units offered at signing, firmed up only by exercises (0 or absent: none). They are no
   * backlog, no billing and no revenue until exercised.
   */
  optionQuantity?: number;
  /** The last date an option unit may be exercised; they lapse at its end. */
  optionExerciseBy?: IsoDate | null;
}

export type BookChange =
  | { type: 'reschedule'; trancheId: string; shipDate: IsoDate }
  /** Units in force after the change (shipped + open); below the current open+shipped cancels, above adds. */
  | { type: 'set_quantity'; trancheId: string; quantity: number }
  | { type: 'cancel'; trancheId: string }
  /** A new tranche on a line; its id and sequence are assigned before the replay. */
  | {
      type: 'add_tranche';
      trancheId: string;
      sequence: number;
      shipDate: IsoDate;
      quantity: number;
      unitPriceCents: number;
    };

/**
 * The tranche's open units take this price from the effective date; shipped units keep theirs. A
 * cut voids instalments and may free cash as credit, a rise adds one milestone (SPEC §10).
 */
export interface PriceChange {
  type: 'price_change';
  trancheId: string;
  unitPriceCents: number;
}

/** Every change an amendment may make. */
export type AmendmentChange = BookChange | PriceChange;

/**
 * Units shipped from a tranche. `trueUpCents` (either sign, default 0) is what the delivered hash
 * rate adds to or takes from their value (SPEC §15): a cut voids that much of the tranche's
 * unsettled instalments (latest due first) and what cannot be voided becomes unapplied credit; a
 * rise adds one instalment due on the ship date.
 */
export interface ShipmentEventItem {
  trancheId: string;
  quantity: number;
  trueUpCents?: number;
}

export type BookEvent =
  | { kind: 'payment'; id: string; on: IsoDate; amountCents: number }
  | { kind: 'shipment'; id: string; on: IsoDate; items: ShipmentEventItem[] }
  /** An amendment or a whole-order cancellation (a cancel change per open tranche). */
  | { kind: 'amendment'; id: string; on: IsoDate; changes: AmendmentChange[] }
  /** Unapplied credit paid back to the customer; never more than the credit as of `on`. */
  | { kind: 'refund'; id: string; on: IsoDate; amountCents: number }
  /** From `on` (the reversal date) the book is the one the order would have had without the payment. */
  | { kind: 'payment_reversal'; id: string; on: IsoDate; paymentId: string }
  /** From `on` the book is the one the order would have had without the shipment (all its items). */
  | { kind: 'shipment_reversal'; id: string; on: IsoDate; shipmentId: string }
  /** Option units of a tranche made firm from `on`, billed as units added by an amendment. */
  | { kind: 'exercise'; id: string; on: IsoDate; trancheId: string; quantity: number };

export interface BookInput {
  signedOn: IsoDate;
  terms: TermsSnapshot | null;
  /** The tranches at confirmation, by sequence. */
  tranches: BookTranche[];
  /**
   * In the order they were recorded; the replay orders them by date, then payments, shipments,
   * amendments, refunds, then recorded order. A reversal switches the book at the start of its date.
   */
  events: BookEvent[];
}

/** A tranche's state over [from, to): the state at the end of every date in the range. */
export interface TrancheSegment {
  trancheId: string;
  from: IsoDate;
  /** Exclusive; null while current. */
  to: IsoDate | null;
  shipDate: IsoDate;
  /** The price of the open units in force (shipped units keep the price they shipped at). */
  unitPriceCents: number;
  /** Every unit ever contracted on the tranche up to this date, cancelled ones included. */
  quantity: number;
  shippedUnits: number;
  cancelledUnits: number;
  openUnits: number;
  /** All cash attributed to the tranche so far (deposit share paid + own instalments paid). */
  cashCents: number;
  /** Cash held for the open units (contract liability). */
  poolCents: number;
  /** Σ shipped units × the price each shipped at, plus their true-ups (recognised revenue). */
  shippedValueCents: number;
  /** The part of shippedValueCents that came from hash-rate true-ups. */
  trueUpCents: number;
  /** Cash the shipped units have received; never above shippedValueCents. */
  shippedCashCents: number;
  /** Pool forfeited by cancellations so far (forfeited revenue). */
  forfeitedCents: number;
  /**
   * Option units neither exercised nor ended by a cancellation (lapse at the end of the exercise-by
   * date is left to readers: they count these only up to that date).
   */
  optionUnits: number;
  /** Option units exercised so far (counted in `quantity` from their exercise). */
  exercisedUnits: number;
}

export type InstalmentKind = 'deposit' | 'milestone';
export type InstalmentStatus = 'open' | 'paid' | 'void';

/** An instalment's state over [from, to). */
export interface InstalmentSegment {
  key: string;
  from: IsoDate;
  to: IsoDate | null;
  dueOn: IsoDate;
  amountCents: number;
  paidCents: number;
  voidedCents: number;
}

export interface Instalment {
  /**
   * Stable across replays: 'deposit', 'deposit:<eventId>:<trancheId>', 'milestone:<trancheId>:<n>',
   * 'milestone:<trancheId>:<n>:<eventId>', 'milestone:<trancheId>:price:<eventId>' (a price rise).
   */
  key: string;
  kind: InstalmentKind;
  /** Null for the order's shared deposit. */
  trancheId: string | null;
  /** The date it came into existence: signedOn, or the amendment's effective date. */
  createdOn: IsoDate;
  /** Final state. */
  dueOn: IsoDate;
  amountCents: number;
  paidCents: number;
  voidedCents: number;
  status: InstalmentStatus;
}

export interface CreditSegment {
  from: IsoDate;
  to: IsoDate | null;
  /** Cash received beyond every open instalment. */
  unappliedCents: number;
}

export interface Forfeiture {
  trancheId: string;
  /**
   * The cancellation's effective date; or a reversal date, where the units and amount are the
   * change a reversal made to what earlier cancellations forfeited (the amount may be negative).
   */
  on: IsoDate;
  units: number;
  amountCents: number;
}

/**
 * A change to the value of a tranche's units in force, for bookings: its units at signing
 * (`signed`, on signedOn), units added or cancelled by an amendment (on its effective date, valued
 * at the price in force then), or a price change (`repriced`: the open units it repriced and Δ =
 * (new − old price) × those units). On a reversal date, an entry of a kind carries the change the
 * reversal made to what that kind booked before the date (units and amount may then be negative).
 * Σ signed + added − cancelled + repriced up to D = the value of the units in force at D (shipped
 * ones at the prices they shipped at, open ones at the price in force).
 */
export interface Booking {
  trancheId: string;
  on: IsoDate;
  kind: BookingKind;
  units: number;
  amountCents: number;
}

export type BookingKind = 'signed' | 'added' | 'cancelled' | 'repriced';

/** Credit paid back to the customer (cash received stays gross of refunds). */
export interface Refund {
  id: string;
  /** The date paid (signedOn for one dated before it). */
  on: IsoDate;
  amountCents: number;
}

export interface BookResult {
  /** Every segment of every tranche, added tranches included, from signedOn (or the amendment adding it). */
  tranches: TrancheSegment[];
  instalments: Instalment[];
  instalmentSegments: InstalmentSegment[];
  credit: CreditSegment[];
  forfeitures: Forfeiture[];
  /** By date; Σ up to D is what was refunded as of D. */
  refunds: Refund[];
  /** By date; what was signed, added, cancelled and repriced (see Booking). */
  bookings: Booking[];
}

/** Refusals the replay detects (the service maps them to 409s). */
export class BookRuleError extends Error {
  constructor(
    readonly code:
      | 'OVER_SHIPMENT'
      | 'QUANTITY_BELOW_SHIPPED'
      | 'UNKNOWN_TRANCHE'
      | 'NOTHING_OPEN'
      | 'REFUND_EXCEEDS_CREDIT'
      | 'ALREADY_REVERSED'
      | 'TRUE_UP_EXCEEDS_VALUE'
      | 'OPTION_EXCEEDED'
      | 'OPTION_LAPSED'
      | 'NOT_AN_OPTION',
    message: string,
  ) {
    super(message);
  }
}
