import {
  BookBalances,
  balancesAsOf,
  checkBook,
  checkInvariant,
  instalmentStatus,
  replayBook,
  segmentOn,
} from './book';
import {
  AmendmentChange,
  BookEvent,
  BookInput,
  BookResult,
  BookRuleError,
  BookTranche,
  InstalmentSegment,
  TermsSnapshot,
  TrancheSegment,
} from './book.types';
import { recognitions } from './order-rollup';

// Money below is in cents; comments give dollars where it helps.

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

let seq = 0;
const pay = (on: string, amountCents: number): BookEvent => ({
  kind: 'payment',
  id: `p${++seq}`,
  on,
  amountCents,
});
const ship = (on: string, items: Record<string, number>): BookEvent => ({
  kind: 'shipment',
  id: `s${++seq}`,
  on,
  items: Object.entries(items).map(([trancheId, quantity]) => ({ trancheId, quantity })),
});
const amend = (id: string, on: string, ...changes: AmendmentChange[]): BookEvent => ({
  kind: 'amendment',
  id,
  on,
  changes,
});

const trancheOn = (r: BookResult, id: string, date: string): TrancheSegment => {
  const s = segmentOn(
    r.tranches.filter((t) => t.trancheId === id),
    date,
  );
  if (!s) throw new Error(`no segment of ${id} on ${date}`);
  return s;
};
const instalmentOn = (r: BookResult, key: string, date: string) =>
  segmentOn(
    r.instalmentSegments.filter((s) => s.key === key),
    date,
  );
const instalment = (r: BookResult, key: string) => {
  const i = r.instalments.find((x) => x.key === key);
  if (!i) throw new Error(`no instalment ${key}`);
  return i;
};
const dates = (r: BookResult, id: string) =>
  r.tranches.filter((t) => t.trancheId === id).map((t) => [t.from, t.to]);

/** Replays and checks every identity at every date where anything may have changed. */
function replayChecked(input: BookInput): BookResult {
  const r = replayBook(input);
  checkSegmentChains(r);
  const days = new Set<string>([input.signedOn, '2099-12-31']);
  for (const e of input.events) days.add(e.on < input.signedOn ? input.signedOn : e.on);
  for (const s of [...r.tranches, ...r.instalmentSegments, ...r.credit]) {
    days.add(s.from);
    if (s.to) days.add(s.to);
  }
  for (const day of days) checkInvariant(input, r, day);
  checkBook(input, r);
  return r;
}

/** Per entity: contiguous segments, `to` = next `from`, only the last open, no repeated state. */
function checkSegmentChains(r: BookResult) {
  const chains = new Map<string, { from: string; to: string | null }[]>();
  const add = (key: string, s: { from: string; to: string | null }) => {
    const chain = chains.get(key) ?? [];
    chain.push(s);
    chains.set(key, chain);
  };
  r.tranches.forEach((s) => add(`t:${s.trancheId}`, s));
  r.instalmentSegments.forEach((s) => add(`i:${s.key}`, s));
  r.credit.forEach((s) => add('credit', s));
  for (const [key, chain] of chains) {
    chain.forEach((s, i) => {
      const next = chain[i + 1];
      if (next) {
        expect([key, s.to]).toEqual([key, next.from]);
        expect(s.from < next.from).toBe(true);
        const strip = (x: object) => ({ ...x, from: '', to: '' });
        expect(strip(s)).not.toEqual(strip(next));
      } else {
        expect([key, s.to]).toEqual([key, null]);
      }
    });
  }
  for (const i of r.instalments) {
    const last = chains.get(`i:${i.key}`)!.at(-1) as unknown as Record<string, unknown>;
    expect([i.key, i.dueOn, i.amountCents, i.paidCents, i.voidedCents]).toEqual([
      i.key,
      last.dueOn,
      last.amountCents,
      last.paidCents,
      last.voidedCents,
    ]);
    expect(i.status).toBe(instalmentStatus(i.amountCents, i.paidCents, i.voidedCents));
  }
}

describe('replayBook — SPEC §4 worked example', () => {
  // 6,000 A1246 at $3,060, PT-30, 6 tranches of 1,000 shipping on the 20th of Mar…Aug 2021.
  const tranches = [3, 4, 5, 6, 7, 8].map((m, i) =>
    tranche(`t${i + 1}`, i + 1, 1000, 306_000, `2021-0${m}-20`),
  );
  const input: BookInput = {
    signedOn: '2021-02-07',
    terms: PT30,
    tranches,
    events: [
      pay('2021-02-14', 550_800_000), // deposit $5,508,000
      ...[3, 4, 5].flatMap((m, i) => [
        pay(`2021-0${m}-01`, 214_200_000), // 70 % balance $2,142,000
        ship(`2021-0${m}-20`, { [`t${i + 1}`]: 1000 }),
      ]),
    ],
  };
  const r = replayChecked(input);

  it('builds the schedule: deposit $5,508,000 due 02-14, $2,142,000 per tranche due the 1st', () => {
    expect(r.instalments.map((i) => [i.key, i.dueOn, i.amountCents])).toEqual([
      ['deposit', '2021-02-14', 550_800_000],
      ['milestone:t1:1', '2021-03-01', 214_200_000],
      ['milestone:t2:1', '2021-04-01', 214_200_000],
      ['milestone:t3:1', '2021-05-01', 214_200_000],
      ['milestone:t4:1', '2021-06-01', 214_200_000],
      ['milestone:t5:1', '2021-07-01', 214_200_000],
      ['milestone:t6:1', '2021-08-01', 214_200_000],
    ]);
    expect(r.instalments.map((i) => i.status)).toEqual([
      'paid',
      'paid',
      'paid',
      'paid',
      'open',
      'open',
      'open',
    ]);
  });

  it('as of 2021-02-28: backlog $18,360,000, contract liability $5,508,000 in the pools', () => {
    const b = balancesAsOf(r, '2021-02-28');
    expect(b.backlogUnits).toBe(6000);
    expect(b.backlogValueCents).toBe(1_836_000_000);
    expect(b.poolCents).toBe(550_800_000); // 6 × $918,000
    expect(b.contractLiabilityCents).toBe(550_800_000);
    expect(b.receivableCents).toBe(0);
    expect(b.recognisedCents).toBe(0);
    for (const t of tranches) expect(trancheOn(r, t.id, '2021-02-28').poolCents).toBe(91_800_000);
    // the day before the deposit nothing has been received
    expect(balancesAsOf(r, '2021-02-13').contractLiabilityCents).toBe(0);
  });

  it('as of 2021-05-31: revenue $9,180,000, cash $11,934,000, liability $2,754,000, no receivable', () => {
    const b = balancesAsOf(r, '2021-05-31');
    expect(b.recognisedCents).toBe(918_000_000); // 3,000 × $3,060
    expect(b.cashCents).toBe(1_193_400_000); // 5,508,000 + 3 × 2,142,000
    expect(b.contractLiabilityCents).toBe(275_400_000); // 3 × $918,000 still in t4…t6
    expect(b.unappliedCents).toBe(0);
    expect(b.receivableCents).toBe(0);
    expect(b.backlogUnits).toBe(3000);
    expect(b.backlogValueCents).toBe(918_000_000);
  });

  it('records t1 as four segments: signing, deposit, balance, shipment', () => {
    const t1 = r.tranches.filter((t) => t.trancheId === 't1');
    expect(t1.map((s) => [s.from, s.to, s.cashCents, s.poolCents, s.shippedCashCents])).toEqual([
      ['2021-02-07', '2021-02-14', 0, 0, 0],
      ['2021-02-14', '2021-03-01', 91_800_000, 91_800_000, 0],
      ['2021-03-01', '2021-03-20', 306_000_000, 306_000_000, 0],
      ['2021-03-20', null, 306_000_000, 0, 306_000_000],
    ]);
    expect(t1[3]).toMatchObject({
      shippedUnits: 1000,
      openUnits: 0,
      shippedValueCents: 306_000_000,
    });
    // t4 is untouched by the March…May events after the deposit
    expect(dates(r, 't4')).toEqual([
      ['2021-02-07', '2021-02-14'],
      ['2021-02-14', null],
    ]);
  });
});

describe('replayBook — PT-20/30/30/20 with tranches priced differently', () => {
  // a: 100 × $1,000 = $100,000 shipping 04-15; b: 50 × $2,500 = $125,000 shipping 06-15.
  // deposit 20 % of $225,000 = $45,000: a $20,000, b $25,000 (by value), due 01-17.
  // a: $30,000 due 03-16, $30,000 due 04-08, $20,000 due 2022-01-10.
  // b: $37,500 due 05-16, $37,500 due 06-08, $25,000 due 2022-03-12.
  const input: BookInput = {
    signedOn: '2021-01-10',
    terms: PT20_30_30_20,
    tranches: [
      tranche('a', 1, 100, 100_000, '2021-04-15'),
      tranche('b', 2, 50, 250_000, '2021-06-15'),
    ],
    events: [
      pay('2021-01-15', 900_000), // part of the deposit: a 9,000 × 20/45 = $4,000, b $5,000
      pay('2021-01-17', 3_600_000), // the rest: a 36,000 × 16/36 = $16,000, b $20,000
      pay('2021-03-16', 3_000_000), // a's −30 days
      pay('2021-04-08', 3_000_000), // a's −7 days
      ship('2021-04-15', { a: 100 }), // a ships before its +270 tail is paid
      pay('2021-05-16', 3_750_000), // b's −30 days
      pay('2021-05-20', 2_000_000), // goes to b's −7 days (due 06-08), not a's tail (2022)
    ],
  };
  const r = replayChecked(input);

  it('spreads a deposit payment over the tranches by what each still owes', () => {
    expect(trancheOn(r, 'a', '2021-01-15').cashCents).toBe(400_000);
    expect(trancheOn(r, 'b', '2021-01-15').cashCents).toBe(500_000);
    expect(trancheOn(r, 'a', '2021-01-17').poolCents).toBe(2_000_000);
    expect(trancheOn(r, 'b', '2021-01-17').poolCents).toBe(2_500_000);
    expect(instalmentOn(r, 'deposit', '2021-01-15')).toMatchObject({
      amountCents: 4_500_000,
      paidCents: 900_000,
    });
  });

  it('shows a receivable on the shipped tranche beside a contract liability on the other', () => {
    // a: cash 20,000 + 30,000 + 30,000 = $80,000 all moved to the shipped units; value $100,000
    const a = trancheOn(r, 'a', '2021-04-30');
    expect(a).toMatchObject({
      shippedValueCents: 10_000_000,
      shippedCashCents: 8_000_000,
      poolCents: 0,
      openUnits: 0,
    });
    const b = balancesAsOf(r, '2021-04-30');
    expect(b.receivableCents).toBe(2_000_000); // a's $20,000 tail
    expect(b.contractLiabilityCents).toBe(2_500_000); // b's deposit share
    // cash 105,000 − recognised 100,000 − forfeited 0 = liability 25,000 − receivable 20,000
    expect(b.cashCents - b.recognisedCents).toBe(500_000);
  });

  it('applies payments by due date across tranches, not by tranche order', () => {
    const b = balancesAsOf(r, '2021-05-20');
    expect(b.receivableCents).toBe(2_000_000); // a's tail still unpaid
    expect(trancheOn(r, 'b', '2021-05-20').poolCents).toBe(2_500_000 + 3_750_000 + 2_000_000);
    expect(instalment(r, 'milestone:b:2')).toMatchObject({
      dueOn: '2021-06-08',
      paidCents: 2_000_000,
      status: 'open',
    });
    expect(instalment(r, 'milestone:a:3')).toMatchObject({
      dueOn: '2022-01-10',
      paidCents: 0,
      status: 'open',
    });
    expect(instalment(r, 'milestone:b:3').dueOn).toBe('2022-03-12');
  });
});

describe('replayBook — cancellations', () => {
  it('forfeits a cancelled tranche’s deposit and voids its unpaid balance', () => {
    // 2 tranches of 10 × $3,000 = $30,000; deposit 30 % of $60,000 = $18,000 ($9,000 each)
    const input: BookInput = {
      signedOn: '2021-03-01',
      terms: PT30,
      tranches: [
        tranche('t1', 1, 10, 300_000, '2021-06-20'),
        tranche('t2', 2, 10, 300_000, '2021-07-20'),
      ],
      events: [
        amend('c1', '2021-04-01', { type: 'cancel', trancheId: 't2' }),
        pay('2021-03-08', 1_800_000),
      ],
    };
    const r = replayChecked(input);
    expect(trancheOn(r, 't2', '2021-03-31')).toMatchObject({ poolCents: 900_000, openUnits: 10 });
    // t2's whole pool ($9,000) is forfeited; its $21,000 balance, all unpaid, is voided
    expect(trancheOn(r, 't2', '2021-04-01')).toMatchObject({
      quantity: 10,
      cancelledUnits: 10,
      openUnits: 0,
      poolCents: 0,
      cashCents: 900_000,
      forfeitedCents: 900_000,
    });
    expect(r.forfeitures).toEqual([
      { trancheId: 't2', on: '2021-04-01', units: 10, amountCents: 900_000 },
    ]);
    expect(instalment(r, 'milestone:t2:1')).toMatchObject({
      amountCents: 2_100_000,
      paidCents: 0,
      voidedCents: 2_100_000,
      status: 'void',
    });
    expect(instalment(r, 'deposit')).toMatchObject({ paidCents: 1_800_000, status: 'paid' });
    const b = balancesAsOf(r, '2021-04-01');
    // cash 18,000 − recognised 0 − forfeited 9,000 = liability 9,000 (t1's pool) − receivable 0
    expect([b.forfeitedCents, b.contractLiabilityCents, b.backlogUnits]).toEqual([
      900_000, 900_000, 10,
    ]);
    // the cancellation does not change t1
    expect(dates(r, 't1')).toEqual([
      ['2021-03-01', '2021-03-08'],
      ['2021-03-08', null],
    ]);
  });

  it('cancels n of o open units after a shipment: n/o of the pool, the units’ unpaid value voided', () => {
    // 10 × $1,000 = $10,000 shipping 06-20: deposit $3,000 due 03-08, balance $7,000 due 06-01
    const input: BookInput = {
      signedOn: '2021-03-01',
      terms: PT30,
      tranches: [tranche('t1', 1, 10, 100_000, '2021-06-20')],
      events: [
        pay('2021-03-08', 300_000),
        ship('2021-05-10', { t1: 4 }),
        pay('2021-05-15', 100_000),
        amend('q1', '2021-05-20', { type: 'set_quantity', trancheId: 't1', quantity: 7 }),
        pay('2021-06-01', 390_000),
        ship('2021-06-20', { t1: 3 }),
      ],
    };
    const r = replayChecked(input);
    // 05-10: 4 of 10 ship: 3,000 × 4/10 = $1,200 moves; shipped value $4,000, receivable $2,800
    expect(trancheOn(r, 't1', '2021-05-10')).toMatchObject({
      shippedCashCents: 120_000,
      poolCents: 180_000,
    });
    // 05-15: $1,000 settles the shipped units first: shipped cash $2,200, pool unchanged
    expect(trancheOn(r, 't1', '2021-05-15')).toMatchObject({
      shippedCashCents: 220_000,
      poolCents: 180_000,
    });
    // 05-20: 7 in force cancels 3 of the 6 open: forfeits 1,800 × 3/6 = $900. The 3 units' unpaid
    // value, 3 × $1,000 − $900 = $2,100, is voided on the balance, leaving $3,900 unpaid: exactly
    // the $1,800 the shipped units owe + 3 open × $1,000 − $900 in the pool.
    expect(trancheOn(r, 't1', '2021-05-20')).toMatchObject({
      quantity: 10,
      cancelledUnits: 3,
      openUnits: 3,
      poolCents: 90_000,
      forfeitedCents: 90_000,
    });
    expect(r.forfeitures).toEqual([
      { trancheId: 't1', on: '2021-05-20', units: 3, amountCents: 90_000 },
    ]);
    expect(instalmentOn(r, 'milestone:t1:1', '2021-05-20')).toMatchObject({
      paidCents: 100_000,
      voidedCents: 210_000,
    });
    // 06-01: $3,900 pays the balance off: $1,800 to the shipped units, $2,100 to the pool ($3,000)
    expect(trancheOn(r, 't1', '2021-06-01')).toMatchObject({
      shippedCashCents: 400_000,
      poolCents: 300_000,
    });
    expect(instalment(r, 'milestone:t1:1')).toMatchObject({
      paidCents: 490_000,
      voidedCents: 210_000,
      status: 'paid',
    });
    // 06-20: the last 3 ship with the whole pool; cash $7,900 = $7,000 shipped + $900 forfeited
    expect(trancheOn(r, 't1', '2021-06-20')).toMatchObject({
      shippedUnits: 7,
      openUnits: 0,
      cashCents: 790_000,
      shippedValueCents: 700_000,
      shippedCashCents: 700_000,
      poolCents: 0,
    });
    const b = balancesAsOf(r, '2021-12-31');
    expect([b.receivableCents, b.contractLiabilityCents, b.forfeitedCents]).toEqual([0, 0, 90_000]);
  });

  it('shares the deposit voiding of a cancelled tranche with odd amounts to the cent', () => {
    // From the billing schedule tests: value 1,175,207; deposit 391,696 shared 288,037 / 99,989 / 3,670;
    // a: 288,038 + 288,124; b: 99,989 + 100,019; c: 3,670 + 3,671.
    const terms: TermsSnapshot = {
      code: 'THIRDS',
      depositPercent: 33.33,
      depositDueDays: 10,
      milestones: [
        { percent: 33.33, dueDaysFromShip: -30 },
        { percent: 33.34, dueDaysFromShip: 0 },
      ],
    };
    const input: BookInput = {
      signedOn: '2021-05-01',
      terms,
      tranches: [
        tranche('a', 1, 7, 123_457, '2021-06-30'),
        tranche('b', 2, 3, 99_999, '2021-07-31'),
        tranche('c', 3, 11, 1_001, '2021-08-31'),
      ],
      events: [
        pay('2021-05-11', 100_001),
        amend('x', '2021-05-20', { type: 'cancel', trancheId: 'b' }),
        pay('2021-05-25', 200_000),
        ship('2021-05-28', { c: 4 }),
      ],
    };
    const r = replayChecked(input);
    // 100,001 over the deposit parts: a 100,001 × 288,037/391,696 = 73,536.59 → 73,537;
    // b × 99,989/391,696 = 25,527.45 → 25,527; c the remaining 937
    expect(['a', 'b', 'c'].map((id) => trancheOn(r, id, '2021-05-11').poolCents)).toEqual([
      73_537, 25_527, 937,
    ]);
    // cancelling b forfeits its 25,527 and voids 3 × 99,999 − 25,527 = 274,470: all it still owed,
    // its deposit part 99,989 − 25,527 = 74,462 and its two milestones 99,989 and 100,019
    expect(trancheOn(r, 'b', '2021-05-20')).toMatchObject({ forfeitedCents: 25_527, poolCents: 0 });
    expect(instalmentOn(r, 'deposit', '2021-05-20')).toMatchObject({
      amountCents: 391_696,
      paidCents: 100_001,
      voidedCents: 74_462,
    });
    expect(instalment(r, 'milestone:b:1')).toMatchObject({ voidedCents: 99_989, status: 'void' });
    expect(instalment(r, 'milestone:b:2')).toMatchObject({ voidedCents: 100_019, status: 'void' });
    // 200,000 over what a and c still owe on the deposit, 214,500 and 2,733 (Σ 217,233):
    // a 200,000 × 214,500/217,233 = 197,483.81 → 197,484; c 2,516
    expect(trancheOn(r, 'a', '2021-05-25').poolCents).toBe(73_537 + 197_484);
    expect(trancheOn(r, 'c', '2021-05-25').poolCents).toBe(937 + 2_516);
    expect(instalmentOn(r, 'deposit', '2021-05-25')).toMatchObject({
      paidCents: 300_001,
      voidedCents: 74_462,
    });
    // c ships 4 of 11: 3,453 × 4/11 = 1,255.64 → 1,256 moves; receivable 4 × 1,001 − 1,256 = 2,748
    expect(trancheOn(r, 'c', '2021-05-28')).toMatchObject({
      shippedCashCents: 1_256,
      poolCents: 2_197,
      shippedValueCents: 4_004,
    });
    expect(balancesAsOf(r, '2021-05-28').receivableCents).toBe(2_748);
  });

  it('cancels a whole order after a first shipment, tranche by tranche', () => {
    // null terms: each tranche billed in full on its ship date, 5 × $100 = $500
    const input: BookInput = {
      signedOn: '2021-01-04',
      terms: null,
      tranches: [
        tranche('t1', 1, 5, 10_000, '2021-02-01'),
        tranche('t2', 2, 5, 10_000, '2021-03-01'),
      ],
      events: [
        pay('2021-01-20', 20_000),
        ship('2021-02-01', { t1: 5 }),
        amend('stop', '2021-02-10', { type: 'cancel', trancheId: 't2' }),
      ],
    };
    const r = replayChecked(input);
    // $200 paid on t1's $500 (due 02-01, the earliest); t1 ships with $200, owing $300
    expect(trancheOn(r, 't1', '2021-02-01')).toMatchObject({
      shippedCashCents: 20_000,
      poolCents: 0,
    });
    // t2 had no cash: nothing forfeited, its $500 voided
    expect(r.forfeitures).toEqual([
      { trancheId: 't2', on: '2021-02-10', units: 5, amountCents: 0 },
    ]);
    expect(r.instalments.map((i) => [i.key, i.paidCents, i.voidedCents, i.status])).toEqual([
      ['milestone:t1:1', 20_000, 0, 'open'],
      ['milestone:t2:1', 0, 50_000, 'void'],
    ]);
    expect(balancesAsOf(r, '2021-02-10')).toMatchObject({
      backlogUnits: 0,
      receivableCents: 30_000,
      contractLiabilityCents: 0,
    });
  });
});

describe('replayBook — added units and tranches', () => {
  it('gives a quantity increase its own deposit and balance, then takes surplus cash as credit', () => {
    // 10 × $1,000 shipping 06-20: deposit $3,000 due 03-08, balance $7,000 due 06-01.
    // +5 units on 04-10 ($5,000): deposit 'deposit:up:t1' $1,500 due 04-17, balance $3,500 due 06-01.
    const input: BookInput = {
      signedOn: '2021-03-01',
      terms: PT30,
      tranches: [tranche('t1', 1, 10, 100_000, '2021-06-20')],
      events: [
        pay('2021-03-08', 300_000),
        amend('up', '2021-04-10', { type: 'set_quantity', trancheId: 't1', quantity: 15 }),
        pay('2021-04-17', 150_000), // the added deposit, due first
        pay('2021-06-01', 800_000), // $7,000 original balance (created first), $1,000 of the added one
        ship('2021-06-20', { t1: 15 }),
        pay('2021-06-25', 250_000), // the rest of the added balance
        pay('2021-06-30', 10_000), // beyond the schedule
      ],
    };
    const r = replayChecked(input);
    expect(r.instalments.map((i) => [i.key, i.createdOn, i.dueOn, i.amountCents])).toEqual([
      ['deposit', '2021-03-01', '2021-03-08', 300_000],
      ['milestone:t1:1', '2021-03-01', '2021-06-01', 700_000],
      ['deposit:up:t1', '2021-04-10', '2021-04-17', 150_000],
      ['milestone:t1:1:up', '2021-04-10', '2021-06-01', 350_000],
    ]);
    expect(trancheOn(r, 't1', '2021-04-10')).toMatchObject({
      quantity: 15,
      openUnits: 15,
      poolCents: 300_000,
    });
    expect(instalmentOn(r, 'deposit:up:t1', '2021-04-09')).toBeUndefined();
    expect(trancheOn(r, 't1', '2021-04-17').poolCents).toBe(450_000); // 30 % of $15,000
    expect(instalmentOn(r, 'milestone:t1:1', '2021-06-01')?.paidCents).toBe(700_000);
    expect(instalmentOn(r, 'milestone:t1:1:up', '2021-06-01')?.paidCents).toBe(100_000);
    // ships with the $12,500 pool; $2,500 receivable until 06-25
    expect(trancheOn(r, 't1', '2021-06-20')).toMatchObject({
      shippedValueCents: 1_500_000,
      shippedCashCents: 1_250_000,
      poolCents: 0,
    });
    expect(balancesAsOf(r, '2021-06-24').receivableCents).toBe(250_000);
    expect(balancesAsOf(r, '2021-06-25').receivableCents).toBe(0);
    expect(r.credit).toEqual([
      { from: '2021-03-01', to: '2021-06-30', unappliedCents: 0 },
      { from: '2021-06-30', to: null, unappliedCents: 10_000 },
    ]);
    expect(balancesAsOf(r, '2021-06-30').contractLiabilityCents).toBe(10_000);
    expect(r.instalments.every((i) => i.status === 'paid')).toBe(true);
  });

  it('adds a tranche whose instalments take the credit already received', () => {
    // t1: 10 × $1,000: deposit $3,000 due 03-08, balance $7,000 due 06-01; $10,500 paid on 03-08
    // pays both early and leaves $500 of credit.
    // t2 added on 04-01: 2 × $1,500 = $3,000 shipping 08-20: deposit $900 due 04-08, balance
    // $2,100 due 08-01; the $500 credit goes to its deposit on 04-01.
    const input: BookInput = {
      signedOn: '2021-03-01',
      terms: PT30,
      tranches: [tranche('t1', 1, 10, 100_000, '2021-06-20')],
      events: [
        pay('2021-03-08', 1_050_000),
        amend('more', '2021-04-01', {
          type: 'add_tranche',
          trancheId: 't2',
          sequence: 2,
          shipDate: '2021-08-20',
          quantity: 2,
          unitPriceCents: 150_000,
        }),
        pay('2021-04-08', 250_000),
      ],
    };
    const r = replayChecked(input);
    expect(r.credit).toEqual([
      { from: '2021-03-01', to: '2021-03-08', unappliedCents: 0 },
      { from: '2021-03-08', to: '2021-04-01', unappliedCents: 50_000 },
      { from: '2021-04-01', to: null, unappliedCents: 0 },
    ]);
    expect(dates(r, 't2')).toEqual([
      ['2021-04-01', '2021-04-08'],
      ['2021-04-08', null],
    ]);
    expect(trancheOn(r, 't2', '2021-04-01')).toMatchObject({
      quantity: 2,
      openUnits: 2,
      unitPriceCents: 150_000,
      shipDate: '2021-08-20',
      cashCents: 50_000,
      poolCents: 50_000,
    });
    // $2,500 on 04-08: $400 finishes the deposit, $2,100 the balance
    expect(trancheOn(r, 't2', '2021-04-08').poolCents).toBe(300_000);
    expect(r.instalments.map((i) => [i.key, i.createdOn, i.dueOn, i.paidCents, i.status])).toEqual([
      ['deposit', '2021-03-01', '2021-03-08', 300_000, 'paid'],
      ['milestone:t1:1', '2021-03-01', '2021-06-01', 700_000, 'paid'],
      ['deposit:more:t2', '2021-04-01', '2021-04-08', 90_000, 'paid'],
      ['milestone:t2:1:more', '2021-04-01', '2021-08-01', 210_000, 'paid'],
    ]);
    expect(balancesAsOf(r, '2021-03-31').backlogValueCents).toBe(1_000_000);
    expect(balancesAsOf(r, '2021-04-01').backlogValueCents).toBe(1_300_000);
  });

  it('bills added units in full on the ship date without terms', () => {
    const input: BookInput = {
      signedOn: '2021-03-01',
      terms: null,
      tranches: [tranche('t1', 1, 2, 10_000, '2021-06-20')],
      events: [amend('up', '2021-04-01', { type: 'set_quantity', trancheId: 't1', quantity: 3 })],
    };
    const r = replayChecked(input);
    expect(r.instalments.map((i) => [i.key, i.dueOn, i.amountCents])).toEqual([
      ['milestone:t1:1', '2021-06-20', 20_000],
      ['milestone:t1:1:up', '2021-06-20', 10_000],
    ]);
  });
});

describe('replayBook — reschedules', () => {
  // t1, t2: 10 × $1,000 shipping 06-20 and 07-20; deposit $6,000 ($3,000 each) due 03-08;
  // balances $7,000 due 06-01 and 07-01.
  const input: BookInput = {
    signedOn: '2021-03-01',
    terms: PT30,
    tranches: [
      tranche('t1', 1, 10, 100_000, '2021-06-20'),
      tranche('t2', 2, 10, 100_000, '2021-07-20'),
    ],
    events: [
      pay('2021-03-08', 600_000),
      amend('later', '2021-05-01', { type: 'reschedule', trancheId: 't1', shipDate: '2021-09-20' }),
      pay('2021-05-15', 700_000),
      amend('t2-later', '2021-05-20', {
        type: 'reschedule',
        trancheId: 't2',
        shipDate: '2021-08-20',
      }),
      amend('same', '2021-05-25', { type: 'reschedule', trancheId: 't2', shipDate: '2021-08-20' }),
    ],
  };
  const r = replayChecked(input);

  it('moves the ship date and the open balance from the effective date on', () => {
    expect(trancheOn(r, 't1', '2021-04-30').shipDate).toBe('2021-06-20');
    expect(trancheOn(r, 't1', '2021-05-01').shipDate).toBe('2021-09-20');
    expect(r.instalmentSegments.filter((s) => s.key === 'milestone:t1:1')).toEqual([
      {
        key: 'milestone:t1:1',
        from: '2021-03-01',
        to: '2021-05-01',
        dueOn: '2021-06-01',
        amountCents: 700_000,
        paidCents: 0,
        voidedCents: 0,
      },
      {
        key: 'milestone:t1:1',
        from: '2021-05-01',
        to: null,
        dueOn: '2021-09-01',
        amountCents: 700_000,
        paidCents: 0,
        voidedCents: 0,
      },
    ]);
  });

  it('applies later payments by the due dates in force', () => {
    // on 05-15 t2's balance (07-01) comes before t1's moved one (09-01)
    expect(instalment(r, 'milestone:t2:1').paidCents).toBe(700_000);
    expect(instalment(r, 'milestone:t1:1').paidCents).toBe(0);
  });

  it('leaves settled milestones where they were and ignores a reschedule to the same date', () => {
    expect(trancheOn(r, 't2', '2021-05-20').shipDate).toBe('2021-08-20');
    expect(instalment(r, 'milestone:t2:1').dueOn).toBe('2021-07-01');
    expect(dates(r, 't2')).toEqual([
      ['2021-03-01', '2021-03-08'],
      ['2021-03-08', '2021-05-15'],
      ['2021-05-15', '2021-05-20'],
      ['2021-05-20', null],
    ]);
  });
});

describe('replayBook — event order', () => {
  const base = (events: BookEvent[]): BookInput => ({
    signedOn: '2021-03-01',
    terms: null,
    tranches: [tranche('t1', 1, 10, 100_000, '2021-06-20')],
    events,
  });

  it('inserts a backdated payment before a shipment recorded earlier', () => {
    const r = replayChecked(base([ship('2021-05-10', { t1: 4 }), pay('2021-05-01', 500_000)]));
    // $5,000 joins the pool on 05-01; 4 of 10 ship on 05-10 with 5,000 × 4/10 = $2,000
    expect(trancheOn(r, 't1', '2021-05-10')).toMatchObject({
      shippedCashCents: 200_000,
      poolCents: 300_000,
    });
    expect(balancesAsOf(r, '2021-05-10').receivableCents).toBe(200_000);
  });

  it('settles shipped units first when the payment comes after the shipment', () => {
    const r = replayChecked(base([ship('2021-05-10', { t1: 4 }), pay('2021-05-12', 500_000)]));
    // $4,000 to the shipped units, $1,000 to the pool
    expect(trancheOn(r, 't1', '2021-05-12')).toMatchObject({
      shippedCashCents: 400_000,
      poolCents: 100_000,
    });
    expect(balancesAsOf(r, '2021-05-12').receivableCents).toBe(0);
  });

  it('puts payments before shipments before amendments on one date, whatever the recorded order', () => {
    const events = [
      amend('cut', '2021-05-10', { type: 'set_quantity', trancheId: 't1', quantity: 8 }),
      ship('2021-05-10', { t1: 4 }),
      pay('2021-05-10', 500_000),
    ];
    const r = replayChecked(base(events));
    // pay: pool 5,000; ship 4 of 10: 2,000 moves; cancel 2 of 6: 3,000 × 2/6 = $1,000 forfeited
    expect(trancheOn(r, 't1', '2021-05-10')).toMatchObject({
      shippedCashCents: 200_000,
      poolCents: 200_000,
      forfeitedCents: 100_000,
      openUnits: 4,
    });
    expect(dates(r, 't1')).toEqual([
      ['2021-03-01', '2021-05-10'],
      ['2021-05-10', null],
    ]);
    expect(replayBook(base([...events].reverse()))).toEqual(r);
  });

  it('pays, on one due date, deposits before milestones, then by tranche sequence', () => {
    // t1, t2: 10 × $1,000 shipping 06-20; balances $7,000 each due 06-01.
    // +2 units on t1 on 05-25: deposit $600 due 05-25 + 7 = 06-01, balance $1,400 due 06-01.
    const r = replayChecked({
      signedOn: '2021-03-01',
      terms: PT30,
      tranches: [
        tranche('t1', 1, 10, 100_000, '2021-06-20'),
        tranche('t2', 2, 10, 100_000, '2021-06-20'),
      ],
      events: [
        pay('2021-03-08', 600_000),
        amend('up', '2021-05-25', { type: 'set_quantity', trancheId: 't1', quantity: 12 }),
        pay('2021-05-31', 60_000), // the added deposit, though created after both balances
        pay('2021-06-01', 940_000), // t1's 7,000 and 1,400 (sequence 1) before t2's: 1,000 of it
      ],
    });
    expect(r.instalments.map((i) => [i.key, i.dueOn, i.paidCents])).toEqual([
      ['deposit', '2021-03-08', 600_000],
      ['milestone:t1:1', '2021-06-01', 700_000],
      ['milestone:t2:1', '2021-06-01', 100_000],
      ['deposit:up:t1', '2021-06-01', 60_000],
      ['milestone:t1:1:up', '2021-06-01', 140_000],
    ]);
    expect(instalmentOn(r, 'deposit:up:t1', '2021-05-31')?.paidCents).toBe(60_000);
    expect(instalmentOn(r, 'milestone:t1:1', '2021-05-31')?.paidCents).toBe(0);
  });

  it('counts a payment received before signing as of the signing date', () => {
    const r = replayChecked(base([pay('2021-02-20', 100_000)]));
    expect(r.tranches.filter((t) => t.trancheId === 't1')).toHaveLength(1);
    expect(trancheOn(r, 't1', '2021-03-01').poolCents).toBe(100_000);
  });
});

describe('replayBook — refusals', () => {
  const input = (events: BookEvent[]): BookInput => ({
    signedOn: '2021-03-01',
    terms: PT30,
    tranches: [tranche('t1', 1, 10, 100_000, '2021-06-20')],
    events,
  });
  const code = (events: BookEvent[]) => {
    try {
      replayBook(input(events));
    } catch (e) {
      return e instanceof BookRuleError ? e.code : String(e);
    }
    return 'none';
  };

  it('refuses shipping more than is open', () => {
    expect(code([ship('2021-05-01', { t1: 11 })])).toBe('OVER_SHIPMENT');
    expect(code([ship('2021-05-01', { t1: 6 }), ship('2021-05-02', { t1: 5 })])).toBe(
      'OVER_SHIPMENT',
    );
    expect(
      code([
        amend('cut', '2021-04-01', { type: 'set_quantity', trancheId: 't1', quantity: 5 }),
        ship('2021-05-01', { t1: 6 }),
      ]),
    ).toBe('OVER_SHIPMENT');
    expect(code([ship('2021-05-01', { t1: 10 })])).toBe('none');
  });

  it('refuses a quantity below what has shipped', () => {
    const events = [
      ship('2021-05-01', { t1: 6 }),
      amend('cut', '2021-05-02', { type: 'set_quantity', trancheId: 't1', quantity: 5 }),
    ];
    expect(code(events)).toBe('QUANTITY_BELOW_SHIPPED');
  });

  it('refuses unknown tranches and cancelling nothing', () => {
    expect(code([ship('2021-05-01', { nope: 1 })])).toBe('UNKNOWN_TRANCHE');
    expect(code([amend('x', '2021-05-01', { type: 'cancel', trancheId: 'nope' })])).toBe(
      'UNKNOWN_TRANCHE',
    );
    expect(
      code([
        ship('2021-05-01', { t1: 10 }),
        amend('x', '2021-05-02', { type: 'cancel', trancheId: 't1' }),
      ]),
    ).toBe('NOTHING_OPEN');
  });
});

/** An order signed 2021-03-01. */
const order = (terms: TermsSnapshot | null, tranches: BookTranche[], events: BookEvent[]) => ({
  signedOn: '2021-03-01',
  terms,
  tranches,
  events,
});
// 10 × $1,000 shipping 06-20 and 07-20.
const T1 = tranche('t1', 1, 10, 100_000, '2021-06-20');
const T2 = tranche('t2', 2, 10, 100_000, '2021-07-20');
const reversePayment = (on: string, payment: BookEvent): BookEvent => ({
  kind: 'payment_reversal',
  id: `rp${++seq}`,
  on,
  paymentId: payment.id,
});
const reverseShipment = (on: string, shipment: BookEvent): BookEvent => ({
  kind: 'shipment_reversal',
  id: `rs${++seq}`,
  on,
  shipmentId: shipment.id,
});
const refund = (on: string, amountCents: number): BookEvent => ({
  kind: 'refund',
  id: `f${++seq}`,
  on,
  amountCents,
});
const reprice = (trancheId: string, unitPriceCents: number): AmendmentChange => ({
  type: 'price_change',
  trancheId,
  unitPriceCents,
});
const refusal = (input: BookInput) => {
  try {
    replayBook(input);
  } catch (e) {
    return e instanceof BookRuleError ? e.code : e instanceof Error ? e.name : String(e);
  }
  return 'none';
};
/** The columns of the balance tables below. */
const COLUMNS: (keyof BookBalances)[] = [
  'cashCents',
  'refundedCents',
  'recognisedCents',
  'unappliedCents',
  'contractLiabilityCents',
  'receivableCents',
  'backlogUnits',
  'backlogValueCents',
];
/** The chosen balances at the end of each date, a row per date: [date, …figures]. */
const figures = (r: BookResult, keys: (keyof BookBalances)[], ...dates: string[]) =>
  dates.map((date) => {
    const b = balancesAsOf(r, date);
    return [date, ...keys.map((k) => b[k])];
  });
/** An instalment's segments, a row each: [from, to, …the chosen fields]. */
const history = (r: BookResult, key: string, ...fields: (keyof InstalmentSegment)[]) =>
  r.instalmentSegments
    .filter((s) => s.key === key)
    .map((s) => [s.from, s.to, ...fields.map((f) => s[f])]);

describe('replayBook — payment reversals', () => {
  // 10 × $1,000 shipping 06-20 on PT-30: deposit $3,000 due 03-08, balance $7,000 due 06-01.
  const p1 = pay('2021-03-08', 500_000);
  const p2 = pay('2021-04-01', 500_000);
  const p3 = pay('2021-05-01', 500_000);
  const input: BookInput = order(PT30, [T1], [p1, p2, reversePayment('2021-04-15', p1), p3]);
  const r = replayChecked(input);

  it('re-applies the other payments as if it never came, from the reversal date on', () => {
    // Recorded: p1 $5,000 pays the $3,000 deposit and $2,000 of the balance; p2 $5,000 pays the
    // balance's other $5,000, so as of 04-14 everything is paid.
    // Without p1: p2 pays the deposit ($3,000) and $2,000 of the balance, which is open again from
    // 04-15 with $5,000 unpaid; p3 pays it off on 05-01.
    expect(history(r, 'deposit', 'paidCents')).toEqual([
      ['2021-03-01', '2021-03-08', 0],
      ['2021-03-08', null, 300_000], // p1's part then p2's: the same $3,000 paid
    ]);
    expect(history(r, 'milestone:t1:1', 'paidCents')).toEqual([
      ['2021-03-01', '2021-03-08', 0],
      ['2021-03-08', '2021-04-01', 200_000],
      ['2021-04-01', '2021-04-15', 700_000],
      ['2021-04-15', '2021-05-01', 200_000],
      ['2021-05-01', null, 700_000],
    ]);
    const status = (date: string) => {
      const s = instalmentOn(r, 'milestone:t1:1', date)!;
      return instalmentStatus(s.amountCents, s.paidCents, s.voidedCents);
    };
    expect([status('2021-04-14'), status('2021-04-15')]).toEqual(['paid', 'open']);
  });

  it('takes the payment out of cash received and the pool on the reversal date', () => {
    // 04-14: $10,000 received, all in the pool; 04-15: $5,000 (p2 only).
    const keys: (keyof BookBalances)[] = ['cashCents', 'contractLiabilityCents', 'receivableCents'];
    expect(figures(r, keys, '2021-04-14', '2021-04-15')).toEqual([
      ['2021-04-14', 1_000_000, 1_000_000, 0],
      ['2021-04-15', 500_000, 500_000, 0],
    ]);
    expect(trancheOn(r, 't1', '2021-05-01').poolCents).toBe(1_000_000);
  });

  it('changes nothing before the reversal date', () => {
    const recorded = replayBook({ ...input, events: [p1, p2, p3] });
    for (const date of ['2021-03-01', '2021-03-08', '2021-04-01', '2021-04-14']) {
      expect(balancesAsOf(r, date)).toEqual(balancesAsOf(recorded, date));
      expect(instalmentOn(r, 'milestone:t1:1', date)?.paidCents).toBe(
        instalmentOn(recorded, 'milestone:t1:1', date)?.paidCents,
      );
    }
    // and from 04-15 the book is the one without p1
    const without = replayBook({ ...input, events: [p2, p3] });
    for (const date of ['2021-04-15', '2021-05-01', '2021-12-31']) {
      expect(balancesAsOf(r, date)).toEqual(balancesAsOf(without, date));
    }
  });

  it('composes reversals at different dates', () => {
    // deposit $3,000 paid on 03-08 (q1), $2,000 of the balance on 04-01 (q2); q2 reversed on 04-10,
    // q1 on 04-20 (recorded first): cash $5,000, then $3,000, then nothing.
    const q1 = pay('2021-03-08', 300_000);
    const q2 = pay('2021-04-01', 200_000);
    const both = replayChecked({
      ...input,
      events: [q1, q2, reversePayment('2021-04-20', q1), reversePayment('2021-04-10', q2)],
    });
    expect(figures(both, ['cashCents'], '2021-04-09', '2021-04-10', '2021-04-20')).toEqual([
      ['2021-04-09', 500_000],
      ['2021-04-10', 300_000],
      ['2021-04-20', 0],
    ]);
    expect(history(both, 'deposit', 'paidCents')).toEqual([
      ['2021-03-01', '2021-03-08', 0],
      ['2021-03-08', '2021-04-20', 300_000],
      ['2021-04-20', null, 0],
    ]);
    expect(history(both, 'milestone:t1:1', 'paidCents')).toEqual([
      ['2021-03-01', '2021-04-01', 0],
      ['2021-04-01', '2021-04-10', 200_000],
      ['2021-04-10', null, 0],
    ]);
    expect(both.instalments.map((i) => i.status)).toEqual(['open', 'open']);
  });

  it('takes back the pool a cancellation forfeited out of the reversed cash', () => {
    // t1, t2: 10 × $1,000; deposit 30 % of $20,000 = $6,000 ($3,000 each), paid 03-08.
    // t2 cancelled 04-01 forfeits its $3,000 pool. Without the payment it would have forfeited
    // nothing: −$3,000 of forfeited revenue on 04-15, and t2's unpaid deposit part voided.
    const deposit = pay('2021-03-08', 600_000);
    const book = replayChecked(
      order(
        PT30,
        [T1, T2],
        [
          deposit,
          amend('stop', '2021-04-01', { type: 'cancel', trancheId: 't2' }),
          reversePayment('2021-04-15', deposit),
        ],
      ),
    );
    expect(book.forfeitures).toEqual([
      { trancheId: 't2', on: '2021-04-01', units: 10, amountCents: 300_000 },
      { trancheId: 't2', on: '2021-04-15', units: 0, amountCents: -300_000 },
    ]);
    // 04-14: cash 6,000 − forfeited 3,000 = liability 3,000 (t1's pool); 04-15: all zero
    const keys: (keyof BookBalances)[] = [
      'cashCents',
      'forfeitedCents',
      'contractLiabilityCents',
      'backlogUnits',
    ];
    expect(figures(book, keys, '2021-04-14', '2021-04-15')).toEqual([
      ['2021-04-14', 600_000, 300_000, 300_000, 10],
      ['2021-04-15', 0, 0, 0, 10],
    ]);
    expect(history(book, 'deposit', 'paidCents', 'voidedCents')).toEqual([
      ['2021-03-01', '2021-03-08', 0, 0],
      ['2021-03-08', '2021-04-15', 600_000, 0],
      ['2021-04-15', null, 0, 300_000],
    ]);
  });

  it('refuses a second reversal, one dated before the payment, and one under a refund', () => {
    const base = {
      signedOn: '2021-03-01',
      terms: null,
      tranches: [tranche('t1', 1, 1, 100_000, '2021-06-20')],
    };
    const p = pay('2021-03-10', 150_000); // $1,000 due 06-20 paid, $500 of credit
    expect(
      refusal({
        ...base,
        events: [p, reversePayment('2021-04-01', p), reversePayment('2021-04-02', p)],
      }),
    ).toBe('ALREADY_REVERSED');
    expect(refusal({ ...base, events: [p, reversePayment('2021-03-09', p)] })).toBe('RangeError');
    // the $500 refunded on 03-20 would have been paid out of a credit the order never had
    const back = refund('2021-03-20', 50_000);
    expect(refusal({ ...base, events: [p, back] })).toBe('none');
    expect(refusal({ ...base, events: [p, back, reversePayment('2021-04-01', p)] })).toBe(
      'REFUND_EXCEEDS_CREDIT',
    );
  });
});

describe('replayBook — shipment reversals', () => {
  // 10 × $1,000 shipping 06-20 on PT-30: deposit $3,000 due 03-08, balance $7,000 due 06-01.
  const s1 = ship('2021-06-10', { t1: 4 });
  const input: BookInput = order(
    PT30,
    [T1],
    [
      pay('2021-03-08', 300_000),
      pay('2021-06-01', 400_000), // $4,000 of the $7,000 balance: pool $7,000
      s1,
      pay('2021-06-15', 100_000),
      reverseShipment('2021-06-25', s1),
      ship('2021-07-01', { t1: 10 }), // the units that came back ship again with the rest
    ],
  );
  const r = replayChecked(input);

  it('holds the shipped units until the reversal date, then reopens them with the pool they would have had', () => {
    const states = ['2021-06-10', '2021-06-15', '2021-06-25', '2021-07-01'].map((date) => {
      const s = trancheOn(r, 't1', date);
      return [
        date,
        s.shippedUnits,
        s.openUnits,
        s.shippedValueCents,
        s.shippedCashCents,
        s.poolCents,
      ];
    });
    expect(states).toEqual([
      // 4 of 10 ship with 7,000 × 4/10 = $2,800 of the pool; value $4,000, $1,200 owed
      ['2021-06-10', 4, 6, 400_000, 280_000, 420_000],
      // $1,000 settles the shipped units first: $200 still owed
      ['2021-06-15', 4, 6, 400_000, 380_000, 420_000],
      // never shipped: all $8,000 received sits in the pool of 10 open units
      ['2021-06-25', 0, 10, 0, 0, 800_000],
      // all 10 ship with the $8,000 pool
      ['2021-07-01', 10, 0, 1_000_000, 800_000, 0],
    ]);
  });

  it('moves revenue, liability, receivable and backlog on the reversal date', () => {
    // 06-24: cash 8,000 − recognised 4,000 = liability 4,200 − receivable 200
    // 06-25: cash 8,000 − recognised 0 = liability 8,000; 07-01: 8,000 − 10,000 = 0 − 2,000
    expect(figures(r, COLUMNS, '2021-06-24', '2021-06-25', '2021-07-01')).toEqual([
      ['2021-06-24', 800_000, 0, 400_000, 0, 420_000, 20_000, 6, 600_000],
      ['2021-06-25', 800_000, 0, 0, 0, 800_000, 0, 10, 1_000_000],
      ['2021-07-01', 800_000, 0, 1_000_000, 0, 0, 200_000, 0, 0],
    ]);
    // payments are untouched: $5,000 of the balance paid throughout
    expect(instalment(r, 'milestone:t1:1')).toMatchObject({ paidCents: 500_000, status: 'open' });
  });

  it('recognises −units × the price they shipped at on the reversal date', () => {
    expect(recognitions(r.tranches)).toEqual([
      { trancheId: 't1', on: '2021-06-10', units: 4, amountCents: 400_000, trueUpCents: 0 },
      { trancheId: 't1', on: '2021-06-25', units: -4, amountCents: -400_000, trueUpCents: 0 },
      { trancheId: 't1', on: '2021-07-01', units: 10, amountCents: 1_000_000, trueUpCents: 0 },
    ]);
  });

  it('gives units that come back after a price change the price in force', () => {
    // No terms: $10,000 due on 06-20. 4 ship at $1,000 on 05-01; the 6 open go to $1,200 on 05-10,
    // a milestone of 6 × $200 = $1,200. The shipment is reversed on 05-20: in the book without it
    // 10 units were open on 05-10, so the price rise is 10 × $200 = $2,000 from 05-20, and the 4
    // units come back at $1,200: backlog 10 × $1,200 = $12,000.
    const shipped = ship('2021-05-01', { t1: 4 });
    const book = replayChecked(
      order(
        null,
        [T1],
        [
          shipped,
          amend('up', '2021-05-10', reprice('t1', 120_000)),
          reverseShipment('2021-05-20', shipped),
        ],
      ),
    );
    expect(history(book, 'milestone:t1:price:up', 'dueOn', 'amountCents')).toEqual([
      ['2021-05-10', '2021-05-20', '2021-06-20', 120_000],
      ['2021-05-20', null, '2021-06-20', 200_000],
    ]);
    expect(figures(book, COLUMNS, '2021-05-19', '2021-05-20')).toEqual([
      ['2021-05-19', 0, 0, 400_000, 0, 0, 400_000, 6, 720_000],
      ['2021-05-20', 0, 0, 0, 0, 0, 0, 10, 1_200_000],
    ]);
    expect(recognitions(book.tranches).map((x) => [x.on, x.units, x.amountCents])).toEqual([
      ['2021-05-01', 4, 400_000],
      ['2021-05-20', -4, -400_000],
    ]);
  });
});

describe('replayBook — price changes and refunds', () => {
  // 10 × $1,000 shipping 06-20 on PT-30: deposit $3,000 due 03-08, balance $7,000 due 06-01.
  const events = [
    pay('2021-03-08', 300_000),
    pay('2021-05-01', 500_000), // $5,000 of the balance: pool $8,000
    ship('2021-05-10', { t1: 4 }),
    amend('cut', '2021-05-20', reprice('t1', 40_000)),
  ];
  const book = (more: BookEvent[]): BookInput => order(PT30, [T1], [...events, ...more]);
  const r = replayChecked(book([refund('2021-06-01', 160_000), ship('2021-06-20', { t1: 6 })]));

  it('cuts the open units’ price: voids the unpaid balance, then frees the excess pool as credit', () => {
    // 05-10: 4 ship with 8,000 × 4/10 = $3,200; pool $4,800; the shipped units owe $800.
    expect(trancheOn(r, 't1', '2021-05-19')).toMatchObject({
      unitPriceCents: 100_000,
      shippedCashCents: 320_000,
      poolCents: 480_000,
    });
    // 05-20: Δ = (400 − 1,000) × 6 = −$3,600. The balance's $2,000 unpaid is voided; the pool $4,800
    // exceeds 6 × $400 = $2,400 by $2,400: $800 settles the shipped units, $1,600 becomes credit,
    // voided on the balance it had paid (paid 5,000 − 1,600 = $3,400, voided 2,000 + 1,600).
    expect(trancheOn(r, 't1', '2021-05-20')).toMatchObject({
      unitPriceCents: 40_000,
      shippedValueCents: 400_000, // the 4 shipped keep $1,000
      shippedCashCents: 400_000,
      poolCents: 240_000,
      cashCents: 640_000,
    });
    expect(instalmentOn(r, 'milestone:t1:1', '2021-05-20')).toMatchObject({
      amountCents: 700_000,
      paidCents: 340_000,
      voidedCents: 360_000,
    });
    expect(instalment(r, 'milestone:t1:1').status).toBe('paid');
    // 05-19: cash 8,000 − recognised 4,000 = liability 4,800 − receivable 800
    // 05-20: cash 8,000 − recognised 4,000 = liability (2,400 + 1,600 credit) − receivable 0
    expect(figures(r, COLUMNS, '2021-05-19', '2021-05-20')).toEqual([
      ['2021-05-19', 800_000, 0, 400_000, 0, 480_000, 80_000, 6, 600_000],
      ['2021-05-20', 800_000, 0, 400_000, 160_000, 400_000, 0, 6, 240_000],
    ]);
  });

  it('pays the credit back: cash received stays gross, liability falls to the open units’ $2,400', () => {
    expect(r.refunds).toEqual([{ id: expect.any(String), on: '2021-06-01', amountCents: 160_000 }]);
    expect(r.credit).toEqual([
      { from: '2021-03-01', to: '2021-05-20', unappliedCents: 0 },
      { from: '2021-05-20', to: '2021-06-01', unappliedCents: 160_000 },
      { from: '2021-06-01', to: null, unappliedCents: 0 },
    ]);
    // 06-01: cash 8,000 − refunded 1,600 − recognised 4,000 = liability 2,400 − receivable 0
    // 06-20: the 6 ship at $400 with the whole pool: revenue 4,000 + 2,400 = net cash $6,400
    expect(figures(r, COLUMNS, '2021-06-01', '2021-06-20')).toEqual([
      ['2021-06-01', 800_000, 160_000, 400_000, 0, 240_000, 0, 6, 240_000],
      ['2021-06-20', 800_000, 160_000, 640_000, 0, 0, 0, 0, 0],
    ]);
  });

  it('refuses a refund above the credit as of its date; refunds come after amendments', () => {
    expect(refusal(book([refund('2021-06-01', 160_001)]))).toBe('REFUND_EXCEEDS_CREDIT');
    expect(refusal(book([refund('2021-05-19', 1)]))).toBe('REFUND_EXCEEDS_CREDIT');
    expect(refusal(book([refund('2021-05-20', 160_000)]))).toBe('none');
    expect(refusal(book([refund('2021-06-01', 100_000), refund('2021-06-01', 60_000)]))).toBe(
      'none',
    );
    expect(refusal(book([refund('2021-06-01', 100_000), refund('2021-06-01', 60_001)]))).toBe(
      'REFUND_EXCEEDS_CREDIT',
    );
  });

  it('lets the cash a cut frees pay the order’s other open instalments first', () => {
    // t1, t2: 10 × $1,000 shipping 06-20, 07-20; deposit $6,000 paid; t1's $7,000 balance paid.
    // t1 to $800 on 04-10: Δ = −$2,000, nothing unpaid on t1, pool $10,000 − 10 × $800 = $2,000
    // freed (voided on t1's balance); it pays $2,000 of t2's balance, due 07-01: no credit left.
    const two = replayChecked(
      order(
        PT30,
        [T1, T2],
        [
          pay('2021-03-08', 600_000),
          pay('2021-04-01', 700_000),
          amend('cut', '2021-04-10', reprice('t1', 80_000)),
        ],
      ),
    );
    expect(instalment(two, 'milestone:t1:1')).toMatchObject({
      paidCents: 500_000,
      voidedCents: 200_000,
    });
    expect(instalment(two, 'milestone:t2:1')).toMatchObject({ paidCents: 200_000 });
    expect(trancheOn(two, 't1', '2021-04-10').poolCents).toBe(800_000);
    expect(trancheOn(two, 't2', '2021-04-10').poolCents).toBe(500_000);
    expect(balancesAsOf(two, '2021-04-10').unappliedCents).toBe(0);
  });

  it('adds a rise as one milestone due on the ship date in force, moved by a later reschedule', () => {
    // 04-10: 2 of 10 ship with 3,000 × 2/10 = $600 of the deposit; $1,400 owed.
    // 04-20: the 8 open go to $1,250: Δ = 8 × $250 = $2,000, due 06-20 (the ship date).
    // 05-01: ship date 07-20: the balance falls due 07-01, the rise 07-20.
    // 05-15: $9,000 pays the balance ($7,000) and the rise ($2,000); the shipped units' $1,400
    // first, then the pool: 2,400 + 7,600 = $10,000 = 8 × $1,250.
    const up = replayChecked(
      order(
        PT30,
        [T1],
        [
          pay('2021-03-08', 300_000),
          ship('2021-04-10', { t1: 2 }),
          amend('up', '2021-04-20', reprice('t1', 125_000)),
          amend('later', '2021-05-01', {
            type: 'reschedule',
            trancheId: 't1',
            shipDate: '2021-07-20',
          }),
          pay('2021-05-15', 900_000),
        ],
      ),
    );
    expect(instalment(up, 'milestone:t1:price:up')).toMatchObject({
      kind: 'milestone',
      trancheId: 't1',
      createdOn: '2021-04-20',
      dueOn: '2021-07-20',
      amountCents: 200_000,
      paidCents: 200_000,
      status: 'paid',
    });
    expect(history(up, 'milestone:t1:price:up', 'dueOn', 'paidCents')).toEqual([
      ['2021-04-20', '2021-05-01', '2021-06-20', 0],
      ['2021-05-01', '2021-05-15', '2021-07-20', 0],
      ['2021-05-15', null, '2021-07-20', 200_000],
    ]);
    expect(instalment(up, 'milestone:t1:1').dueOn).toBe('2021-07-01');
    expect(trancheOn(up, 't1', '2021-05-15')).toMatchObject({
      shippedCashCents: 200_000,
      poolCents: 1_000_000,
    });
    // 04-19: 8 open × $1,000; 04-20: 8 × $1,250, the 2 shipped keep $1,000.
    // 05-15: cash 12,000 − recognised 2,000 = liability 10,000 − receivable 0
    expect(figures(up, COLUMNS, '2021-04-19', '2021-04-20', '2021-05-15')).toEqual([
      ['2021-04-19', 300_000, 0, 200_000, 0, 240_000, 140_000, 8, 800_000],
      ['2021-04-20', 300_000, 0, 200_000, 0, 240_000, 140_000, 8, 1_000_000],
      ['2021-05-15', 1_200_000, 0, 200_000, 0, 1_000_000, 0, 8, 1_000_000],
    ]);
  });

  it('refuses repricing a tranche with nothing open, and a negative price', () => {
    const all = [pay('2021-03-08', 300_000), ship('2021-05-10', { t1: 10 })];
    const input = (change: AmendmentChange, more: BookEvent[] = []): BookInput =>
      order(PT30, [T1], [...more, amend('p', '2021-05-20', change)]);
    expect(refusal(input(reprice('t1', 90_000), all))).toBe('NOTHING_OPEN');
    expect(refusal(input(reprice('t1', -1)))).toBe('RangeError');
    expect(refusal(input(reprice('nope', 1)))).toBe('UNKNOWN_TRANCHE');
    expect(refusal(input(reprice('t1', 0)))).toBe('none');
  });
});

describe('replayBook — bookings', () => {
  it('books units and value at signing, added and cancelled units at the price in force, and the Δ of price changes', () => {
    // No terms. T1 10 × $1,000 (06-20), T2 5 × $2,000 (07-20).
    const r = replayChecked(
      order(
        null,
        [T1, tranche('t2', 2, 5, 200_000, '2021-07-20')],
        [
          amend('a1', '2021-04-03', {
            type: 'add_tranche',
            trancheId: 't3',
            sequence: 3,
            shipDate: '2021-08-20',
            quantity: 4,
            unitPriceCents: 150_000,
          }),
          amend('a2', '2021-04-10', { type: 'set_quantity', trancheId: 't1', quantity: 7 }),
          amend('a3', '2021-04-20', reprice('t2', 180_000)),
          amend('a4', '2021-05-05', reprice('t3', 160_000)),
          ship('2021-06-20', { t1: 7 }),
          amend('a5', '2021-06-25', { type: 'cancel', trancheId: 't2' }),
        ],
      ),
    );
    expect(r.bookings.map((b) => [b.on, b.trancheId, b.kind, b.units, b.amountCents])).toEqual([
      ['2021-03-01', 't1', 'signed', 10, 1_000_000],
      ['2021-03-01', 't2', 'signed', 5, 1_000_000],
      ['2021-04-03', 't3', 'added', 4, 600_000], // 4 × $1,500
      ['2021-04-10', 't1', 'cancelled', 3, 300_000], // 3 × $1,000
      ['2021-04-20', 't2', 'repriced', 5, -100_000], // ($1,800 − $2,000) × 5
      ['2021-05-05', 't3', 'repriced', 4, 40_000], // ($1,600 − $1,500) × 4
      ['2021-06-25', 't2', 'cancelled', 5, 900_000], // 5 × $1,800
    ]);
    // 20,000 + 6,000 − 3,000 − 1,000 + 400 − 9,000 = 13,400: t1 7 shipped at $1,000, t3 4 × $1,600
    expect(balancesAsOf(r, '2021-12-31').inForceValueCents).toBe(1_340_000);
  });

  it('books on a shipment reversal what the reversed book changes in repricing and cancelling; a payment reversal books nothing', () => {
    // No terms, 10 × $1,000 (06-20). 4 ship on 05-01; the 6 open go to $900 (Δ −$600); the 6
    // are cancelled (6 × $900). Reversed on 05-20, the book without the shipment repriced 10
    // (Δ −$1,000) and cancelled 10 (10 × $900): 4 more repriced, 4 more cancelled that day.
    const p = pay('2021-03-10', 50_000);
    const s = ship('2021-05-01', { t1: 4 });
    const r = replayChecked(
      order(
        null,
        [T1],
        [
          p,
          reversePayment('2021-03-20', p),
          s,
          amend('cut', '2021-05-10', reprice('t1', 90_000)),
          amend('end', '2021-05-15', { type: 'cancel', trancheId: 't1' }),
          reverseShipment('2021-05-20', s),
        ],
      ),
    );
    expect(r.bookings.map((b) => [b.on, b.kind, b.units, b.amountCents])).toEqual([
      ['2021-03-01', 'signed', 10, 1_000_000],
      ['2021-05-10', 'repriced', 6, -60_000],
      ['2021-05-15', 'cancelled', 6, 540_000],
      ['2021-05-20', 'repriced', 4, -40_000],
      ['2021-05-20', 'cancelled', 4, 360_000],
    ]);
    // 10,000 − 1,000 − 9,000 = 0: nothing shipped, nothing open. Before the reversal:
    // 10,000 − 600 − 5,400 = 4,000, the 4 units shipped at $1,000.
    expect(balancesAsOf(r, '2021-05-20').inForceValueCents).toBe(0);
    expect(balancesAsOf(r, '2021-05-19').inForceValueCents).toBe(400_000);
  });
});

describe('instalmentStatus', () => {
  it('is paid once settled with some cash, void once settled by voiding alone, else open', () => {
    expect(instalmentStatus(100, 100, 0)).toBe('paid');
    expect(instalmentStatus(100, 40, 60)).toBe('paid');
    expect(instalmentStatus(100, 0, 100)).toBe('void');
    expect(instalmentStatus(100, 40, 10)).toBe('open');
    expect(instalmentStatus(100, 0, 60)).toBe('open');
  });
});

describe('checkInvariant', () => {
  it('catches a book that does not add up', () => {
    const input: BookInput = {
      signedOn: '2021-03-01',
      terms: PT30,
      tranches: [tranche('t1', 1, 10, 100_000, '2021-06-20')],
      events: [pay('2021-03-08', 300_000)],
    };
    const r = replayBook(input);
    expect(() => checkInvariant(input, r, '2021-03-08')).not.toThrow();
    const leaked = structuredClone(r);
    leaked.tranches[1].poolCents -= 1;
    expect(() => checkInvariant(input, leaked, '2021-03-08')).toThrow(/invariant/);
    const missing = { ...input, events: [...input.events, pay('2021-03-09', 1)] };
    expect(() => checkInvariant(missing, r, '2021-03-09')).toThrow(/payments received/);
  });
});

describe('replayBook — options', () => {
  const exercise = (id: string, on: string, trancheId: string, quantity: number): BookEvent => ({
    kind: 'exercise',
    id,
    on,
    trancheId,
    quantity,
  });
  // t1: 10 × $1,000 firm, shipping 06-20: deposit $3,000 due 03-08, balance $7,000 due 06-01.
  // t2: no firm units, 20 option units at $2,000 shipping 09-20, exercisable until 05-31.
  const withOptions = (events: BookEvent[]): BookInput => ({
    signedOn: '2021-03-01',
    terms: PT30,
    tranches: [
      tranche('t1', 1, 10, 100_000, '2021-06-20'),
      {
        ...tranche('t2', 2, 0, 200_000, '2021-09-20'),
        optionQuantity: 20,
        optionExerciseBy: '2021-05-31',
      },
    ],
    events,
  });
  const code = (events: BookEvent[]) => {
    try {
      replayBook(withOptions(events));
    } catch (e) {
      return e instanceof BookRuleError ? e.code : String(e);
    }
    return 'none';
  };

  it('bills nothing for option units and keeps them out of the backlog', () => {
    const r = replayChecked(withOptions([]));
    expect(r.instalments.map((i) => [i.key, i.dueOn, i.amountCents])).toEqual([
      ['deposit', '2021-03-08', 300_000],
      ['milestone:t1:1', '2021-06-01', 700_000],
    ]);
    expect(trancheOn(r, 't2', '2021-03-01')).toMatchObject({
      quantity: 0,
      openUnits: 0,
      optionUnits: 20,
      exercisedUnits: 0,
    });
    expect(balancesAsOf(r, '2021-03-01')).toMatchObject({
      backlogUnits: 10,
      backlogValueCents: 1_000_000,
    });
    // Nothing booked for t2 at signing: only t1's $10,000.
    expect(r.bookings).toEqual([
      { trancheId: 't1', on: '2021-03-01', kind: 'signed', units: 10, amountCents: 1_000_000 },
    ]);
  });

  it('bills exercised units as added units, each exercise with its own deposit and balance', () => {
    // E1 04-10: 5 × $2,000 = $10,000: deposit $3,000 due 04-17, balance $7,000 due 09-01 (09-20 − 19).
    // E2 05-31 (the last day): 3 × $2,000 = $6,000: deposit $1,800 due 06-07, balance $4,200 due 09-01.
    // $1,000 of credit from 04-01 pays the first deposit in part on 04-10.
    const r = replayChecked(
      withOptions([
        pay('2021-03-08', 300_000),
        pay('2021-04-01', 100_000),
        exercise('e1', '2021-04-10', 't2', 5),
        exercise('e2', '2021-05-31', 't2', 3),
      ]),
    );
    expect(r.instalments.map((i) => [i.key, i.createdOn, i.dueOn, i.amountCents])).toEqual([
      ['deposit', '2021-03-01', '2021-03-08', 300_000],
      ['milestone:t1:1', '2021-03-01', '2021-06-01', 700_000],
      ['deposit:e1:t2', '2021-04-10', '2021-04-17', 300_000],
      ['milestone:t2:1:e1', '2021-04-10', '2021-09-01', 700_000],
      ['deposit:e2:t2', '2021-05-31', '2021-06-07', 180_000],
      ['milestone:t2:1:e2', '2021-05-31', '2021-09-01', 420_000],
    ]);
    // The $1,000 paid on 04-01 went to t1's balance (the only open instalment then).
    expect(instalmentOn(r, 'milestone:t1:1', '2021-04-10')?.paidCents).toBe(100_000);
    expect(trancheOn(r, 't2', '2021-04-09')).toMatchObject({ quantity: 0, optionUnits: 20 });
    expect(trancheOn(r, 't2', '2021-04-10')).toMatchObject({
      quantity: 5,
      openUnits: 5,
      optionUnits: 15,
      exercisedUnits: 5,
    });
    expect(trancheOn(r, 't2', '2021-05-31')).toMatchObject({
      quantity: 8,
      openUnits: 8,
      optionUnits: 12,
      exercisedUnits: 8,
    });
    // Backlog after both: 10 × $1,000 + 8 × $2,000 = $26,000.
    expect(balancesAsOf(r, '2021-06-01')).toMatchObject({
      backlogUnits: 18,
      backlogValueCents: 2_600_000,
    });
    expect(r.bookings.filter((b) => b.kind === 'added')).toEqual([
      { trancheId: 't2', on: '2021-04-10', kind: 'added', units: 5, amountCents: 1_000_000 },
      { trancheId: 't2', on: '2021-05-31', kind: 'added', units: 3, amountCents: 600_000 },
    ]);
  });

  it('pays an exercise’s instalments from credit already received', () => {
    // $13,000 on 03-08: $3,000 deposit, $7,000 balance, $3,000 credit; E1 04-10 ($10,000) takes it
    // for its $3,000 deposit.
    const r = replayChecked(
      withOptions([pay('2021-03-08', 1_300_000), exercise('e1', '2021-04-10', 't2', 5)]),
    );
    expect(segmentOn(r.credit, '2021-04-09')?.unappliedCents).toBe(300_000);
    expect(segmentOn(r.credit, '2021-04-10')?.unappliedCents).toBe(0);
    expect(instalmentOn(r, 'deposit:e1:t2', '2021-04-10')?.paidCents).toBe(300_000);
    expect(trancheOn(r, 't2', '2021-04-10').poolCents).toBe(300_000);
  });

  it('refuses more than remain, after the exercise-by date, and on a tranche without options', () => {
    expect(code([exercise('e1', '2021-04-10', 't2', 21)])).toBe('OPTION_EXCEEDED');
    expect(
      code([exercise('e1', '2021-04-10', 't2', 15), exercise('e2', '2021-04-11', 't2', 6)]),
    ).toBe('OPTION_EXCEEDED');
    // Recorded later but dated earlier: from 04-10 on, 18 + 5 > 20.
    expect(
      code([exercise('e1', '2021-04-10', 't2', 18), exercise('e2', '2021-04-01', 't2', 5)]),
    ).toBe('OPTION_EXCEEDED');
    expect(code([exercise('e1', '2021-06-01', 't2', 1)])).toBe('OPTION_LAPSED');
    expect(code([exercise('e1', '2021-04-10', 't1', 1)])).toBe('NOT_AN_OPTION');
    expect(code([exercise('e1', '2021-05-31', 't2', 20)])).toBe('none');
  });

  it('ends the options of a cancelled tranche with no money effect, and refuses exercising them', () => {
    const cancel = amend('c', '2021-04-01', { type: 'cancel', trancheId: 't2' });
    const r = replayChecked(withOptions([pay('2021-03-08', 300_000), cancel]));
    expect(trancheOn(r, 't2', '2021-04-01')).toMatchObject({ optionUnits: 0, cancelledUnits: 0 });
    expect(r.forfeitures).toEqual([]);
    expect(balancesAsOf(r, '2021-04-01').contractLiabilityCents).toBe(300_000);
    expect(code([cancel, exercise('e1', '2021-04-10', 't2', 1)])).toBe('OPTION_EXCEEDED');
  });
});
