import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import {
  ConflictError,
  ReferenceNotFoundError,
  UnprocessableError,
  ValidationFailedError,
} from '../common/errors';
import { formatMoney, parseMoney } from '../common/money';
import { keysetCondition, Page, PageQueryDto, pageOf, rawKey } from '../common/pagination';
import {
  CreatePaymentDto,
  CreateShipmentDto,
  InstalmentDto,
  PaymentDto,
  ShipmentDto,
  ShipmentQueryDto,
} from './purchase-order.dto';
import { PurchaseOrder } from './purchase-order.entity';
import { assertTransition, PurchaseOrderService } from './purchase-order.service';

interface ShipmentRow {
  id: string;
  purchase_order_id: string;
  customer_id: string;
  shipped_on: string;
  reference: string | null;
  created_at: Date;
  items: { trancheId: string; quantity: number }[];
}

interface PaymentRow {
  id: string;
  purchase_order_id: string;
  customer_id: string;
  amount_cents: number;
  received_on: string;
  reference: string | null;
  created_at: Date;
}

const toShipmentDto = (row: ShipmentRow): ShipmentDto => ({
  id: row.id,
  purchaseOrderId: row.purchase_order_id,
  customerId: row.customer_id,
  shippedOn: row.shipped_on,
  reference: row.reference,
  items: row.items,
  createdAt: row.created_at.toISOString(),
});

const toPaymentDto = (row: PaymentRow): PaymentDto => ({
  id: row.id,
  purchaseOrderId: row.purchase_order_id,
  customerId: row.customer_id,
  amount: formatMoney(Number(row.amount_cents)),
  receivedOn: row.received_on,
  reference: row.reference,
  createdAt: row.created_at.toISOString(),
});

const SHIPMENT_SELECT = `SELECT s.id, s.purchase_order_id, s.customer_id, s.shipped_on, s.reference, s.created_at,
  COALESCE((SELECT jsonb_agg(jsonb_build_object('trancheId', i.tranche_id, 'quantity', i.quantity) ORDER BY t.sequence)
              FROM shipment_item i JOIN tranche t ON t.id = i.tranche_id WHERE i.shipment_id = s.id), '[]') AS items
  FROM shipment s`;

/** Shipments and payments against confirmed orders, and the billing schedule they settle. */
@Injectable()
export class FulfilmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly orders: PurchaseOrderService,
  ) {}

  ship(orderId: string, body: CreateShipmentDto): Promise<ShipmentDto> {
    return this.dataSource.transaction(async (tx) => {
      const order = await this.orders.lock(tx, orderId);
      assertTransition('ship', order.status);
      this.checkBusinessDate(order, body.shippedOn, 'shippedOn');
      const seen = new Set<string>();
      body.items.forEach((item, index) => {
        if (seen.has(item.trancheId)) {
          throw new ValidationFailedError(`items[${index}].trancheId: appears twice`, [
            { path: `items[${index}].trancheId`, message: 'appears twice' },
          ]);
        }
        seen.add(item.trancheId);
      });
      const tranches = (await tx.query(
        'SELECT id, sequence, quantity - shipped_quantity - cancelled_quantity AS open FROM tranche WHERE purchase_order_id = $1',
        [orderId],
      )) as { id: string; sequence: number; open: number }[];
      const open = new Map(tranches.map((t) => [t.id, t]));
      body.items.forEach((item, index) => {
        const tranche = open.get(item.trancheId);
        if (!tranche)
          throw new ReferenceNotFoundError(
            `items[${index}].trancheId`,
            'Tranche of this order',
            item.trancheId,
          );
        if (item.quantity > tranche.open) {
          throw new ConflictError(
            'OVER_SHIPMENT',
            `items[${index}]: ${item.quantity} units exceed the ${tranche.open} open on tranche ${tranche.sequence}`,
          );
        }
      });
      const before = await this.orders.load(tx, orderId);
      const [shipment] = (await tx.query(
        'INSERT INTO shipment (purchase_order_id, customer_id, shipped_on, reference) VALUES ($1, $2, $3, $4) RETURNING id',
        [orderId, order.customerId, body.shippedOn, body.reference ?? null],
      )) as { id: string }[];
      await tx.query(
        `INSERT INTO shipment_item (shipment_id, tranche_id, quantity) SELECT $1, i.tranche, i.qty FROM unnest($2::uuid[], $3::int[]) AS i(tranche, qty)`,
        [shipment.id, body.items.map((i) => i.trancheId), body.items.map((i) => i.quantity)],
      );
      await this.orders.afterChange(tx, order, before, 'shipped');
      const [row] = (await tx.query(`${SHIPMENT_SELECT} WHERE s.id = $1`, [
        shipment.id,
      ])) as ShipmentRow[];
      const dto = toShipmentDto(row);
      await this.audit.record(tx, {
        entityType: 'shipment',
        entityId: dto.id,
        action: 'created',
        after: dto,
      });
      return dto;
    });
  }

  pay(orderId: string, body: CreatePaymentDto): Promise<PaymentDto> {
    return this.dataSource.transaction(async (tx) => {
      const order = await this.orders.lock(tx, orderId);
      assertTransition('pay', order.status);
      this.checkBusinessDate(order, body.receivedOn, 'receivedOn');
      const before = await this.orders.load(tx, orderId);
      const [row] = (await tx.query(
        `INSERT INTO payment (purchase_order_id, customer_id, amount_cents, received_on, reference) VALUES ($1, $2, $3, $4, $5)
         RETURNING id, purchase_order_id, customer_id, amount_cents, received_on, reference, created_at`,
        [
          orderId,
          order.customerId,
          parseMoney(body.amount),
          body.receivedOn,
          body.reference ?? null,
        ],
      )) as PaymentRow[];
      await this.orders.afterChange(tx, order, before, 'paid');
      const dto = toPaymentDto(row);
      await this.audit.record(tx, {
        entityType: 'payment',
        entityId: dto.id,
        action: 'received',
        after: dto,
      });
      return dto;
    });
  }

  async payments(orderId: string, query: PageQueryDto): Promise<Page<PaymentDto>> {
    await this.orders.load(this.dataSource.manager, orderId);
    const limit = query.limit ?? 50;
    const params: unknown[] = [orderId];
    const after = keysetCondition('p', query.cursor, params);
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `SELECT p.id, p.purchase_order_id, p.customer_id, p.amount_cents, p.received_on, p.reference, p.created_at
         FROM payment p WHERE p.purchase_order_id = $1 ${after ? `AND ${after}` : ''}
        ORDER BY p.created_at, p.id LIMIT $${params.length}`,
      params,
    )) as PaymentRow[];
    const page = pageOf(rows, limit, rawKey);
    return { items: page.rows.map(toPaymentDto), nextCursor: page.nextCursor };
  }

  async shipments(query: ShipmentQueryDto, orderId?: string): Promise<Page<ShipmentDto>> {
    if (orderId) await this.orders.load(this.dataSource.manager, orderId);
    const limit = query.limit ?? 50;
    const conditions: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      conditions.push(sql.replace('?', `$${params.length}`));
    };
    if (orderId) add('s.purchase_order_id = ?', orderId);
    if (query.from) add('s.shipped_on >= ?', query.from);
    if (query.to) add('s.shipped_on <= ?', query.to);
    if (query.customerId) add('s.customer_id = ?', query.customerId);
    const after = keysetCondition('s', query.cursor, params);
    if (after) conditions.push(after);
    params.push(limit + 1);
    const rows = (await this.dataSource.query(
      `${SHIPMENT_SELECT} WHERE true ${conditions.map((c) => `AND ${c}`).join(' ')}
        ORDER BY s.created_at, s.id LIMIT $${params.length}`,
      params,
    )) as ShipmentRow[];
    const page = pageOf(rows, limit, rawKey);
    return { items: page.rows.map(toShipmentDto), nextCursor: page.nextCursor };
  }

  async billingSchedule(orderId: string): Promise<{ items: InstalmentDto[]; nextCursor: null }> {
    await this.orders.load(this.dataSource.manager, orderId);
    const rows = (await this.dataSource.query(
      `SELECT i.key, i.kind, i.tranche_id, i.due_on, i.amount_cents, i.paid_cents, i.voided_cents, i.status
         FROM instalment i LEFT JOIN tranche t ON t.id = i.tranche_id
        WHERE i.purchase_order_id = $1
        ORDER BY i.due_on, (i.kind = 'milestone'), t.sequence NULLS FIRST, i.key`,
      [orderId],
    )) as {
      key: string;
      kind: 'deposit' | 'milestone';
      tranche_id: string | null;
      due_on: string;
      amount_cents: number;
      paid_cents: number;
      voided_cents: number;
      status: 'open' | 'paid' | 'void';
    }[];
    return {
      items: rows.map((r) => ({
        key: r.key,
        kind: r.kind,
        trancheId: r.tranche_id,
        dueOn: r.due_on,
        amount: formatMoney(Number(r.amount_cents)),
        paidAmount: formatMoney(Number(r.paid_cents)),
        voidedAmount: formatMoney(Number(r.voided_cents)),
        status: r.status,
      })),
      nextCursor: null,
    };
  }

  private checkBusinessDate(order: PurchaseOrder, date: string, path: string): void {
    const now = this.orders.today();
    if (date < order.signedOn || date > now) {
      throw new UnprocessableError(
        'DATE_OUT_OF_RANGE',
        `${path} must lie between the signing date ${order.signedOn} and today ${now}`,
        [{ path, message: `must lie between ${order.signedOn} and ${now}` }],
      );
    }
  }
}
