import { replayBook } from './book';
import type { TrancheSegment } from './book.types';
import { balanceSegments, orderSegments, recognitions } from './order-rollup';

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
    forfeitedCents: 0,
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
      { trancheId: 'T1', on: '2025-03-10', units: 4, amountCents: 400_00 },
      { trancheId: 'T1', on: '2025-03-20', units: 6, amountCents: 600_00 },
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
      { trancheId: 'T2', on: '2025-03-05', units: 3, amountCents: 600_00 },
      { trancheId: 'T2', on: '2025-03-25', units: -3, amountCents: -600_00 },
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
