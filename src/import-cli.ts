import { SingleBar } from 'cli-progress';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { formatMoney, parseMoney } from './common/money';

const USAGE = `Usage: node dist/src/import-cli.js --file <orders.csv> --key <api key> [options]

Imports purchase orders from a CSV file through POST /api/v1/imports/purchase-orders, in batches
of whole orders, with a progress bar. The header must be
  externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity
and the rows of one order (one externalRef) must be next to each other.

First the whole file is checked (a dry run of every batch); only a file without a single problem
is imported. Each batch is then created in one transaction and retried safely (Idempotency-Key).

Options:
  --file <path>        the CSV file (required)
  --url <url>          the Hashbook server (default http://localhost:3000)
  --key <key>          an erp or admin API key (or HASHBOOK_API_KEY)
  --confirm            confirm every order too (as POST /purchase-orders/{id}/confirm)
  --dry-run            check the file only; nothing is written
  --batch-size <n>     orders per request, 1–1000 (default 200)
  --from-row <n>       start at this data row (1 = the first row after the header), to resume
  --no-check           import without checking the whole file first`;

class UsageError extends Error {}

/** Stops the run; `exitCode` 1 means the data was refused, 2 anything else. */
class Stop extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

interface Options {
  file: string;
  url: string;
  key: string;
  confirm: boolean;
  dryRun: boolean;
  batchSize: number;
  fromRow: number;
  check: boolean;
}

interface Batch {
  index: number;
  /** The file's data row of the batch's first row. */
  firstRow: number;
  rows: string[][];
  orders: number;
  /** Bytes of the file read when the batch was complete. */
  bytes: number;
}

interface RowError {
  row: number;
  path: string;
  message: string;
}

function options(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      file: { type: 'string' },
      url: { type: 'string', default: 'http://localhost:3000' },
      key: { type: 'string' },
      confirm: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '200' },
      'from-row': { type: 'string', default: '1' },
      'no-check': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) throw new UsageError('');
  if (positionals.length > 0) throw new UsageError(`Unexpected argument "${positionals[0]}".`);
  if (!values.file) throw new UsageError('--file is required.');
  const key = values.key ?? process.env.HASHBOOK_API_KEY;
  if (!key) throw new UsageError('--key (or HASHBOOK_API_KEY) is required.');
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
    throw new UsageError('--batch-size must be a whole number from 1 to 1000.');
  }
  const fromRow = Number(values['from-row']);
  if (!Number.isInteger(fromRow) || fromRow < 1) {
    throw new UsageError('--from-row must be a whole number from 1.');
  }
  try {
    new URL(values.url!);
  } catch {
    throw new UsageError('--url must be a URL such as http://localhost:3000.');
  }
  return {
    file: values.file,
    url: values.url!.replace(/\/+$/, ''),
    key,
    confirm: values.confirm!,
    dryRun: values['dry-run']!,
    batchSize,
    fromRow,
    check: !values['no-check'],
  };
}

/**
 * Reads the file as a stream and yields batches of whole orders. Only the current batch and the
 * set of externalRefs seen are kept in memory.
 */
async function* batches(opts: Options): AsyncGenerator<Batch> {
  const input = createReadStream(opts.file);
  let bytes = 0;
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = input.pipe(
    parse({ bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }),
  );
  let header: string[] | undefined;
  let refColumn = -1;
  let row = 0;
  let index = 0;
  let current: Batch | undefined;
  let currentRef: string | undefined;
  const seen = new Set<string>();
  for await (const record of parser as AsyncIterable<string[]>) {
    if (!header) {
      header = record;
      refColumn = header.indexOf('externalRef');
      if (refColumn < 0) throw new Stop('The header has no externalRef column.', 1);
      continue;
    }
    row += 1;
    if (row < opts.fromRow) continue;
    const ref = record[refColumn] ?? '';
    if (ref !== currentRef) {
      if (seen.has(ref)) {
        throw new Stop(
          `Row ${row}: the rows of order ${ref} are not next to each other; sort the file by externalRef.`,
          1,
        );
      }
      if (current && current.orders >= opts.batchSize) {
        current.bytes = bytes;
        yield current;
        current = undefined;
      }
      seen.add(ref);
      currentRef = ref;
      if (!current) current = { index: index++, firstRow: row, rows: [header], orders: 0, bytes };
      current.orders += 1;
    }
    current!.rows.push(record);
  }
  if (!header) throw new Stop('The file is empty: a header row is required.', 1);
  if (current) {
    current.bytes = bytes;
    yield current;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** POSTs one batch; network failures, 5xx and 429 are retried with the same Idempotency-Key. */
async function send(
  opts: Options,
  batch: Batch,
  dryRun: boolean,
): Promise<{ status: number; body: any }> {
  const csv = stringify(batch.rows);
  const query = `dryRun=${dryRun}&confirm=${opts.confirm}`;
  const idempotencyKey = `import-${createHash('sha256').update(`${query}\n${csv}`).digest('hex')}`;
  for (let attempt = 1; ; attempt++) {
    let failure: string;
    try {
      const response = await fetch(`${opts.url}/api/v1/imports/purchase-orders?${query}`, {
        method: 'POST',
        headers: {
          'content-type': 'text/csv',
          'x-api-key': opts.key,
          ...(dryRun ? {} : { 'idempotency-key': idempotencyKey }),
        },
        body: csv,
      });
      const text = await response.text();
      const body = text ? JSON.parse(text) : undefined;
      if (response.status < 500 && response.status !== 429)
        return { status: response.status, body };
      failure = `${response.status} ${body?.detail ?? ''}`;
    } catch (error) {
      failure = (error as Error & { cause?: Error }).cause?.message ?? (error as Error).message;
    }
    if (attempt === 5) throw new Stop(`The server failed ${attempt} times: ${failure}`, 2);
    await sleep(500 * 2 ** attempt);
  }
}

function describe(status: number, body: any): string {
  return `${status} ${body?.code ?? ''} ${body?.detail ?? JSON.stringify(body)}`.trim();
}

/** Server rows are the batch's data rows (1-based); row 0 is about the batch as a whole. */
const fileRow = (batch: Batch, error: RowError) =>
  error.row === 0 ? 'file' : `row ${batch.firstRow + error.row - 1}`;

function progressBar(
  total: number,
  label: string,
): {
  update(bytes: number, orders: number): void;
  stop(): void;
} {
  if (!process.stderr.isTTY) {
    let last = 0;
    return {
      update: (bytes, orders) => {
        const percent = total ? Math.floor((bytes / total) * 100) : 100;
        if (percent >= last + 10 || bytes === total) {
          last = percent;
          process.stderr.write(`${label}: ${percent} % (${orders} orders)\n`);
        }
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {orders} orders | {eta_formatted} left`,
    stream: process.stderr,
    hideCursor: true,
  });
  bar.start(total, 0, { orders: 0 });
  return {
    update: (bytes, orders) => bar.update(bytes, { orders }),
    stop: () => bar.stop(),
  };
}

/** Dry-runs every batch; returns the totals, or stops with every problem found. */
async function check(opts: Options, size: number) {
  const bar = progressBar(size, 'Checking ');
  const problems: string[] = [];
  const totals = { orders: 0, tranches: 0, quantity: 0, valueCents: 0 };
  try {
    for await (const batch of batches(opts)) {
      const { status, body } = await send(opts, batch, true);
      if (status === 200) {
        totals.orders += body.wouldCreate;
        totals.tranches += body.tranches;
        totals.quantity += body.quantity;
        totals.valueCents += parseMoney(body.value);
      } else if (status === 422 && Array.isArray(body?.errors)) {
        for (const error of body.errors as RowError[]) {
          problems.push(
            `  ${fileRow(batch, error)}${error.path ? ` ${error.path}` : ''}: ${error.message}`,
          );
        }
      } else {
        throw new Stop(`The server refused the check: ${describe(status, body)}`, 2);
      }
      bar.update(batch.bytes, totals.orders);
    }
  } finally {
    bar.stop();
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 100).join('\n');
    const more = problems.length > 100 ? `\n  … and ${problems.length - 100} more` : '';
    throw new Stop(
      `${problems.length} problem(s) found; nothing was imported:\n${shown}${more}`,
      1,
    );
  }
  return totals;
}

async function importAll(opts: Options, size: number) {
  const bar = progressBar(size, 'Importing');
  let created = 0;
  let rows = 0;
  try {
    for await (const batch of batches(opts)) {
      const { status, body } = await send(opts, batch, false);
      if (status !== 201) {
        bar.stop();
        const details =
          status === 422 && Array.isArray(body?.errors)
            ? (body.errors as RowError[])
                .slice(0, 100)
                .map((e) => `  ${fileRow(batch, e)}${e.path ? ` ${e.path}` : ''}: ${e.message}`)
                .join('\n')
            : `  ${describe(status, body)}`;
        throw new Stop(
          `The batch starting at row ${batch.firstRow} was refused; nothing of it was written.\n${details}\n` +
            `${created} orders (data rows ${opts.fromRow}–${batch.firstRow - 1}) were imported before it; ` +
            `fix the file and rerun with --from-row ${batch.firstRow}.`,
          status === 422 ? 1 : 2,
        );
      }
      created += body.created;
      rows += batch.rows.length - 1;
      bar.update(batch.bytes, created);
    }
  } finally {
    bar.stop();
  }
  return { created, rows };
}

async function main(): Promise<void> {
  const opts = options(process.argv.slice(2));
  let size: number;
  try {
    size = statSync(opts.file).size;
  } catch {
    throw new Stop(`Cannot read ${opts.file}.`, 2);
  }
  const started = Date.now();
  if (opts.check || opts.dryRun) {
    const totals = await check(opts, size);
    console.log(
      `Checked: ${totals.orders} orders, ${totals.tranches} tranches, ${totals.quantity} units, ` +
        `${formatMoney(totals.valueCents)} USD; no problems.`,
    );
    if (opts.dryRun) return;
  }
  const { created, rows } = await importAll(opts, size);
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `Imported ${created} orders (${rows} rows)${opts.confirm ? ', confirmed' : ' as drafts'} in ` +
      `${seconds.toFixed(1)} s (${Math.round(created / Math.max(seconds, 0.001))} orders/s).`,
  );
}

main().catch((error: Error) => {
  if (error instanceof UsageError) {
    if (!error.message) {
      console.log(USAGE);
      process.exit(0);
    }
    console.error(`${error.message}\n\n${USAGE}`);
    process.exit(2);
  }
  console.error(error instanceof Stop ? error.message : `Import failed: ${error.message}`);
  process.exit(error instanceof Stop ? error.exitCode : 2);
});
