import { monthDay, monthOf, planDemoBook, plannedOpenUnits } from './demo-book';

const DAYS = ['2026-11-24', '2026-01-31', '2027-02-28', '2027-03-01', '2028-02-29', '2026-12-31'];

describe('demo book plan', () => {
  it('is the same plan for the same day', () => {
    expect(JSON.stringify(planDemoBook('2026-11-24'))).toBe(
      JSON.stringify(planDemoBook('2026-11-24')),
    );
  });

  it('keeps month arithmetic inside the calendar', () => {
    expect(monthDay('2026-11-24', 3, 28)).toBe('2027-02-28');
    expect(monthDay('2026-01-31', -1, 12)).toBe('2025-12-12');
    expect(monthOf('2026-12-05', 1)).toBe('2027-01');
  });

  it.each(DAYS)(
    'has more than 100,000 open units, shipping in most coming months (%s)',
    (today) => {
      const book = planDemoBook(today);
      expect(plannedOpenUnits(book)).toBeGreaterThan(105_000);
      const coming = new Set(Array.from({ length: 12 }, (_, i) => monthOf(today, i + 1)));
      const months = new Set(
        book.orders
          .filter((o) => !o.draft && !o.cancellation)
          .flatMap((o) => o.lines.flatMap((l) => l.tranches.map((t) => t.shipDate.slice(0, 7))))
          .filter((m) => coming.has(m)),
      );
      expect(months.size).toBeGreaterThanOrEqual(11);
    },
  );

  it.each(DAYS)('dates every event between signing and today (%s)', (today) => {
    const book = planDemoBook(today);
    for (const order of book.orders) {
      expect(order.signedOn <= today).toBe(true);
      for (const tranche of order.lines.flatMap((l) => l.tranches)) {
        expect(tranche.shipDate > order.signedOn).toBe(true);
      }
      const events = [
        ...order.amendments.map((a) => a.effectiveOn),
        ...(order.cancellation ? [order.cancellation.effectiveOn] : []),
        ...order.corrections.flatMap((c) =>
          c.kind === 'payment_reversal'
            ? [c.on, c.repaidOn]
            : c.kind === 'shipment_reversal'
              ? [c.shippedOn, c.on, c.reshippedOn]
              : [c.on],
        ),
      ];
      for (const on of events) {
        expect(on >= order.signedOn && on <= today).toBe(true);
      }
      for (const amendment of order.amendments) {
        for (const change of amendment.changes) {
          const tranche = order.lines[change.line].tranches[change.tranche];
          // Only tranches still open when the amendment takes effect are changed.
          expect(tranche.shipDate > amendment.effectiveOn).toBe(true);
          if ('shipDate' in change) expect(change.shipDate > today).toBe(true);
        }
      }
    }
  });

  it('has the public orders of 2021 as published', () => {
    const book = planDemoBook('2026-11-24');
    const core = book.orders.find((o) => o.key === 'core-a1246')!;
    expect(core.signedOn).toBe('2021-02-07');
    expect(core.lines[0].tranches.map((t) => t.shipDate)).toEqual([
      '2021-03-20',
      '2021-04-20',
      '2021-05-20',
      '2021-06-20',
      '2021-07-20',
      '2021-08-20',
    ]);
    expect(core.lines[0].tranches.every((t) => t.quantity === 1000)).toBe(true);
    const hive = book.orders.find((o) => o.key === 'hive-a1246')!;
    expect(hive.signedOn).toBe('2021-01-23');
    expect(hive.lines[0].tranches.reduce((sum, t) => sum + t.quantity, 0)).toBe(6400);
  });

  it.each(DAYS)('has one of each correction, in order (%s)', (today) => {
    const book = planDemoBook(today);
    const corrections = book.orders.flatMap((o) => o.corrections);
    const kinds = corrections.map((c) => c.kind).sort();
    expect(kinds).toEqual(['overpayment', 'payment_reversal', 'refund', 'shipment_reversal']);
    for (const c of corrections) {
      if (c.kind === 'payment_reversal') expect(c.on < c.repaidOn).toBe(true);
      if (c.kind === 'shipment_reversal')
        expect(c.shippedOn < c.on && c.on < c.reshippedOn).toBe(true);
    }
    const prices = book.orders.flatMap((o) =>
      o.amendments.flatMap((a) =>
        a.changes.flatMap((c) =>
          'unitPrice' in c ? [Number(c.unitPrice) - Number(o.lines[c.line].unitPrice)] : [],
        ),
      ),
    );
    expect(prices.some((delta) => delta < 0)).toBe(true);
    expect(prices.some((delta) => delta > 0)).toBe(true);
    expect(book.opportunities.filter((o) => o.withdrawnDraftSignedOn)).toHaveLength(1);
  });

  it.each(DAYS)(
    'has one confirmed order with an option tranche, exercised once in time (%s)',
    (today) => {
      const book = planDemoBook(today);
      const withOptions = book.orders.filter((o) =>
        o.lines.some((l) => l.tranches.some((t) => t.optionExerciseBy)),
      );
      expect(withOptions.map((o) => o.draft)).toEqual([false]);
      const [order] = withOptions;
      expect(order.exercises).toHaveLength(1);
      for (const e of order.exercises!) {
        const tranche = order.lines[e.line].tranches[e.tranche];
        expect(e.on >= order.signedOn && e.on <= today).toBe(true);
        expect(e.on <= tranche.optionExerciseBy!).toBe(true);
        // Options remain to exercise in the console, and the option ships after today.
        expect(e.quantity).toBeLessThan(tranche.quantity);
        expect(tranche.optionExerciseBy! > today && tranche.shipDate > today).toBe(true);
      }
    },
  );

  it('covers every segment and region, with one primary contact per customer', () => {
    const book = planDemoBook('2026-11-24');
    expect(new Set(book.customers.map((c) => c.segment)).size).toBe(4);
    expect(book.customers.length).toBeGreaterThanOrEqual(17);
    for (const customer of book.customers) {
      expect(customer.contacts.filter((c) => c.isPrimary)).toHaveLength(1);
    }
    const openTasks = book.customers
      .flatMap((c) => c.activities)
      .filter((a) => a.type === 'task' && !a.completedAt);
    expect(openTasks.length).toBeGreaterThanOrEqual(5);
  });
});
