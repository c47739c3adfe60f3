import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { DomainError, UnprocessableError, ValidationFailedError } from '../common/errors';
import { formatMoney, parseMoney } from '../common/money';
import { PurchaseOrderService } from '../orders/purchase-order.service';
import { ImportOrder, parseOrdersCsv, RowError } from './import-csv';
import {
  ImportedOrderDto,
  ImportPurchaseOrderDto,
  ImportResultDto,
  ImportSummaryDto,
} from './import.dto';

/** Per request; the import CLI sends bigger files in batches. */
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

/** JSON: an array of purchase-order bodies, each checked as POST /purchase-orders would. */
function readJsonOrders(items: unknown[]): { orders: ImportOrder[]; errors: RowError[] } {
  const orders: ImportOrder[] = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  items.forEach((item, row) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      errors.push({ row, path: '', message: 'must be a purchase-order object' });
      return;
    }
    const dto = plainToInstance(ImportPurchaseOrderDto, item);
    const found = flatten(
      validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, stopAtFirstError: false }),
    ).map((e) => ({ row, ...e }));
    if ((dto.customerId === undefined) === (dto.customerExternalRef === undefined)) {
      found.push({
        row,
        path: 'customerId',
        message: 'give exactly one of customerId and customerExternalRef',
      });
    }
    (Array.isArray(dto.lines) ? dto.lines : []).forEach((line, index) => {
      if (line && (line.productModelId === undefined) === (line.sku === undefined)) {
        found.push({
          row,
          path: `lines[${index}].productModelId`,
          message: 'give exactly one of productModelId and sku',
        });
      }
    });
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
    if (found.length > 0) {
      errors.push(...found);
      return;
    }
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
      lines: dto.lines.map((line, index) => ({
        productModelId: line.productModelId?.toLowerCase(),
        sku: line.sku,
        model: {
          row,
          path: `lines[${index}].${line.sku !== undefined ? 'sku' : 'productModelId'}`,
        },
        unitPrice: line.unitPrice,
        tranches: line.tranches.map((t) => ({
          shipDate: t.shipDate,
          quantity: t.quantity,
          unitPrice: t.unitPrice,
        })),
        tranchesAt: { row, path: `lines[${index}].tranches` },
      })),
      linesAt: { row, path: 'lines' },
    });
  });
  return { orders, errors };
}

interface Model {
  id: string;
  sku: string;
  status: string;
  list_price_cents: number;
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
    const { orders, errors } = this.read(body);
    if (orders.length > MAX_IMPORT_ORDERS) {
      throw new ImportTooLargeError(
        `${orders.length} orders exceed the ${MAX_IMPORT_ORDERS} one request may import`,
      );
    }
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
            lines: order.lines.map((line, index) => ({
              productModelId: models[index].id,
              unitPrice: line.unitPrice,
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
          throw this.asRowError(error, order);
        }
      }
      return { created: created.length, orders: created };
    });
  }

  private read(body: unknown): { orders: ImportOrder[]; errors: RowError[] } {
    if (typeof body === 'string') {
      const rows = body.split('\n').length;
      if (rows > MAX_IMPORT_ROWS + 2) {
        throw new ImportTooLargeError(
          `${rows} lines exceed the ${MAX_IMPORT_ROWS} rows one request may import`,
        );
      }
      return parseOrdersCsv(body);
    }
    if (Array.isArray(body)) {
      if (body.length === 0)
        return { orders: [], errors: [{ row: 0, path: '', message: 'The array is empty' }] };
      if (body.length > MAX_IMPORT_ORDERS) {
        throw new ImportTooLargeError(
          `${body.length} orders exceed the ${MAX_IMPORT_ORDERS} one request may import`,
        );
      }
      return readJsonOrders(body);
    }
    throw new ValidationFailedError(
      'The body must be text/csv or a JSON array of purchase orders',
      [{ path: '', message: 'must be text/csv or a JSON array of purchase orders' }],
    );
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
      'SELECT id, sku, status, list_price_cents FROM product_model WHERE sku = ANY($1::text[])',
      [distinct(lines.map((l) => l.sku))],
    )) as Model[];
    const modelsById = (await tx.query(
      'SELECT id, sku, status, list_price_cents FROM product_model WHERE id = ANY($1::uuid[])',
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
        const linePrice = line.unitPrice
          ? parseMoney(line.unitPrice)
          : models[index].list_price_cents;
        for (const tranche of line.tranches) {
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

  /** A failure while writing one order: reported against that order's row, and nothing is kept. */
  private asRowError(error: unknown, order: ImportOrder): Error {
    if (error instanceof DomainError) {
      const details = error.errors?.length ? error.errors : [{ path: '', message: error.message }];
      return new ImportInvalidError(
        details.map((e) => ({ row: order.row, path: e.path, message: e.message })),
      );
    }
    const driver = (
      error as QueryFailedError & { driverError?: { code?: string; constraint?: string } }
    ).driverError;
    if (
      error instanceof QueryFailedError &&
      driver?.code === '23505' &&
      driver.constraint === 'purchase_order_external_ref_key'
    ) {
      return new ImportInvalidError([
        {
          row: order.row,
          path: order.externalRefAt.path,
          message: `a purchase order with externalRef ${order.externalRef} was created meanwhile`,
        },
      ]);
    }
    return error as Error;
  }
}
