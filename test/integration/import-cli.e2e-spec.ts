import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createCustomer, createProductModel, unique } from '../support/crm-factories';
import { createTestApp, TestApp } from '../support/test-app';

const HEADER =
  'externalRef,customerExternalRef,signedOn,paymentTermsCode,sku,unitPrice,shipDate,quantity';
const ROOT = resolve(__dirname, '..', '..');

function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', join(ROOT, 'src', 'import-cli.ts'), ...args],
      { cwd: ROOT, env: { ...process.env, HASHBOOK_API_KEY: '' } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

describe('import CLI', () => {
  let t: TestApp;
  let url: string;
  let key: string;
  let dir: string;
  let sku: string;
  let customerRef: string;
  const prefix = unique('BULK');

  beforeAll(async () => {
    t = await createTestApp({ webhooksEnabled: false });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    key = await t.keyFor('erp');
    sku = (await createProductModel(t)).sku;
    customerRef = unique('CUST');
    await createCustomer(t, { externalRef: customerRef });
    dir = mkdtempSync(join(tmpdir(), 'hashbook-import-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t.close();
  });

  const file = (name: string, rows: string[]) => {
    const path = join(dir, name);
    writeFileSync(path, `${[HEADER, ...rows].join('\n')}\n`);
    return path;
  };
  const orderRows = (ref: string) => [
    `${ref},${customerRef},2024-05-02,,${sku},3060.00,2024-09-20,100`,
    `${ref},${customerRef},2024-05-02,,${sku},3060.00,2024-10-20,100`,
  ];
  const countOrders = async () =>
    Number(
      (
        await t.sql<{ n: string }>(
          `SELECT count(*) AS n FROM purchase_order WHERE external_ref LIKE $1`,
          [`${prefix}%`],
        )
      )[0].n,
    );

  it('checks, then imports a file in batches of whole orders and reports what it did', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => orderRows(`${prefix}-${i}`)).flat();
    const path = file('good.csv', rows);
    const dry = await runCli([
      '--file',
      path,
      '--url',
      url,
      '--key',
      key,
      '--dry-run',
      '--batch-size',
      '60',
    ]);
    expect(dry.stderr).not.toMatch(/Error|failed/i);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(
      'Checked: 250 orders, 500 tranches, 50000 units, 153000000.00 USD',
    );
    expect(await countOrders()).toBe(0);

    const run = await runCli([
      '--file',
      path,
      '--url',
      url,
      '--key',
      key,
      '--batch-size',
      '60',
      '--confirm',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Imported 250 orders \(500 rows\), confirmed/);
    expect(await countOrders()).toBe(250);
    const statuses = await t.sql<{ status: string }>(
      `SELECT DISTINCT status FROM purchase_order WHERE external_ref LIKE $1`,
      [`${prefix}%`],
    );
    expect(statuses.map((s) => s.status)).toEqual(['confirmed']);
  }, 60000);

  it('refuses a file with bad rows, naming them by file row, and imports nothing of it', async () => {
    const bad = unique('BAD');
    const rows = [
      ...Array.from({ length: 30 }, (_, i) => orderRows(`${bad}-${i}`)).flat(),
      `${bad}-x,${customerRef},2024-05-02,,NO-SUCH-SKU,3060.00,2024-09-20,100`, // row 61
      `${bad}-y,${customerRef},2024-05-02,,${sku},3060.00,2024-09-20,-5`, // row 62
    ];
    const run = await runCli([
      '--file',
      file('bad.csv', rows),
      '--url',
      url,
      '--key',
      key,
      '--batch-size',
      '7',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('2 problem(s) found; nothing was imported');
    expect(run.stderr).toContain('row 61 sku: no product model has sku NO-SUCH-SKU');
    expect(run.stderr).toMatch(/row 62 quantity: /);
    const [{ n }] = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM purchase_order WHERE external_ref LIKE $1`,
      [`${bad}%`],
    );
    expect(Number(n)).toBe(0);
  }, 60000);

  it('refuses orders whose rows are not together, and bad arguments', async () => {
    const split = unique('SPLIT');
    const rows = [
      ...orderRows(`${split}-1`),
      ...orderRows(`${split}-2`),
      orderRows(`${split}-1`)[0],
    ];
    const run = await runCli(['--file', file('split.csv', rows), '--url', url, '--key', key]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Row 5: the rows of order ${split}-1 are not next to each other`);
    const usage = await runCli(['--file', 'x.csv']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--key (or HASHBOOK_API_KEY) is required.');
    const wrongKey = await runCli([
      '--file',
      file('one.csv', orderRows(unique('K'))),
      '--url',
      url,
      '--key',
      'hb_nope',
    ]);
    expect(wrongKey.code).toBe(2);
    expect(wrongKey.stderr).toContain('401');
  }, 60000);
});
