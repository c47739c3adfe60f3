import { balancesAsOf, checkInvariant, instalmentStatus, replayBook, segmentOn } from './book';
import {
  BookChange,
  BookEvent,
  BookInput,
  BookResult,
  BookRuleError,
  BookTranche,
  TermsSnapshot,
  TrancheSegment,
} from './book.types';

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
const amend = (id: string, on: string, ...changes: BookChange[]): BookEvent => ({
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

describe('replayBook — speed', () => {
  it('replays 6 tranches and 20 events well under a millisecond', () => {
    const tranches = [3, 4, 5, 6, 7, 8].map((m, i) =>
      tranche(`t${i + 1}`, i + 1, 1000, 306_000, `2021-0${m}-20`),
    );
    const events: BookEvent[] = [pay('2021-02-14', 550_800_000)];
    for (const [i, m] of [3, 4, 5, 6].entries()) {
      events.push(pay(`2021-0${m}-01`, 214_200_000));
      events.push(ship(`2021-0${m}-10`, { [`t${i + 1}`]: 400 }));
      events.push(ship(`2021-0${m}-20`, { [`t${i + 1}`]: 600 }));
    }
    events.push(
      amend('a1', '2021-04-02', { type: 'reschedule', trancheId: 't6', shipDate: '2021-09-20' }),
      amend('a2', '2021-04-03', { type: 'set_quantity', trancheId: 't5', quantity: 1200 }),
      amend('a3', '2021-04-04', { type: 'set_quantity', trancheId: 't6', quantity: 800 }),
      pay('2021-04-10', 18_360_000), // 30 % of the 200 added units
      pay('2021-07-01', 100_000_000),
      pay('2021-07-15', 50_000_000),
      ship('2021-07-20', { t5: 1200 }),
    );
    const input: BookInput = { signedOn: '2021-02-07', terms: PT30, tranches, events };
    expect(input.events.length).toBe(20);
    replayChecked(input);
    const runs = 2000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < runs; i++) replayBook(input);
    const perReplayMs = Number(process.hrtime.bigint() - start) / 1e6 / runs;
    expect(perReplayMs).toBeLessThan(1);
  });
});
