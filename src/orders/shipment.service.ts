import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  ConflictError,
  NotFoundError,
  ReferenceNotFoundError,
  UnprocessableError,
  ValidationFailedError,
} from '../common/errors';
import { Page } from '../common/pagination';
import { businessDate, OrderChangeService } from './order-change.service';
import {
  CreateShipmentDto,
  ReversalDto,
  ShipmentDto,
  ShipmentItemInputDto,
  ShipmentQueryDto,
} from './purchase-order.dto';
import { toShipmentDto } from './purchase-order.mapper';
import {
  LineRow,
  openQuantity,
  PurchaseOrderRepository,
  ShippedItem,
  TrancheRow,
} from './purchase-order.repository';
import { ShipmentReversal } from './shipment.entity';
import { trueUpCents } from './true-up';

/**
 * The items of a shipment checked against the order's tranches: each tranche once, of this order,
 * and no more than it has open. Returned in tranche order.
 */
function shippable(items: ShipmentItemInputDto[], tranches: TrancheRow[]): ShipmentItemInputDto[] {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    if (seen.has(item.trancheId)) {
      throw new ValidationFailedError(`items[${index}].trancheId: appears twice`, [
        { path: `items[${index}].trancheId`, message: 'appears twice' },
      ]);
    }
    seen.add(item.trancheId);
  });
  const byId = new Map(tranches.map((t) => [t.id, t]));
  items.forEach((item, index) => {
    const tranche = byId.get(item.trancheId);
    if (!tranche) {
      throw new ReferenceNotFoundError(
        `items[${index}].trancheId`,
        'Tranche of this order',
        item.trancheId,
      );
    }
    const open = openQuantity(tranche);
    if (item.quantity > open) {
      throw new ConflictError(
        'OVER_SHIPMENT',
        `items[${index}]: ${item.quantity} units exceed the ${open} open on tranche ${tranche.sequence}`,
      );
    }
  });
  const sequence = (item: ShipmentItemInputDto) => byId.get(item.trancheId)!.sequence;
  return [...items].sort((a, b) => sequence(a) - sequence(b));
}

/**
 * Each item with its measured TH/s and true-up (SPEC §15): TH/s only on a line priced per TH/s
 * (else 422 PRICED_PER_UNIT), and never a true-up that would take the units below nothing.
 */
function trueUps(
  items: ShipmentItemInputDto[],
  body: ShipmentItemInputDto[],
  tranches: TrancheRow[],
  lines: LineRow[],
  tolerancePercent: number,
): ShippedItem[] {
  const trancheById = new Map(tranches.map((t) => [t.id, t]));
  const lineById = new Map(lines.map((l) => [l.id, l]));
  return items.map((item) => {
    const path = `items[${body.indexOf(item)}].deliveredThs`;
    const tranche = trancheById.get(item.trancheId)!;
    const line = lineById.get(tranche.line_id)!;
    const deliveredThs = item.deliveredThs ?? null;
    if (deliveredThs === null) {
      return { trancheId: item.trancheId, quantity: item.quantity, deliveredThs, trueUpCents: 0 };
    }
    if (line.price_per_ths_cents === null || line.unit_hashrate_ths === null) {
      throw new UnprocessableError(
        'PRICED_PER_UNIT',
        `${path}: tranche ${tranche.sequence} is on a line priced per unit, which is not trued up on hash rate`,
        [{ path, message: 'is only taken on a line priced per TH/s' }],
      );
    }
    const cents = trueUpCents({
      units: item.quantity,
      unitHashrateThs: line.unit_hashrate_ths,
      deliveredThs,
      pricePerThsCents: line.price_per_ths_cents,
      tolerancePercent,
    });
    if (item.quantity * tranche.unit_price_cents + cents < 0) {
      throw new UnprocessableError(
        'TRUE_UP_EXCEEDS_VALUE',
        `${path}: the true-up would take the units below nothing`,
        [{ path, message: 'is too low for the units shipped' }],
      );
    }
    return { trancheId: item.trancheId, quantity: item.quantity, deliveredThs, trueUpCents: cents };
  });
}

/** Shipments of confirmed orders: all items or none, never more than a tranche has open. */
@Injectable()
export class ShipmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: PurchaseOrderRepository,
    private readonly changes: OrderChangeService,
  ) {}

  ship(orderId: string, body: CreateShipmentDto): Promise<ShipmentDto> {
    return this.changes.withExternalRef({ kind: 'shipment', ref: body.externalRef }, () =>
      this.dataSource.transaction((tx) => this.shipIn(tx, orderId, body)),
    );
  }

  /** Records a shipment in the caller's transaction (also used by imports). */
  async shipIn(tx: EntityManager, orderId: string, body: CreateShipmentDto): Promise<ShipmentDto> {
    const dated = businessDate(body.shippedOn, 'shippedOn');
    const { result } = await this.changes.change(tx, orderId, 'ship', { dated }, async (order) => {
      await this.changes.assertNewExternalRef(tx, { kind: 'shipment', ref: body.externalRef });
      const tranches = await this.orders.tranchesOf(tx, [orderId]);
      const items = trueUps(
        shippable(body.items, tranches),
        body.items,
        tranches,
        await this.orders.linesOf(tx, [orderId]),
        order.hashrateTolerancePercent,
      );
      const shipment = await this.orders.insertShipment(
        tx,
        {
          purchaseOrderId: orderId,
          customerId: order.customerId,
          shippedOn: body.shippedOn,
          reference: body.reference ?? null,
          externalRef: body.externalRef ?? null,
        },
        items,
      );
      const dto = toShipmentDto({ shipment, items, reversal: null });
      return {
        result: dto,
        touches: items.map((i) => i.trancheId),
        records: [{ entityType: 'shipment', entityId: dto.id, action: 'created', after: dto }],
      };
    });
    return result;
  }

  /**
   * Takes a shipment back from `reversedOn` (between its shippedOn and today): from then on the
   * order's book is the one it would have had without it, so its units are open again, and a
   * completed order is confirmed (and planned) again.
   */
  reverse(shipmentId: string, body: ReversalDto): Promise<ShipmentDto> {
    return this.dataSource.transaction(async (tx) => {
      // A shipment never changes and never moves to another order: read before the order's lock.
      const found = await this.orders.shipment(tx, { id: shipmentId });
      if (!found) throw new NotFoundError('Shipment', shipmentId);
      const { shipment } = found;
      const dated = businessDate(body.reversedOn, 'reversedOn', {
        date: shipment.shippedOn,
        name: "the shipment's shippedOn",
      });
      const { result } = await this.changes.change(
        tx,
        shipment.purchaseOrderId,
        'reverse_shipment',
        { dated },
        async () => {
          const current = (await this.orders.shipment(tx, { id: shipmentId }))!;
          if (current.reversal) {
            throw new ConflictError(
              'ALREADY_REVERSED',
              `Shipment ${shipmentId} was already reversed on ${current.reversal.reversedOn}`,
            );
          }
          const reversal = { reversedOn: body.reversedOn, reason: body.reason };
          await this.orders.insert(tx, ShipmentReversal, {
            shipmentId,
            purchaseOrderId: shipment.purchaseOrderId,
            customerId: shipment.customerId,
            ...reversal,
          });
          const before = toShipmentDto(current);
          const after = toShipmentDto({ ...current, reversal });
          return {
            result: after,
            touches: current.items.map((i) => i.trancheId),
            records: [
              { entityType: 'shipment', entityId: shipmentId, action: 'reversed', before, after },
            ],
          };
        },
      );
      return result;
    });
  }

  /** Shipments in creation order: of one order, or across orders (`GET /shipments`). */
  async list(query: ShipmentQueryDto, orderId?: string): Promise<Page<ShipmentDto>> {
    const db = this.dataSource.manager;
    if (orderId) await this.orders.assertExists(db, orderId);
    const page = await this.orders.shipmentPage(db, { ...query, purchaseOrderId: orderId }, query);
    return { items: page.items.map(toShipmentDto), nextCursor: page.nextCursor };
  }

  async getByExternalRef(ref: string): Promise<ShipmentDto> {
    const found = await this.orders.shipment(this.dataSource.manager, { externalRef: ref });
    if (!found) throw new NotFoundError('Shipment with externalRef', ref);
    return toShipmentDto(found);
  }
}
