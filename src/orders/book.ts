import { addDays } from '../common/dates';
import {
  addedUnitsSchedule,
  initialSchedule,
  mulDivHalfUp,
  splitByWeight,
} from './billing-schedule';
import {
  AmendmentChange,
  Booking,
  BookingKind,
  BookEvent,
  BookInput,
  BookResult,
  BookRuleError,
  CreditSegment,
  Forfeiture,
  Instalment,
  InstalmentKind,
  InstalmentSegment,
  InstalmentStatus,
  IsoDate,
  Refund,
  TermsSnapshot,
  TrancheSegment,
} from './book.types';

/*
 * Replay of one order's book (SPEC BR-1…BR-6 and the corrections of §10). Semantics beyond the
 * SPEC's wording:
 * - Events dated before signedOn count as of signedOn (the order has no earlier state).
 * - On one date: payments, then shipments, then amendments, then refunds, each in recorded order;
 *   segments hold the state at the end of the date. Refunds come last so that a refund draws on the
 *   credit as it stands at the end of its date, which is what "credit as of that date" reads.
 * - A reversal dated R switches the book at the start of R: every state from the end of R on is
 *   that of the book replayed from signedOn without the payments and shipments reversed on or
 *   before R; every state before R is untouched. Several reversal dates compose: each holds until
 *   the next. Events on R are replayed in the book without the reversed item, and a replay only
 *   runs the events dated before the next reversal date (after it the next book holds, so an event
 *   that needed the reversal, such as shipping units that came back, is never replayed without it).
 *   Cumulative figures that differ at R (cash, pools, recognised and forfeited revenue, paid and
 *   voided amounts) are the flows of the reversal on R; a forfeiture entry dated R carries the
 *   change in what cancellations forfeited.
 * - A refund never exceeds the unapplied credit, in the book as recorded nor in any book without
 *   payments reversed later: a reversal that would leave an earlier refund paying back credit the
 *   order never had is refused (REFUND_EXCEEDS_CREDIT).
 * - The shared deposit is held as one part per tranche; a payment on it is spread over the parts in
 *   proportion to what each still owes (last part takes the remainder, half up).
 * - Unapplied credit is applied to the open instalments, in payment order, at the end of every
 *   amendment: to instalments created by it (units added, a price rise), whose units the customer
 *   has already paid for, and to whatever else is open when a price cut freed cash.
 * - Cancelling n of o open units forfeits n/o of the pool and voids the cancelled units' unpaid
 *   value, n × price − forfeited pool share, spread over the tranche's instalments in proportion to
 *   what each still owes.
 * - A price change reprices the open units only (shipped value stays at the prices shipped at).
 *   Δ = (new − old) × open units. A rise adds one milestone of Δ due on the ship date in force
 *   ('milestone:<trancheId>:price:<amendmentId>', moved by later reschedules). A cut voids |Δ| of the
 *   tranche's unsettled instalment amounts, latest due date first; when they do not reach |Δ|, the
 *   pool exceeds the new open value: the excess first settles what the shipped units still owe, the
 *   rest leaves the tranche as unapplied credit, and that much of what the tranche's instalments
 *   were paid, latest due date first, is voided instead of paid (the cash now sits in credit).
 * - So a tranche's schedule (amount − voided) always equals the value of its units in force (shipped
 *   ones at the prices they shipped at, open ones at the price in force) plus its forfeited cash,
 *   what stays unpaid is exactly what the units in force still owe, and a pool never exceeds the
 *   value of its open units.
 * - A shipment item's true-up (SPEC §15) changes the shipped units' value on the ship date. Above
 *   nominal it adds one milestone of the true-up due on the ship date
 *   ('trueup:<trancheId>:<shipmentId>', not moved by reschedules; gone from the date its shipment is
 *   reversed), paid at once from any unapplied
 *   credit; below it, the shipped cash above the new value returns to the pool and the cut is
 *   settled as a price cut is. A true-up is booked as a repricing of 0 units.
 * - Instalments of 0 cents are not created.
 */

type ReplayedEvent = Exclude<BookEvent, { kind: 'payment_reversal' | 'shipment_reversal' }>;
type ReversalEvent = Extract<BookEvent, { kind: 'payment_reversal' | 'shipment_reversal' }>;

const EVENT_RANK: Record<ReplayedEvent['kind'], number> = {
  payment: 0,
  shipment: 1,
  amendment: 2,
  exercise: 2,
  refund: 3,
};
const KIND_RANK: Record<InstalmentKind, number> = { deposit: 0, milestone: 1 };

interface TrancheState {
  id: string;
  sequence: number;
  unitPriceCents: number;
  shipDate: IsoDate;
  quantity: number;
  shipped: number;
  cancelled: number;
  cash: number;
  pool: number;
  shippedValue: number;
  shippedCash: number;
  trueUp: number;
  forfeited: number;
  /** Option units still to be exercised (see TrancheSegment.optionUnits). */
  option: number;
  exercised: number;
  /** Null for a tranche without options. */
  exerciseBy: IsoDate | null;
  parts: Part[];
  segments: TrancheSegment[];
}

/** One tranche's share of an instalment (a milestone has one part, the shared deposit one per tranche). */
interface Part {
  group: Group;
  tranche: TrancheState;
  amount: number;
  paid: number;
  voided: number;
}

interface Group {
  key: string;
  kind: InstalmentKind;
  trancheId: string | null;
  /** Tranche sequence for the payment order; 0 for the shared deposit. */
  sequence: number;
  index: number;
  createdOn: IsoDate;
  dueOn: IsoDate;
  /** Milestones only: days from the ship date in force. */
  dueDaysFromShip: number | null;
  parts: Part[];
  segments: InstalmentSegment[];
}

const openUnits = (t: TrancheState) => t.quantity - t.shipped - t.cancelled;
const unpaid = (p: Part) => p.amount - p.paid - p.voided;

function groupUnpaid(g: Group): number {
  let sum = 0;
  for (const p of g.parts) sum += unpaid(p);
  return sum;
}

/** The payment order of BR-4: due date in force, deposit before milestones, tranche order, creation. */
function comparePayOrder(a: Group, b: Group): number {
  if (a.dueOn !== b.dueOn) return a.dueOn < b.dueOn ? -1 : 1;
  return KIND_RANK[a.kind] - KIND_RANK[b.kind] || a.sequence - b.sequence || a.index - b.index;
}

/** 'paid' once settled with some cash, 'void' once settled by voiding alone, else 'open'. */
export function instalmentStatus(amount: number, paid: number, voided: number): InstalmentStatus {
  if (paid + voided < amount) return 'open';
  return paid > 0 ? 'paid' : 'void';
}

/** An event to replay, on its business date (signedOn for one dated before it). */
interface Dated {
  event: ReplayedEvent;
  on: IsoDate;
}

class Replay {
  private readonly tranches = new Map<string, TrancheState>();
  private readonly groups: Group[] = [];
  private readonly groupsByKey = new Map<string, Group>();
  private readonly credit: CreditSegment[] = [];
  private readonly forfeitures: Forfeiture[] = [];
  private readonly refunds: Refund[] = [];
  private readonly bookings: Booking[] = [];
  private unapplied = 0;
  private creditChanged = true;
  private readonly dirtyTranches = new Set<TrancheState>();
  private readonly dirtyGroups = new Set<Group>();

  /** `events` in replay order (see bookEvents). */
  constructor(
    private readonly input: BookInput,
    private readonly events: readonly Dated[],
  ) {}

  run(): BookResult {
    const { signedOn, terms } = this.input;
    this.confirm(signedOn, terms);
    let day = signedOn;
    for (const { event, on } of this.events) {
      if (on !== day) {
        this.flush(day);
        day = on;
      }
      this.apply(event, on);
    }
    this.flush(day);
    return this.result();
  }

  private confirm(signedOn: IsoDate, terms: TermsSnapshot | null) {
    const schedule = initialSchedule(signedOn, terms, this.input.tranches);
    for (const t of this.input.tranches) {
      if (this.tranches.has(t.id)) throw new Error(`Tranche ${t.id} appears twice`);
      const state = this.addTrancheState(
        t.id,
        t.sequence,
        t.unitPriceCents,
        t.quantity,
        t.shipDate,
      );
      if (t.optionQuantity) this.offerOptions(state, t.optionQuantity, t.optionExerciseBy);
      if (t.quantity > 0 || !t.optionQuantity) {
        this.book(t.id, signedOn, 'signed', t.quantity, t.quantity * t.unitPriceCents);
      }
    }
    if (schedule.deposit && schedule.deposit.amountCents > 0) {
      const deposit = this.newGroup(
        'deposit',
        'deposit',
        null,
        0,
        signedOn,
        schedule.deposit.dueOn,
        null,
      );
      schedule.tranches.forEach((billing) => {
        this.addPart(deposit, this.tranches.get(billing.trancheId)!, billing.depositShareCents);
      });
    }
    for (const billing of schedule.tranches) {
      const t = this.tranches.get(billing.trancheId)!;
      for (const m of billing.milestones) {
        if (m.amountCents === 0) continue;
        const g = this.newGroup(
          `milestone:${t.id}:${m.n}`,
          'milestone',
          t.id,
          t.sequence,
          signedOn,
          m.dueOn,
          m.dueDaysFromShip,
        );
        this.addPart(g, t, m.amountCents);
      }
    }
  }

  private apply(event: ReplayedEvent, on: IsoDate) {
    switch (event.kind) {
      case 'payment':
        if (!Number.isSafeInteger(event.amountCents) || event.amountCents <= 0) {
          throw new RangeError(`Payment ${event.id}: amount must be positive cents`);
        }
        this.receive(event.amountCents);
        return;
      case 'refund':
        this.refund(event, on);
        return;
      case 'shipment': {
        let added = false;
        for (const item of event.items) {
          const t = this.tranche(item.trancheId);
          this.ship(t, item.quantity);
          if (item.trueUpCents) this.trueUp(t, item.trueUpCents, event.id, on);
          added ||= (item.trueUpCents ?? 0) > 0;
        }
        // Credit already received pays the instalments a true-up added.
        if (added && this.unapplied > 0) {
          const left = this.settle(this.unapplied);
          if (left !== this.unapplied) this.setCredit(left);
        }
        return;
      }
      case 'amendment':
        for (const change of event.changes) this.change(change, event.id, on);
        // Credit already received pays the instalments this amendment created.
        if (this.unapplied > 0) {
          const left = this.settle(this.unapplied);
          if (left !== this.unapplied) this.setCredit(left);
        }
        return;
      case 'exercise':
        this.exercise(this.tranche(event.trancheId), event.quantity, event.id, on);
        // Credit already received pays the instalments of the units exercised.
        if (this.unapplied > 0) {
          const left = this.settle(this.unapplied);
          if (left !== this.unapplied) this.setCredit(left);
        }
        return;
    }
  }

  private change(change: AmendmentChange, eventId: string, on: IsoDate) {
    switch (change.type) {
      case 'reschedule':
        this.reschedule(this.tranche(change.trancheId), change.shipDate);
        return;
      case 'cancel': {
        const t = this.tranche(change.trancheId);
        const open = openUnits(t);
        if (open === 0 && t.option === 0) {
          throw new BookRuleError('NOTHING_OPEN', `Tranche ${t.id} has no open units to cancel`);
        }
        if (open > 0) this.cancel(t, open, on);
        // Cancelling a tranche also ends its options, with no money effect.
        if (t.option > 0) {
          t.option = 0;
          this.dirtyTranches.add(t);
        }
        return;
      }
      case 'set_quantity': {
        const t = this.tranche(change.trancheId);
        assertUnits(change.quantity, 0);
        const inForce = t.shipped + openUnits(t);
        if (change.quantity < t.shipped) {
          throw new BookRuleError(
            'QUANTITY_BELOW_SHIPPED',
            `Tranche ${t.id}: ${change.quantity} units is below the ${t.shipped} already shipped`,
          );
        }
        if (change.quantity < inForce) this.cancel(t, inForce - change.quantity, on);
        else if (change.quantity > inForce)
          this.addUnits(t, change.quantity - inForce, eventId, on);
        return;
      }
      case 'price_change':
        this.reprice(this.tranche(change.trancheId), change.unitPriceCents, eventId, on);
        return;
      case 'add_tranche': {
        if (this.tranches.has(change.trancheId)) {
          throw new Error(`Tranche ${change.trancheId} already exists`);
        }
        assertUnits(change.quantity, 1);
        const t = this.addTrancheState(
          change.trancheId,
          change.sequence,
          change.unitPriceCents,
          0,
          change.shipDate,
        );
        this.addUnits(t, change.quantity, eventId, on);
        return;
      }
    }
  }

  private tranche(id: string): TrancheState {
    const t = this.tranches.get(id);
    if (!t) throw new BookRuleError('UNKNOWN_TRANCHE', `Tranche ${id} is not on this order`);
    return t;
  }

  private addTrancheState(
    id: string,
    sequence: number,
    unitPriceCents: number,
    quantity: number,
    shipDate: IsoDate,
  ): TrancheState {
    assertPrice(id, unitPriceCents);
    assertUnits(quantity, 0);
    const t: TrancheState = {
      id,
      sequence,
      unitPriceCents,
      shipDate,
      quantity,
      shipped: 0,
      cancelled: 0,
      cash: 0,
      pool: 0,
      shippedValue: 0,
      shippedCash: 0,
      trueUp: 0,
      forfeited: 0,
      option: 0,
      exercised: 0,
      exerciseBy: null,
      parts: [],
      segments: [],
    };
    this.tranches.set(id, t);
    this.dirtyTranches.add(t);
    return t;
  }

  private newGroup(
    key: string,
    kind: InstalmentKind,
    trancheId: string | null,
    sequence: number,
    createdOn: IsoDate,
    dueOn: IsoDate,
    dueDaysFromShip: number | null,
  ): Group {
    const g: Group = {
      key,
      kind,
      trancheId,
      sequence,
      index: this.groups.length,
      createdOn,
      dueOn,
      dueDaysFromShip,
      parts: [],
      segments: [],
    };
    this.groups.push(g);
    this.groupsByKey.set(key, g);
    this.dirtyGroups.add(g);
    return g;
  }

  private addPart(g: Group, t: TrancheState, amount: number) {
    const part: Part = { group: g, tranche: t, amount, paid: 0, voided: 0 };
    g.parts.push(part);
    t.parts.push(part);
  }

  private offerOptions(t: TrancheState, units: number, exerciseBy: IsoDate | null | undefined) {
    assertUnits(units, 0);
    if (!exerciseBy) throw new RangeError(`Tranche ${t.id}: option units need an exercise-by date`);
    addDays(exerciseBy, 0); // validates the date
    t.option = units;
    t.exerciseBy = exerciseBy;
  }

  /**
   * Makes `units` option units firm from `on`: billed as units added by an amendment (BR-3). Not
   * after the exercise-by date (OPTION_LAPSED), never more than remain (OPTION_EXCEEDED).
   */
  private exercise(t: TrancheState, units: number, eventId: string, on: IsoDate) {
    assertUnits(units, 1);
    if (t.exerciseBy === null) {
      throw new BookRuleError('NOT_AN_OPTION', `Tranche ${t.id} has no option units`);
    }
    if (on > t.exerciseBy) {
      throw new BookRuleError(
        'OPTION_LAPSED',
        `Tranche ${t.id}: its options lapsed at the end of ${t.exerciseBy}`,
      );
    }
    if (units > t.option) {
      throw new BookRuleError(
        'OPTION_EXCEEDED',
        `Tranche ${t.id}: exercising ${units} option units but only ${t.option} remain as of ${on}`,
      );
    }
    t.option -= units;
    t.exercised += units;
    this.addUnits(t, units, eventId, on);
  }

  /** Adds units to a tranche with their own deposit and milestones (BR-3). */
  private addUnits(t: TrancheState, units: number, eventId: string, on: IsoDate) {
    t.quantity += units;
    this.dirtyTranches.add(t);
    this.book(t.id, on, 'added', units, units * t.unitPriceCents);
    const billing = addedUnitsSchedule(on, this.input.terms, units * t.unitPriceCents, t.shipDate);
    if (billing.deposit && billing.deposit.amountCents > 0) {
      const key = `deposit:${eventId}:${t.id}`;
      this.addOrGrow(
        key,
        'deposit',
        t,
        on,
        billing.deposit.dueOn,
        null,
        billing.deposit.amountCents,
      );
    }
    for (const m of billing.milestones) {
      if (m.amountCents === 0) continue;
      const key = `milestone:${t.id}:${m.n}:${eventId}`;
      this.addOrGrow(key, 'milestone', t, on, m.dueOn, m.dueDaysFromShip, m.amountCents);
    }
  }

  /** Two increases of one tranche in one amendment share that amendment's keys: they add up. */
  private addOrGrow(
    key: string,
    kind: InstalmentKind,
    t: TrancheState,
    on: IsoDate,
    dueOn: IsoDate,
    dueDaysFromShip: number | null,
    amount: number,
  ) {
    const existing = this.groupsByKey.get(key);
    if (existing) {
      existing.parts[0].amount += amount;
      this.dirtyGroups.add(existing);
      return;
    }
    const g = this.newGroup(key, kind, t.id, t.sequence, on, dueOn, dueDaysFromShip);
    this.addPart(g, t, amount);
  }

  private receive(amount: number) {
    const left = this.settle(amount);
    if (left > 0) this.setCredit(this.unapplied + left);
  }

  private refund(event: Extract<ReplayedEvent, { kind: 'refund' }>, on: IsoDate) {
    const amount = event.amountCents;
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      throw new RangeError(`Refund ${event.id}: amount must be positive cents`);
    }
    if (amount > this.unapplied) {
      throw new BookRuleError(
        'REFUND_EXCEEDS_CREDIT',
        `Refund ${event.id} of ${amount} cents exceeds the unapplied credit of ${this.unapplied} cents as of ${on}`,
      );
    }
    this.setCredit(this.unapplied - amount);
    this.refunds.push({ id: event.id, on, amountCents: amount });
  }

  private book(trancheId: string, on: IsoDate, kind: BookingKind, units: number, cents: number) {
    this.bookings.push({ trancheId, on, kind, units, amountCents: cents });
  }

  private setCredit(value: number) {
    if (value !== this.unapplied) {
      this.unapplied = value;
      this.creditChanged = true;
    }
  }

  /** Applies cash to the open instalments in payment order (BR-4); returns what is left over. */
  private settle(amount: number): number {
    const open: Group[] = [];
    for (const g of this.groups) if (groupUnpaid(g) > 0) open.push(g);
    open.sort(comparePayOrder);
    for (const g of open) {
      if (amount === 0) break;
      const owed = groupUnpaid(g);
      const take = Math.min(amount, owed);
      if (g.parts.length === 1) {
        this.payPart(g.parts[0], take);
      } else {
        const shares = splitByWeight(take, g.parts.map(unpaid));
        g.parts.forEach((p, i) => this.payPart(p, shares[i]));
      }
      amount -= take;
    }
    return amount;
  }

  private payPart(p: Part, cents: number) {
    if (cents === 0) return;
    p.paid += cents;
    this.dirtyGroups.add(p.group);
    const t = p.tranche;
    // BR-5: cash first settles what the shipped units still owe, then joins the pool.
    const toShipped = Math.min(cents, t.shippedValue - t.shippedCash);
    t.cash += cents;
    t.shippedCash += toShipped;
    t.pool += cents - toShipped;
    this.dirtyTranches.add(t);
  }

  private ship(t: TrancheState, units: number) {
    assertUnits(units, 0);
    if (units === 0) return;
    const open = openUnits(t);
    if (units > open) {
      throw new BookRuleError(
        'OVER_SHIPMENT',
        `Tranche ${t.id}: shipping ${units} units but only ${open} are open`,
      );
    }
    t.shipped += units;
    t.shippedValue += units * t.unitPriceCents;
    const share = units === open ? t.pool : mulDivHalfUp(t.pool, units, open);
    const moved = Math.min(share, t.shippedValue - t.shippedCash);
    t.pool -= moved;
    t.shippedCash += moved;
    this.dirtyTranches.add(t);
  }

  /**
   * SPEC §15: the units just shipped delivered more or less hash rate than nominal. Their value
   * (recognised revenue) moves by `cents`; a rise adds one instalment due on the ship date, a cut
   * is settled as a price cut is (unsettled amounts voided first, the rest freed as credit).
   */
  private trueUp(t: TrancheState, cents: number, eventId: string, on: IsoDate) {
    if (!Number.isSafeInteger(cents)) throw new RangeError(`Tranche ${t.id}: true-up not in cents`);
    if (t.shippedValue + cents < 0) {
      throw new BookRuleError(
        'TRUE_UP_EXCEEDS_VALUE',
        `Tranche ${t.id}: a true-up of ${cents} cents exceeds the value of the units shipped`,
      );
    }
    t.shippedValue += cents;
    t.trueUp += cents;
    this.dirtyTranches.add(t);
    this.book(t.id, on, 'repriced', 0, cents);
    if (cents > 0) {
      this.addOrGrow(`trueup:${t.id}:${eventId}`, 'milestone', t, on, on, null, cents);
    } else {
      // What the shipped units received beyond their new value goes back to the pool first.
      const over = t.shippedCash - t.shippedValue;
      if (over > 0) {
        t.shippedCash -= over;
        t.pool += over;
      }
      this.reduceValue(t, -cents);
    }
  }

  /** BR-6: forfeits n/o of the pool and voids the cancelled units' unpaid value. */
  private cancel(t: TrancheState, units: number, on: IsoDate) {
    const open = openUnits(t);
    const forfeited = units === open ? t.pool : mulDivHalfUp(t.pool, units, open);
    t.pool -= forfeited;
    t.forfeited += forfeited;
    t.cancelled += units;
    this.forfeitures.push({ trancheId: t.id, on, units, amountCents: forfeited });
    this.book(t.id, on, 'cancelled', units, units * t.unitPriceCents);
    this.dirtyTranches.add(t);

    const parts = t.parts.filter((p) => unpaid(p) > 0);
    parts.sort((a, b) => comparePayOrder(a.group, b.group));
    const weights = parts.map(unpaid);
    const owed = weights.reduce((a, b) => a + b, 0);
    const toVoid = Math.min(Math.max(units * t.unitPriceCents - forfeited, 0), owed);
    const voids = splitByWeight(toVoid, weights);
    parts.forEach((p, i) => {
      if (voids[i] === 0) return;
      p.voided += voids[i];
      this.dirtyGroups.add(p.group);
    });
  }

  /** SPEC §10: the open units take the new price; shipped units keep theirs. */
  private reprice(t: TrancheState, unitPriceCents: number, eventId: string, on: IsoDate) {
    assertPrice(t.id, unitPriceCents);
    const open = openUnits(t);
    if (open === 0) {
      throw new BookRuleError('NOTHING_OPEN', `Tranche ${t.id} has no open units to reprice`);
    }
    const delta = (unitPriceCents - t.unitPriceCents) * open;
    if (!Number.isSafeInteger(delta))
      throw new RangeError(`Tranche ${t.id}: price change too large`);
    t.unitPriceCents = unitPriceCents;
    this.dirtyTranches.add(t);
    if (delta !== 0) this.book(t.id, on, 'repriced', open, delta);
    if (delta > 0) {
      const key = `milestone:${t.id}:price:${eventId}`;
      this.addOrGrow(key, 'milestone', t, on, t.shipDate, 0, delta);
    } else if (delta < 0) {
      this.reduceValue(t, -delta);
    }
  }

  /**
   * The value of the tranche's units in force fell by `cut` cents (a price cut, a true-up below
   * nominal): voids the tranche's unsettled amounts, latest due date first; a pool then above the
   * open units' value settles what the shipped units owe, and the rest becomes unapplied credit,
   * voided on the instalments it had paid (latest due date first).
   */
  private reduceValue(t: TrancheState, cut: number) {
    const latestFirst = [...t.parts].sort((a, b) => comparePayOrder(b.group, a.group));
    let left = cut;
    for (const p of latestFirst) {
      const v = Math.min(unpaid(p), left);
      if (v === 0) continue;
      p.voided += v;
      left -= v;
      this.dirtyGroups.add(p.group);
    }
    const excess = t.pool - openUnits(t) * t.unitPriceCents;
    if (excess <= 0) return;
    const toShipped = Math.min(excess, t.shippedValue - t.shippedCash);
    const freed = excess - toShipped;
    t.shippedCash += toShipped;
    t.pool -= excess;
    t.cash -= freed;
    let unapply = freed;
    for (const p of latestFirst) {
      const x = Math.min(p.paid, unapply);
      if (x === 0) continue;
      p.paid -= x;
      p.voided += x;
      unapply -= x;
      this.dirtyGroups.add(p.group);
    }
    if (freed > 0) this.setCredit(this.unapplied + freed);
  }

  /** Moves the ship date and the due date of every milestone of the tranche not yet settled. */
  private reschedule(t: TrancheState, shipDate: IsoDate) {
    addDays(shipDate, 0); // validates the date
    if (shipDate === t.shipDate) return;
    t.shipDate = shipDate;
    this.dirtyTranches.add(t);
    for (const p of t.parts) {
      const g = p.group;
      if (g.dueDaysFromShip === null || groupUnpaid(g) === 0) continue;
      const dueOn = addDays(shipDate, g.dueDaysFromShip);
      if (dueOn !== g.dueOn) {
        g.dueOn = dueOn;
        this.dirtyGroups.add(g);
      }
    }
  }

  /** Closes the date: a new segment for every entity whose state changed on it. */
  private flush(day: IsoDate) {
    for (const t of this.dirtyTranches) {
      const next: TrancheSegment = {
        trancheId: t.id,
        from: day,
        to: null,
        shipDate: t.shipDate,
        unitPriceCents: t.unitPriceCents,
        quantity: t.quantity,
        shippedUnits: t.shipped,
        cancelledUnits: t.cancelled,
        openUnits: openUnits(t),
        cashCents: t.cash,
        poolCents: t.pool,
        shippedValueCents: t.shippedValue,
        shippedCashCents: t.shippedCash,
        trueUpCents: t.trueUp,
        forfeitedCents: t.forfeited,
        optionUnits: t.option,
        exercisedUnits: t.exercised,
      };
      pushSegment(t.segments, next, sameTranche);
    }
    this.dirtyTranches.clear();
    for (const g of this.dirtyGroups) {
      let amount = 0;
      let paid = 0;
      let voided = 0;
      for (const p of g.parts) {
        amount += p.amount;
        paid += p.paid;
        voided += p.voided;
      }
      const next: InstalmentSegment = {
        key: g.key,
        from: day,
        to: null,
        dueOn: g.dueOn,
        amountCents: amount,
        paidCents: paid,
        voidedCents: voided,
      };
      pushSegment(g.segments, next, sameInstalment);
    }
    this.dirtyGroups.clear();
    if (this.creditChanged) {
      pushSegment(this.credit, { from: day, to: null, unappliedCents: this.unapplied }, sameCredit);
      this.creditChanged = false;
    }
  }

  private result(): BookResult {
    const tranches = [...this.tranches.values()].sort(
      (a, b) => a.sequence - b.sequence || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    const instalments: Instalment[] = this.groups.map((g) => {
      const last = g.segments[g.segments.length - 1];
      return {
        key: g.key,
        kind: g.kind,
        trancheId: g.trancheId,
        createdOn: g.createdOn,
        dueOn: last.dueOn,
        amountCents: last.amountCents,
        paidCents: last.paidCents,
        voidedCents: last.voidedCents,
        status: instalmentStatus(last.amountCents, last.paidCents, last.voidedCents),
      };
    });
    return {
      tranches: tranches.flatMap((t) => t.segments),
      instalments,
      instalmentSegments: this.groups.flatMap((g) => g.segments),
      credit: this.credit,
      forfeitures: this.forfeitures,
      refunds: this.refunds,
      bookings: this.bookings,
    };
  }
}

function assertPrice(trancheId: string, unitPriceCents: number) {
  if (!Number.isSafeInteger(unitPriceCents) || unitPriceCents < 0) {
    throw new RangeError(`Tranche ${trancheId}: unit price must be whole cents, not negative`);
  }
}

function assertUnits(units: number, min: number) {
  if (!Number.isSafeInteger(units) || units < min) {
    throw new RangeError(`Units must be a whole number ≥ ${min}: ${units}`);
  }
}

function pushSegment<S extends { from: IsoDate; to: IsoDate | null }>(
  segments: S[],
  next: S,
  same: (a: S, b: S) => boolean,
) {
  const last = segments[segments.length - 1];
  if (last) {
    if (same(last, next)) return;
    last.to = next.from;
  }
  segments.push(next);
}

function sameTranche(a: TrancheSegment, b: TrancheSegment): boolean {
  return (
    a.shipDate === b.shipDate &&
    a.unitPriceCents === b.unitPriceCents &&
    a.quantity === b.quantity &&
    a.shippedUnits === b.shippedUnits &&
    a.cancelledUnits === b.cancelledUnits &&
    a.cashCents === b.cashCents &&
    a.poolCents === b.poolCents &&
    a.shippedValueCents === b.shippedValueCents &&
    a.shippedCashCents === b.shippedCashCents &&
    a.trueUpCents === b.trueUpCents &&
    a.forfeitedCents === b.forfeitedCents &&
    a.optionUnits === b.optionUnits &&
    a.exercisedUnits === b.exercisedUnits
  );
}

function sameCredit(a: CreditSegment, b: CreditSegment): boolean {
  return a.unappliedCents === b.unappliedCents;
}

function sameInstalment(
  a: Omit<InstalmentSegment, 'from' | 'to'>,
  b: Omit<InstalmentSegment, 'from' | 'to'>,
): boolean {
  return (
    a.dueOn === b.dueOn &&
    a.amountCents === b.amountCents &&
    a.paidCents === b.paidCents &&
    a.voidedCents === b.voidedCents
  );
}

/**
 * Replays an order's book: the schedule at confirmation, then its payments, shipments, amendments
 * and refunds by business date, each reversal switching to the book without what it reversed from
 * its date on. Throws BookRuleError when an event breaks a rule (over-shipment, a refund above the
 * credit, …).
 */
export function replayBook(input: BookInput): BookResult {
  const { events, reversedOn } = bookEvents(input);
  if (reversedOn.size === 0) return new Replay(input, events).run();
  // One book per reversal date, each holding from its date to the next (see the notes above).
  const starts = [...new Set([input.signedOn, ...reversedOn.values()])].sort();
  const windows = starts.map((from, i) => {
    const to = starts[i + 1] ?? null;
    const kept = events.filter(({ event, on }) => {
      const reversed = reversedOn.get(itemKey(event));
      return (reversed === undefined || reversed > from) && (to === null || on < to);
    });
    return { from, to, result: new Replay(input, kept).run() };
  });
  const last = windows[windows.length - 1].result;
  return {
    tranches: splice(
      windows,
      (r) => r.tranches,
      (s) => s.trancheId,
      sameTranche,
    ),
    instalments: last.instalments,
    instalmentSegments: splice<InstalmentSegment>(
      windows,
      (r) => r.instalmentSegments,
      (s) => s.key,
      sameInstalment,
    ),
    credit: splice(
      windows,
      (r) => r.credit,
      () => '',
      sameCredit,
    ),
    forfeitures: spliceForfeitures(windows),
    refunds: last.refunds,
    bookings: spliceBookings(windows),
  };
}

/** Payments and shipments are reversed by id; other events never are. */
function itemKey(event: ReplayedEvent): string {
  return event.kind === 'payment' || event.kind === 'shipment' ? `${event.kind}:${event.id}` : '';
}

const bookDay = (input: BookInput, on: IsoDate) => (on < input.signedOn ? input.signedOn : on);

/**
 * The events to replay in replay order (date, kind, recorded order), and the business date each
 * reversed payment or shipment is reversed on.
 */
function bookEvents(input: BookInput): { events: Dated[]; reversedOn: Map<string, IsoDate> } {
  const replayed: (Dated & { index: number })[] = [];
  const reversals: ReversalEvent[] = [];
  input.events.forEach((event, index) => {
    if (event.kind === 'payment_reversal' || event.kind === 'shipment_reversal') {
      reversals.push(event);
    } else {
      replayed.push({ event, index, on: bookDay(input, event.on) });
    }
  });
  replayed.sort(
    (a, b) =>
      (a.on < b.on ? -1 : a.on > b.on ? 1 : 0) ||
      EVENT_RANK[a.event.kind] - EVENT_RANK[b.event.kind] ||
      a.index - b.index,
  );
  const reversedOn = new Map<string, IsoDate>();
  if (reversals.length === 0) return { events: replayed, reversedOn };
  const itemOn = new Map(replayed.map(({ event, on }) => [itemKey(event), on]));
  for (const r of reversals) {
    const key =
      r.kind === 'payment_reversal' ? `payment:${r.paymentId}` : `shipment:${r.shipmentId}`;
    const on = bookDay(input, r.on);
    const recordedOn = itemOn.get(key);
    if (recordedOn === undefined) throw new Error(`Reversal ${r.id}: ${key} is not on this order`);
    if (reversedOn.has(key)) {
      throw new BookRuleError('ALREADY_REVERSED', `Reversal ${r.id}: ${key} is already reversed`);
    }
    if (on < recordedOn) {
      throw new RangeError(`Reversal ${r.id}: dated ${r.on}, before ${key} on ${recordedOn}`);
    }
    reversedOn.set(key, on);
  }
  return { events: replayed, reversedOn };
}

interface Window {
  from: IsoDate;
  /** Exclusive; null for the last. */
  to: IsoDate | null;
  result: BookResult;
}

/** Each entity's segments from each window's book over that window, joined where nothing changed. */
function splice<S extends { from: IsoDate; to: IsoDate | null }>(
  windows: readonly Window[],
  segmentsOf: (r: BookResult) => readonly S[],
  keyOf: (s: S) => string,
  same: (a: S, b: S) => boolean,
): S[] {
  const chains = new Map<string, S[]>();
  // Entities in the order of the last book, which has them all.
  for (const s of segmentsOf(windows[windows.length - 1].result)) chains.set(keyOf(s), []);
  for (const { from, to, result } of windows) {
    for (const s of segmentsOf(result)) {
      if ((to !== null && s.from >= to) || (s.to !== null && s.to <= from)) continue;
      const piece: S = {
        ...s,
        from: s.from < from ? from : s.from,
        to: to !== null && (s.to === null || s.to > to) ? to : s.to,
      };
      let chain = chains.get(keyOf(s));
      if (!chain) chains.set(keyOf(s), (chain = []));
      const before = chain[chain.length - 1];
      if (before && same(before, piece)) before.to = piece.to;
      else chain.push(piece);
    }
  }
  return [...chains.values()].flat();
}

/**
 * Each window's own forfeitures, and on each reversal date, per tranche, the change the reversal
 * made to the units cancelled and the pool forfeited before that date.
 */
function spliceForfeitures(windows: readonly Window[]): Forfeiture[] {
  const out: Forfeiture[] = [];
  windows.forEach(({ from, to, result }, i) => {
    if (i > 0) {
      const dayBefore = addDays(from, -1);
      const was = byTranche(windows[i - 1].result.tranches);
      for (const [trancheId, segments] of byTranche(result.tranches)) {
        const now = segmentOn(segments, dayBefore);
        if (!now) continue;
        const before = segmentOn(was.get(trancheId) ?? [], dayBefore);
        const units = now.cancelledUnits - (before?.cancelledUnits ?? 0);
        const amountCents = now.forfeitedCents - (before?.forfeitedCents ?? 0);
        if (units !== 0 || amountCents !== 0) out.push({ trancheId, on: from, units, amountCents });
      }
    }
    for (const f of result.forfeitures) {
      if (f.on >= from && (to === null || f.on < to)) out.push(f);
    }
  });
  return out;
}

/**
 * Each window's own bookings, and on each reversal date, per tranche and kind, the change the
 * reversal made to what was booked before that date (a shipment reversal gives the units that come
 * back the price in force, and the amendments since act on them as well).
 */
function spliceBookings(windows: readonly Window[]): Booking[] {
  const out: Booking[] = [];
  const sums = (bookings: readonly Booking[], before: IsoDate) => {
    const map = new Map<string, Booking>();
    for (const b of bookings) {
      if (b.on >= before) continue;
      const key = `${b.trancheId} ${b.kind}`;
      const sum = map.get(key);
      if (sum) {
        sum.units += b.units;
        sum.amountCents += b.amountCents;
      } else map.set(key, { ...b });
    }
    return map;
  };
  windows.forEach(({ from, to, result }, i) => {
    if (i > 0) {
      const was = sums(windows[i - 1].result.bookings, from);
      const now = sums(result.bookings, from);
      for (const key of new Set([...was.keys(), ...now.keys()])) {
        const a = was.get(key);
        const b = now.get(key);
        const units = (b?.units ?? 0) - (a?.units ?? 0);
        const amountCents = (b?.amountCents ?? 0) - (a?.amountCents ?? 0);
        if (units !== 0 || amountCents !== 0) {
          const { trancheId, kind } = (b ?? a)!;
          out.push({ trancheId, on: from, kind, units, amountCents });
        }
      }
    }
    for (const b of result.bookings) {
      if (b.on >= from && (to === null || b.on < to)) out.push(b);
    }
  });
  return out;
}

function groupBy<S>(segments: readonly S[], keyOf: (s: S) => string): Map<string, S[]> {
  const map = new Map<string, S[]>();
  for (const s of segments) {
    const list = map.get(keyOf(s));
    if (list) list.push(s);
    else map.set(keyOf(s), [s]);
  }
  return map;
}

const byTranche = (segments: readonly TrancheSegment[]) => groupBy(segments, (s) => s.trancheId);

/** Whether a segment holds the state at the end of `date`. */
export const inForceOn = (s: { from: IsoDate; to: IsoDate | null }, date: IsoDate) =>
  s.from <= date && (s.to === null || date < s.to);

/** The segment in force at the end of `date`, if the entity existed then. */
export function segmentOn<S extends { from: IsoDate; to: IsoDate | null }>(
  segments: readonly S[],
  date: IsoDate,
): S | undefined {
  return segments.find((s) => inForceOn(s, date));
}

export interface BookBalances {
  /** Cash received (payments less reversed ones, gross of refunds): Σ tranche cash + credit + refunded. */
  cashCents: number;
  /** Credit paid back so far. */
  refundedCents: number;
  recognisedCents: number;
  forfeitedCents: number;
  poolCents: number;
  unappliedCents: number;
  /** Σ pools + unapplied credit. */
  contractLiabilityCents: number;
  /** Σ (shipped value − cash the shipped units received). */
  receivableCents: number;
  backlogUnits: number;
  /** Open units at the prices in force. */
  backlogValueCents: number;
  /** Value of the units in force: shipped ones at the prices they shipped at, open ones at the price in force. */
  inForceValueCents: number;
  /** Every unit ever contracted, cancelled ones included, at the price in force. */
  contractedValueCents: number;
  scheduledCents: number;
  paidCents: number;
  voidedCents: number;
}

/** The order's totals at the end of `date`. */
export function balancesAsOf(result: BookResult, date: IsoDate): BookBalances {
  const b: BookBalances = {
    cashCents: 0,
    refundedCents: 0,
    recognisedCents: 0,
    forfeitedCents: 0,
    poolCents: 0,
    unappliedCents: segmentOn(result.credit, date)?.unappliedCents ?? 0,
    contractLiabilityCents: 0,
    receivableCents: 0,
    backlogUnits: 0,
    backlogValueCents: 0,
    inForceValueCents: 0,
    contractedValueCents: 0,
    scheduledCents: 0,
    paidCents: 0,
    voidedCents: 0,
  };
  for (const s of result.tranches) {
    if (!inForceOn(s, date)) continue;
    b.cashCents += s.cashCents;
    b.recognisedCents += s.shippedValueCents;
    b.forfeitedCents += s.forfeitedCents;
    b.poolCents += s.poolCents;
    b.receivableCents += s.shippedValueCents - s.shippedCashCents;
    b.backlogUnits += s.openUnits;
    b.backlogValueCents += s.openUnits * s.unitPriceCents;
    b.inForceValueCents += s.shippedValueCents + s.openUnits * s.unitPriceCents;
    b.contractedValueCents += s.quantity * s.unitPriceCents;
  }
  for (const s of result.instalmentSegments) {
    if (!inForceOn(s, date)) continue;
    b.scheduledCents += s.amountCents;
    b.paidCents += s.paidCents;
    b.voidedCents += s.voidedCents;
  }
  for (const r of result.refunds) if (r.on <= date) b.refundedCents += r.amountCents;
  b.cashCents += b.unappliedCents + b.refundedCents;
  b.contractLiabilityCents = b.poolCents + b.unappliedCents;
  return b;
}

/**
 * Checks the book's identities at the end of `date` and throws on the first one broken:
 * - cash received − refunded − recognised − forfeited = contract liability − receivable (BR-5,
 *   SPEC §10), with cash received (payments less those reversed by `date`) and refunds taken from
 *   the input;
 * - per tranche: cash = shipped cash + pool + forfeited, 0 ≤ shipped cash ≤ shipped value,
 *   0 ≤ pool ≤ open units × price, open = quantity − shipped − cancelled ≥ 0, and shipped value =
 *   shipped units × price + true-ups for a tranche not repriced by `date`;
 * - the schedule: Σ (amount − voided) = value of the units in force + forfeited; Σ paid + unapplied
 *   credit = cash received − refunded; paid + voided ≤ amount; with no price changed by `date`,
 *   Σ amounts = value of every unit ever contracted;
 * - the flows: Σ forfeitures up to `date` = forfeited revenue; unapplied credit ≥ 0; Σ bookings up
 *   to `date` (signed + added − cancelled + repriced) = value of the units in force.
 */
export function checkInvariant(input: BookInput, result: BookResult, date: IsoDate): BookBalances {
  const fail = (what: string) => {
    throw new Error(`Book invariant broken as of ${date}: ${what}`);
  };
  const { reversedOn } = bookEvents(input);
  let received = 0;
  let refunded = 0;
  /** Tranches repriced by `date`. */
  const repriced = new Set<string>();
  /** Instalments added by true-ups above nominal of the shipments standing at `date`. */
  let trueUpsAdded = 0;
  for (const e of input.events) {
    const on = bookDay(input, e.on);
    if (e.kind === 'shipment' && on <= date) {
      const reversed = reversedOn.get(`shipment:${e.id}`);
      if (reversed === undefined || reversed > date) {
        for (const item of e.items) trueUpsAdded += Math.max(item.trueUpCents ?? 0, 0);
      }
    }
    if (e.kind === 'payment' && on <= date) {
      const reversed = reversedOn.get(`payment:${e.id}`);
      if (reversed === undefined || reversed > date) received += e.amountCents;
    }
    if (e.kind === 'refund' && on <= date) refunded += e.amountCents;
    if (e.kind === 'amendment' && on <= date) {
      for (const c of e.changes) if (c.type === 'price_change') repriced.add(c.trancheId);
    }
  }
  const offeredOptions = new Map(input.tranches.map((t) => [t.id, t.optionQuantity ?? 0]));
  const exercisedBy = new Map<string, number>();
  for (const e of input.events) {
    if (e.kind === 'exercise' && bookDay(input, e.on) <= date) {
      exercisedBy.set(e.trancheId, (exercisedBy.get(e.trancheId) ?? 0) + e.quantity);
    }
  }
  const b = balancesAsOf(result, date);
  for (const s of result.tranches) {
    if (!inForceOn(s, date)) continue;
    const where = `tranche ${s.trancheId}`;
    if (s.cashCents !== s.shippedCashCents + s.poolCents + s.forfeitedCents) {
      fail(`${where}: cash ${s.cashCents} ≠ shipped cash + pool + forfeited`);
    }
    if (s.shippedCashCents < 0 || s.shippedCashCents > s.shippedValueCents) {
      fail(`${where}: shipped cash ${s.shippedCashCents} outside 0…${s.shippedValueCents}`);
    }
    if (s.poolCents < 0 || s.poolCents > s.openUnits * s.unitPriceCents) {
      fail(`${where}: pool ${s.poolCents} outside 0…${s.openUnits * s.unitPriceCents}`);
    }
    const atOnePrice = s.shippedUnits * s.unitPriceCents + s.trueUpCents;
    if (repriced.has(s.trancheId) ? s.shippedValueCents < 0 : s.shippedValueCents !== atOnePrice) {
      fail(`${where}: shipped value ${s.shippedValueCents}`);
    }
    if (s.openUnits !== s.quantity - s.shippedUnits - s.cancelledUnits || s.openUnits < 0) {
      fail(`${where}: open units ${s.openUnits}`);
    }
    const offered = offeredOptions.get(s.trancheId) ?? 0;
    if (s.optionUnits < 0 || s.exercisedUnits < 0 || s.optionUnits + s.exercisedUnits > offered) {
      fail(
        `${where}: option ${s.optionUnits} + exercised ${s.exercisedUnits} > offered ${offered}`,
      );
    }
    if (s.exercisedUnits !== (exercisedBy.get(s.trancheId) ?? 0)) {
      fail(`${where}: exercised ${s.exercisedUnits} ≠ exercises ${exercisedBy.get(s.trancheId)}`);
    }
  }
  for (const s of result.instalmentSegments) {
    if (!inForceOn(s, date)) continue;
    if (s.paidCents < 0 || s.voidedCents < 0 || s.paidCents + s.voidedCents > s.amountCents) {
      fail(`instalment ${s.key}: paid ${s.paidCents} + voided ${s.voidedCents} > ${s.amountCents}`);
    }
  }
  if (b.cashCents !== received) fail(`cash ${b.cashCents} ≠ payments received ${received}`);
  if (b.refundedCents !== refunded) fail(`refunded ${b.refundedCents} ≠ refunds ${refunded}`);
  if (b.unappliedCents < 0) fail(`negative credit ${b.unappliedCents}`);
  const left = received - refunded - b.recognisedCents - b.forfeitedCents;
  const right = b.contractLiabilityCents - b.receivableCents;
  if (left !== right)
    fail(`cash − refunded − recognised − forfeited ${left} ≠ liability − receivable ${right}`);
  if (repriced.size === 0 && b.scheduledCents !== b.contractedValueCents + trueUpsAdded) {
    fail(
      `schedule ${b.scheduledCents} ≠ contracted value ${b.contractedValueCents} + true-ups added ${trueUpsAdded}`,
    );
  }
  if (b.scheduledCents - b.voidedCents !== b.inForceValueCents + b.forfeitedCents) {
    fail(
      `schedule − voided ${b.scheduledCents - b.voidedCents} ≠ value in force + forfeited ${b.inForceValueCents + b.forfeitedCents}`,
    );
  }
  if (b.paidCents + b.unappliedCents !== received - refunded) {
    fail(
      `paid ${b.paidCents} + credit ${b.unappliedCents} ≠ received − refunded ${received - refunded}`,
    );
  }
  let forfeitures = 0;
  for (const f of result.forfeitures) if (f.on <= date) forfeitures += f.amountCents;
  if (forfeitures !== b.forfeitedCents) {
    fail(`forfeitures ${forfeitures} ≠ forfeited revenue ${b.forfeitedCents}`);
  }
  let booked = 0;
  for (const x of result.bookings) {
    if (x.on <= date) booked += x.kind === 'cancelled' ? -x.amountCents : x.amountCents;
  }
  if (booked !== b.inForceValueCents) {
    fail(`bookings ${booked} ≠ value in force ${b.inForceValueCents}`);
  }
  return b;
}

/**
 * Checks a whole replayed book and throws on the first fault: every entity's segments follow one
 * another from its first date with no gap and no repeated state, the last one open (but for the
 * instalment of a true-up whose shipment was reversed, which ends on the reversal date); each
 * instalment's final state is its last segment's; and checkInvariant holds at every date where
 * anything starts, ends or happens.
 */
export function checkBook(input: BookInput, result: BookResult): void {
  const days = new Set<IsoDate>([input.signedOn, '2099-12-31']);
  const check = <S extends { from: IsoDate; to: IsoDate | null }>(
    what: string,
    chains: Map<string, S[]>,
    same: (a: S, b: S) => boolean,
    mayEnd: (key: string) => boolean = () => false,
  ) => {
    for (const [key, chain] of chains) {
      if (chain[0].from < input.signedOn) throw new Error(`${what} ${key} starts before signing`);
      chain.forEach((s, i) => {
        days.add(s.from);
        const next = chain[i + 1];
        if (!next) {
          if (s.to !== null && !mayEnd(key)) throw new Error(`${what} ${key} ends on ${s.to}`);
        } else if (s.to !== next.from || !(s.from < next.from) || same(s, next)) {
          throw new Error(`${what} ${key}: [${s.from}, ${s.to}) then [${next.from}, …)`);
        }
      });
    }
  };
  check(
    'tranche',
    groupBy(result.tranches, (s) => s.trancheId),
    sameTranche,
  );
  const instalments = groupBy(result.instalmentSegments, (s) => s.key);
  const standing = new Set(result.instalments.map((i) => i.key));
  check(
    'instalment',
    instalments,
    sameInstalment,
    (key) => key.startsWith('trueup:') && !standing.has(key),
  );
  check(
    'credit',
    groupBy(result.credit, () => ''),
    sameCredit,
  );
  for (const i of result.instalments) {
    const last = instalments.get(i.key)?.at(-1);
    const status = instalmentStatus(i.amountCents, i.paidCents, i.voidedCents);
    if (!last || !sameInstalment(last, i) || i.status !== status) {
      throw new Error(`instalment ${i.key}: final state is not its last segment's`);
    }
  }
  for (const e of input.events) days.add(bookDay(input, e.on));
  for (const day of days) checkInvariant(input, result, day);
}
