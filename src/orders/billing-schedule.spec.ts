import { addDays } from '../common/dates';
import {
  addedUnitsSchedule,
  basisPoints,
  initialSchedule,
  milestoneAmounts,
  mulDivHalfUp,
  percentOfCents,
  splitByWeight,
} from './billing-schedule';
import { BookTranche, TermsSnapshot } from './book.types';

const PT30: TermsSnapshot = {
  code: 'PT-30',
  depositPercent: 30,
  depositDueDays: 7,
  milestones: [{ percent: 70, dueDaysFromShip: -19 }],
};

const PT20_30_30_20: TermsSnapshot = {
  code: 'PT-20/30/30/20',
  depositPercent: 20,
  depositDueDays: 7,
  milestones: [
    { percent: 30, dueDaysFromShip: -30 },
    { percent: 30, dueDaysFromShip: -7 },
    { percent: 20, dueDaysFromShip: 270 },
  ],
};

const tranche = (
  id: string,
  sequence: number,
  quantity: number,
  unitPriceCents: number,
  shipDate: string,
): BookTranche => ({ id, sequence, quantity, unitPriceCents, shipDate });

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('basisPoints', () => {
  it('turns percents with up to 2 decimals into exact basis points', () => {
    expect(basisPoints(30)).toBe(3000);
    expect(basisPoints(33.33)).toBe(3333); // 33.33 × 100 = 3332.9999… in floating point
    expect(basisPoints(0.01)).toBe(1);
    expect(basisPoints(100)).toBe(10000);
  });

  it('refuses a third decimal', () => {
    expect(() => basisPoints(12.345)).toThrow(RangeError);
    expect(() => basisPoints(Number.NaN)).toThrow(RangeError);
  });
});

describe('mulDivHalfUp', () => {
  it('rounds halves up and everything else to the nearest cent', () => {
    expect(mulDivHalfUp(5, 1, 2)).toBe(3); // 2.5 → 3
    expect(mulDivHalfUp(1, 1, 2)).toBe(1); // 0.5 → 1
    expect(mulDivHalfUp(4, 1, 3)).toBe(1); // 1.333 → 1
    expect(mulDivHalfUp(5, 1, 3)).toBe(2); // 1.667 → 2
    expect(mulDivHalfUp(0, 7, 3)).toBe(0);
    expect(mulDivHalfUp(1_836_000_000, 3000, 10_000)).toBe(550_800_000);
  });

  it('stays exact beyond the safe-integer range of the product', () => {
    // 1e15 × 3333 = 3.333e18 > 2^53: 1e15 × 0.3333 = 333,300,000,000,000 exactly
    expect(mulDivHalfUp(1e15, 3333, 10_000)).toBe(333_300_000_000_000);
    // (2^53 − 1) × 5 / 10 = 4,503,599,627,370,495.5 → …496
    expect(mulDivHalfUp(Number.MAX_SAFE_INTEGER, 5, 10)).toBe(4_503_599_627_370_496);
  });

  it('refuses negatives, fractions and a zero divisor', () => {
    expect(() => mulDivHalfUp(-1, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(1.5, 1, 1)).toThrow(RangeError);
    expect(() => mulDivHalfUp(1, 1, 0)).toThrow(RangeError);
  });
});

describe('percentOfCents', () => {
  it('is percent × cents rounded half up', () => {
    expect(percentOfCents(1_836_000_000, 30)).toBe(550_800_000); // 30 % of $18,360,000.00
    expect(percentOfCents(15, 33.33)).toBe(5); // 4.9995 → 5
    expect(percentOfCents(1, 50)).toBe(1); // 0.5 → 1
    expect(percentOfCents(1, 33.33)).toBe(0); // 0.3333 → 0
  });
});

describe('splitByWeight', () => {
  it('gives the last part the remainder', () => {
    // 100 × 1/3 = 33.33 → 33, twice; last 100 − 66 = 34
    expect(splitByWeight(100, [1, 1, 1])).toEqual([33, 33, 34]);
    // 2 × 1/3 = 0.667 → 1, twice; last 0
    expect(splitByWeight(2, [1, 1, 1])).toEqual([1, 1, 0]);
  });

  it('takes back what half-up rounding gave out too much', () => {
    // 2 × 1/4 = 0.5 → 1 three times = 3 > 2: the last would be −1; taken back from the part before it
    expect(splitByWeight(2, [1, 1, 1, 1])).toEqual([1, 1, 0, 0]);
  });

  it('never lets a part exceed its weight when the amount fits', () => {
    // 29 × 10/31 = 9.35 → 9 three times = 27; the last would get 2 > its weight 1: 1, and 1 more to the third
    expect(splitByWeight(29, [10, 10, 10, 1])).toEqual([9, 9, 10, 1]);
  });

  it('skips parts of zero weight, the last weighted part taking the remainder', () => {
    expect(splitByWeight(3, [0, 5, 0])).toEqual([0, 3, 0]);
    expect(splitByWeight(0, [0, 0])).toEqual([0, 0]);
    expect(() => splitByWeight(1, [0, 0])).toThrow(RangeError);
  });

  it('splits beyond the weights when the amount is larger', () => {
    // 5 × 1/2 = 2.5 → 3; last 2
    expect(splitByWeight(5, [1, 1])).toEqual([3, 2]);
  });
});

describe('addDays', () => {
  it('adds calendar days across months, years and leap days', () => {
    expect(addDays('2021-02-07', 7)).toBe('2021-02-14');
    expect(addDays('2021-03-20', -19)).toBe('2021-03-01');
    expect(addDays('2021-02-28', 1)).toBe('2021-03-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2021-12-20', 270)).toBe('2022-09-16');
    expect(addDays('2021-01-01', -1)).toBe('2020-12-31');
  });

  it('does not drift with the process time zone', () => {
    const saved = process.env.TZ;
    try {
      for (const tz of ['Pacific/Kiritimati', 'America/Los_Angeles', 'Asia/Kolkata']) {
        process.env.TZ = tz;
        expect(addDays('2021-03-14', 1)).toBe('2021-03-15'); // a DST change in Los Angeles
        expect(addDays('2021-11-07', -1)).toBe('2021-11-06');
      }
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('refuses anything but YYYY-MM-DD', () => {
    expect(() => addDays('2021-3-1', 1)).toThrow(RangeError);
    expect(() => addDays('2021-03-01', 0)).not.toThrow();
    expect(() => addDays('01/03/2021', 0)).toThrow(RangeError);
  });
});

describe('milestoneAmounts', () => {
  it('lets the last milestone close the tranche value', () => {
    // value 1,001; deposit share 20 % = 200.2 → 200; 30 % = 300.3 → 300 twice;
    // last 1,001 − 200 − 300 − 300 = 201 (20 % alone would be 200)
    expect(milestoneAmounts(1001, 200, PT20_30_30_20.milestones)).toEqual([300, 300, 201]);
  });

  it('takes a cent back from an earlier milestone rather than go negative', () => {
    // 101 × 50 % = 50.5 → 51 for the deposit share and the first milestone: the 0 % last would be −1
    const ms = [
      { percent: 50, dueDaysFromShip: -10 },
      { percent: 0, dueDaysFromShip: 0 },
    ];
    expect(milestoneAmounts(101, 51, ms)).toEqual([50, 0]);
  });
});

describe('initialSchedule', () => {
  it('bills the SPEC worked example: 30 % deposit, 70 % per tranche 19 days before it ships', () => {
    const tranches = [3, 4, 5, 6, 7, 8].map((m, i) =>
      tranche(`t${i + 1}`, i + 1, 1000, 306_000, `2021-0${m}-20`),
    );
    const s = initialSchedule('2021-02-07', PT30, tranches);
    // order value 6,000 × $3,060 = $18,360,000; deposit 30 % = $5,508,000 due 2021-02-07 + 7
    expect(s.deposit).toEqual({ amountCents: 550_800_000, dueOn: '2021-02-14' });
    for (const [i, t] of s.tranches.entries()) {
      // each tranche $3,060,000: deposit share $918,000, balance 70 % = $2,142,000 due the 1st
      expect(t.valueCents).toBe(306_000_000);
      expect(t.depositShareCents).toBe(91_800_000);
      expect(t.milestones).toEqual([
        { n: 1, amountCents: 214_200_000, dueDaysFromShip: -19, dueOn: `2021-0${i + 3}-01` },
      ]);
    }
  });

  it('shares an odd deposit over tranches of odd values to the cent', () => {
    const terms: TermsSnapshot = {
      code: 'THIRDS',
      depositPercent: 33.33,
      depositDueDays: 10,
      milestones: [
        { percent: 33.33, dueDaysFromShip: -30 },
        { percent: 33.34, dueDaysFromShip: 0 },
      ],
    };
    const tranches = [
      tranche('a', 1, 7, 123_457, '2021-06-30'), // 864,199
      tranche('b', 2, 3, 99_999, '2021-07-31'), // 299,997
      tranche('c', 3, 11, 1_001, '2021-08-31'), // 11,011
    ];
    const s = initialSchedule('2021-05-01', terms, tranches);
    // order value 1,175,207; deposit 33.33 % = 391,696.4931 → 391,696 due 05-11
    expect(s.deposit).toEqual({ amountCents: 391_696, dueOn: '2021-05-11' });
    // shares: 391,696 × 864,199 / 1,175,207 = 288,037.16 → 288,037
    //         391,696 × 299,997 / 1,175,207 =  99,988.87 →  99,989
    //         last: 391,696 − 288,037 − 99,989 = 3,670
    expect(s.tranches.map((t) => t.depositShareCents)).toEqual([288_037, 99_989, 3_670]);
    // a: 33.33 % = 288,037.5267 → 288,038; last 864,199 − 288,037 − 288,038 = 288,124
    // b: 33.33 % =  99,989.0001 →  99,989; last 299,997 − 99,989 − 99,989 = 100,019
    // c: 33.33 % =   3,669.9663 →   3,670; last 11,011 − 3,670 − 3,670 = 3,671
    expect(s.tranches.map((t) => t.milestones.map((m) => m.amountCents))).toEqual([
      [288_038, 288_124],
      [99_989, 100_019],
      [3_670, 3_671],
    ]);
    expect(s.tranches[0].milestones.map((m) => m.dueOn)).toEqual(['2021-05-31', '2021-06-30']);
    for (const t of s.tranches) {
      expect(t.depositShareCents + sum(t.milestones.map((m) => m.amountCents))).toBe(t.valueCents);
    }
    const total =
      s.deposit!.amountCents +
      sum(s.tranches.flatMap((t) => t.milestones.map((m) => m.amountCents)));
    expect(total).toBe(1_175_207);
  });

  it('bills PT-20/30/30/20 per tranche around the ship date', () => {
    const s = initialSchedule('2021-01-10', PT20_30_30_20, [
      tranche('a', 1, 100, 100_000, '2021-04-15'), // $100,000
      tranche('b', 2, 50, 250_000, '2021-06-15'), // $125,000, priced differently
    ]);
    // deposit 20 % of $225,000 = $45,000: a 45,000 × 100/225 = $20,000, b the remaining $25,000
    expect(s.deposit).toEqual({ amountCents: 4_500_000, dueOn: '2021-01-17' });
    expect(s.tranches.map((t) => t.depositShareCents)).toEqual([2_000_000, 2_500_000]);
    expect(s.tranches[0].milestones).toEqual([
      { n: 1, amountCents: 3_000_000, dueDaysFromShip: -30, dueOn: '2021-03-16' },
      { n: 2, amountCents: 3_000_000, dueDaysFromShip: -7, dueOn: '2021-04-08' },
      { n: 3, amountCents: 2_000_000, dueDaysFromShip: 270, dueOn: '2022-01-10' },
    ]);
    // b: 30 % of $125,000 = $37,500 twice; last 125,000 − 25,000 − 75,000 = $25,000
    expect(s.tranches[1].milestones.map((m) => m.amountCents)).toEqual([
      3_750_000, 3_750_000, 2_500_000,
    ]);
  });

  it('bills each tranche in full on its ship date without terms', () => {
    const s = initialSchedule('2021-01-10', null, [
      tranche('a', 1, 3, 333, '2021-04-15'),
      tranche('b', 2, 1, 1, '2021-05-15'),
    ]);
    expect(s.deposit).toBeNull();
    expect(s.tranches).toEqual([
      {
        trancheId: 'a',
        valueCents: 999,
        depositShareCents: 0,
        milestones: [{ n: 1, amountCents: 999, dueDaysFromShip: 0, dueOn: '2021-04-15' }],
      },
      {
        trancheId: 'b',
        valueCents: 1,
        depositShareCents: 0,
        milestones: [{ n: 1, amountCents: 1, dueDaysFromShip: 0, dueOn: '2021-05-15' }],
      },
    ]);
  });
});

describe('addedUnitsSchedule', () => {
  it('gives added units their own deposit from the amendment date and their milestones', () => {
    // 100 units × $3,060 = $306,000: deposit 30 % = $91,800 due 04-10 + 7; balance $214,200 due ship − 19
    expect(addedUnitsSchedule('2021-04-10', PT30, 30_600_000, '2021-09-20')).toEqual({
      deposit: { amountCents: 9_180_000, dueOn: '2021-04-17' },
      milestones: [{ n: 1, amountCents: 21_420_000, dueDaysFromShip: -19, dueOn: '2021-09-01' }],
    });
  });

  it('bills added units in full on the ship date without terms', () => {
    expect(addedUnitsSchedule('2021-04-10', null, 1234, '2021-09-20')).toEqual({
      deposit: null,
      milestones: [{ n: 1, amountCents: 1234, dueDaysFromShip: 0, dueOn: '2021-09-20' }],
    });
  });
});
