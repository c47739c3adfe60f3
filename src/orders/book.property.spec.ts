import fc from 'fast-check';
import { addDays } from '../common/dates';
import { balancesAsOf, checkBook, inForceOn, replayBook, segmentOn } from './book';
import { AmendmentChange, BookEvent, BookInput, BookResult, BookRuleError } from './book.types';
import { balanceSegments, recognitions } from './order-rollup';

// Random books: an order is built event by event from random intents, each kept only when the
// replay accepts it (as the service would), then the whole book is checked.

const SIGNED_ON = '2021-01-04';
const day = (n: number) => addDays(SIGNED_ON, n);

/** Payment terms: a deposit and one to three milestones making 100 %, or none (billed on shipping). */
const terms = fc.option(
  fc
    .record({
      depositBp: fc.integer({ min: 0, max: 6_000 }),
      depositDueDays: fc.integer({ min: 0, max: 30 }),
      milestones: fc.array(
        fc.record({
          weight: fc.integer({ min: 1, max: 9 }),
          due: fc.integer({ min: -60, max: 300 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
    })
    .map(({ depositBp, depositDueDays, milestones }) => {
      const rest = 10_000 - depositBp;
      const total = milestones.reduce((a, m) => a + m.weight, 0);
      let given = 0;
      return {
        code: 'RANDOM',
        depositPercent: depositBp / 100,
        depositDueDays,
        milestones: milestones.map((m, k) => {
          const bp =
            k === milestones.length - 1 ? rest - given : Math.floor((rest * m.weight) / total);
          given += bp;
          return { percent: bp / 100, dueDaysFromShip: m.due };
        }),
      };
    }),
);

const price = fc.integer({ min: 0, max: 400_000 });
const when = fc.integer({ min: -5, max: 360 });
/** Picks among what exists when the intent is played. */
const pick = fc.nat();
const share = fc.double({ min: 0, max: 1, noNaN: true });

type Intent =
  | { t: 'pay'; on: number; cents: number }
  /** `trueUpBp`: a hash-rate true-up of that many basis points of the units' value (±20 %). */
  | { t: 'ship'; on: number; tranche: number; share: number; trueUpBp: number | null }
  | { t: 'reschedule'; on: number; tranche: number; shipOn: number }
  | { t: 'quantity'; on: number; tranche: number; delta: number }
  | { t: 'cancel'; on: number; tranche: number }
  | { t: 'cancel_order'; on: number }
  | { t: 'add'; on: number; shipOn: number; quantity: number; price: number }
  | { t: 'price'; on: number; tranche: number; price: number }
  /** On the first day of a stretch of credit when there is one. */
  | { t: 'refund'; on: number; credit: number; share: number; over: boolean }
  | { t: 'reverse_payment'; payment: number; after: number }
  | { t: 'reverse_shipment'; shipment: number; after: number }
  /** Some of the option units left on the date, or one more than are left (`over`). */
  | { t: 'exercise'; on: number; tranche: number; share: number; over: boolean };

const intent: fc.Arbitrary<Intent> = fc.oneof(
  {
    arbitrary: fc.record({
      t: fc.constant('pay'),
      on: when,
      cents: fc.integer({ min: 1, max: 3_000_000 }),
    }),
    weight: 5,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('ship'),
      on: when,
      tranche: pick,
      share,
      trueUpBp: fc.option(fc.integer({ min: -2_000, max: 2_000 }), { nil: null }),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({ t: fc.constant('reschedule'), on: when, tranche: pick, shipOn: when }),
    weight: 1,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('quantity'),
      on: when,
      tranche: pick,
      delta: fc.integer({ min: -6, max: 6 }),
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ t: fc.constant('cancel'), on: when, tranche: pick }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant('cancel_order'), on: when }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant('add'),
      on: when,
      shipOn: when,
      quantity: fc.integer({ min: 1, max: 8 }),
      price,
    }),
    weight: 1,
  },
  { arbitrary: fc.record({ t: fc.constant('price'), on: when, tranche: pick, price }), weight: 3 },
  {
    arbitrary: fc.record({
      t: fc.constant('refund'),
      on: when,
      credit: pick,
      share,
      over: fc.constantFrom(false, false, false, true),
    }),
    weight: 3,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('reverse_payment'),
      payment: pick,
      after: fc.integer({ min: 0, max: 90 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('reverse_shipment'),
      shipment: pick,
      after: fc.integer({ min: 0, max: 90 }),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      t: fc.constant('exercise'),
      on: fc.integer({ min: -5, max: 150 }),
      tranche: pick,
      share,
      over: fc.constantFrom(false, false, false, true),
    }),
    weight: 3,
  },
) as fc.Arbitrary<Intent>;

const contract = fc.record({
  terms,
  tranches: fc.array(
    fc.record({
      quantity: fc.integer({ min: 1, max: 12 }),
      unitPriceCents: fc.integer({ min: 1, max: 400_000 }),
      shipOn: fc.integer({ min: 20, max: 300 }),
      /** Option units and the day they may be exercised until; firm units then may be none. */
      option: fc.option(
        fc.record({
          units: fc.integer({ min: 1, max: 10 }),
          by: fc.integer({ min: 0, max: 300 }),
          noFirm: fc.boolean(),
        }),
        { freq: 4 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
  intents: fc.array(intent, { minLength: 1, maxLength: 24 }),
});

const bookDay = (on: string) => (on < SIGNED_ON ? SIGNED_ON : on);

type Contract = typeof contract extends fc.Arbitrary<infer C> ? C : never;

/** Plays the intents against the replay and returns the book of what it accepted. */
function build(c: Contract): BookInput {
  const tranches = c.tranches.map((t, i) => ({
    id: `t${i + 1}`,
    sequence: i + 1,
    quantity: t.option?.noFirm ? 0 : t.quantity,
    unitPriceCents: t.unitPriceCents,
    shipDate: day(t.shipOn),
    ...(t.option && { optionQuantity: t.option.units, optionExerciseBy: day(t.option.by) }),
  }));
  const exerciseBy = new Map(tranches.map((t) => [t.id, t.optionExerciseBy ?? null]));
  const input: BookInput = { signedOn: SIGNED_ON, terms: c.terms, tranches, events: [] };
  let book = replayBook(input);
  const ids = tranches.map((t) => t.id);
  let n = 0;
  const tryAdd = (event: BookEvent): boolean => {
    try {
      book = replayBook({ ...input, events: [...input.events, event] });
    } catch (e) {
      if (e instanceof BookRuleError) return false;
      throw e;
    }
    input.events.push(event);
    return true;
  };
  const trancheOn = (id: string, on: string) =>
    segmentOn(
      book.tranches.filter((s) => s.trancheId === id),
      bookDay(on),
    );
  const amend = (on: string, changes: AmendmentChange[]) =>
    changes.length > 0 && tryAdd({ kind: 'amendment', id: `a${++n}`, on, changes });
  const reversed = new Set<string>();
  const recorded = (kind: 'payment' | 'shipment') =>
    input.events.filter((e) => e.kind === kind && !reversed.has(e.id));

  for (const i of c.intents) {
    let trancheId = 'tranche' in i ? ids[i.tranche % ids.length] : '';
    const on = 'on' in i ? day(i.on) : '';
    switch (i.t) {
      case 'pay':
        tryAdd({ kind: 'payment', id: `p${++n}`, on, amountCents: i.cents });
        break;
      case 'ship': {
        const segment = trancheOn(trancheId, on);
        const open = segment?.openUnits ?? 0;
        const quantity = Math.max(1, Math.round(open * i.share));
        const value = quantity * (segment?.unitPriceCents ?? 0);
        const trueUpCents = i.trueUpBp === null ? 0 : Math.round((value * i.trueUpBp) / 10_000);
        tryAdd({
          kind: 'shipment',
          id: `s${++n}`,
          on,
          items: [{ trancheId, quantity, trueUpCents }],
        });
        break;
      }
      case 'reschedule':
        amend(on, [{ type: 'reschedule', trancheId, shipDate: day(i.shipOn) }]);
        break;
      case 'quantity': {
        const s = trancheOn(trancheId, on);
        if (s) {
          const quantity = Math.max(0, s.shippedUnits + s.openUnits + i.delta);
          amend(on, [{ type: 'set_quantity', trancheId, quantity }]);
        }
        break;
      }
      case 'cancel':
        amend(on, [{ type: 'cancel', trancheId }]);
        break;
      case 'cancel_order':
        amend(
          on,
          ids
            .filter((id) => {
              const s = trancheOn(id, on);
              return (s?.openUnits ?? 0) > 0 || (s?.optionUnits ?? 0) > 0;
            })
            .map((id) => ({ type: 'cancel', trancheId: id })),
        );
        break;
      case 'add': {
        const id = `t${ids.length + 1}`;
        const added = amend(on, [
          {
            type: 'add_tranche',
            trancheId: id,
            sequence: ids.length + 1,
            shipDate: day(i.shipOn),
            quantity: i.quantity,
            unitPriceCents: i.price,
          },
        ]);
        if (added) ids.push(id);
        break;
      }
      case 'price':
        amend(on, [{ type: 'price_change', trancheId, unitPriceCents: i.price }]);
        break;
      case 'refund': {
        const stretches = book.credit.filter((s) => s.unappliedCents > 0);
        const paidOn = stretches.length > 0 ? stretches[i.credit % stretches.length].from : on;
        const credit = segmentOn(book.credit, bookDay(paidOn))?.unappliedCents ?? 0;
        const amountCents = i.over ? credit + 1 : Math.max(1, Math.round(credit * i.share));
        const accepted = tryAdd({ kind: 'refund', id: `f${++n}`, on: paidOn, amountCents });
        // A refund above the credit as of its date is always refused.
        if (amountCents > credit) expect(accepted).toBe(false);
        break;
      }
      case 'reverse_payment':
      case 'reverse_shipment': {
        const kind = i.t === 'reverse_payment' ? 'payment' : 'shipment';
        const items = recorded(kind);
        if (items.length === 0) break;
        const item = items[('payment' in i ? i.payment : i.shipment) % items.length];
        const reversal: BookEvent =
          kind === 'payment'
            ? {
                kind: 'payment_reversal',
                id: `r${++n}`,
                on: addDays(item.on, i.after),
                paymentId: item.id,
              }
            : {
                kind: 'shipment_reversal',
                id: `r${++n}`,
                on: addDays(item.on, i.after),
                shipmentId: item.id,
              };
        if (tryAdd(reversal)) reversed.add(item.id);
        break;
      }
      case 'exercise': {
        // Mostly a tranche with options; now and then one without.
        const offered = ids.filter((id) => exerciseBy.get(id));
        if (offered.length > 0 && i.tranche % 8 !== 0) {
          trancheId = offered[i.tranche % offered.length];
        }
        const left = trancheOn(trancheId, on)?.optionUnits ?? 0;
        const quantity = i.over ? left + 1 : Math.max(1, Math.round(left * i.share));
        const accepted = tryAdd({ kind: 'exercise', id: `x${++n}`, on, trancheId, quantity });
        // Never more than the units left on the date, never after the exercise-by date.
        const by = exerciseBy.get(trancheId) ?? null;
        if (quantity > left || by === null || bookDay(on) > by) expect(accepted).toBe(false);
        break;
      }
    }
  }
  return input;
}

/** Every date where a segment starts or ends or an event happens, and one far ahead. */
function boundaries(input: BookInput, result: BookResult): string[] {
  const days = new Set<string>([SIGNED_ON, '2099-12-31']);
  for (const e of input.events) days.add(bookDay(e.on));
  for (const s of [...result.tranches, ...result.instalmentSegments, ...result.credit]) {
    days.add(s.from);
    if (s.to) days.add(s.to);
  }
  return [...days].sort();
}

/** Everything the book says at the end of `date`. */
function stateOn(result: BookResult, date: string) {
  const strip = <S extends { from: string; to: string | null }>(segments: readonly S[]) =>
    segments.filter((s) => inForceOn(s, date)).map((s) => ({ ...s, from: '', to: '' }));
  return {
    tranches: strip(result.tranches),
    // By key: an instalment a reversal takes away (a true-up's) comes last in a spliced book.
    instalments: strip(result.instalmentSegments).sort((a, b) => (a.key < b.key ? -1 : 1)),
    credit: strip(result.credit),
    balances: balancesAsOf(result, date),
  };
}

const isReversal = (e: BookEvent) =>
  e.kind === 'payment_reversal' || e.kind === 'shipment_reversal';
const reversedId = (e: BookEvent) =>
  e.kind === 'payment_reversal' ? e.paymentId : e.kind === 'shipment_reversal' ? e.shipmentId : '';

describe('replayBook — random books', () => {
  it('keeps every identity at every date, and reversals change nothing before their date', () => {
    let reversals = 0;
    let refunds = 0;
    let repriced = 0;
    let trueUps = 0;
    let exercised = 0;
    fc.assert(
      fc.property(contract, (c) => {
        const input = build(c);
        const result = replayBook(input);
        checkBook(input, result);
        const days = boundaries(input, result);

        // The flows reports sum add up to the balances they roll forward.
        const recognised = recognitions(result.tranches);
        for (const d of days) {
          const flows = recognised.filter((x) => x.on <= d).reduce((a, x) => a + x.amountCents, 0);
          expect(flows).toBe(balancesAsOf(result, d).recognisedCents);
          // The true-up part of revenue is the tranches' true-ups in force.
          const trueUps = recognised
            .filter((x) => x.on <= d)
            .reduce((a, x) => a + x.trueUpCents, 0);
          const inForce = result.tranches
            .filter((s) => inForceOn(s, d))
            .reduce((a, s) => a + s.trueUpCents, 0);
          expect(trueUps).toBe(inForce);
        }
        for (const b of balanceSegments(result)) {
          expect(b.cashReceivedCents - b.refundedCents - b.recognisedCents - b.forfeitedCents).toBe(
            b.contractLiabilityCents - b.receivableCents,
          );
        }

        // Before a reversal date the book is the one without that reversal; one replayed up to
        // that date only, so that no later event needs the reversal.
        for (const r of input.events.filter(isReversal)) {
          const from = bookDay(r.on);
          const before = replayBook({
            ...input,
            events: input.events.filter((e) => e !== r && bookDay(e.on) < from),
          });
          for (const d of days.filter((x) => x < from)) {
            expect(stateOn(result, d)).toEqual(stateOn(before, d));
          }
        }

        // From each reversal date to the next, the book is the one replayed without everything
        // reversed by then (and without the events after the next reversal date).
        const starts = [
          ...new Set(input.events.filter(isReversal).map((e) => bookDay(e.on))),
        ].sort();
        starts.forEach((from, k) => {
          const to = starts[k + 1] ?? null;
          const gone = new Set(
            input.events.filter((e) => isReversal(e) && bookDay(e.on) <= from).map(reversedId),
          );
          const without = replayBook({
            ...input,
            events: input.events.filter(
              (e) => !isReversal(e) && !gone.has(e.id) && (to === null || bookDay(e.on) < to),
            ),
          });
          for (const d of days.filter((x) => x >= from && (to === null || x < to))) {
            expect(stateOn(result, d)).toEqual(stateOn(without, d));
          }
        });

        reversals += starts.length;
        refunds += result.refunds.length;
        trueUps += input.events.filter(
          (e) => e.kind === 'shipment' && e.items.some((x) => (x.trueUpCents ?? 0) !== 0),
        ).length;
        exercised += input.events.filter((e) => e.kind === 'exercise').length;
        repriced += input.events.filter(
          (e) => e.kind === 'amendment' && e.changes.some((x) => x.type === 'price_change'),
        ).length;
      }),
      { numRuns: 300 },
    );
    // The generator does reach the corrections.
    expect([reversals > 50, refunds > 20, repriced > 50, trueUps > 50, exercised > 50]).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });
});
