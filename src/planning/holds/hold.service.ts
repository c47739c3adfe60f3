import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { ProductModelService } from '../../catalog/product-model.service';
import { Clock } from '../../common/clock';
import {
  InvalidStateError,
  NotFoundError,
  ReferenceNotFoundError,
  UnprocessableError,
} from '../../common/errors';
import { Page, paginate } from '../../common/pagination';
import { CustomerService } from '../../customers/customer.service';
import { PlanVersionRepository } from '../plan-version.repository';
import { ConvertHoldDto, CreateHoldDto, HoldDto, HoldQueryDto, toHoldDto } from './hold.dto';
import { Hold } from './hold.entity';
import { HoldRepository } from './hold.repository';

const ENTITY_TYPE = 'hold';

/**
 * Holds of factory capacity for quotes. Every change bumps the plan version of the hold's model in
 * its own transaction, so every instance plans the model again on its next read.
 */
@Injectable()
export class HoldService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly holds: HoldRepository,
    private readonly versions: PlanVersionRepository,
    private readonly audit: AuditService,
    private readonly models: ProductModelService,
    private readonly customers: CustomerService,
    private readonly clock: Clock,
  ) {}

  /**
   * Holds capacity: the model must exist and not be end of life, the customer must exist (422
   * REFERENCE_NOT_FOUND, PRODUCT_MODEL_NOT_ORDERABLE), and expiresOn must not be before today
   * (422 DATE_OUT_OF_RANGE).
   */
  create(body: CreateHoldDto): Promise<HoldDto> {
    return this.dataSource.transaction(async (tx) => {
      const today = this.clock.today();
      // Share-locked until commit: the model cannot turn end of life, nor the customer go, underneath.
      await this.models.getOrderable(tx, body.productModelId, 'productModelId');
      await this.customers.getForOrder(tx, body.customerId, 'customerId');
      if (body.expiresOn < today) {
        throw new UnprocessableError(
          'DATE_OUT_OF_RANGE',
          `expiresOn ${body.expiresOn} is before today ${today}`,
          [{ path: 'expiresOn', message: `must not be before today ${today}` }],
        );
      }
      const hold = await this.holds.insert(tx, {
        productModelId: body.productModelId,
        customerId: body.customerId,
        quantity: body.quantity,
        expiresOn: body.expiresOn,
        note: body.note ?? null,
      });
      await this.versions.bump(tx, [hold.productModelId]);
      const after = toHoldDto(hold, today);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: hold.id,
        action: 'created',
        after,
      });
      return after;
    });
  }

  list(query: HoldQueryDto): Promise<Page<HoldDto>> {
    const today = this.clock.today();
    const qb = this.holds.listQuery(this.dataSource.manager, { ...query, today });
    return paginate(qb, query, (hold) => toHoldDto(hold, today));
  }

  async get(id: string): Promise<HoldDto> {
    const hold = await this.holds.find(this.dataSource.manager, id);
    if (!hold) throw new NotFoundError('Hold', id);
    return toHoldDto(hold, this.clock.today());
  }

  /** Releases an active hold: its units count no more (409 INVALID_STATE when it is not active). */
  async release(id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const { hold, before } = await this.lockActive(tx, id, 'released');
      const released = await this.holds.markReleased(tx, hold);
      await this.versions.bump(tx, [hold.productModelId]);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: id,
        action: 'released',
        before,
        after: toHoldDto(released, this.clock.today()),
      });
    });
  }

  /**
   * Marks an active hold converted into an order, whose tranches take its place: the order must be
   * the hold's customer's, confirmed (its tranches planned, some still open), with a tranche of the hold's model (422
   * HOLD_ORDER_MISMATCH); an unknown order is 422 REFERENCE_NOT_FOUND.
   */
  convert(id: string, body: ConvertHoldDto): Promise<HoldDto> {
    return this.dataSource.transaction(async (tx) => {
      const { hold, before } = await this.lockActive(tx, id, 'converted');
      const order = await this.holds.orderForHold(tx, body.purchaseOrderId, hold.productModelId);
      if (!order) {
        throw new ReferenceNotFoundError('purchaseOrderId', 'Purchase order', body.purchaseOrderId);
      }
      const mismatch =
        order.customerId !== hold.customerId
          ? "is another customer's order"
          : order.status !== 'confirmed'
            ? `is ${order.status}: only a confirmed order's tranches are planned`
            : !order.hasModel
              ? "has no tranche of the hold's product model"
              : null;
      if (mismatch) {
        throw new UnprocessableError(
          'HOLD_ORDER_MISMATCH',
          `Purchase order ${body.purchaseOrderId} ${mismatch}`,
          [{ path: 'purchaseOrderId', message: mismatch }],
        );
      }
      const converted = await this.holds.markConverted(tx, hold, body.purchaseOrderId);
      await this.versions.bump(tx, [hold.productModelId]);
      const after = toHoldDto(converted, this.clock.today());
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: id,
        action: 'converted',
        before,
        after,
      });
      return after;
    });
  }

  /** The hold locked FOR UPDATE, then checked: 404 unknown, 409 INVALID_STATE unless it counts today. */
  private async lockActive(
    tx: EntityManager,
    id: string,
    verb: string,
  ): Promise<{ hold: Hold; before: HoldDto }> {
    const hold = await this.holds.lock(tx, id);
    if (!hold) throw new NotFoundError('Hold', id);
    const before = toHoldDto(hold, this.clock.today());
    if (before.status !== 'active') {
      throw new InvalidStateError(`Hold ${id} is ${before.status} and cannot be ${verb}`);
    }
    return { hold, before };
  }
}
