/**
 * The demo book as plain data: product line, payment terms, customers with their CRM history, and
 * purchase orders with the business events they went through. Pure and deterministic: the same
 * `today` gives the same plan (a seeded PRNG, no Math.random), and every date is chosen so that the
 * services accept it (events between signing and today, ship dates after signing).
 */
import { addDays } from '../common/dates';
import type { Role } from '../common/request-context';
import type { ActivityType } from '../customers/activities/activity.entity';
import type { CustomerStatus, Segment } from '../customers/customer.entity';
import type { Stage } from '../customers/opportunities/opportunity.entity';

export interface DemoModel {
  sku: string;
  name: string;
  series: string;
  hashrateThs: number;
  powerW: number;
  listPrice: string;
  releasedOn: string;
  /** Set to end_of_life once its historical orders are in (an EOL model cannot be ordered). */
  endOfLife: boolean;
}

export interface DemoTerms {
  code: string;
  name: string;
  depositPercent: number;
  depositDueDays: number;
  milestones: { percent: number; dueDaysFromShip: number }[];
}

export interface DemoContact {
  name: string;
  email: string;
  phone: string;
  title: string;
  isPrimary: boolean;
}

/** A person of the demo company, one per role; they sign in (see seed.ts for passwords). */
export interface DemoUser {
  email: string;
  name: string;
  role: Role;
}

export interface DemoActivity {
  /** The demo user's email it is assigned to. */
  assignee: string;
  type: ActivityType;
  subject: string;
  body?: string;
  /** ISO instant, in the past. */
  occurredAt: string;
  dueOn?: string;
  completedAt?: string;
}

export interface DemoCustomer {
  key: string;
  name: string;
  legalName: string;
  segment: Segment;
  country: string;
  status: CustomerStatus;
  externalRef: string;
  accountOwner: string;
  /** The demo user's email who owns the account. */
  owner: string;
  defaultPaymentTermsCode: string | null;
  contacts: DemoContact[];
  activities: DemoActivity[];
}

export interface DemoOpportunity {
  customer: string;
  /** The demo user's email who owns the deal: the account's owner. */
  owner: string;
  sku: string;
  quantity: number;
  unitPrice?: string;
  stage: Stage;
  expectedCloseOn: string;
  firstDeliveryOn?: string;
  /**
   * Converted into a draft signed on this date, which was then deleted (the opportunity is back
   * in negotiation, to be converted again).
   */
  withdrawnDraftSignedOn?: string;
}

export interface DemoTranche {
  shipDate: string;
  quantity: number;
  /** Measured TH/s of the whole tranche when it ships (a line priced per TH/s). */
  deliveredThs?: number;
  /** An option tranche: its units are options the customer may exercise until this date. */
  optionExerciseBy?: string;
}

/** Priced per unit (`unitPrice`) or per TH/s (`pricePerThs`). */
export interface DemoLine {
  sku: string;
  unitPrice?: string;
  pricePerThs?: string;
  tranches: DemoTranche[];
}

/** A tranche of the order as signed: its line and its place on the line. */
export interface TrancheRef {
  line: number;
  tranche: number;
}

export type DemoChange =
  | (TrancheRef & { shipDate: string })
  | (TrancheRef & { quantity: number })
  | (TrancheRef & { unitPrice: string });

/** What finance corrected after the fact, each on its business date. */
export type DemoCorrection =
  /** A payment beyond the schedule (a wire sent twice): unapplied credit. */
  | { kind: 'overpayment'; on: string; amount: string; reference: string }
  /** Unapplied credit paid back. */
  | { kind: 'refund'; on: string; amount: string; reference: string }
  /** The last payment received by `on` is reversed on `on`; nothing more is paid before `repaidOn`. */
  | { kind: 'payment_reversal'; on: string; reason: string; repaidOn: string }
  /** The shipment of `shippedOn` is reversed on `on`; its units ship again on `reshippedOn`. */
  | {
      kind: 'shipment_reversal';
      shippedOn: string;
      on: string;
      reason: string;
      reshippedOn: string;
    };

export interface DemoAmendment {
  effectiveOn: string;
  reason: string;
  changes: DemoChange[];
}

export interface DemoOrder {
  key: string;
  customer: string;
  signedOn: string;
  paymentTermsCode: string;
  customerReference: string;
  externalRef: string;
  lines: DemoLine[];
  /** Drafts stay drafts: never confirmed, shipped or billed. */
  draft: boolean;
  amendments: DemoAmendment[];
  cancellation?: { effectiveOn: string; reason: string };
  corrections: DemoCorrection[];
  /** Days between an instalment's due date and the payment (never before signing, never after today). */
  payLagDays: number;
  /** Instalments due after this date stay unpaid (a late payer); defaults to today. */
  payThrough?: string;
  /** Percent of nominal TH/s a shipment may miss without a true-up (lines priced per TH/s). */
  hashrateTolerancePercent?: number;
  /** Option units exercised, each on its date (between signing and today). */
  exercises?: (TrancheRef & { on: string; quantity: number })[];
}

export interface DemoCapacity {
  sku: string;
  /** YYYY-MM */
  month: string;
  units: number;
}

export interface DemoBook {
  today: string;
  users: DemoUser[];
  models: DemoModel[];
  terms: DemoTerms[];
  customers: DemoCustomer[];
  opportunities: DemoOpportunity[];
  /** In signing order, so order numbers rise with signing dates. */
  orders: DemoOrder[];
  capacity: DemoCapacity[];
  /** Factory capacity held for open quotes. */
  holds: DemoHold[];
}

export interface DemoHold {
  customer: string;
  sku: string;
  quantity: number;
  expiresOn: string;
  note: string;
}

const JONAS = 'jonas.berg@hashbook.example';
const MEI = 'mei.lin@hashbook.example';
const AMARA = 'amara.osei@hashbook.example';

/** One person per role: the head of sales is the admin, and Mei Lin sells. */
export const DEMO_USERS: DemoUser[] = [
  { email: JONAS, name: 'Jonas Berg', role: 'admin' },
  { email: MEI, name: 'Mei Lin', role: 'sales' },
  { email: AMARA, name: 'Amara Osei', role: 'finance' },
  { email: 'kenji.sato@hashbook.example', name: 'Kenji Sato', role: 'operations' },
  { email: 'lars.eriksen@hashbook.example', name: 'Lars Eriksen', role: 'erp' },
  { email: 'sofia.rossi@hashbook.example', name: 'Sofia Rossi', role: 'viewer' },
];

/**
 * Who owns the accounts of each account owner named in the imported data (free text): the two
 * people who sell share the four names.
 */
const OWNER_OF: Record<string, string> = {
  'Jonas Berg': JONAS,
  'Priya Nair': JONAS,
  'Mei Lin': MEI,
  'Carlos Mendes': MEI,
};

/** mulberry32: small, fast, good enough for demo data, and the same on every machine. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The date on `day` of the month `offset` months after the month of `date` (day ≤ 28 stays valid). */
export function monthDay(date: string, offset: number, day: number): string {
  const [y, m] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1 + offset, day)).toISOString().slice(0, 10);
}

export function monthOf(date: string, offset = 0): string {
  return monthDay(date, offset, 1).slice(0, 7);
}

function dayOf(date: string): number {
  return Number(date.slice(8, 10));
}

const MODELS: DemoModel[] = [
  {
    sku: 'A1166PRO',
    name: 'AvalonMiner A1166 Pro',
    series: 'AvalonMiner',
    hashrateThs: 81,
    powerW: 3402,
    listPrice: '2650.00',
    releasedOn: '2020-04-15',
    endOfLife: true,
  },
  {
    sku: 'A1246',
    name: 'AvalonMiner A1246',
    series: 'AvalonMiner',
    hashrateThs: 90,
    powerW: 3420,
    listPrice: '3060.00',
    releasedOn: '2020-12-10',
    endOfLife: false,
  },
  {
    sku: 'A1266',
    name: 'AvalonMiner A1266',
    series: 'AvalonMiner',
    hashrateThs: 100,
    powerW: 3500,
    listPrice: '3290.00',
    releasedOn: '2022-03-01',
    endOfLife: false,
  },
  {
    sku: 'A1346',
    name: 'AvalonMiner A1346',
    series: 'AvalonMiner',
    hashrateThs: 110,
    powerW: 3300,
    listPrice: '3690.00',
    releasedOn: '2023-05-18',
    endOfLife: false,
  },
  {
    sku: 'A1466',
    name: 'AvalonMiner A1466',
    series: 'AvalonMiner',
    hashrateThs: 150,
    powerW: 3230,
    listPrice: '4650.00',
    releasedOn: '2024-06-20',
    endOfLife: false,
  },
  {
    sku: 'A1566',
    name: 'AvalonMiner A1566',
    series: 'AvalonMiner',
    hashrateThs: 185,
    powerW: 3420,
    listPrice: '5490.00',
    releasedOn: '2025-04-10',
    endOfLife: false,
  },
];

const TERMS: DemoTerms[] = [
  {
    code: 'PT-30',
    name: '30 % deposit at signing, 70 % of each tranche 19 days before it ships',
    depositPercent: 30,
    depositDueDays: 7,
    milestones: [{ percent: 70, dueDaysFromShip: -19 }],
  },
  {
    code: 'PT-50/40',
    name: '50 % deposit at signing, 50 % of each tranche 40 days before it ships',
    depositPercent: 50,
    depositDueDays: 7,
    milestones: [{ percent: 50, dueDaysFromShip: -40 }],
  },
  {
    code: 'PT-20/30/30/20',
    name: '20 % deposit, 30 % 30 days and 30 % 7 days before shipping, 20 % 270 days after',
    depositPercent: 20,
    depositDueDays: 7,
    milestones: [
      { percent: 30, dueDaysFromShip: -30 },
      { percent: 30, dueDaysFromShip: -7 },
      { percent: 20, dueDaysFromShip: 270 },
    ],
  },
  {
    code: 'NET-0',
    name: 'No deposit, each tranche paid in full on its ship date',
    depositPercent: 0,
    depositDueDays: 0,
    milestones: [{ percent: 100, dueDaysFromShip: 0 }],
  },
];

type CustomerSeed = Omit<DemoCustomer, 'contacts' | 'activities' | 'externalRef' | 'owner'> & {
  domain: string;
  phonePrefix: string;
  people: [string, string][];
};

const CUSTOMERS: CustomerSeed[] = [
  {
    key: 'core',
    name: 'Core Scientific',
    legalName: 'Core Scientific, Inc.',
    segment: 'public_miner',
    country: 'US',
    status: 'active',
    accountOwner: 'Mei Lin',
    defaultPaymentTermsCode: 'PT-30',
    domain: 'corescientific.example',
    phonePrefix: '+1 512 555',
    people: [
      ['Dana Whitfield', 'VP Procurement'],
      ['Marcus Ortega', 'Director of Fleet Deployment'],
    ],
  },
  {
    key: 'hive',
    name: 'HIVE Blockchain',
    legalName: 'HIVE Blockchain Technologies Ltd.',
    segment: 'public_miner',
    country: 'CA',
    status: 'active',
    accountOwner: 'Mei Lin',
    defaultPaymentTermsCode: 'PT-50/40',
    domain: 'hiveblockchain.example',
    phonePrefix: '+1 604 555',
    people: [
      ['Aidan Kearney', 'Chief Operating Officer'],
      ['Sofia Brandt', 'Procurement Manager'],
    ],
  },
  {
    key: 'nordic',
    name: 'Nordic Hash AS',
    legalName: 'Nordic Hash AS',
    segment: 'hosting_provider',
    country: 'NO',
    status: 'active',
    accountOwner: 'Jonas Berg',
    defaultPaymentTermsCode: 'PT-30',
    domain: 'nordichash.example',
    phonePrefix: '+47 22 55',
    people: [
      ['Ingrid Solberg', 'CEO'],
      ['Henrik Dahl', 'Head of Data Centre Operations'],
    ],
  },
  {
    key: 'andes',
    name: 'Andes Mining SpA',
    legalName: 'Andes Mining SpA',
    segment: 'public_miner',
    country: 'CL',
    status: 'active',
    accountOwner: 'Carlos Mendes',
    defaultPaymentTermsCode: 'PT-50/40',
    domain: 'andesmining.example',
    phonePrefix: '+56 2 2555',
    people: [['Valentina Rojas', 'Gerente de Operaciones']],
  },
  {
    key: 'gulf',
    name: 'Gulf Compute FZE',
    legalName: 'Gulf Compute FZE',
    segment: 'hosting_provider',
    country: 'AE',
    status: 'active',
    accountOwner: 'Priya Nair',
    defaultPaymentTermsCode: 'PT-20/30/30/20',
    domain: 'gulfcompute.example',
    phonePrefix: '+971 4 555',
    people: [
      ['Omar Al Mansouri', 'Managing Director'],
      ['Rahul Menon', 'Procurement Lead'],
    ],
  },
  {
    key: 'steppe',
    name: 'Steppe Energy LLP',
    legalName: 'Steppe Energy LLP',
    segment: 'hosting_provider',
    country: 'KZ',
    status: 'active',
    accountOwner: 'Jonas Berg',
    defaultPaymentTermsCode: 'PT-50/40',
    domain: 'steppeenergy.example',
    phonePrefix: '+7 727 555',
    people: [['Aigerim Nurlanovna', 'Commercial Director']],
  },
  {
    key: 'pacific',
    name: 'Pacific Rim Hosting Pty',
    legalName: 'Pacific Rim Hosting Pty Ltd',
    segment: 'hosting_provider',
    country: 'AU',
    status: 'active',
    accountOwner: 'Priya Nair',
    defaultPaymentTermsCode: 'PT-30',
    domain: 'pacificrimhosting.example',
    phonePrefix: '+61 2 5550',
    people: [['Liam Gallagher', 'Chief Technology Officer']],
  },
  {
    key: 'thames',
    name: 'Thames Digital Assets Fund',
    legalName: 'Thames Digital Assets Fund LP',
    segment: 'investment_fund',
    country: 'GB',
    status: 'active',
    accountOwner: 'Jonas Berg',
    defaultPaymentTermsCode: 'PT-20/30/30/20',
    domain: 'thamesdaf.example',
    phonePrefix: '+44 20 7946',
    people: [
      ['Charlotte Hughes', 'Partner'],
      ['Edward Pike', 'Investment Analyst'],
    ],
  },
  {
    key: 'helvetia',
    name: 'Helvetia Hash Capital AG',
    legalName: 'Helvetia Hash Capital AG',
    segment: 'investment_fund',
    country: 'CH',
    status: 'active',
    accountOwner: 'Jonas Berg',
    defaultPaymentTermsCode: 'PT-30',
    domain: 'helvetiahash.example',
    phonePrefix: '+41 44 555',
    people: [['Lukas Meier', 'Portfolio Manager']],
  },
  {
    key: 'lonestar',
    name: 'Lone Star Digital Mining',
    legalName: 'Lone Star Digital Mining Inc.',
    segment: 'public_miner',
    country: 'US',
    status: 'active',
    accountOwner: 'Mei Lin',
    defaultPaymentTermsCode: 'PT-30',
    domain: 'lonestardigital.example',
    phonePrefix: '+1 432 555',
    people: [
      ['Travis McCoy', 'Chief Executive Officer'],
      ['Jenna Alvarez', 'Head of Supply Chain'],
    ],
  },
  {
    key: 'greatlakes',
    name: 'Great Lakes Bitcoin',
    legalName: 'Great Lakes Bitcoin Corp.',
    segment: 'public_miner',
    country: 'CA',
    status: 'active',
    accountOwner: 'Mei Lin',
    defaultPaymentTermsCode: 'PT-50/40',
    domain: 'greatlakesbtc.example',
    phonePrefix: '+1 416 555',
    people: [['Nathalie Tremblay', 'VP Mining Operations']],
  },
  {
    key: 'parana',
    name: 'Paraná Hydro Data',
    legalName: 'Paraná Hydro Data S.A.',
    segment: 'hosting_provider',
    country: 'PY',
    status: 'active',
    accountOwner: 'Carlos Mendes',
    defaultPaymentTermsCode: 'NET-0',
    domain: 'paranahydro.example',
    phonePrefix: '+595 21 555',
    people: [['Diego Benítez', 'Director General']],
  },
  {
    key: 'whitaker',
    name: 'Whitaker Ranch Mining',
    legalName: 'Dale Whitaker',
    segment: 'individual_operator',
    country: 'US',
    status: 'active',
    accountOwner: 'Carlos Mendes',
    defaultPaymentTermsCode: 'NET-0',
    domain: 'whitakerranch.example',
    phonePrefix: '+1 307 555',
    people: [['Dale Whitaker', 'Owner']],
  },
  {
    key: 'borneo',
    name: 'Borneo Hydro Mining',
    legalName: 'Borneo Hydro Mining Sdn Bhd',
    segment: 'public_miner',
    country: 'MY',
    status: 'inactive',
    accountOwner: 'Priya Nair',
    defaultPaymentTermsCode: 'NET-0',
    domain: 'borneohydro.example',
    phonePrefix: '+60 82 555',
    people: [['Farid Rahman', 'Operations Manager']],
  },
  {
    key: 'sakura',
    name: 'Sakura Digital Infrastructure Fund',
    legalName: 'Sakura Digital Infrastructure Fund KK',
    segment: 'investment_fund',
    country: 'JP',
    status: 'prospect',
    accountOwner: 'Priya Nair',
    defaultPaymentTermsCode: 'PT-20/30/30/20',
    domain: 'sakuradif.example',
    phonePrefix: '+81 3 5550',
    people: [['Haruto Sato', 'Investment Director']],
  },
  {
    key: 'rift',
    name: 'Rift Valley Compute PLC',
    legalName: 'Rift Valley Compute PLC',
    segment: 'hosting_provider',
    country: 'ET',
    status: 'prospect',
    accountOwner: 'Carlos Mendes',
    defaultPaymentTermsCode: 'PT-50/40',
    domain: 'riftvalleycompute.example',
    phonePrefix: '+251 11 555',
    people: [['Selam Tesfaye', 'Chief Executive Officer']],
  },
  {
    key: 'ilves',
    name: 'Kaspar Ilves',
    legalName: 'Kaspar Ilves',
    segment: 'individual_operator',
    country: 'EE',
    status: 'prospect',
    accountOwner: 'Jonas Berg',
    defaultPaymentTermsCode: 'NET-0',
    domain: 'ilves.example',
    phonePrefix: '+372 5555',
    people: [['Kaspar Ilves', 'Owner']],
  },
];

/** One living order: `count` monthly tranches from `firstMonth` (months after today's month). */
interface LivingLine {
  sku: string;
  unitPrice?: string;
  /** Instead of unitPrice; each shipped tranche then delivers `delivered[i]` × its nominal TH/s. */
  pricePerThs?: string;
  delivered?: number[];
  firstMonth: number;
  count: number;
  quantity: number;
  day: number;
}

interface LivingOrder {
  key: string;
  customer: string;
  signedDaysAgo: number;
  terms: string;
  lines: LivingLine[];
  draft?: boolean;
  hashrateTolerancePercent?: number;
}

const LIVING: LivingOrder[] = [
  {
    key: 'nordic-a1466',
    customer: 'nordic',
    signedDaysAgo: 330,
    terms: 'PT-30',
    lines: [
      { sku: 'A1466', unitPrice: '4480.00', firstMonth: -9, count: 14, quantity: 1000, day: 12 },
    ],
  },
  {
    key: 'greatlakes-a1346',
    customer: 'greatlakes',
    signedDaysAgo: 285,
    terms: 'PT-50/40',
    lines: [
      { sku: 'A1346', unitPrice: '3660.00', firstMonth: -8, count: 14, quantity: 900, day: 10 },
    ],
  },
  {
    key: 'andes-a1346',
    customer: 'andes',
    signedDaysAgo: 260,
    terms: 'PT-50/40',
    lines: [
      { sku: 'A1346', unitPrice: '3620.00', firstMonth: -7, count: 12, quantity: 1200, day: 8 },
    ],
  },
  {
    key: 'hive-a1466',
    customer: 'hive',
    signedDaysAgo: 240,
    terms: 'PT-50/40',
    lines: [
      { sku: 'A1466', unitPrice: '4500.00', firstMonth: -6, count: 12, quantity: 500, day: 25 },
    ],
  },
  {
    key: 'gulf-a1566',
    customer: 'gulf',
    signedDaysAgo: 210,
    terms: 'PT-20/30/30/20',
    lines: [
      { sku: 'A1566', unitPrice: '5390.00', firstMonth: -5, count: 13, quantity: 1500, day: 18 },
    ],
  },
  {
    key: 'steppe-a1266',
    customer: 'steppe',
    signedDaysAgo: 170,
    terms: 'PT-50/40',
    lines: [
      { sku: 'A1266', unitPrice: '3250.00', firstMonth: -4, count: 13, quantity: 1000, day: 25 },
    ],
  },
  {
    key: 'andes-a1266',
    customer: 'andes',
    signedDaysAgo: 150,
    terms: 'PT-50/40',
    lines: [
      { sku: 'A1266', unitPrice: '3280.00', firstMonth: 1, count: 4, quantity: 600, day: 22 },
    ],
  },
  {
    key: 'pacific-a1466-a1566',
    customer: 'pacific',
    signedDaysAgo: 125,
    terms: 'PT-30',
    lines: [
      { sku: 'A1466', unitPrice: '4520.00', firstMonth: -2, count: 6, quantity: 800, day: 15 },
      { sku: 'A1566', unitPrice: '5420.00', firstMonth: 4, count: 6, quantity: 700, day: 15 },
    ],
  },
  {
    key: 'parana-a1346',
    customer: 'parana',
    signedDaysAgo: 110,
    terms: 'NET-0',
    lines: [
      { sku: 'A1346', unitPrice: '3700.00', firstMonth: -2, count: 10, quantity: 600, day: 3 },
    ],
  },
  {
    key: 'thames-a1566',
    customer: 'thames',
    signedDaysAgo: 95,
    terms: 'PT-20/30/30/20',
    lines: [
      { sku: 'A1566', unitPrice: '5350.00', firstMonth: 1, count: 10, quantity: 1800, day: 20 },
    ],
  },
  {
    key: 'whitaker-a1466',
    customer: 'whitaker',
    signedDaysAgo: 75,
    terms: 'NET-0',
    lines: [
      { sku: 'A1466', unitPrice: '4650.00', firstMonth: 0, count: 3, quantity: 100, day: 14 },
    ],
  },
  {
    // Priced per TH/s: 30.00 × 150 TH/s = 4,500.00 a unit, trued up beyond 3 % of nominal. Of the
    // tranches shipped, the first delivered 95.5 % (a true-up down), the second 101.2 % (inside
    // the tolerance), the third 104.6 % (a true-up up); the fourth was not measured.
    key: 'steppe-a1466-ths',
    customer: 'steppe',
    signedDaysAgo: 160,
    terms: 'PT-30',
    hashrateTolerancePercent: 3,
    lines: [
      {
        sku: 'A1466',
        pricePerThs: '30.00',
        delivered: [0.955, 1.012, 1.046],
        firstMonth: -4,
        count: 8,
        quantity: 400,
        day: 18,
      },
    ],
  },
  {
    key: 'helvetia-a1466',
    customer: 'helvetia',
    signedDaysAgo: 65,
    terms: 'PT-30',
    lines: [
      { sku: 'A1466', unitPrice: '4600.00', firstMonth: 2, count: 8, quantity: 1500, day: 5 },
    ],
  },
  {
    key: 'lonestar-a1566',
    customer: 'lonestar',
    signedDaysAgo: 48,
    terms: 'PT-30',
    lines: [
      { sku: 'A1566', unitPrice: '5450.00', firstMonth: 1, count: 12, quantity: 1800, day: 28 },
    ],
  },
  {
    key: 'core-a1566',
    customer: 'core',
    signedDaysAgo: 35,
    terms: 'PT-30',
    lines: [
      { sku: 'A1566', unitPrice: '5300.00', firstMonth: 2, count: 10, quantity: 1500, day: 20 },
    ],
  },
  {
    key: 'nordic-a1566',
    customer: 'nordic',
    signedDaysAgo: 20,
    terms: 'PT-30',
    lines: [
      { sku: 'A1566', unitPrice: '5380.00', firstMonth: 5, count: 8, quantity: 1000, day: 12 },
    ],
  },
  {
    key: 'rift-a1346',
    customer: 'rift',
    signedDaysAgo: 4,
    terms: 'PT-50/40',
    lines: [
      { sku: 'A1346', unitPrice: '3650.00', firstMonth: 3, count: 2, quantity: 600, day: 15 },
    ],
    draft: true,
  },
  {
    key: 'sakura-a1566',
    customer: 'sakura',
    signedDaysAgo: 2,
    terms: 'PT-20/30/30/20',
    lines: [
      { sku: 'A1566', unitPrice: '5400.00', firstMonth: 6, count: 3, quantity: 1000, day: 10 },
    ],
    draft: true,
  },
  // Two firm tranches and an option on a third (see withHistory).
  {
    key: 'hive-a1566-options',
    customer: 'hive',
    signedDaysAgo: 50,
    terms: 'PT-30',
    lines: [
      { sku: 'A1566', unitPrice: '5360.00', firstMonth: 3, count: 2, quantity: 400, day: 16 },
    ],
  },
];

/**
 * Monthly factory output per model from this month on (0 = none). Chosen so the plan shows all
 * three states: most tranches on time (some built ahead), A1346 and A1266 running late, and the
 * last A1566 tranches unscheduled because its line is only planned for twelve months; spare A1246
 * capacity answers the availability question for new orders.
 */
const CAPACITY: { sku: string; units: (monthOffset: number) => number }[] = [
  { sku: 'A1566', units: (m) => (m < 12 ? 6000 : 0) },
  { sku: 'A1466', units: () => 2500 },
  { sku: 'A1346', units: (m) => (m < 6 ? 2000 : 1200) },
  { sku: 'A1266', units: (m) => (m < 6 ? 1000 : 800) },
  // The A1246 line runs down over six months: "6,000 more A1246?" has an answer (four months).
  { sku: 'A1246', units: (m) => (m < 6 ? 1500 : 0) },
];
const CAPACITY_MONTHS = 18;

/** Builds the whole demo book for `today` (YYYY-MM-DD). */
export function planDemoBook(today: string): DemoBook {
  const random = prng(0x41313234); // "A124"
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

  const customers = CUSTOMERS.map((c, index) => planCustomer(c, index, today, int));
  const ownerOf = new Map(customers.map((c) => [c.key, c.owner]));
  const orders: DemoOrder[] = [...historicalOrders(), ...livingOrders(today, int)];
  orders.sort((a, b) => (a.signedOn < b.signedOn ? -1 : a.signedOn > b.signedOn ? 1 : 0));

  const capacity: DemoCapacity[] = [];
  for (const line of CAPACITY) {
    for (let m = 0; m < CAPACITY_MONTHS; m++) {
      const units = line.units(m);
      if (units > 0) capacity.push({ sku: line.sku, month: monthOf(today, m), units });
    }
  }

  return {
    today,
    users: DEMO_USERS.map((u) => ({ ...u })),
    models: MODELS.map((m) => ({ ...m })),
    terms: TERMS.map((t) => ({ ...t, milestones: t.milestones.map((m) => ({ ...m })) })),
    customers,
    opportunities: opportunities(today).map((o) => ({ ...o, owner: ownerOf.get(o.customer)! })),
    orders,
    capacity,
    // The two quotes in negotiation and proposal hold their units while the customers decide.
    holds: [
      {
        customer: 'sakura',
        sku: 'A1566',
        quantity: 3000,
        expiresOn: addDays(today, 14),
        note: 'Quote for 3,000 A1566, in negotiation',
      },
      {
        customer: 'rift',
        sku: 'A1346',
        quantity: 1200,
        expiresOn: addDays(today, 30),
        note: 'Quote for 1,200 A1346, proposal sent',
      },
    ],
  };
}

/** The two public orders of 2021 and one A1166 Pro order from before the model's end of life. */
function historicalOrders(): DemoOrder[] {
  const months = (year: number, first: number, count: number, day: number, quantity: number) =>
    Array.from({ length: count }, (_, i) => ({
      shipDate: `${year}-${String(first + i).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
      quantity,
    }));
  return [
    {
      key: 'borneo-a1166pro',
      customer: 'borneo',
      signedOn: '2020-09-15',
      paymentTermsCode: 'NET-0',
      customerReference: 'BHM-2020-014',
      externalRef: 'ERP-SO-2020-0142',
      lines: [{ sku: 'A1166PRO', unitPrice: '2480.00', tranches: months(2020, 10, 2, 30, 1000) }],
      draft: false,
      amendments: [],
      corrections: [],
      payLagDays: 0,
    },
    {
      key: 'hive-a1246',
      customer: 'hive',
      signedOn: '2021-01-23',
      paymentTermsCode: 'PT-50/40',
      customerReference: 'HIVE-PO-2021-003',
      externalRef: 'ERP-SO-2021-0007',
      lines: [{ sku: 'A1246', unitPrice: '3060.00', tranches: months(2021, 2, 8, 25, 800) }],
      draft: false,
      amendments: [],
      // Every instalment paid by 2021-08-16; the last milestone's wire came twice.
      corrections: [
        {
          kind: 'overpayment',
          on: '2021-08-20',
          amount: '1224000.00',
          reference: 'HIVE-WIRE-2021-0820 (sent twice)',
        },
        {
          kind: 'refund',
          on: '2021-09-03',
          amount: '1224000.00',
          reference: 'REFUND-HIVE-2021-0903',
        },
      ],
      payLagDays: 0,
    },
    {
      key: 'core-a1246',
      customer: 'core',
      signedOn: '2021-02-07',
      paymentTermsCode: 'PT-30',
      customerReference: 'CS-PO-7781',
      externalRef: 'ERP-4711',
      lines: [{ sku: 'A1246', unitPrice: '3060.00', tranches: months(2021, 3, 6, 20, 1000) }],
      draft: false,
      amendments: [],
      corrections: [],
      payLagDays: 0,
    },
  ];
}

function livingOrders(today: string, int: (min: number, max: number) => number): DemoOrder[] {
  return LIVING.map((spec, index) => {
    const signedOn = addDays(today, -spec.signedDaysAgo);
    const lines: DemoLine[] = spec.lines.map((line) => {
      const unitThs = MODELS.find((m) => m.sku === line.sku)!.hashrateThs;
      return {
        sku: line.sku,
        unitPrice: line.unitPrice,
        pricePerThs: line.pricePerThs,
        tranches: Array.from({ length: line.count }, (_, i) => {
          // Large tranches vary by a pallet or so, month to month.
          const quantity = line.quantity >= 1000 ? line.quantity + 100 * int(-1, 1) : line.quantity;
          const ratio = line.delivered?.[i];
          return {
            shipDate: monthDay(today, line.firstMonth + i, line.day),
            quantity,
            ...(ratio !== undefined && {
              deliveredThs: Math.round(quantity * unitThs * ratio * 100) / 100,
            }),
          };
        }),
      };
    });
    const year = signedOn.slice(0, 4);
    const order: DemoOrder = {
      key: spec.key,
      customer: spec.customer,
      signedOn,
      paymentTermsCode: spec.terms,
      customerReference: `${spec.customer.toUpperCase().slice(0, 3)}-PO-${year}-${String(101 + index * 7)}`,
      externalRef: `ERP-SO-${year}-${String(2000 + index * 13).padStart(4, '0')}`,
      lines,
      draft: spec.draft ?? false,
      hashrateTolerancePercent: spec.hashrateTolerancePercent,
      amendments: [],
      corrections: [],
      payLagDays: spec.terms === 'NET-0' ? 0 : int(0, 3),
    };
    return withHistory(order, today);
  });
}

/** First tranche of the order shipping after `after`, or -1. */
function firstTrancheAfter(order: DemoOrder, after: string, line = 0): number {
  return order.lines[line].tranches.findIndex((t) => t.shipDate > after);
}

/**
 * Amendments, a cancellation, a late payer, price changes and corrections: the things a real book
 * has been through.
 */
function withHistory(order: DemoOrder, today: string): DemoOrder {
  switch (order.key) {
    case 'nordic-a1466': {
      // Site energisation slipped: next month's tranche moves two months out.
      const effectiveOn = addDays(today, -21);
      const index = firstTrancheAfter(order, addDays(today, 21));
      const from = order.lines[0].tranches[index].shipDate;
      order.amendments.push({
        effectiveOn,
        reason:
          'Kristiansand hall energisation delayed by the grid operator; tranche moved two months',
        changes: [{ line: 0, tranche: index, shipDate: monthDay(from, 2, dayOf(from)) }],
      });
      // Four months ago a container came back from customs; it shipped again two weeks later.
      const shippedOn = order.lines[0].tranches[5].shipDate;
      order.corrections.push({
        kind: 'shipment_reversal',
        shippedOn,
        on: addDays(shippedOn, 6),
        reason: 'Container returned: export documents rejected at Oslo customs',
        reshippedOn: addDays(shippedOn, 20),
      });
      break;
    }
    case 'greatlakes-a1346':
      order.corrections.push({
        kind: 'payment_reversal',
        on: addDays(today, -60),
        reason: 'Wire returned by the correspondent bank (beneficiary account closed)',
        repaidOn: addDays(today, -51),
      });
      break;
    case 'lonestar-a1566':
      order.amendments.push({
        effectiveOn: addDays(today, -10),
        reason: 'Hashprice fell after the difficulty jump; units of two tranches repriced',
        changes: [
          { line: 0, tranche: 2, unitPrice: '5290.00' },
          { line: 0, tranche: 3, unitPrice: '5290.00' },
        ],
      });
      break;
    case 'thames-a1566':
      order.amendments.push({
        effectiveOn: addDays(today, -8),
        reason: 'Immersion-cooling kits added to the fifth tranche',
        changes: [{ line: 0, tranche: 4, unitPrice: '5395.00' }],
      });
      break;
    case 'andes-a1346': {
      const last = order.lines[0].tranches.length - 1;
      order.amendments.push({
        effectiveOn: addDays(today, -35),
        reason: 'Phase 3 of the Antofagasta site scaled back; last tranche halved',
        changes: [{ line: 0, tranche: last, quantity: order.lines[0].tranches[last].quantity / 2 }],
      });
      break;
    }
    case 'gulf-a1566': {
      // One future tranche brought forward a month at the customer's request.
      const index = firstTrancheAfter(order, addDays(today, 100));
      const from = order.lines[0].tranches[index].shipDate;
      order.amendments.push({
        effectiveOn: addDays(today, -12),
        reason: 'Second Jebel Ali hall ready early; tranche brought forward',
        changes: [{ line: 0, tranche: index, shipDate: monthDay(from, -1, dayOf(from) - 3) }],
      });
      break;
    }
    case 'andes-a1266':
      order.cancellation = {
        effectiveOn: addDays(today, -40),
        reason: 'Project financing for the Calama expansion withdrawn; deposit forfeited',
      };
      break;
    case 'steppe-a1266':
      order.payThrough = addDays(today, -25);
      break;
    case 'hive-a1566-options':
      // 600 more units on option until six weeks from now, 200 of them already exercised.
      order.lines[0].tranches.push({
        shipDate: monthDay(today, 7, 16),
        quantity: 600,
        optionExerciseBy: addDays(today, 42),
      });
      order.exercises = [{ line: 0, tranche: 2, on: addDays(today, -9), quantity: 200 }];
      break;
  }
  return order;
}

function opportunities(today: string): Omit<DemoOpportunity, 'owner'>[] {
  return [
    {
      customer: 'sakura',
      sku: 'A1566',
      quantity: 3000,
      unitPrice: '5400.00',
      stage: 'negotiation',
      expectedCloseOn: addDays(today, 14),
      firstDeliveryOn: monthDay(today, 6, 10),
    },
    {
      customer: 'rift',
      sku: 'A1346',
      quantity: 1200,
      unitPrice: '3650.00',
      stage: 'proposal',
      expectedCloseOn: addDays(today, 30),
      firstDeliveryOn: monthDay(today, 3, 15),
    },
    {
      customer: 'gulf',
      sku: 'A1566',
      quantity: 5000,
      stage: 'proposal',
      expectedCloseOn: addDays(today, 45),
      firstDeliveryOn: monthDay(today, 9, 18),
    },
    {
      customer: 'greatlakes',
      sku: 'A1466',
      quantity: 3000,
      unitPrice: '4550.00',
      stage: 'negotiation',
      expectedCloseOn: addDays(today, 21),
      firstDeliveryOn: monthDay(today, 4, 10),
      // The draft was withdrawn when the customer asked for other payment terms.
      withdrawnDraftSignedOn: addDays(today, -6),
    },
    {
      customer: 'helvetia',
      sku: 'A1566',
      quantity: 2000,
      stage: 'qualified',
      expectedCloseOn: addDays(today, 75),
    },
    {
      customer: 'ilves',
      sku: 'A1466',
      quantity: 40,
      stage: 'lead',
      expectedCloseOn: addDays(today, 90),
    },
    {
      customer: 'pacific',
      sku: 'A1566',
      quantity: 1500,
      stage: 'lead',
      expectedCloseOn: addDays(today, 120),
    },
    {
      customer: 'lonestar',
      sku: 'A1566',
      quantity: 21600,
      unitPrice: '5450.00',
      stage: 'won',
      expectedCloseOn: addDays(today, -48),
      firstDeliveryOn: monthDay(today, 1, 28),
    },
    {
      customer: 'andes',
      sku: 'A1266',
      quantity: 2400,
      unitPrice: '3280.00',
      stage: 'lost',
      expectedCloseOn: addDays(today, -40),
    },
  ];
}

const TOPICS: [ActivityType, string, string][] = [
  ['call', 'Quarterly delivery review', 'Walked through the next two tranches and site readiness.'],
  ['meeting', 'Site visit', 'Toured the hosting site; power and cooling on schedule.'],
  ['email', 'Sent updated delivery schedule', 'Shared the revised monthly schedule as agreed.'],
  [
    'note',
    'Firmware preference',
    'Customer wants the latest firmware pre-installed before shipping.',
  ],
  ['call', 'Pricing for next generation', 'Asked for indicative A1566 pricing for next year.'],
];

/** Tasks of customers with orders: [subject, due in days from today]. */
const ORDER_TASKS: [string, number][] = [
  ['Confirm customs paperwork for next tranche', 0],
  ['Book freight for next shipment', 6],
  ['Prepare quarterly business review', 12],
  ['Send revised delivery schedule', -1],
  ['Confirm site readiness for next tranche', 3],
];

const PROSPECT_TASKS: [string, number][] = [
  ['Send proposal with delivery slots', 2],
  ['Follow up after the site visit', 5],
];

function planCustomer(
  seed: CustomerSeed,
  index: number,
  today: string,
  int: (min: number, max: number) => number,
): DemoCustomer {
  const instant = (daysAgo: number) =>
    `${addDays(today, -daysAgo)}T${String(int(8, 17)).padStart(2, '0')}:${String(int(0, 59)).padStart(2, '0')}:00Z`;
  const contacts = seed.people.map(([name, title], i) => ({
    name,
    title,
    email: `${name
      .normalize('NFD')
      .replace(/[^A-Za-z ]/g, '')
      .toLowerCase()
      .replace(/ /g, '.')}@${seed.domain}`,
    phone: `${seed.phonePrefix} ${String(int(1000, 9999))}`,
    isPrimary: i === 0,
  }));
  const owner = OWNER_OF[seed.accountOwner];
  const activities: DemoActivity[] = [];
  const first = int(0, TOPICS.length - 1);
  const [type, subject, body] = TOPICS[first];
  activities.push({ assignee: owner, type, subject, body, occurredAt: instant(int(20, 60)) });
  if (seed.status !== 'inactive') {
    const [other, otherSubject, otherBody] = TOPICS[(first + int(1, 3)) % TOPICS.length];
    activities.push({
      assignee: owner,
      type: other,
      subject: otherSubject,
      body: otherBody,
      occurredAt: instant(int(2, 15)),
    });
    // Open tasks due around today for about half the customers, done ones for the others.
    const tasks = seed.status === 'prospect' ? PROSPECT_TASKS : ORDER_TASKS;
    const [task, dueIn] =
      seed.key === 'steppe'
        ? (['Chase overdue milestone payment', -3] as [string, number])
        : tasks[index % tasks.length];
    // Chasing money is finance's work.
    const assignee = seed.key === 'steppe' ? AMARA : owner;
    if (index % 2 === 0 || seed.status === 'prospect' || seed.key === 'steppe') {
      activities.push({
        assignee,
        type: 'task',
        subject: task,
        occurredAt: instant(int(5, 10)),
        dueOn: addDays(today, dueIn),
      });
    } else {
      const created = int(10, 20);
      activities.push({
        assignee,
        type: 'task',
        subject: task,
        occurredAt: instant(created),
        dueOn: addDays(today, -created + 5),
        completedAt: instant(created - 4),
      });
    }
  }
  return {
    key: seed.key,
    name: seed.name,
    legalName: seed.legalName,
    segment: seed.segment,
    country: seed.country,
    status: seed.status,
    externalRef: `ERP-C-${String(1001 + index)}`,
    accountOwner: seed.accountOwner,
    owner,
    defaultPaymentTermsCode: seed.defaultPaymentTermsCode,
    contacts,
    activities,
  };
}

/** Units of confirmed orders still open after today if every tranche dated up to today ships. */
export function plannedOpenUnits(book: DemoBook): number {
  let open = 0;
  for (const order of book.orders) {
    if (order.draft || order.cancellation) continue;
    // Option units count once exercised.
    const units = order.lines.map((l) =>
      l.tranches.map((t) => ({ ...t, quantity: t.optionExerciseBy ? 0 : t.quantity })),
    );
    for (const e of order.exercises ?? []) units[e.line][e.tranche].quantity += e.quantity;
    for (const amendment of order.amendments) {
      for (const change of amendment.changes) {
        const tranche = units[change.line][change.tranche];
        if ('shipDate' in change) tranche.shipDate = change.shipDate;
        else if ('quantity' in change) tranche.quantity = change.quantity;
      }
    }
    for (const t of units.flat()) if (t.shipDate > book.today) open += t.quantity;
  }
  return open;
}
