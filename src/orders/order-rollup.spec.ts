import { balancesAsOf, checkBook, replayBook } from './book';
import type { BookEvent, BookInput, TrancheSegment } from './book.types';
import {
  balanceMovements,
  balanceSegments,
  bookingRows,
  orderSegments,
  recognitions,
} from './order-rollup';

const segment = (over: Partial<TrancheSegment> & Pick<TrancheSegment, 'trancheId' | 'from'>) =>
  ({
    to: null,
    shipDate: '2025-03-15',
    unitPriceCents: 100_00,
    quantity: 10,
    shippedUnits: 0,
    cancelledUnits: 0,
    openUnits: 10,
    cashCents: 0,
    poolCents: 0,
    shippedValueCents: 0,
    shippedCashCents: 0,
    trueUpCents: 0,
    forfeitedCents: 0,
    optionUnits: 0,
    exercisedUnits: 0,
    ...over,
  }) satisfies TrancheSegment;

// T1 (model A, 10 × $100) ships 4 on Mar 10 and 6 on Mar 20 with $300 paid before the first
// shipment; T2 (model A, 5 × $200) is paid $500 on Feb 1; T3 (model B, 2 × $1,000) from Feb 1.
const book: TrancheSegment[] = [
  segment({ trancheId: 'T1', from: '2025-01-10', to: '2025-03-01' }),
  segment({
    trancheId: 'T1',
    from: '2025-03-01',
    to: '2025-03-10',
    cashCents: 300_00,
    poolCents: 300_00,
  }),
  segment({
    trancheId: 'T1',
    from: '2025-03-10',
    to: '2025-03-20',
    shippedUnits: 4,
    openUnits: 6,
    cashCents: 300_00,
    poolCents: 0,
    shippedValueCents: 400_00,
    shippedCashCents: 300_00,
  }),
  segment({
    trancheId: 'T1',
    from: '2025-03-20',
    shippedUnits: 10,
    openUnits: 0,
    cashCents: 300_00,
    shippedValueCents: 1_000_00,
    shippedCashCents: 300_00,
  }),
  segment({
    trancheId: 'T2',
    from: '2025-01-10',
    to: '2025-02-01',
    unitPriceCents: 200_00,
    quantity: 5,
    openUnits: 5,
  }),
  segment({
    trancheId: 'T2',
    from: '2025-02-01',
    unitPriceCents: 200_00,
    quantity: 5,
    openUnits: 5,
    cashCents: 500_00,
    poolCents: 500_00,
  }),
  segment({
    trancheId: 'T3',
    from: '2025-02-01',
    unitPriceCents: 1_000_00,
    quantity: 2,
    openUnits: 2,
  }),
];
const model = (id: string) => (id === 'T3' ? 'B' : 'A');

describe('orderSegments', () => {
  it('sums the tranche segments in force per model over every span between two bounds', () => {
    const rows = orderSegments(book, model).map((o) => [
      o.productModelId,
      o.from,
      o.to,
      o.openUnits,
      o.openValueCents,
      o.cashCents,
      o.poolCents,
      o.shippedValueCents,
      o.receivableCents,
    ]);
    expect(rows).toEqual([
      // Jan 10: 10 × $100 + 5 × $200 open.
      ['A', '2025-01-10', '2025-02-01', 15, 2_000_00, 0, 0, 0, 0],
      // Feb 1: T2 paid $500; T3 starts on model B.
      ['A', '2025-02-01', '2025-03-01', 15, 2_000_00, 500_00, 500_00, 0, 0],
      ['B', '2025-02-01', '2025-03-01', 2, 2_000_00, 0, 0, 0, 0],
      ['A', '2025-03-01', '2025-03-10', 15, 2_000_00, 800_00, 800_00, 0, 0],
      ['B', '2025-03-01', '2025-03-10', 2, 2_000_00, 0, 0, 0, 0],
      // Mar 10: 4 shipped ($400, $300 of it paid: $100 receivable), 6 + 5 open.
      ['A', '2025-03-10', '2025-03-20', 11, 1_600_00, 800_00, 500_00, 400_00, 100_00],
      ['B', '2025-03-10', '2025-03-20', 2, 2_000_00, 0, 0, 0, 0],
      // Mar 20: all of T1 shipped ($1,000, $700 receivable); T2 still open.
      ['A', '2025-03-20', null, 5, 1_000_00, 800_00, 500_00, 1_000_00, 700_00],
      ['B', '2025-03-20', null, 2, 2_000_00, 0, 0, 0, 0],
    ]);
  });
});

describe('recognitions', () => {
  it('recognises what each segment shipped beyond the one before it, on its first day', () => {
    expect(recognitions([...book].reverse())).toEqual([
      { trancheId: 'T1', on: '2025-03-10', units: 4, amountCents: 400_00, trueUpCents: 0 },
      { trancheId: 'T1', on: '2025-03-20', units: 6, amountCents: 600_00, trueUpCents: 0 },
    ]);
  });
});

describe('recognitions of a shipment reversal', () => {
  it('recognises the units and value a reversal takes back, below zero, on its date', () => {
    // T2 ships 3 × $200 on Mar 5; the shipment is reversed on Mar 25.
    const reversed: TrancheSegment[] = [
      segment({ trancheId: 'T2', from: '2025-01-10', to: '2025-03-05', quantity: 5, openUnits: 5 }),
      segment({
        trancheId: 'T2',
        from: '2025-03-05',
        to: '2025-03-25',
        unitPriceCents: 200_00,
        quantity: 5,
        shippedUnits: 3,
        openUnits: 2,
        shippedValueCents: 600_00,
      }),
      segment({
        trancheId: 'T2',
        from: '2025-03-25',
        unitPriceCents: 200_00,
        quantity: 5,
        openUnits: 5,
      }),
    ];
    expect(recognitions(reversed)).toEqual([
      { trancheId: 'T2', on: '2025-03-05', units: 3, amountCents: 600_00, trueUpCents: 0 },
      { trancheId: 'T2', on: '2025-03-25', units: -3, amountCents: -600_00, trueUpCents: 0 },
    ]);
  });
});

describe('balanceSegments', () => {
  it('gives the order’s cash received, refunds and balances between every two changes', () => {
    // One unit at $1,000 billed in full on Jun 20 (no terms): $1,500 paid Mar 10 leaves $500 of
    // credit, refunded Mar 20; the unit ships Jun 20.
    const result = replayBook({
      signedOn: '2025-03-01',
      terms: null,
      tranches: [
        { id: 'T1', sequence: 1, quantity: 1, unitPriceCents: 1_000_00, shipDate: '2025-06-20' },
      ],
      events: [
        { kind: 'payment', id: 'P1', on: '2025-03-10', amountCents: 1_500_00 },
        { kind: 'refund', id: 'R1', on: '2025-03-20', amountCents: 500_00 },
        { kind: 'shipment', id: 'S1', on: '2025-06-20', items: [{ trancheId: 'T1', quantity: 1 }] },
      ],
    });
    const rows = balanceSegments(result).map((b) => [
      b.from,
      b.to,
      b.cashReceivedCents,
      b.refundedCents,
      b.recognisedCents,
      b.contractLiabilityCents,
      b.unappliedCents,
      b.receivableCents,
    ]);
    expect(rows).toEqual([
      ['2025-03-01', '2025-03-10', 0, 0, 0, 0, 0, 0],
      // $1,000 in the pool + $500 credit
      ['2025-03-10', '2025-03-20', 1_500_00, 0, 0, 1_500_00, 500_00, 0],
      // 1,500 − 500 refunded = liability 1,000
      ['2025-03-20', '2025-06-20', 1_500_00, 500_00, 0, 1_000_00, 0, 0],
      // 1,500 − 500 − 1,000 recognised = 0
      ['2025-06-20', null, 1_500_00, 500_00, 1_000_00, 0, 0, 0],
    ]);
  });
});

describe('balance movements and bookings of a book with every correction', () => {
  // Signed 2025-01-10 on 30 % at signing + 7 days, 70 % of each tranche 19 days before it ships.
  // T1 10 × $1,000 ships 02-10: deposit share $3,000 due 01-17, $7,000 due 01-22.
  // T2 10 × $2,000 ships 04-20: deposit share $6,000 due 01-17, $14,000 due 04-01.
  const P3: BookEvent = { kind: 'payment', id: 'P3', on: '2025-03-10', amountCents: 1_000_00 };
  const S2: BookEvent = {
    kind: 'shipment',
    id: 'S2',
    on: '2025-03-18',
    items: [{ trancheId: 'T1', quantity: 3 }],
  };
  const input: BookInput = {
    signedOn: '2025-01-10',
    terms: {
      code: 'PT-30',
      depositPercent: 30,
      depositDueDays: 7,
      milestones: [{ percent: 70, dueDaysFromShip: -19 }],
    },
    tranches: [
      { id: 'T1', sequence: 1, quantity: 10, unitPriceCents: 1_000_00, shipDate: '2025-02-10' },
      { id: 'T2', sequence: 2, quantity: 10, unitPriceCents: 2_000_00, shipDate: '2025-04-20' },
    ],
    events: [
      // The deposit: pools T1 $3,000, T2 $6,000.
      { kind: 'payment', id: 'P1', on: '2025-01-17', amountCents: 9_000_00 },
      // 4 of T1 ship with 4/10 of its $3,000 pool: $4,000 recognised, $2,800 receivable.
      { kind: 'shipment', id: 'S1', on: '2025-02-10', items: [{ trancheId: 'T1', quantity: 4 }] },
      // $30,000: T1's $7,000 settles the $2,800 owed, $4,200 to its pool ($6,000); T2's $14,000
      // (pool $20,000); $9,000 of credit.
      { kind: 'payment', id: 'P2', on: '2025-03-03', amountCents: 30_000_00 },
      // T2 cut to $1,500: Δ = −$500 × 10 = −$5,000; nothing unpaid to void, the pool's excess
      // $20,000 − $15,000 = $5,000 goes to credit ($14,000). Liability and cash unchanged.
      {
        kind: 'amendment',
        id: 'A1',
        on: '2025-03-05',
        changes: [{ type: 'price_change', trancheId: 'T2', unitPriceCents: 1_500_00 }],
      },
      P3, // to credit: $15,000
      { kind: 'refund', id: 'F1', on: '2025-03-12', amountCents: 12_000_00 }, // credit $3,000
      S2, // 3 of T1's 6 open ship with 3/6 of its $6,000 pool
      // T1 kept at 7 units: the 3 open cancelled, forfeiting its whole $3,000 pool.
      {
        kind: 'amendment',
        id: 'A2',
        on: '2025-03-25',
        changes: [{ type: 'set_quantity', trancheId: 'T1', quantity: 7 }],
      },
      { kind: 'payment_reversal', id: 'R1', on: '2025-03-28', paymentId: 'P3' }, // credit $2,000
      // Without S2, T1 had 6 open on 03-25: 3 cancelled forfeit 3/6 of $6,000 = $3,000 as well, and
      // 3 units stay open with a $3,000 pool.
      { kind: 'shipment_reversal', id: 'R2', on: '2025-04-05', shipmentId: 'S2' },
      { kind: 'refund', id: 'F2', on: '2025-04-10', amountCents: 2_000_00 }, // credit $0
      // T3 5 × $1,000 shipping 06-20: its own $1,500 deposit (due 04-22) and $3,500 (due 06-01).
      {
        kind: 'amendment',
        id: 'A3',
        on: '2025-04-15',
        changes: [
          {
            type: 'add_tranche',
            trancheId: 'T3',
            sequence: 3,
            shipDate: '2025-06-20',
            quantity: 5,
            unitPriceCents: 1_000_00,
          },
        ],
      },
    ],
  };
  const result = replayBook(input);

  it('is a valid book', () => {
    expect(() => checkBook(input, result)).not.toThrow();
  });

  it('moves the balances day by day, each movement keeping the identity', () => {
    const rows = balanceMovements(result).map((m) => [
      m.on,
      m.cashReceivedCents,
      m.refundedCents,
      m.recognisedCents,
      m.forfeitedCents,
      m.contractLiabilityCents,
      m.receivableCents,
    ]);
    expect(rows).toEqual([
      ['2025-01-17', 9_000_00, 0, 0, 0, 9_000_00, 0],
      // T1's pool 3,000 → 1,800; 4,000 shipped, 1,200 of it paid
      ['2025-02-10', 0, 0, 4_000_00, 0, -1_200_00, 2_800_00],
      // liability: T1 +4,200, T2 +14,000, credit +9,000
      ['2025-03-03', 30_000_00, 0, 0, 0, 27_200_00, -2_800_00],
      // (the price cut moves $5,000 from T2's pool to credit: no movement)
      ['2025-03-10', 1_000_00, 0, 0, 0, 1_000_00, 0],
      ['2025-03-12', 0, 12_000_00, 0, 0, -12_000_00, 0],
      ['2025-03-18', 0, 0, 3_000_00, 0, -3_000_00, 0],
      ['2025-03-25', 0, 0, 0, 3_000_00, -3_000_00, 0],
      ['2025-03-28', -1_000_00, 0, 0, 0, -1_000_00, 0],
      // the 3 units come back with a $3,000 pool; the forfeiture is the same without S2
      ['2025-04-05', 0, 0, -3_000_00, 0, 3_000_00, 0],
      ['2025-04-10', 0, 2_000_00, 0, 0, -2_000_00, 0],
    ]);
    for (const m of balanceMovements(result)) {
      expect(m.cashReceivedCents - m.refundedCents - m.recognisedCents - m.forfeitedCents).toBe(
        m.contractLiabilityCents - m.receivableCents,
      );
    }
    // Σ movements = the balances: cash 39,000 − refunded 14,000 − recognised 4,000 − forfeited
    // 3,000 = liability 18,000 (T1 3,000 + T2 15,000) − receivable 0.
    const end = balancesAsOf(result, '2025-12-31');
    const sum = (i: number) => rows.reduce((a, r) => a + (r[i] as number), 0);
    expect([sum(1), sum(2), sum(3), sum(4), sum(5), sum(6)]).toEqual([
      end.cashCents,
      end.refundedCents,
      end.recognisedCents,
      end.forfeitedCents,
      end.contractLiabilityCents,
      end.receivableCents,
    ]);
    expect(end.contractLiabilityCents).toBe(18_000_00);
  });

  it('books the signing, the price cut, the cancellation and the added tranche', () => {
    expect(result.bookings).toEqual([
      { trancheId: 'T1', on: '2025-01-10', kind: 'signed', units: 10, amountCents: 10_000_00 },
      { trancheId: 'T2', on: '2025-01-10', kind: 'signed', units: 10, amountCents: 20_000_00 },
      { trancheId: 'T2', on: '2025-03-05', kind: 'repriced', units: 10, amountCents: -5_000_00 },
      { trancheId: 'T1', on: '2025-03-25', kind: 'cancelled', units: 3, amountCents: 3_000_00 },
      { trancheId: 'T3', on: '2025-04-15', kind: 'added', units: 5, amountCents: 5_000_00 },
    ]);
    // Per model and day: T1 and T3 are model A, T2 model B.
    const model = (trancheId: string) => (trancheId === 'T2' ? 'B' : 'A');
    expect(bookingRows(result.bookings, model)).toEqual([
      { productModelId: 'A', on: '2025-01-10', kind: 'signed', units: 10, amountCents: 10_000_00 },
      { productModelId: 'B', on: '2025-01-10', kind: 'signed', units: 10, amountCents: 20_000_00 },
      {
        productModelId: 'B',
        on: '2025-03-05',
        kind: 'repriced',
        units: 10,
        amountCents: -5_000_00,
      },
      { productModelId: 'A', on: '2025-03-25', kind: 'cancelled', units: 3, amountCents: 3_000_00 },
      { productModelId: 'A', on: '2025-04-15', kind: 'added', units: 5, amountCents: 5_000_00 },
    ]);
    // 30,000 − 5,000 − 3,000 + 5,000 = 27,000: T1 4 shipped + 3 open at $1,000, T2 10 at $1,500,
    // T3 5 at $1,000.
    expect(balancesAsOf(result, '2025-12-31').inForceValueCents).toBe(27_000_00);
  });

  it('sums a model’s bookings of one kind on one day, and leaves out what sums to nothing', () => {
    expect(
      bookingRows(
        [
          { trancheId: 'T1', on: '2025-05-01', kind: 'added', units: 2, amountCents: 200_00 },
          { trancheId: 'T3', on: '2025-05-01', kind: 'added', units: 1, amountCents: 150_00 },
          { trancheId: 'T1', on: '2025-05-01', kind: 'repriced', units: 4, amountCents: 40_00 },
          { trancheId: 'T3', on: '2025-05-01', kind: 'repriced', units: -4, amountCents: -40_00 },
        ],
        () => 'A',
      ),
    ).toEqual([
      { productModelId: 'A', on: '2025-05-01', kind: 'added', units: 3, amountCents: 350_00 },
    ]);
  });
});
