import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import { AuditService, Change } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { assertDateWithin } from '../common/dates';
import { ConflictError, DuplicateError } from '../common/errors';
import { assertIfMatch } from '../common/if-match';
import { PlanVersionRepository } from '../planning/plan-version.repository';
import { replayBook } from './book';
import { BookResult, BookRuleError, TermsSnapshot } from './book.types';
import { assertTransition, bookedStatus, OrderAction, orderRecords } from './order-status';
import { PurchaseOrderDto } from './purchase-order.dto';
import { OrderStatus, PurchaseOrder } from './purchase-order.entity';
import { toPurchaseOrderDto } from './purchase-order.mapper';
import {
  EXTERNAL_REF_TABLES,
  ExternalRefKind,
  PurchaseOrderRepository,
} from './purchase-order.repository';
import { TimelineRepository } from './timeline.repository';

/**
 * A business date a change is dated on: between the signing date (or `after`, a later date the
 * change cannot precede) and today, else 422 `code`.
 */
interface Dated {
  date: string;
  path: string;
  code: string;
  after?: { date: string; name: string };
}

/** An amendment's or cancellation's `effectiveOn`. */
export const effectiveOn = (date: string): Dated => ({
  date,
  path: 'effectiveOn',
  code: 'EFFECTIVE_DATE_OUT_OF_RANGE',
});

/**
 * A shipment's `shippedOn`, a payment's `receivedOn`, a refund's `paidOn`, or a reversal's
 * `reversedOn` (not before what it reverses: `after`).
 */
export const businessDate = (date: string, path: string, after?: Dated['after']): Dated => ({
  date,
  path,
  code: 'DATE_OUT_OF_RANGE',
  after,
});

/** What a change asks of the order before it is written. */
export interface ChangeChecks {
  /** The request's If-Match header. */
  ifMatch?: string;
  dated?: Dated;
}

/** A record's externalRef, unique per kind (payments, shipments, refunds). */
export interface ExternalRef {
  kind: ExternalRefKind;
  ref?: string | null;
}

const REF_ENTITIES: Record<ExternalRefKind, string> = {
  payment: 'Payment',
  shipment: 'Shipment',
  refund: 'Refund',
};

/** What an action wrote, for the rest of the change. */
export interface Written<R> {
  /** What the action answers besides the order (the shipment, the payment). */
  result: R;
  /**
   * The tranches whose units or dates the change moves ('all' for a confirmation): the delivery
   * plan of their product models changes with them.
   */
  touches: 'all' | string[];
  /** Records of what the action created beside the order (a shipment, a payment). */
  records?: Change[];
  /** At confirmation: the payment terms copied onto the order. */
  confirmed?: { terms: TermsSnapshot | null; paymentTermsCode: string | null };
}

/**
 * The one way a purchase order past draft changes (confirmation, amendments, cancellation,
 * shipments, payments, refunds and reversals), in the transaction of the service method that asks
 * for it: lock the order, check the transition, write the change, replay the book, write the order
 * row once, move the plan versions of the models touched, and record the change in the audit log
 * and the feed.
 */
@Injectable()
export class OrderChangeService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: PurchaseOrderRepository,
    private readonly timeline: TimelineRepository,
    private readonly audit: AuditService,
    private readonly plans: PlanVersionRepository,
    private readonly clock: Clock,
  ) {}

  async change<R>(
    tx: EntityManager,
    orderId: string,
    action: OrderAction,
    checks: ChangeChecks,
    write: (order: PurchaseOrder) => Promise<Written<R>>,
  ): Promise<{ order: PurchaseOrderDto; result: R }> {
    const order = await this.orders.lock(tx, orderId);
    assertIfMatch(checks.ifMatch, order.version);
    assertTransition(action, order.status);
    if (checks.dated) {
      const { date, path, code, after } = checks.dated;
      const bounds = {
        earliest: after && after.date > order.signedOn ? after.date : order.signedOn,
        earliestName: after && after.date > order.signedOn ? after.name : 'the signing date',
        latest: this.clock.today(),
        latestName: 'today',
      };
      assertDateWithin(date, path, bounds, code);
    }
    // The order row just locked, not read again.
    const before = toPurchaseOrderDto(await this.orders.withLinesOf(tx, order));
    const written = await write(order);
    const terms = written.confirmed ? written.confirmed.terms : order.terms;
    const booked = await this.replay(tx, { ...order, terms });
    await this.orders.saveBooked(tx, orderId, {
      status: booked.status,
      unappliedCents: booked.unappliedCents,
      confirmed: written.confirmed ?? null,
    });
    const touched = written.touches === 'all' ? [...booked.modelOf.keys()] : written.touches;
    await this.plans.bump(
      tx,
      touched.map((trancheId) => booked.modelOf.get(trancheId)!),
    );
    const after = toPurchaseOrderDto(await this.orders.get(tx, orderId));
    await this.audit.recordMany(tx, [
      ...orderRecords(action, order.status, booked.status).map((record) => ({
        entityType: 'purchase_order',
        entityId: orderId,
        before,
        after,
        ...record,
      })),
      ...(written.records ?? []),
    ]);
    return { order: after, result: written.result };
  }

  /**
   * Runs `work`, the transaction of a use case that records a payment, shipment or refund with an
   * externalRef (which checks it inside with assertNewExternalRef). Should another request take
   * the same reference meanwhile, the unique index refuses the insert: answered as the check
   * would have, 409 DUPLICATE naming the record that holds it.
   */
  async withExternalRef<R>(external: ExternalRef, work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      const driver = (error as { driverError?: { code?: string; constraint?: string } })
        .driverError;
      const { kind, ref } = external;
      if (
        ref &&
        error instanceof QueryFailedError &&
        driver?.code === '23505' &&
        driver.constraint === `${EXTERNAL_REF_TABLES[kind]}_external_ref_key`
      ) {
        const holder = await this.orders.externalRefHolder(this.dataSource.manager, kind, ref);
        if (holder) throw new DuplicateError(REF_ENTITIES[kind], 'externalRef', ref, holder);
      }
      throw error;
    }
  }

  /** 409 DUPLICATE (with the holder's id) when a record of this kind already has the externalRef. */
  async assertNewExternalRef(tx: EntityManager, { kind, ref }: ExternalRef): Promise<void> {
    if (!ref) return;
    const holder = await this.orders.externalRefHolder(tx, kind, ref);
    if (holder) throw new DuplicateError(REF_ENTITIES[kind], 'externalRef', ref, holder);
  }

  /**
   * Replays the order's book from its contract and events and rewrites its timeline; returns the
   * status and unapplied credit the book ends in. A rule the events break is a 409.
   */
  async replay(
    tx: EntityManager,
    order: Pick<PurchaseOrder, 'id' | 'customerId' | 'signedOn' | 'terms'>,
  ): Promise<{ status: OrderStatus; unappliedCents: number; modelOf: Map<string, string> }> {
    const stored = await this.timeline.read(tx, order.id);
    let result: BookResult;
    try {
      result = replayBook({
        signedOn: order.signedOn,
        terms: order.terms,
        tranches: stored.contract,
        events: stored.events,
      });
    } catch (error) {
      if (error instanceof BookRuleError) throw new ConflictError(error.code, error.message);
      throw error;
    }
    await this.timeline.write(tx, order, result, stored.modelOf);
    const current = result.tranches.filter((s) => s.to === null);
    // Options count until the end of their exercise-by date.
    const today = this.clock.today();
    const exerciseBy = new Map(stored.contract.map((t) => [t.id, t.optionExerciseBy]));
    const optionsOpen = current.some(
      (s) => s.optionUnits > 0 && (exerciseBy.get(s.trancheId) ?? '') >= today,
    );
    return {
      status: bookedStatus(current, optionsOpen),
      unappliedCents: result.credit.find((c) => c.to === null)?.unappliedCents ?? 0,
      modelOf: stored.modelOf,
    };
  }
}
