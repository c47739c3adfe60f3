import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { parseMoney } from '../common/money';
import { Page, PageQueryDto } from '../common/pagination';
import { businessDate, OrderChangeService } from './order-change.service';
import { CreatePaymentDto, PaymentDto } from './purchase-order.dto';
import { toPaymentDto } from './purchase-order.mapper';
import { PurchaseOrderRepository } from './purchase-order.repository';

/** Payments against orders past draft, applied to open instalments by the book's replay. */
@Injectable()
export class PaymentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: PurchaseOrderRepository,
    private readonly changes: OrderChangeService,
  ) {}

  pay(orderId: string, body: CreatePaymentDto): Promise<PaymentDto> {
    return this.dataSource.transaction(async (tx) => {
      const dated = businessDate(body.receivedOn, 'receivedOn');
      const { result } = await this.changes.change(tx, orderId, 'pay', { dated }, async (order) => {
        const payment = await this.orders.insertPayment(tx, {
          purchaseOrderId: orderId,
          customerId: order.customerId,
          amountCents: parseMoney(body.amount),
          receivedOn: body.receivedOn,
          reference: body.reference ?? null,
        });
        const dto = toPaymentDto(payment);
        return {
          result: dto,
          touches: [],
          records: [{ entityType: 'payment', entityId: dto.id, action: 'received', after: dto }],
        };
      });
      return result;
    });
  }

  async list(orderId: string, query: PageQueryDto): Promise<Page<PaymentDto>> {
    await this.orders.assertExists(this.dataSource.manager, orderId);
    const page = await this.orders.paymentPage(this.dataSource.manager, orderId, query);
    return { items: page.items.map(toPaymentDto), nextCursor: page.nextCursor };
  }
}
