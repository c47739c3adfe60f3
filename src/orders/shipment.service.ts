import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import {
  ConflictError,
  NotFoundError,
  ReferenceNotFoundError,
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
import { openQuantity, PurchaseOrderRepository, TrancheRow } from './purchase-order.repository';
import { ShipmentReversal } from './shipment.entity';

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
  return items
    .map(({ trancheId, quantity }) => ({ trancheId, quantity }))
    .sort((a, b) => sequence(a) - sequence(b));
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
      const items = shippable(body.items, await this.orders.tranchesOf(tx, [orderId]));
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
