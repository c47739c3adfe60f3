import { balancesAsOf, checkBook, replayBook, segmentOn } from './book';
import { BookEvent, BookInput, BookResult, TermsSnapshot } from './book.types';
import { recognitions } from './order-rollup';

// Money in cents. One tranche of 100 AvalonMiner-class units of 90 TH/s priced 28.50 per TH/s:
// unit price 28.50 × 90 = 2,565.00, tranche value 256,500.00, shipping 2025-03-01. Terms PT-30:
// deposit 30 % = 76,950.00 due 2025-01-17, milestone 70 % = 179,550.00 due 19 days before shipping
// (2025-02-10).
const PT30: TermsSnapshot = {
  code: 'PT-30',
  depositPercent: 30,
  depositDueDays: 7,
  milestones: [{ percent: 70, dueDaysFromShip: -19 }],
};
const VALUE = 256_500_00;

const book = (...events: BookEvent[]): BookInput => ({
  signedOn: '2025-01-10',
  terms: PT30,
  tranches: [
    { id: 'T1', sequence: 1, quantity: 100, unitPriceCents: 2_565_00, shipDate: '2025-03-01' },
  ],
  events,
});
const pay = (id: string, on: string, amountCents: number): BookEvent => ({
  kind: 'payment',
  id,
  on,
  amountCents,
});
const ship = (id: string, quantity: number, trueUpCents: number): BookEvent => ({
  kind: 'shipment',
  id,
  on: '2025-03-01',
  items: [{ trancheId: 'T1', quantity, trueUpCents }],
});

function replay(input: BookInput): BookResult {
  const result = replayBook(input);
  checkBook(input, result);
  return result;
}
const instalment = (r: BookResult, key: string) => r.instalments.find((i) => i.key === key)!;
const tranche = (r: BookResult, date: string) => segmentOn(r.tranches, date)!;

describe('replayBook — hash-rate true-ups (SPEC §15)', () => {
  it('below tolerance on a fully prepaid tranche: revenue falls, the difference becomes credit', () => {
    // Delivered 8,700 TH/s of 9,000 nominal (3 % tolerance = 270): true-up −300 × 28.50 = −8,550.00.
    const r = replay(book(pay('p1', '2025-01-15', VALUE), ship('s1', 100, -8_550_00)));
    const b = balancesAsOf(r, '2025-03-01');
    expect(b.recognisedCents).toBe(247_950_00); // 256,500.00 − 8,550.00
    expect(b.unappliedCents).toBe(8_550_00);
    expect(b.poolCents).toBe(0);
    expect(b.receivableCents).toBe(0);
    // The latest-due instalment (the milestone) gives back what it was paid: 179,550 paid → 171,000.
    expect(instalment(r, 'milestone:T1:1')).toMatchObject({
      amountCents: 179_550_00,
      paidCents: 171_000_00,
      voidedCents: 8_550_00,
    });
    expect(tranche(r, '2025-03-01')).toMatchObject({
      shippedValueCents: 247_950_00,
      trueUpCents: -8_550_00,
      shippedCashCents: 247_950_00,
    });
    // The day before, nothing had shipped.
    expect(balancesAsOf(r, '2025-02-28')).toMatchObject({ recognisedCents: 0, unappliedCents: 0 });
  });

  it('below tolerance on an unpaid tranche: the unpaid milestone is voided by that much', () => {
    const r = replay(book(ship('s1', 100, -8_550_00)));
    const b = balancesAsOf(r, '2025-03-01');
    expect(b.recognisedCents).toBe(247_950_00);
    expect(b.receivableCents).toBe(247_950_00);
    expect(b.unappliedCents).toBe(0);
    expect(instalment(r, 'milestone:T1:1')).toMatchObject({ paidCents: 0, voidedCents: 8_550_00 });
    expect(instalment(r, 'deposit')).toMatchObject({ amountCents: 76_950_00, voidedCents: 0 });
  });

  it('above tolerance on an unpaid tranche: one instalment of the true-up due on the ship date', () => {
    // Delivered 9,270.01 TH/s: +270.01 × 28.50 = 7,695.285 → +7,695.29.
    const r = replay(book(ship('s1', 100, 7_695_29)));
    expect(instalment(r, 'trueup:T1:s1')).toMatchObject({
      kind: 'milestone',
      trancheId: 'T1',
      createdOn: '2025-03-01',
      dueOn: '2025-03-01',
      amountCents: 7_695_29,
      paidCents: 0,
      status: 'open',
    });
    const b = balancesAsOf(r, '2025-03-01');
    expect(b.recognisedCents).toBe(264_195_29); // 256,500.00 + 7,695.29
    expect(b.receivableCents).toBe(264_195_29);
    expect(b.scheduledCents).toBe(264_195_29);
  });

  it('pays a true-up instalment from credit already on the order', () => {
    // 260,000.00 paid: 3,500.00 beyond the schedule sits as credit until the shipment.
    const r = replay(book(pay('p1', '2025-01-15', 260_000_00), ship('s1', 100, 7_695_29)));
    expect(balancesAsOf(r, '2025-02-28').unappliedCents).toBe(3_500_00);
    expect(instalment(r, 'trueup:T1:s1')).toMatchObject({ paidCents: 3_500_00, status: 'open' });
    const b = balancesAsOf(r, '2025-03-01');
    expect(b.unappliedCents).toBe(0);
    expect(b.receivableCents).toBe(4_195_29); // 7,695.29 − 3,500.00
  });

  it('trues up part of a tranche: the rest of the pool stays with the open units', () => {
    // 40 of 100 prepaid units ship 3,420.00 short: 40 × 2,565 = 102,600 − 3,420 = 99,180.00.
    const r = replay(book(pay('p1', '2025-01-15', VALUE), ship('s1', 40, -3_420_00)));
    expect(tranche(r, '2025-03-01')).toMatchObject({
      openUnits: 60,
      poolCents: 153_900_00, // 60 × 2,565.00
      shippedValueCents: 99_180_00,
      shippedCashCents: 99_180_00,
    });
    expect(balancesAsOf(r, '2025-03-01').unappliedCents).toBe(3_420_00);
  });

  it('a shipment reversal takes its true-up back with it', () => {
    const r = replay(
      book(pay('p1', '2025-01-15', VALUE), ship('s1', 100, -8_550_00), {
        kind: 'shipment_reversal',
        id: 'r1',
        on: '2025-03-10',
        shipmentId: 's1',
      }),
    );
    expect(balancesAsOf(r, '2025-03-09')).toMatchObject({
      recognisedCents: 247_950_00,
      unappliedCents: 8_550_00,
    });
    expect(balancesAsOf(r, '2025-03-10')).toMatchObject({
      recognisedCents: 0,
      unappliedCents: 0,
      poolCents: VALUE,
    });
    expect(instalment(r, 'milestone:T1:1')).toMatchObject({
      paidCents: 179_550_00,
      voidedCents: 0,
    });
    expect(recognitions(r.tranches)).toEqual([
      {
        trancheId: 'T1',
        on: '2025-03-01',
        units: 100,
        amountCents: 247_950_00,
        trueUpCents: -8_550_00,
      },
      {
        trancheId: 'T1',
        on: '2025-03-10',
        units: -100,
        amountCents: -247_950_00,
        trueUpCents: 8_550_00,
      },
    ]);
  });

  it('books a true-up as a repricing of no units', () => {
    const r = replay(book(ship('s1', 100, 7_695_29)));
    expect(r.bookings.filter((x) => x.kind === 'repriced')).toEqual([
      { trancheId: 'T1', on: '2025-03-01', kind: 'repriced', units: 0, amountCents: 7_695_29 },
    ]);
  });
});
