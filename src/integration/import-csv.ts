import { parse } from 'csv-parse/sync';
import { isDateOnly } from '../common/dates';
import { LINE_TRANCHES_MAX, ORDER_LINES_MAX, SHIPMENT_ITEMS_MAX } from '../common/limits';

/** The columns of a purchase-order CSV, one row per tranche. */
export const CSV_COLUMNS = [
  'externalRef',
  'customerExternalRef',
  'signedOn',
  'paymentTermsCode',
  'sku',
  'unitPrice',
  'shipDate',
  'quantity',
] as const;

/**
 * Columns a purchase-order CSV may add: a line's price per TH/s (instead of unitPrice), the
 * order's hash-rate tolerance, and `optionExerciseBy`, which makes the row's tranche an option (its
 * quantity option units, exercisable until the end of that date). Empty or absent: priced per
 * unit, tolerance 0, firm units.
 */
export const CSV_OPTIONAL_COLUMNS = [
  'pricePerThs',
  'hashrateTolerancePercent',
  'optionExerciseBy',
] as const;

type Column = (typeof CSV_COLUMNS)[number] | (typeof CSV_OPTIONAL_COLUMNS)[number];

export interface RowError {
  /** 1-based data row (CSV, the header is row 0) or array index (JSON). */
  row: number;
  path: string;
  message: string;
}

/** What an import read from a file: the records it could read, and every problem with the rest. */
export interface Read<R> {
  records: R[];
  errors: RowError[];
}

/** Where a value came from, to point an error at it. */
export interface Origin {
  row: number;
  path: string;
}

export interface ImportTranche {
  shipDate: string;
  quantity: number;
  unitPrice?: string;
  optionExerciseBy?: string;
}

export interface ImportLine {
  productModelId?: string;
  sku?: string;
  model: Origin;
  unitPrice?: string;
  pricePerThs?: string;
  tranches: ImportTranche[];
  tranchesAt: Origin;
}

/** One purchase order to import, from a CSV group or a JSON element, not yet resolved. */
export interface ImportOrder {
  row: number;
  externalRef: string;
  externalRefAt: Origin;
  customerId?: string;
  customerExternalRef?: string;
  customerAt: Origin;
  signedOn: string;
  paymentTermsCode?: string;
  termsAt: Origin;
  customerReference?: string;
  hashrateTolerancePercent?: number;
  lines: ImportLine[];
  linesAt: Origin;
}

/** How an imported payment or shipment names its order: by externalRef or by number. */
export interface OrderName {
  externalRef?: string;
  number?: string;
  at: Origin;
}

/** One payment to import, from a CSV row or a JSON element, its order not yet resolved. */
export interface ImportPayment {
  row: number;
  externalRef: string;
  externalRefAt: Origin;
  order: OrderName;
  amount: string;
  receivedOn: string;
  reference?: string;
}

/** A shipment item, naming its tranche by id or by sequence (1…n on the order). */
export interface ImportShipmentItem {
  trancheId?: string;
  trancheSequence?: number;
  quantity: number;
  at: Origin;
}

/** One shipment to import, from CSV rows sharing externalRef or a JSON element, not yet resolved. */
export interface ImportShipment {
  row: number;
  externalRef: string;
  externalRefAt: Origin;
  order: OrderName;
  shippedOn: string;
  reference?: string;
  items: ImportShipmentItem[];
}

/** The columns of a payment CSV, one row per payment. */
export const PAYMENT_CSV_COLUMNS = [
  'externalRef',
  'purchaseOrderExternalRef',
  'purchaseOrderNumber',
  'amount',
  'receivedOn',
  'reference',
] as const;

/** The columns of a shipment CSV, one row per item; rows sharing externalRef form a shipment. */
export const SHIPMENT_CSV_COLUMNS = [
  'externalRef',
  'purchaseOrderExternalRef',
  'purchaseOrderNumber',
  'shippedOn',
  'reference',
  'trancheSequence',
  'quantity',
] as const;

export const MAX_LINES = ORDER_LINES_MAX;
export const MAX_ITEMS = SHIPMENT_ITEMS_MAX;
export const MAX_TRANCHES = LINE_TRANCHES_MAX;

const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
const QUANTITY = /^\d{1,8}$/;
/** A percent with at most 2 decimals. */
const TOLERANCE = /^\d{1,2}(\.\d{1,2})?$/;

/** "3060", "3060.5" or "3060.50" → "3060.50": ERP exports drop trailing zeros. */
export function normaliseCsvMoney(value: string): string | null {
  if (!MONEY.test(value)) return null;
  const [units, cents = ''] = value.split('.');
  return `${units.replace(/^0+(?=\d)/, '')}.${cents.padEnd(2, '0')}`;
}

/** A data row of a CSV: its 1-based number and its values by column. */
interface CsvRow<C extends string> {
  row: number;
  value: Record<C, string>;
}

/**
 * The data rows of a CSV whose header names exactly `columns` (in any order), or what stops it
 * being read: not CSV, no header, a wrong header, no data rows (all row 0); and each row with
 * another number of fields than the header.
 */
function readCsv<C extends string>(
  text: string,
  columns: readonly C[],
  optional: readonly C[] = [],
): { rows: CsvRow<C>[]; errors: RowError[] } {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    }) as string[][];
  } catch (error) {
    const failure = error as Error & { lines?: number };
    return {
      rows: [],
      errors: [
        {
          row: Math.max((failure.lines ?? 1) - 1, 0),
          path: '',
          message: `Not readable as CSV: ${failure.message}`,
        },
      ],
    };
  }
  const fileError = (path: string, message: string) => ({
    rows: [],
    errors: [{ row: 0, path, message }],
  });
  if (records.length === 0) return fileError('', 'The file is empty: a header row is required');
  const header = records[0];
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = columns.filter((name) => !index.has(name));
  const known = [...columns, ...optional] as readonly string[];
  const unknown = header.filter((name) => !known.includes(name));
  const repeated = header.filter((name, i) => header.indexOf(name) !== i);
  if (missing.length > 0 || unknown.length > 0 || repeated.length > 0) {
    const problems = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      unknown.length ? `unknown ${unknown.join(', ')}` : '',
      repeated.length ? `repeated ${repeated.join(', ')}` : '',
    ].filter(Boolean);
    const may = optional.length ? ` (and may add ${optional.join(', ')})` : '';
    return fileError(
      'header',
      `The header must be ${columns.join(',')}${may}: ${problems.join('; ')}`,
    );
  }
  if (records.length === 1) return fileError('', 'The file has a header but no data rows');
  const rows: CsvRow<C>[] = [];
  const errors: RowError[] = [];
  for (let row = 1; row < records.length; row++) {
    const record = records[row];
    if (record.length !== header.length) {
      errors.push({
        row,
        path: '',
        message: `has ${record.length} fields; the header has ${header.length}`,
      });
      continue;
    }
    const value = Object.fromEntries(
      [...columns, ...optional].map((name) => [
        name,
        index.has(name) ? record[index.get(name)!] : '',
      ]),
    );
    rows.push({ row, value: value as Record<C, string> });
  }
  return { rows, errors };
}

/** Checks of one row's values; each failure is an error at its column, and the row is not ok. */
function rowChecks<C extends string>(row: number, errors: RowError[]) {
  const checks = {
    ok: true,
    check(column: C, valid: boolean, message: string) {
      if (valid) return;
      errors.push({ row, path: column, message });
      checks.ok = false;
    },
    /** Each of `columns` must hold what the first row of its group (an order, a shipment) held. */
    same(value: Record<C, string>, first: CsvRow<C>, columns: readonly C[], group: string) {
      for (const column of columns) {
        checks.check(
          column,
          value[column] === first.value[column],
          `differs from row ${first.row}, the ${group}'s first row ("${first.value[column]}")`,
        );
      }
    },
  };
  return checks;
}

const REQUIRED_REF = 'is required, at most 100 characters';

/** The columns every payment and shipment row has: its externalRef, its order, its reference. */
type RecordColumn =
  'externalRef' | 'purchaseOrderExternalRef' | 'purchaseOrderNumber' | 'reference';

/** Checks the columns every payment and shipment row has; returns its order's name. */
function checkRecordRow<C extends string>(
  value: Record<RecordColumn, string>,
  checks: ReturnType<typeof rowChecks<C | RecordColumn>>,
  row: number,
): OrderName {
  const ref = value.externalRef;
  checks.check('externalRef', ref.length >= 1 && ref.length <= 100, REQUIRED_REF);
  const byRef = value.purchaseOrderExternalRef;
  const byNumber = value.purchaseOrderNumber;
  checks.check(
    'purchaseOrderExternalRef',
    (byRef === '') !== (byNumber === '') && byRef.length <= 100 && byNumber.length <= 20,
    'give exactly one of purchaseOrderExternalRef and purchaseOrderNumber',
  );
  checks.check('reference', value.reference.length <= 100, 'must be at most 100 characters');
  return byRef
    ? { externalRef: byRef, at: { row, path: 'purchaseOrderExternalRef' } }
    : { number: byNumber, at: { row, path: 'purchaseOrderNumber' } };
}

/** Reads a payment CSV, one row per payment; every problem found with its row and column. */
export function parsePaymentsCsv(text: string): Read<ImportPayment> {
  const { rows, errors } = readCsv(text, PAYMENT_CSV_COLUMNS);
  const payments: ImportPayment[] = [];
  const seen = new Map<string, number>();
  for (const { row, value } of rows) {
    const checks = rowChecks<(typeof PAYMENT_CSV_COLUMNS)[number]>(row, errors);
    const order = checkRecordRow(value, checks, row);
    const earlier = seen.get(value.externalRef);
    checks.check('externalRef', earlier === undefined, `repeats row ${earlier}'s externalRef`);
    seen.set(value.externalRef, earlier ?? row);
    const amount = normaliseCsvMoney(value.amount);
    checks.check(
      'amount',
      amount !== null && /[1-9]/.test(amount),
      'must be an amount above zero such as 3060.00',
    );
    checks.check('receivedOn', isDateOnly(value.receivedOn), 'must be a calendar date YYYY-MM-DD');
    if (!checks.ok) continue;
    payments.push({
      row,
      externalRef: value.externalRef,
      externalRefAt: { row, path: 'externalRef' },
      order,
      amount: amount!,
      receivedOn: value.receivedOn,
      reference: value.reference || undefined,
    });
  }
  return { records: payments, errors };
}

/**
 * Reads a shipment CSV: rows sharing `externalRef` form one shipment (in order of first
 * appearance) and must agree on its order, date and reference; each row is an item, its tranche
 * named by sequence. Every problem found with its row and column.
 */
export function parseShipmentsCsv(text: string): Read<ImportShipment> {
  type ShipmentColumn = (typeof SHIPMENT_CSV_COLUMNS)[number];
  const { rows, errors } = readCsv(text, SHIPMENT_CSV_COLUMNS);
  const byRef = new Map<string, { shipment: ImportShipment; first: CsvRow<ShipmentColumn> }>();
  for (const csvRow of rows) {
    const { row, value } = csvRow;
    const checks = rowChecks<ShipmentColumn>(row, errors);
    const order = checkRecordRow(value, checks, row);
    checks.check('shippedOn', isDateOnly(value.shippedOn), 'must be a calendar date YYYY-MM-DD');
    const sequence = QUANTITY.test(value.trancheSequence) ? Number(value.trancheSequence) : NaN;
    checks.check('trancheSequence', sequence >= 1, 'must be a tranche sequence number, 1 or more');
    const quantity = QUANTITY.test(value.quantity) ? Number(value.quantity) : NaN;
    checks.check(
      'quantity',
      quantity >= 1 && quantity <= 10_000_000,
      'must be a whole number from 1 to 10000000',
    );
    if (!checks.ok) continue;
    let group = byRef.get(value.externalRef);
    if (!group) {
      group = {
        first: csvRow,
        shipment: {
          row,
          externalRef: value.externalRef,
          externalRefAt: { row, path: 'externalRef' },
          order,
          shippedOn: value.shippedOn,
          reference: value.reference || undefined,
          items: [],
        },
      };
      byRef.set(value.externalRef, group);
    } else {
      const columns = ['purchaseOrderExternalRef', 'purchaseOrderNumber', 'shippedOn', 'reference'];
      checks.same(value, group.first, columns as ShipmentColumn[], 'shipment');
      const { items } = group.shipment;
      checks.check(
        'trancheSequence',
        !items.some((i) => i.trancheSequence === sequence),
        `tranche ${sequence} appears twice in shipment ${value.externalRef}`,
      );
      checks.check(
        'trancheSequence',
        items.length < MAX_ITEMS,
        `a shipment has at most ${MAX_ITEMS} items`,
      );
      if (!checks.ok) continue;
    }
    group.shipment.items.push({
      trancheSequence: sequence,
      quantity,
      at: { row, path: 'trancheSequence' },
    });
  }
  return { records: [...byRef.values()].map((g) => g.shipment), errors };
}

/**
 * Reads a purchase-order CSV: rows sharing `externalRef` form one order (in order of first
 * appearance), rows of an order sharing `sku`, `unitPrice` and `pricePerThs` one line, each row a tranche.
 * Returns every problem found, each with its data row and column.
 */
export function parseOrdersCsv(text: string): Read<ImportOrder> {
  const { rows, errors } = readCsv<Column>(text, CSV_COLUMNS, CSV_OPTIONAL_COLUMNS);
  const byRef = new Map<string, ImportOrder & { first: CsvRow<Column> }>();
  const lineOf = new Map<string, ImportLine>();
  for (const csvRow of rows) {
    const { row, value } = csvRow;
    const fail = (path: string, message: string) => errors.push({ row, path, message });
    const checks = rowChecks<Column>(row, errors);
    const { check } = checks;
    check(
      'externalRef',
      value.externalRef.length >= 1 && value.externalRef.length <= 100,
      REQUIRED_REF,
    );
    check(
      'customerExternalRef',
      value.customerExternalRef.length >= 1 && value.customerExternalRef.length <= 100,
      REQUIRED_REF,
    );
    check('signedOn', isDateOnly(value.signedOn), 'must be a calendar date YYYY-MM-DD');
    check('paymentTermsCode', value.paymentTermsCode.length <= 40, 'must be at most 40 characters');
    check(
      'sku',
      value.sku.length >= 1 && value.sku.length <= 64,
      'is required, at most 64 characters',
    );
    const unitPrice = value.unitPrice === '' ? undefined : normaliseCsvMoney(value.unitPrice);
    check(
      'unitPrice',
      unitPrice !== null,
      'must be an amount such as 3060.00 (or empty for the list price)',
    );
    const pricePerThs = value.pricePerThs === '' ? undefined : normaliseCsvMoney(value.pricePerThs);
    check(
      'pricePerThs',
      pricePerThs !== null,
      'must be an amount per TH/s such as 28.50 (or empty for a line priced per unit)',
    );
    check(
      'pricePerThs',
      pricePerThs == null || unitPrice === undefined,
      'and unitPrice exclude each other: give one',
    );
    const tolerance =
      value.hashrateTolerancePercent === '' ? 0 : Number(value.hashrateTolerancePercent);
    check(
      'hashrateTolerancePercent',
      TOLERANCE.test(value.hashrateTolerancePercent || '0') && tolerance <= 10,
      'must be a percent from 0 to 10 with at most 2 decimals (or empty for 0)',
    );
    check('shipDate', isDateOnly(value.shipDate), 'must be a calendar date YYYY-MM-DD');
    const quantity = QUANTITY.test(value.quantity) ? Number(value.quantity) : NaN;
    check(
      'quantity',
      quantity >= 1 && quantity <= 10_000_000,
      'must be a whole number from 1 to 10000000',
    );
    check(
      'optionExerciseBy',
      value.optionExerciseBy === '' || isDateOnly(value.optionExerciseBy),
      'must be a calendar date YYYY-MM-DD (or empty for firm units)',
    );
    if (!checks.ok || unitPrice === null || pricePerThs === null) continue;

    let order = byRef.get(value.externalRef);
    if (!order) {
      order = {
        row,
        first: csvRow,
        externalRef: value.externalRef,
        externalRefAt: { row, path: 'externalRef' },
        customerExternalRef: value.customerExternalRef,
        customerAt: { row, path: 'customerExternalRef' },
        signedOn: value.signedOn,
        paymentTermsCode: value.paymentTermsCode || undefined,
        termsAt: { row, path: 'paymentTermsCode' },
        hashrateTolerancePercent: tolerance,
        lines: [],
        linesAt: { row, path: 'sku' },
      };
      byRef.set(value.externalRef, order);
    } else {
      checks.same(
        value,
        order.first,
        ['customerExternalRef', 'signedOn', 'paymentTermsCode', 'hashrateTolerancePercent'],
        'order',
      );
      if (!checks.ok) continue;
    }
    const lineKey = `${value.externalRef}\u0000${value.sku}\u0000${unitPrice ?? ''}\u0000${pricePerThs ?? ''}`;
    let line = lineOf.get(lineKey);
    if (!line) {
      if (order.lines.length === MAX_LINES) {
        fail(
          'sku',
          `the order already has ${MAX_LINES} lines (sku and unit price pairs), the most one order may have`,
        );
        continue;
      }
      line = {
        sku: value.sku,
        model: { row, path: 'sku' },
        unitPrice,
        pricePerThs,
        tranches: [],
        tranchesAt: { row, path: 'shipDate' },
      };
      lineOf.set(lineKey, line);
      order.lines.push(line);
    }
    if (line.tranches.length === MAX_TRANCHES) {
      fail('shipDate', `the line already has ${MAX_TRANCHES} tranches, the most one line may have`);
      continue;
    }
    line.tranches.push({
      shipDate: value.shipDate,
      quantity,
      ...(value.optionExerciseBy && { optionExerciseBy: value.optionExerciseBy }),
    });
  }
  const orders = [...byRef.values()].map(({ first: _first, ...order }) => order);
  return { records: orders, errors };
}
