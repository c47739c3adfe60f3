import { parse } from 'csv-parse/sync';
import { isDateOnly } from '../common/dates';

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

type Column = (typeof CSV_COLUMNS)[number];

export interface RowError {
  /** 1-based data row (CSV, the header is row 0) or array index (JSON). */
  row: number;
  path: string;
  message: string;
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
}

export interface ImportLine {
  productModelId?: string;
  sku?: string;
  model: Origin;
  unitPrice?: string;
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
  lines: ImportLine[];
  linesAt: Origin;
}

export const MAX_LINES = 100;
export const MAX_TRANCHES = 500;

const MONEY = /^\d{1,13}(\.\d{1,2})?$/;
const QUANTITY = /^\d{1,8}$/;

/** "3060", "3060.5" or "3060.50" → "3060.50": ERP exports drop trailing zeros. */
export function normaliseCsvMoney(value: string): string | null {
  if (!MONEY.test(value)) return null;
  const [units, cents = ''] = value.split('.');
  return `${units.replace(/^0+(?=\d)/, '')}.${cents.padEnd(2, '0')}`;
}

/**
 * Reads a purchase-order CSV: rows sharing `externalRef` form one order (in order of first
 * appearance), rows of an order sharing `sku` and `unitPrice` one line, each row a tranche.
 * Returns every problem found, each with its data row and column.
 */
export function parseOrdersCsv(text: string): { orders: ImportOrder[]; errors: RowError[] } {
  const errors: RowError[] = [];
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
      orders: [],
      errors: [
        {
          row: Math.max((failure.lines ?? 1) - 1, 0),
          path: '',
          message: `Not readable as CSV: ${failure.message}`,
        },
      ],
    };
  }
  if (records.length === 0) {
    return {
      orders: [],
      errors: [{ row: 0, path: '', message: 'The file is empty: a header row is required' }],
    };
  }
  const header = records[0];
  const index = new Map(header.map((name, i) => [name, i]));
  const missing = CSV_COLUMNS.filter((name) => !index.has(name));
  const unknown = header.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  const repeated = header.filter((name, i) => header.indexOf(name) !== i);
  if (missing.length > 0 || unknown.length > 0 || repeated.length > 0) {
    const problems = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      unknown.length ? `unknown ${unknown.join(', ')}` : '',
      repeated.length ? `repeated ${repeated.join(', ')}` : '',
    ].filter(Boolean);
    return {
      orders: [],
      errors: [
        {
          row: 0,
          path: 'header',
          message: `The header must be ${CSV_COLUMNS.join(',')}: ${problems.join('; ')}`,
        },
      ],
    };
  }
  if (records.length === 1) {
    return {
      orders: [],
      errors: [{ row: 0, path: '', message: 'The file has a header but no data rows' }],
    };
  }

  const byRef = new Map<string, ImportOrder & { first: Record<Column, string> }>();
  const lineOf = new Map<string, ImportLine>();
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    const row = r;
    const fail = (path: string, message: string) => errors.push({ row, path, message });
    if (record.length !== header.length) {
      fail('', `has ${record.length} fields; the header has ${header.length}`);
      continue;
    }
    const value = Object.fromEntries(
      CSV_COLUMNS.map((name) => [name, record[index.get(name)!]]),
    ) as Record<Column, string>;
    let ok = true;
    const check = (column: Column, valid: boolean, message: string) => {
      if (!valid) {
        fail(column, message);
        ok = false;
      }
    };
    check(
      'externalRef',
      value.externalRef.length >= 1 && value.externalRef.length <= 100,
      'is required, at most 100 characters',
    );
    check(
      'customerExternalRef',
      value.customerExternalRef.length >= 1 && value.customerExternalRef.length <= 100,
      'is required, at most 100 characters',
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
    check('shipDate', isDateOnly(value.shipDate), 'must be a calendar date YYYY-MM-DD');
    const quantity = QUANTITY.test(value.quantity) ? Number(value.quantity) : NaN;
    check(
      'quantity',
      quantity >= 1 && quantity <= 10_000_000,
      'must be a whole number from 1 to 10000000',
    );
    if (!ok || unitPrice === null) continue;

    let order = byRef.get(value.externalRef);
    if (!order) {
      order = {
        row,
        first: value,
        externalRef: value.externalRef,
        externalRefAt: { row, path: 'externalRef' },
        customerExternalRef: value.customerExternalRef,
        customerAt: { row, path: 'customerExternalRef' },
        signedOn: value.signedOn,
        paymentTermsCode: value.paymentTermsCode || undefined,
        termsAt: { row, path: 'paymentTermsCode' },
        lines: [],
        linesAt: { row, path: 'sku' },
      };
      byRef.set(value.externalRef, order);
    } else {
      for (const column of ['customerExternalRef', 'signedOn', 'paymentTermsCode'] as const) {
        if (value[column] !== order.first[column]) {
          fail(
            column,
            `differs from row ${order.row}, the order's first row ("${order.first[column]}")`,
          );
          ok = false;
        }
      }
      if (!ok) continue;
    }
    const lineKey = `${value.externalRef}\u0000${value.sku}\u0000${unitPrice ?? ''}`;
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
    line.tranches.push({ shipDate: value.shipDate, quantity });
  }
  const orders = [...byRef.values()].map(({ first: _first, ...order }) => order);
  return { orders, errors };
}
