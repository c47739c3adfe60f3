import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError } from '../common/errors';
import { parseMoney } from '../common/money';
import { Page, PageQueryDto } from '../common/pagination';
import { businessDate, OrderChangeService } from './order-change.service';
import { MoneyEntry } from './order-entry';
import { Payment, PaymentReversal } from './payment.entity';
import {
  CreatePaymentDto,
  CreateRefundDto,
  PaymentDto,
  RefundDto,
  ReversalDto,
} from './purchase-order.dto';
import { toPaymentDto, toRefundDto } from './purchase-order.mapper';
import { PurchaseOrder } from './purchase-order.entity';
import { PurchaseOrderRepository } from './purchase-order.repository';
import { Refund } from './refund.entity';

/** The columns a payment and a refund share, from the order and the request. */
function moneyEntry(
  order: PurchaseOrder,
  body: { amount: string; reference?: string; externalRef?: string },
): Omit<MoneyEntry, 'id' | 'createdAt'> {
  return {
    purchaseOrderId: order.id,
    customerId: order.customerId,
    amountCents: parseMoney(body.amount),
    reference: body.reference ?? null,
    externalRef: body.externalRef ?? null,
  };
}

/**
 * Money in and out of orders past draft: payments (applied to open instalments by the book's
 * replay), their reversals, and refunds of unapplied credit.
 */
@Injectable()
export class PaymentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: PurchaseOrderRepository,
    private readonly changes: OrderChangeService,
  ) {}

  pay(orderId: string, body: CreatePaymentDto): Promise<PaymentDto> {
    return this.changes.withExternalRef({ kind: 'payment', ref: body.externalRef }, () =>
      this.dataSource.transaction((tx) => this.payIn(tx, orderId, body)),
    );
  }

  /** Records a payment in the caller's transaction (also used by imports). */
  async payIn(tx: EntityManager, orderId: string, body: CreatePaymentDto): Promise<PaymentDto> {
    const dated = businessDate(body.receivedOn, 'receivedOn');
    const { result } = await this.changes.change(tx, orderId, 'pay', { dated }, async (order) => {
      await this.changes.assertNewExternalRef(tx, { kind: 'payment', ref: body.externalRef });
      const payment = await this.orders.insert(tx, Payment, {
        ...moneyEntry(order, body),
        receivedOn: body.receivedOn,
      });
      const dto = toPaymentDto({ payment, reversal: null });
      return {
        result: dto,
        touches: [],
        records: [{ entityType: 'payment', entityId: dto.id, action: 'received', after: dto }],
      };
    });
    return result;
  }

  /**
   * Takes a payment back from `reversedOn` (between its receivedOn and today): from then on the
   * order's book is the one it would have had without it. Refused when already reversed, or when
   * the order refunded credit the payment made (the book would have paid back money never had).
   */
  reverse(orderId: string, paymentId: string, body: ReversalDto): Promise<PaymentDto> {
    return this.dataSource.transaction(async (tx) => {
      // A payment never changes and never moves to another order: read before the order's lock.
      const found = await this.orders.payment(tx, { id: paymentId, purchaseOrderId: orderId });
      if (!found) {
        await this.orders.assertExists(tx, orderId);
        throw new NotFoundError('Payment of this purchase order', paymentId);
      }
      const dated = businessDate(body.reversedOn, 'reversedOn', {
        date: found.payment.receivedOn,
        name: "the payment's receivedOn",
      });
      const { result } = await this.changes.change(
        tx,
        orderId,
        'reverse_payment',
        { dated },
        async (order) => {
          const current = await this.orders.payment(tx, {
            id: paymentId,
            purchaseOrderId: orderId,
          });
          if (current!.reversal) {
            throw new ConflictError(
              'ALREADY_REVERSED',
              `Payment ${paymentId} was already reversed on ${current!.reversal.reversedOn}`,
            );
          }
          const reversal = { reversedOn: body.reversedOn, reason: body.reason };
          await this.orders.insert(tx, PaymentReversal, {
            paymentId,
            purchaseOrderId: orderId,
            customerId: order.customerId,
            ...reversal,
          });
          const before = toPaymentDto(current!);
          const after = toPaymentDto({ payment: current!.payment, reversal });
          return {
            result: after,
            touches: [],
            records: [
              { entityType: 'payment', entityId: paymentId, action: 'reversed', before, after },
            ],
          };
        },
      );
      return result;
    });
  }

  async list(orderId: string, query: PageQueryDto): Promise<Page<PaymentDto>> {
    await this.orders.assertExists(this.dataSource.manager, orderId);
    const page = await this.orders.paymentPage(this.dataSource.manager, orderId, query);
    return { items: page.items.map(toPaymentDto), nextCursor: page.nextCursor };
  }

  async getByExternalRef(ref: string): Promise<PaymentDto> {
    const found = await this.orders.payment(this.dataSource.manager, { externalRef: ref });
    if (!found) throw new NotFoundError('Payment with externalRef', ref);
    return toPaymentDto(found);
  }

  /**
   * Pays unapplied credit back to the customer on `paidOn`; the replay refuses more than the
   * credit as of that date (409 REFUND_EXCEEDS_CREDIT), with the order locked.
   */
  refund(orderId: string, body: CreateRefundDto): Promise<RefundDto> {
    return this.changes.withExternalRef({ kind: 'refund', ref: body.externalRef }, () =>
      this.dataSource.transaction(async (tx) => {
        const dated = businessDate(body.paidOn, 'paidOn');
        const { result } = await this.changes.change(
          tx,
          orderId,
          'refund',
          { dated },
          async (order) => {
            await this.changes.assertNewExternalRef(tx, { kind: 'refund', ref: body.externalRef });
            const refund = await this.orders.insert(tx, Refund, {
              ...moneyEntry(order, body),
              paidOn: body.paidOn,
            });
            const dto = toRefundDto(refund);
            return {
              result: dto,
              touches: [],
              records: [{ entityType: 'refund', entityId: dto.id, action: 'paid', after: dto }],
            };
          },
        );
        return result;
      }),
    );
  }

  async refunds(orderId: string, query: PageQueryDto): Promise<Page<RefundDto>> {
    await this.orders.assertExists(this.dataSource.manager, orderId);
    const page = await this.orders.refundPage(this.dataSource.manager, orderId, query);
    return { items: page.items.map(toRefundDto), nextCursor: page.nextCursor };
  }
}
