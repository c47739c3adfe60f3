import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { formatMoney } from '../common/money';
import { backlogQuery, BacklogRow } from './backlog.queries';
import { BalanceRow, contractBalancesQuery } from './contract-balances.queries';
import {
  BacklogQueryDto,
  BacklogReportDto,
  BalanceFiguresDto,
  ContractBalancesQueryDto,
  ContractBalancesReportDto,
} from './report-query.dto';

@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  async backlog(query: BacklogQueryDto): Promise<BacklogReportDto> {
    const now = this.clock.today();
    const asOf = query.asOf ?? now;
    const { text, values } = backlogQuery(query.groupBy, { ...query, asOf, current: asOf >= now });
    const rows = (await this.dataSource.query(text, values)) as BacklogRow[];
    const figures = (row: BacklogRow) => ({
      openQuantity: row.open_quantity,
      openValue: formatMoney(row.open_value_cents),
      hashrateThs: Number(row.hashrate_ths),
      hashrateEhs: Number(row.hashrate_ehs),
      powerMw: Number(row.power_mw),
      orderCount: row.order_count,
    });
    // GROUPING SETS always give the total row, even over nothing open.
    const total = rows.find((r) => r.is_total)!;
    return {
      asOf,
      totals: figures(total),
      groups: query.groupBy
        ? rows
            .filter((r) => !r.is_total)
            .map((r) => ({ key: r.key!, label: r.label ?? r.key!, ...figures(r) }))
        : [],
    };
  }

  async contractBalances(query: ContractBalancesQueryDto): Promise<ContractBalancesReportDto> {
    const now = this.clock.today();
    const asOf = query.asOf ?? now;
    const { text, values } = contractBalancesQuery(query.groupBy, {
      ...query,
      asOf,
      current: asOf >= now,
    });
    const rows = (await this.dataSource.query(text, values)) as BalanceRow[];
    const figures = (row?: BalanceRow): BalanceFiguresDto => ({
      cashReceived: formatMoney(row?.cash_received ?? 0),
      recognizedRevenue: formatMoney(row?.recognized ?? 0),
      forfeitedRevenue: formatMoney(row?.forfeited ?? 0),
      contractLiability: formatMoney(row?.liability ?? 0),
      receivable: formatMoney(row?.receivable ?? 0),
      unappliedCredit: formatMoney(row?.credit ?? 0),
    });
    return {
      asOf,
      totals: figures(rows.find((r) => r.is_total)),
      groups: query.groupBy
        ? rows
            .filter((r) => !r.is_total)
            .map((r) => ({ key: r.key!, label: r.label ?? r.key!, ...figures(r) }))
        : [],
    };
  }
}
