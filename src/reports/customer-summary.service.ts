import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { formatMoney, parseMoney } from '../common/money';
import { CustomerSummaryDto } from './customer-summary.dto';
import { CustomerFiguresRow, customerFiguresQuery } from './customer-summary.queries';
import { ReportsService } from './reports.service';

@Injectable()
export class CustomerSummaryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly reports: ReportsService,
  ) {}

  /**
   * One customer's orders, money and pipeline as of today: its backlog (BR-1), contract balances
   * (BR-2, BR-5) and overdue instalments (receivables ageing) are those reports' totals for the
   * customer. 404 for an unknown customer.
   */
  async summary(customerId: string): Promise<CustomerSummaryDto> {
    const asOf = this.clock.today();
    const { text, values } = customerFiguresQuery(customerId, asOf);
    const [[own], backlog, balances, aging] = await Promise.all([
      this.dataSource.query(text, values) as Promise<CustomerFiguresRow[]>,
      // On the primary, with the customer's own figures: one page, one state of the book.
      this.reports.backlog({ customerId, asOf, consistency: 'strong' }),
      this.reports.contractBalances({ customerId, asOf, consistency: 'strong' }),
      this.reports.receivablesAging({ customerId, asOf, consistency: 'strong' }),
    ]);
    if (!own.customer_exists) throw new NotFoundError('Customer', customerId);
    return {
      customerId,
      asOf,
      openOrders: own.open_orders,
      backlogUnits: backlog.totals.openQuantity,
      backlogValue: backlog.totals.openValue,
      shippedUnits: own.shipped_units,
      recognizedRevenue: balances.totals.recognizedRevenue,
      cashReceived: balances.totals.cashReceived,
      refunded: balances.totals.refunded,
      contractLiability: balances.totals.contractLiability,
      receivable: balances.totals.receivable,
      // Due before today: every bucket of the ageing but "not due".
      overdueAmount: formatMoney(parseMoney(aging.totals.total) - parseMoney(aging.totals.notDue)),
      weightedPipelineValue: formatMoney(own.weighted_pipeline_cents),
      lastActivityAt: own.last_activity_at?.toISOString() ?? null,
    };
  }
}
