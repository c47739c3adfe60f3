import { addDays } from '../common/dates';
import {
  addedUnitsSchedule,
  initialSchedule,
  mulDivHalfUp,
  splitByWeight,
} from './billing-schedule';
import {
  BookChange,
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
  TermsSnapshot,
  TrancheSegment,
} from './book.types';

/*
 * Replay of one order's book (SPEC BR-1…BR-6). Semantics beyond the SPEC's wording:
 * - Events dated before signedOn count as of signedOn (the order has no earlier state).
 * - On one date: payments, then shipments, then amendments, each in recorded order; segments hold
 *   the state at the end of the date.
 * - The shared deposit is held as one part per tranche; a payment on it is spread over the parts in
 *   proportion to what each still owes (last part takes the remainder, half up).
 * - Unapplied credit is applied to instalments created later (units added by an amendment), in due
 *   order, on the amendment's date: the customer has already paid for them.
 * - Cancelling n of o open units forfeits n/o of the pool and voids the cancelled units' unpaid
 *   value, n × price − forfeited pool share, spread over the tranche's instalments in proportion to
 *   what each still owes. So a tranche's schedule (amount − voided) always equals the value of its
 *   units in force plus its forfeited cash, and what stays unpaid is exactly what the units in force
 *   still owe.
 * - Instalments of 0 cents are not created.
 */

const EVENT_RANK: Record<BookEvent['kind'], number> = { payment: 0, shipment: 1, amendment: 2 };
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
  forfeited: number;
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

class Replay {
  private readonly tranches = new Map<string, TrancheState>();
  private readonly groups: Group[] = [];
  private readonly groupsByKey = new Map<string, Group>();
  private readonly credit: CreditSegment[] = [];
  private readonly forfeitures: Forfeiture[] = [];
  private unapplied = 0;
  private creditChanged = true;
  private readonly dirtyTranches = new Set<TrancheState>();
  private readonly dirtyGroups = new Set<Group>();

  constructor(private readonly input: BookInput) {}

  run(): BookResult {
    const { signedOn, terms } = this.input;
    this.confirm(signedOn, terms);
    const events = this.input.events
      .map((event, index) => ({ event, index, on: event.on < signedOn ? signedOn : event.on }))
      .sort(
        (a, b) =>
          (a.on < b.on ? -1 : a.on > b.on ? 1 : 0) ||
          EVENT_RANK[a.event.kind] - EVENT_RANK[b.event.kind] ||
          a.index - b.index,
      );
    let day = signedOn;
    for (const { event, on } of events) {
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
      this.addTrancheState(t.id, t.sequence, t.unitPriceCents, t.quantity, t.shipDate);
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

  private apply(event: BookEvent, on: IsoDate) {
    switch (event.kind) {
      case 'payment':
        if (!Number.isSafeInteger(event.amountCents) || event.amountCents <= 0) {
          throw new RangeError(`Payment ${event.id}: amount must be positive cents`);
        }
        this.receive(event.amountCents);
        return;
      case 'shipment':
        for (const item of event.items) this.ship(this.tranche(item.trancheId), item.quantity);
        return;
      case 'amendment':
        for (const change of event.changes) this.change(change, event.id, on);
        // Credit already received pays the instalments this amendment created.
        if (this.unapplied > 0) {
          const left = this.settle(this.unapplied);
          if (left !== this.unapplied) this.setCredit(left);
        }
        return;
    }
  }

  private change(change: BookChange, eventId: string, on: IsoDate) {
    switch (change.type) {
      case 'reschedule':
        this.reschedule(this.tranche(change.trancheId), change.shipDate);
        return;
      case 'cancel': {
        const t = this.tranche(change.trancheId);
        const open = openUnits(t);
        if (open === 0) {
          throw new BookRuleError('NOTHING_OPEN', `Tranche ${t.id} has no open units to cancel`);
        }
        this.cancel(t, open, on);
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
    if (!Number.isSafeInteger(unitPriceCents) || unitPriceCents < 0) {
      throw new RangeError(`Tranche ${id}: unit price must be whole cents`);
    }
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
      forfeited: 0,
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

  /** Adds units to a tranche with their own deposit and milestones (BR-3). */
  private addUnits(t: TrancheState, units: number, eventId: string, on: IsoDate) {
    t.quantity += units;
    this.dirtyTranches.add(t);
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

  /** BR-6: forfeits n/o of the pool and voids the cancelled units' unpaid value. */
  private cancel(t: TrancheState, units: number, on: IsoDate) {
    const open = openUnits(t);
    const forfeited = units === open ? t.pool : mulDivHalfUp(t.pool, units, open);
    t.pool -= forfeited;
    t.forfeited += forfeited;
    t.cancelled += units;
    this.forfeitures.push({ trancheId: t.id, on, units, amountCents: forfeited });
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
        forfeitedCents: t.forfeited,
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
      pushSegment(this.credit, { from: day, to: null, unappliedCents: this.unapplied }, (a, b) => {
        return a.unappliedCents === b.unappliedCents;
      });
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
    };
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
    a.forfeitedCents === b.forfeitedCents
  );
}

function sameInstalment(a: InstalmentSegment, b: InstalmentSegment): boolean {
  return (
    a.dueOn === b.dueOn &&
    a.amountCents === b.amountCents &&
    a.paidCents === b.paidCents &&
    a.voidedCents === b.voidedCents
  );
}

/**
 * Replays an order's book: the schedule at confirmation, then its payments, shipments and amendments
 * by business date. Throws BookRuleError when an event breaks a rule (over-shipment, …).
 */
export function replayBook(input: BookInput): BookResult {
  return new Replay(input).run();
}

/** The segment in force at the end of `date`, if the entity existed then. */
export function segmentOn<S extends { from: IsoDate; to: IsoDate | null }>(
  segments: readonly S[],
  date: IsoDate,
): S | undefined {
  return segments.find((s) => s.from <= date && (s.to === null || date < s.to));
}

export interface BookBalances {
  /** Σ cash attributed to tranches + unapplied credit. */
  cashCents: number;
  recognisedCents: number;
  forfeitedCents: number;
  poolCents: number;
  unappliedCents: number;
  /** Σ pools + unapplied credit. */
  contractLiabilityCents: number;
  /** Σ (shipped value − cash the shipped units received). */
  receivableCents: number;
  backlogUnits: number;
  backlogValueCents: number;
  /** Value of the units in force (shipped + open). */
  inForceValueCents: number;
  /** Value of every unit ever contracted, cancelled ones included. */
  contractedValueCents: number;
  scheduledCents: number;
  paidCents: number;
  voidedCents: number;
}

/** The order's totals at the end of `date`. */
export function balancesAsOf(result: BookResult, date: IsoDate): BookBalances {
  const b: BookBalances = {
    cashCents: 0,
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
    if (!(s.from <= date && (s.to === null || date < s.to))) continue;
    b.cashCents += s.cashCents;
    b.recognisedCents += s.shippedValueCents;
    b.forfeitedCents += s.forfeitedCents;
    b.poolCents += s.poolCents;
    b.receivableCents += s.shippedValueCents - s.shippedCashCents;
    b.backlogUnits += s.openUnits;
    b.backlogValueCents += s.openUnits * s.unitPriceCents;
    b.inForceValueCents += (s.shippedUnits + s.openUnits) * s.unitPriceCents;
    b.contractedValueCents += s.quantity * s.unitPriceCents;
  }
  for (const s of result.instalmentSegments) {
    if (!(s.from <= date && (s.to === null || date < s.to))) continue;
    b.scheduledCents += s.amountCents;
    b.paidCents += s.paidCents;
    b.voidedCents += s.voidedCents;
  }
  b.cashCents += b.unappliedCents;
  b.contractLiabilityCents = b.poolCents + b.unappliedCents;
  return b;
}

/**
 * Checks the book's identities at the end of `date` and throws on the first one broken:
 * - cash received − recognised − forfeited = contract liability − receivable (BR-5), with cash received
 *   taken from the input's payments;
 * - per tranche: cash = shipped cash + pool + forfeited, 0 ≤ shipped cash ≤ shipped value, pool ≥ 0,
 *   open = quantity − shipped − cancelled ≥ 0;
 * - the schedule: Σ amounts = value of every unit ever contracted; Σ (amount − voided) = value of the
 *   units in force + forfeited; Σ paid + unapplied credit = cash received; paid + voided ≤ amount.
 */
export function checkInvariant(input: BookInput, result: BookResult, date: IsoDate): BookBalances {
  const fail = (what: string) => {
    throw new Error(`Book invariant broken as of ${date}: ${what}`);
  };
  let received = 0;
  for (const e of input.events) {
    const on = e.on < input.signedOn ? input.signedOn : e.on;
    if (e.kind === 'payment' && on <= date) received += e.amountCents;
  }
  const b = balancesAsOf(result, date);
  for (const s of result.tranches) {
    if (!(s.from <= date && (s.to === null || date < s.to))) continue;
    const where = `tranche ${s.trancheId}`;
    if (s.cashCents !== s.shippedCashCents + s.poolCents + s.forfeitedCents) {
      fail(`${where}: cash ${s.cashCents} ≠ shipped cash + pool + forfeited`);
    }
    if (s.shippedCashCents < 0 || s.shippedCashCents > s.shippedValueCents) {
      fail(`${where}: shipped cash ${s.shippedCashCents} outside 0…${s.shippedValueCents}`);
    }
    if (s.poolCents < 0) fail(`${where}: negative pool ${s.poolCents}`);
    if (s.shippedValueCents !== s.shippedUnits * s.unitPriceCents) fail(`${where}: shipped value`);
    if (s.openUnits !== s.quantity - s.shippedUnits - s.cancelledUnits || s.openUnits < 0) {
      fail(`${where}: open units ${s.openUnits}`);
    }
  }
  for (const s of result.instalmentSegments) {
    if (!(s.from <= date && (s.to === null || date < s.to))) continue;
    if (s.paidCents < 0 || s.voidedCents < 0 || s.paidCents + s.voidedCents > s.amountCents) {
      fail(`instalment ${s.key}: paid ${s.paidCents} + voided ${s.voidedCents} > ${s.amountCents}`);
    }
  }
  if (b.cashCents !== received) fail(`cash ${b.cashCents} ≠ payments received ${received}`);
  const left = received - b.recognisedCents - b.forfeitedCents;
  const right = b.contractLiabilityCents - b.receivableCents;
  if (left !== right)
    fail(`cash − recognised − forfeited ${left} ≠ liability − receivable ${right}`);
  if (b.scheduledCents !== b.contractedValueCents) {
    fail(`schedule ${b.scheduledCents} ≠ contracted value ${b.contractedValueCents}`);
  }
  if (b.scheduledCents - b.voidedCents !== b.inForceValueCents + b.forfeitedCents) {
    fail(
      `schedule − voided ${b.scheduledCents - b.voidedCents} ≠ value in force + forfeited ${b.inForceValueCents + b.forfeitedCents}`,
    );
  }
  if (b.paidCents + b.unappliedCents !== received) {
    fail(`paid ${b.paidCents} + credit ${b.unappliedCents} ≠ received ${received}`);
  }
  return b;
}
