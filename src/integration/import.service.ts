import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import {
  DomainError,
  DuplicateError,
  UnprocessableError,
  ValidationFailedError,
} from '../common/errors';
import { formatMoney, parseMoney } from '../common/money';
import { PaymentService } from '../orders/payment.service';
import {
  NamedOrder,
  PurchaseOrderService,
  unitPriceFromPerThs,
} from '../orders/purchase-order.service';
import { ShipmentService } from '../orders/shipment.service';
import {
  ImportOrder,
  ImportPayment,
  ImportShipment,
  OrderName,
  Origin,
  parseOrdersCsv,
  parsePaymentsCsv,
  parseShipmentsCsv,
  Read,
  RowError,
} from './import-csv';
import {
  ImportedOrderDto,
  ImportedRecordDto,
  ImportPaymentDto,
  ImportPaymentsResultDto,
  ImportPaymentsSummaryDto,
  ImportPurchaseOrderDto,
  ImportResultDto,
  ImportShipmentDto,
  ImportShipmentsResultDto,
  ImportShipmentsSummaryDto,
  ImportSummaryDto,
} from './import.dto';

/** Orders, payments or shipments per request; the import CLI sends bigger files in batches. */
export const MAX_IMPORT_ORDERS = 1000;
export const MAX_IMPORT_ROWS = 50_000;

/** 422 IMPORT_INVALID: every problem found, each with its row; nothing was written. */
export class ImportInvalidError extends UnprocessableError {
  constructor(errors: RowError[]) {
    const sorted = [...errors].sort((a, b) => a.row - b.row);
    const first = sorted[0];
    super(
      'IMPORT_INVALID',
      `${sorted.length} problem${sorted.length === 1 ? '' : 's'} found, nothing imported; first: row ${first.row}${first.path ? ` ${first.path}` : ''}: ${first.message}`,
      sorted,
    );
  }
}

class ImportTooLargeError extends DomainError {
  constructor(what: string) {
    super(413, 'IMPORT_TOO_LARGE', `${what}; send it in batches (the import CLI does)`);
  }
}

function flatten(errors: ValidationError[], parent = ''): { path: string; message: string }[] {
  return errors.flatMap((error) => {
    const key = /^\d+$/.test(error.property) ? `[${error.property}]` : error.property;
    const path = parent ? (key.startsWith('[') ? `${parent}${key}` : `${parent}.${key}`) : key;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      path,
      message: message.replace(/^property (\S+) should not exist$/, 'is not a known field'),
    }));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}

/**
 * Each element of a JSON array checked as the body `type` (unknown fields refused), with `more`
 * problems of its own and an externalRef no earlier element has; the valid ones with their index.
 */
function readJsonArray<D extends { externalRef: string }>(
  items: unknown[],
  type: new () => D,
  what: string,
  more: (dto: D, row: number) => RowError[],
): { valid: { row: number; dto: D }[]; errors: RowError[] } {
  const valid: { row: number; dto: D }[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, row) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ row, path: '', message: `must be ${what} object` });
      return;
    }
    const dto = plainToInstance(type, item);
    const found = [
      ...flatten(
        validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false }),
      ).map((e) => ({ row, ...e })),
      ...more(dto, row),
    ];
    if (typeof dto.externalRef === 'string') {
      const earlier = seen.get(dto.externalRef);
      if (earlier !== undefined) {
        found.push({
          row,
          path: 'externalRef',
          message: `repeats element ${earlier}'s externalRef`,
        });
      } else {
        seen.set(dto.externalRef, row);
      }
    }
    if (found.length > 0) errors.push(...found);
    else valid.push({ row, dto });
  });
  return { valid, errors };
}

/** `{row, path, message}` when not exactly one of two fields is given. */
const exactlyOne = (row: number, path: string, a: unknown, b: unknown, message: string) =>
  (a === undefined) === (b === undefined) ? [{ row, path, message }] : [];

/** JSON: an array of purchase-order bodies, each checked as POST /purchase-orders would. */
function readJsonOrders(items: unknown[]): Read<ImportOrder> {
  const { valid, errors } = readJsonArray(
    items,
    ImportPurchaseOrderDto,
    'a purchase-order',
    (dto, row) => [
      ...exactlyOne(
        row,
        'customerId',
        dto.customerId,
        dto.customerExternalRef,
        'give exactly one of customerId and customerExternalRef',
      ),
      ...(Array.isArray(dto.lines) ? dto.lines : []).flatMap((line, index) =>
        line
          ? exactlyOne(
              row,
              `lines[${index}].productModelId`,
              line.productModelId,
              line.sku,
              'give exactly one of productModelId and sku',
            )
          : [],
      ),
    ],
  );
  const orders: ImportOrder[] = [];
  for (const { row, dto } of valid) {
    orders.push({
      row,
      externalRef: dto.externalRef,
      externalRefAt: { row, path: 'externalRef' },
      customerId: dto.customerId,
      customerExternalRef: dto.customerExternalRef,
      customerAt: { row, path: dto.customerId ? 'customerId' : 'customerExternalRef' },
      signedOn: dto.signedOn,
      paymentTermsCode: dto.paymentTermsCode,
      termsAt: { row, path: 'paymentTermsCode' },
      customerReference: dto.customerReference,
      hashrateTolerancePercent: dto.hashrateTolerancePercent,
      lines: dto.lines.map((line, index) => ({
        productModelId: line.productModelId?.toLowerCase(),
        sku: line.sku,
        model: {
          row,
          path: `lines[${index}].${line.sku !== undefined ? 'sku' : 'productModelId'}`,
        },
        unitPrice: line.unitPrice,
        pricePerThs: line.pricePerThs,
        tranches: line.tranches.map((t) => ({
          shipDate: t.shipDate,
          quantity: t.quantity,
          unitPrice: t.unitPrice,
          optionExerciseBy: t.optionExerciseBy,
        })),
        tranchesAt: { row, path: `lines[${index}].tranches` },
      })),
      linesAt: { row, path: 'lines' },
    });
  }
  return { records: orders, errors };
}

const ORDER_NAMED = 'give exactly one of purchaseOrderExternalRef and purchaseOrderNumber';

const orderName = (
  dto: { purchaseOrderExternalRef?: string; purchaseOrderNumber?: string },
  row: number,
): OrderName =>
  dto.purchaseOrderExternalRef !== undefined
    ? { externalRef: dto.purchaseOrderExternalRef, at: { row, path: 'purchaseOrderExternalRef' } }
    : { number: dto.purchaseOrderNumber, at: { row, path: 'purchaseOrderNumber' } };

/** JSON: an array of payment bodies, each naming its order. */
function readJsonPayments(items: unknown[]): Read<ImportPayment> {
  const { valid, errors } = readJsonArray(items, ImportPaymentDto, 'a payment', (dto, row) =>
    exactlyOne(
      row,
      'purchaseOrderExternalRef',
      dto.purchaseOrderExternalRef,
      dto.purchaseOrderNumber,
      ORDER_NAMED,
    ),
  );
  const payments = valid.map(({ row, dto }) => ({
    row,
    externalRef: dto.externalRef,
    externalRefAt: { row, path: 'externalRef' },
    order: orderName(dto, row),
    amount: dto.amount,
    receivedOn: dto.receivedOn,
    reference: dto.reference,
  }));
  return { records: payments, errors };
}

/** JSON: an array of shipment bodies, each naming its order and its items' tranches. */
function readJsonShipments(items: unknown[]): Read<ImportShipment> {
  const { valid, errors } = readJsonArray(items, ImportShipmentDto, 'a shipment', (dto, row) => [
    ...exactlyOne(
      row,
      'purchaseOrderExternalRef',
      dto.purchaseOrderExternalRef,
      dto.purchaseOrderNumber,
      ORDER_NAMED,
    ),
    ...(Array.isArray(dto.items) ? dto.items : []).flatMap((item, index) =>
      item
        ? exactlyOne(
            row,
            `items[${index}].trancheId`,
            item.trancheId,
            item.trancheSequence,
            'give exactly one of trancheId and trancheSequence',
          )
        : [],
    ),
  ]);
  const shipments = valid.map(({ row, dto }) => ({
    row,
    externalRef: dto.externalRef,
    externalRefAt: { row, path: 'externalRef' },
    order: orderName(dto, row),
    shippedOn: dto.shippedOn,
    reference: dto.reference,
    items: dto.items.map((item, index) => ({
      trancheId: item.trancheId?.toLowerCase(),
      trancheSequence: item.trancheSequence,
      quantity: item.quantity,
      at: { row, path: `items[${index}].${item.trancheId ? 'trancheId' : 'trancheSequence'}` },
    })),
  }));
  return { records: shipments, errors };
}

/** A payment or a shipment to import, before its order is resolved. */
type Importable = { row: number; externalRef: string; externalRefAt: Origin; order: OrderName };

/** Thrown to roll a dry run back once every record was booked. */
class DryRunDone extends Error {}

interface Model {
  id: string;
  sku: string;
  status: string;
  list_price_cents: number;
  hashrate_ths: number;
}

interface Resolved {
  order: ImportOrder;
  customerId: string;
  models: Model[];
}

@Injectable()
export class ImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: PurchaseOrderService,
    private readonly payments: PaymentService,
    private readonly shipments: ShipmentService,
  ) {}

  /**
   * Imports purchase orders from CSV text or a JSON array, all or nothing: every order is
   * created (and confirmed with `confirm`) in one transaction, or none is and every problem is
   * reported with its row.
   */
  async importPurchaseOrders(
    body: unknown,
    options: { dryRun?: boolean; confirm?: boolean },
  ): Promise<ImportResultDto | ImportSummaryDto> {
    const { records: orders, errors } = readBody(
      body,
      'purchase orders',
      parseOrdersCsv,
      readJsonOrders,
    );
    if (options.dryRun) {
      const resolved = await this.resolve(this.dataSource.manager, orders, errors);
      return this.summary(resolved);
    }
    return this.dataSource.transaction(async (tx) => {
      const resolved = await this.resolve(tx, orders, errors);
      const created: ImportedOrderDto[] = [];
      for (const { order, customerId, models } of resolved) {
        try {
          const draft = await this.orders.insertDraft(tx, {
            customerId,
            signedOn: order.signedOn,
            paymentTermsCode: order.paymentTermsCode ?? null,
            customerReference: order.customerReference ?? null,
            externalRef: order.externalRef,
            hashrateTolerancePercent: order.hashrateTolerancePercent,
            lines: order.lines.map((line, index) => ({
              productModelId: models[index].id,
              unitPrice: line.unitPrice,
              pricePerThs: line.pricePerThs,
              tranches: line.tranches,
            })),
          });
          const result = options.confirm ? await this.orders.confirmIn(tx, draft.id) : draft;
          created.push({
            id: result.id,
            number: result.number,
            externalRef: order.externalRef,
            status: result.status,
          });
        } catch (error) {
          throw asRowError(error, order, 'purchase order', 'purchase_order_external_ref_key');
        }
      }
      return { created: created.length, orders: created };
    });
  }

  /**
   * Imports payments from CSV text or a JSON array, all or nothing, each booked as POST
   * …/payments books it (applied by the order's replay), in the order given. A dry run books them
   * all in a transaction it then rolls back, so it checks everything a real run would.
   */
  async importPayments(
    body: unknown,
    options: { dryRun?: boolean },
  ): Promise<ImportPaymentsResultDto | ImportPaymentsSummaryDto> {
    const { records, errors } = readBody(body, 'payments', parsePaymentsCsv, readJsonPayments);
    const booked = await this.importRecords('payment', records, errors, options, (tx, p, order) =>
      this.payments.payIn(tx, order.id, {
        amount: p.amount,
        receivedOn: p.receivedOn,
        reference: p.reference,
        externalRef: p.externalRef,
      }),
    );
    if (options.dryRun) {
      const cents = records.reduce((sum, p) => sum + parseMoney(p.amount), 0);
      return { dryRun: true, wouldCreate: records.length, amount: formatMoney(cents) };
    }
    return { created: booked.length, payments: booked };
  }

  /**
   * Imports shipments from CSV text (one row per item, rows sharing externalRef form a shipment)
   * or a JSON array, all or nothing, each booked as POST …/shipments books it. A dry run books
   * them all in a transaction it then rolls back.
   */
  async importShipments(
    body: unknown,
    options: { dryRun?: boolean },
  ): Promise<ImportShipmentsResultDto | ImportShipmentsSummaryDto> {
    const { records, errors } = readBody(body, 'shipments', parseShipmentsCsv, readJsonShipments);
    const booked = await this.importRecords(
      'shipment',
      records,
      errors,
      options,
      (tx, shipment, order) =>
        this.shipments.shipIn(tx, order.id, {
          shippedOn: shipment.shippedOn,
          reference: shipment.reference,
          externalRef: shipment.externalRef,
          items: shipment.items.map((item) => ({
            trancheId: item.trancheId ?? order.trancheIds.get(item.trancheSequence!)!,
            quantity: item.quantity,
          })),
        }),
      (shipment, order) =>
        shipment.items
          .filter(
            (i) => i.trancheSequence !== undefined && !order.trancheIds.has(i.trancheSequence),
          )
          .map((i) => ({
            ...i.at,
            message: `purchase order ${order.number} has no tranche ${i.trancheSequence}`,
          })),
    );
    if (options.dryRun) {
      const units = records.reduce(
        (sum, s) => sum + s.items.reduce((n, i) => n + i.quantity, 0),
        0,
      );
      return { dryRun: true, wouldCreate: records.length, quantity: units };
    }
    return { created: booked.length, shipments: booked };
  }

  /**
   * Books payments or shipments in one transaction, all or nothing: first every order named and
   * every externalRef is checked (all problems reported at once), then each record is booked in
   * turn; the first refused one is reported with its row, and nothing is kept. A dry run rolls
   * back what it booked.
   */
  private async importRecords<R extends Importable>(
    kind: 'payment' | 'shipment',
    records: R[],
    errors: RowError[],
    options: { dryRun?: boolean },
    book: (tx: EntityManager, record: R, order: NamedOrder) => Promise<{ id: string }>,
    check: (record: R, order: NamedOrder) => RowError[] = () => [],
  ): Promise<ImportedRecordDto[]> {
    if (records.length > MAX_IMPORT_ORDERS) {
      throw new ImportTooLargeError(
        `${records.length} ${kind}s exceed the ${MAX_IMPORT_ORDERS} one request may import`,
      );
    }
    const work = (tx: EntityManager) =>
      this.bookRecords(tx, kind, records, errors, book, check).then((booked) => {
        if (options.dryRun) throw new DryRunDone();
        return booked;
      });
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (error instanceof DryRunDone) return [];
      throw error;
    }
  }

  private async bookRecords<R extends Importable>(
    tx: EntityManager,
    kind: 'payment' | 'shipment',
    records: R[],
    errors: RowError[],
    book: (tx: EntityManager, record: R, order: NamedOrder) => Promise<{ id: string }>,
    check: (record: R, order: NamedOrder) => RowError[],
  ): Promise<ImportedRecordDto[]> {
    const found = [...errors];
    const orders = await this.orders.named(tx, {
      externalRefs: records.flatMap((r) => (r.order.externalRef ? [r.order.externalRef] : [])),
      numbers: records.flatMap((r) => (r.order.number ? [r.order.number] : [])),
    });
    const held = await this.orders.externalRefsHeld(
      tx,
      kind,
      records.map((r) => r.externalRef),
    );
    const resolved: { record: R; order: NamedOrder }[] = [];
    for (const record of records) {
      const { externalRef, number, at } = record.order;
      const order = externalRef
        ? orders.byExternalRef.get(externalRef)
        : orders.byNumber.get(number!);
      const problems: RowError[] = [];
      const holder = held.get(record.externalRef);
      if (holder) {
        problems.push({
          ...record.externalRefAt,
          message: `${kind} ${holder} already has externalRef ${record.externalRef}`,
        });
      }
      if (!order) {
        problems.push({
          ...at,
          message: externalRef
            ? `no purchase order has externalRef ${externalRef}`
            : `no purchase order is numbered ${number}`,
        });
      } else {
        problems.push(...check(record, order));
      }
      if (problems.length > 0) found.push(...problems);
      else resolved.push({ record, order: order! });
    }
    if (found.length > 0) throw new ImportInvalidError(found);
    if (records.length === 0)
      throw new ImportInvalidError([{ row: 0, path: '', message: 'Nothing to import' }]);
    const booked: ImportedRecordDto[] = [];
    for (const { record, order } of resolved) {
      try {
        const { id } = await book(tx, record, order);
        booked.push({
          id,
          externalRef: record.externalRef,
          purchaseOrderId: order.id,
          purchaseOrderNumber: order.number,
        });
      } catch (error) {
        throw asRowError(error, record, kind, `${kind}_external_ref_key`);
      }
    }
    return booked;
  }

  /** Looks every reference up at once; throws IMPORT_INVALID with all problems, earlier ones included. */
  private async resolve(
    tx: EntityManager,
    orders: ImportOrder[],
    errors: RowError[],
  ): Promise<Resolved[]> {
    const found = [...errors];
    const at = (origin: { row: number; path: string }, message: string) =>
      found.push({ ...origin, message });
    const distinct = (values: (string | undefined)[]) => [
      ...new Set(values.filter((v): v is string => !!v)),
    ];
    const lines = orders.flatMap((o) => o.lines);
    // One after the other: statements on a transaction's connection cannot overlap.
    const customersByRef = (await tx.query(
      'SELECT id, external_ref AS key FROM customer WHERE external_ref = ANY($1::text[])',
      [distinct(orders.map((o) => o.customerExternalRef))],
    )) as { id: string; key: string }[];
    const customersById = (await tx.query(
      'SELECT id, id::text AS key FROM customer WHERE id = ANY($1::uuid[])',
      [distinct(orders.map((o) => o.customerId?.toLowerCase()))],
    )) as { id: string; key: string }[];
    const modelsBySku = (await tx.query(
      `SELECT id, sku, status, list_price_cents, hashrate_ths::float8 AS hashrate_ths
         FROM product_model WHERE sku = ANY($1::text[])`,
      [distinct(lines.map((l) => l.sku))],
    )) as Model[];
    const modelsById = (await tx.query(
      `SELECT id, sku, status, list_price_cents, hashrate_ths::float8 AS hashrate_ths
         FROM product_model WHERE id = ANY($1::uuid[])`,
      [distinct(lines.map((l) => l.productModelId))],
    )) as Model[];
    const terms = (await tx.query('SELECT code FROM payment_terms WHERE code = ANY($1::text[])', [
      distinct(orders.map((o) => o.paymentTermsCode)),
    ])) as { code: string }[];
    const existing = (await tx.query(
      'SELECT external_ref, number FROM purchase_order WHERE external_ref = ANY($1::text[])',
      [orders.map((o) => o.externalRef)],
    )) as { external_ref: string; number: string }[];
    const customerByRef = new Map(customersByRef.map((c) => [c.key, c.id]));
    const customerById = new Set(customersById.map((c) => c.id));
    const bySku = new Map(modelsBySku.map((m) => [m.sku, m]));
    const byId = new Map(modelsById.map((m) => [m.id, m]));
    const termCodes = new Set(terms.map((t) => t.code));
    const existingRefs = new Map(existing.map((e) => [e.external_ref, e.number]));

    const resolved: Resolved[] = [];
    for (const order of orders) {
      const before = found.length;
      const number = existingRefs.get(order.externalRef);
      if (number)
        at(
          order.externalRefAt,
          `purchase order ${number} already has externalRef ${order.externalRef}`,
        );
      let customerId: string | undefined;
      if (order.customerId) {
        customerId = order.customerId.toLowerCase();
        if (!customerById.has(customerId))
          at(order.customerAt, `Customer ${order.customerId} does not exist`);
      } else {
        customerId = customerByRef.get(order.customerExternalRef!);
        if (!customerId)
          at(order.customerAt, `no customer has externalRef ${order.customerExternalRef}`);
      }
      if (order.paymentTermsCode && !termCodes.has(order.paymentTermsCode)) {
        at(order.termsAt, `Payment terms ${order.paymentTermsCode} do not exist`);
      }
      const models: Model[] = [];
      for (const line of order.lines) {
        const model = line.sku !== undefined ? bySku.get(line.sku) : byId.get(line.productModelId!);
        if (!model) {
          at(
            line.model,
            line.sku !== undefined
              ? `no product model has sku ${line.sku}`
              : `Product model ${line.productModelId} does not exist`,
          );
        } else if (model.status === 'end_of_life') {
          at(
            line.model,
            `product model ${model.sku} is end of life and cannot be put on a new order`,
          );
        } else {
          models.push(model);
        }
      }
      if (found.length === before) resolved.push({ order, customerId: customerId!, models });
    }
    if (found.length > 0) throw new ImportInvalidError(found);
    if (orders.length === 0)
      throw new ImportInvalidError([{ row: 0, path: '', message: 'Nothing to import' }]);
    return resolved;
  }

  private summary(resolved: Resolved[]): ImportSummaryDto {
    let lines = 0;
    let tranches = 0;
    let quantity = 0;
    let value = 0;
    const orders = resolved.map(({ order, customerId, models }) => {
      let orderQuantity = 0;
      let orderValue = 0;
      order.lines.forEach((line, index) => {
        const linePrice = line.pricePerThs
          ? unitPriceFromPerThs(parseMoney(line.pricePerThs), models[index].hashrate_ths)
          : line.unitPrice
            ? parseMoney(line.unitPrice)
            : models[index].list_price_cents;
        for (const tranche of line.tranches) {
          // Option units are no firm quantity and no value until exercised.
          if (tranche.optionExerciseBy) continue;
          orderQuantity += tranche.quantity;
          orderValue +=
            tranche.quantity * (tranche.unitPrice ? parseMoney(tranche.unitPrice) : linePrice);
        }
      });
      const orderTranches = order.lines.reduce((n, l) => n + l.tranches.length, 0);
      lines += order.lines.length;
      tranches += orderTranches;
      quantity += orderQuantity;
      value += orderValue;
      return {
        externalRef: order.externalRef,
        customerId,
        lines: order.lines.length,
        tranches: orderTranches,
        quantity: orderQuantity,
        value: formatMoney(orderValue),
      };
    });
    return {
      dryRun: true,
      wouldCreate: orders.length,
      lines,
      tranches,
      quantity,
      value: formatMoney(value),
      orders,
    };
  }
}

/**
 * The records of a CSV text or a JSON array (what else: 400), read by `csv` or `json`; an empty
 * array or an oversized file refused before anything is read.
 */
function readBody<R>(
  body: unknown,
  what: string,
  csv: (text: string) => Read<R>,
  json: (items: unknown[]) => Read<R>,
): Read<R> {
  if (typeof body === 'string') {
    const rows = body.split('\n').length;
    if (rows > MAX_IMPORT_ROWS + 2) {
      throw new ImportTooLargeError(
        `${rows} lines exceed the ${MAX_IMPORT_ROWS} rows one request may import`,
      );
    }
    return csv(body);
  }
  if (Array.isArray(body)) {
    if (body.length === 0)
      return { records: [], errors: [{ row: 0, path: '', message: 'The array is empty' }] };
    if (body.length > MAX_IMPORT_ORDERS) {
      throw new ImportTooLargeError(
        `${body.length} ${what} exceed the ${MAX_IMPORT_ORDERS} one request may import`,
      );
    }
    return json(body);
  }
  throw new ValidationFailedError(`The body must be text/csv or a JSON array of ${what}`, [
    { path: '', message: `must be text/csv or a JSON array of ${what}` },
  ]);
}

/**
 * A failure while writing one record (an order, a payment, a shipment): reported against its row,
 * and nothing is kept. An externalRef another request took meanwhile is that row's error too.
 */
function asRowError(
  error: unknown,
  record: { row: number; externalRef: string; externalRefAt: Origin },
  what: string,
  externalRefKey: string,
): Error {
  if (error instanceof DuplicateError) {
    return new ImportInvalidError([{ ...record.externalRefAt, message: error.message }]);
  }
  if (error instanceof DomainError) {
    const details = error.errors?.length ? error.errors : [{ path: '', message: error.message }];
    return new ImportInvalidError(
      details.map((e) => ({ row: record.row, path: e.path, message: e.message })),
    );
  }
  const driver = (
    error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }
  ).driverError;
  if (
    error instanceof QueryFailedError &&
    driver?.code === '23505' &&
    driver.constraint === externalRefKey
  ) {
    return new ImportInvalidError([
      {
        ...record.externalRefAt,
        message: `a ${what} with externalRef ${record.externalRef} was created meanwhile`,
      },
    ]);
  }
  return error as Error;
}
