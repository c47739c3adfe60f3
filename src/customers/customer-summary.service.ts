import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { formatMoney, parseMoney } from '../common/money';
import { ReportsService } from '../reports/reports.service';
import { CustomerSummaryDto, OrderFigures } from './customer-summary.dto';
import { CustomerService } from './customer.service';
import { OPEN_STAGES } from './opportunities/probability';

interface CrmRow {
  weighted_pipeline_cents: number;
  last_activity_at: Date | null;
}

@Injectable()
export class CustomerSummaryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly customers: CustomerService,
    private readonly reports: ReportsService,
  ) {}

  async summary(customerId: string): Promise<CustomerSummaryDto> {
    await this.customers.assertExists(customerId);
    const asOf = this.clock.today();
    const [crm, orders] = await Promise.all([
      this.crmFigures(customerId),
      this.orderFigures(customerId, asOf),
    ]);
    return {
      customerId,
      asOf,
      openOrders: orders.openOrders,
      backlogUnits: orders.backlogUnits,
      backlogValue: formatMoney(orders.backlogValueCents),
      shippedUnits: orders.shippedUnits,
      recognizedRevenue: formatMoney(orders.recognizedRevenueCents),
      cashReceived: formatMoney(orders.cashReceivedCents),
      contractLiability: formatMoney(orders.contractLiabilityCents),
      receivable: formatMoney(orders.receivableCents),
      weightedPipelineValue: formatMoney(crm.weighted_pipeline_cents),
      lastActivityAt: crm.last_activity_at ? crm.last_activity_at.toISOString() : null,
    };
  }

  /**
   * Weighted pipeline: exact numeric arithmetic, summed first and rounded once, half up (PostgreSQL
   * rounds numeric halves away from zero, and every term is ≥ 0).
   */
  private async crmFigures(customerId: string): Promise<CrmRow> {
    const [row] = (await this.dataSource.query(
      `SELECT
         (SELECT round(coalesce(sum(o.quantity::numeric * o.unit_price_cents * o.probability), 0) / 100)::bigint
            FROM opportunity o
           WHERE o.customer_id = $1 AND o.stage = ANY($2)) AS weighted_pipeline_cents,
         (SELECT max(a.occurred_at) FROM activity a WHERE a.customer_id = $1) AS last_activity_at`,
      [customerId, OPEN_STAGES],
    )) as CrmRow[];
    return row;
  }

  /**
   * The customer's figures from its purchase orders as of `asOf` (BR-1 backlog, BR-2 revenue, BR-5
   * cash, contract liability and receivable). Zero until the order book provides them.
   */
  /** The order book's figures for the customer at the end of asOf (BR-1, BR-2, BR-5). */
  private async orderFigures(customerId: string, asOf: string): Promise<OrderFigures> {
    const [backlog, balances, [counts]] = await Promise.all([
      this.reports.backlog({ customerId, asOf }),
      this.reports.contractBalances({ customerId, asOf }),
      this.dataSource.query(
        `SELECT (SELECT count(*) FROM purchase_order WHERE customer_id = $1 AND status = 'confirmed')::int AS open_orders,
                (SELECT coalesce(sum(i.quantity), 0) FROM shipment s JOIN shipment_item i ON i.shipment_id = s.id
                  WHERE s.customer_id = $1 AND s.shipped_on <= $2::date)::bigint AS shipped_units`,
        [customerId, asOf],
      ) as Promise<{ open_orders: number; shipped_units: number }[]>,
    ]);
    return {
      openOrders: counts.open_orders,
      backlogUnits: backlog.totals.openQuantity,
      backlogValueCents: parseMoney(backlog.totals.openValue),
      shippedUnits: counts.shipped_units,
      recognizedRevenueCents: parseMoney(balances.totals.recognizedRevenue),
      cashReceivedCents: parseMoney(balances.totals.cashReceived),
      contractLiabilityCents: parseMoney(balances.totals.contractLiability),
      receivableCents: parseMoney(balances.totals.receivable),
    };
  }
}
