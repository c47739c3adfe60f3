import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { today } from '../common/dates';
import { formatMoney } from '../common/money';
import { APP_CONFIG, AppConfig } from '../config/config';
import { backlogQuery, BacklogRow } from './backlog.queries';
import { BalanceRow, contractBalancesQuery } from './contract-balances.queries';
import {
  BacklogQueryDto,
  BacklogReportDto,
  BalanceFiguresDto,
  ContractBalancesQueryDto,
  ContractBalancesReportDto,
} from './report-query.dto';

const EMPTY_BACKLOG = {
  open_quantity: 0,
  open_value_cents: 0,
  hashrate_ths: '0',
  hashrate_ehs: '0',
  power_mw: '0',
  order_count: 0,
};

@Injectable()
export class ReportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async backlog(query: BacklogQueryDto): Promise<BacklogReportDto> {
    const now = today(this.config.businessTimeZone);
    const asOf = query.asOf ?? now;
    const { text, values } = backlogQuery(query.groupBy, { ...query, asOf, current: asOf >= now });
    const rows = (await this.dataSource.query(text, values)) as BacklogRow[];
    const figures = (row: Pick<BacklogRow, keyof typeof EMPTY_BACKLOG>) => ({
      openQuantity: Number(row.open_quantity),
      openValue: formatMoney(Number(row.open_value_cents)),
      hashrateThs: Number(row.hashrate_ths),
      hashrateEhs: Number(row.hashrate_ehs),
      powerMw: Number(row.power_mw),
      orderCount: Number(row.order_count),
    });
    const total = rows.find((r) => r.is_total);
    return {
      asOf,
      totals: figures(total ?? EMPTY_BACKLOG),
      groups: query.groupBy
        ? rows
            .filter((r) => !r.is_total)
            .map((r) => ({ key: r.key!, label: r.label ?? r.key!, ...figures(r) }))
        : [],
    };
  }

  async contractBalances(query: ContractBalancesQueryDto): Promise<ContractBalancesReportDto> {
    const now = today(this.config.businessTimeZone);
    const asOf = query.asOf ?? now;
    const { text, values } = contractBalancesQuery(query.groupBy, {
      ...query,
      asOf,
      current: asOf >= now,
    });
    const rows = (await this.dataSource.query(text, values)) as BalanceRow[];
    const figures = (row?: BalanceRow): BalanceFiguresDto => ({
      cashReceived: formatMoney(Number(row?.cash_received ?? 0)),
      recognizedRevenue: formatMoney(Number(row?.recognized ?? 0)),
      forfeitedRevenue: formatMoney(Number(row?.forfeited ?? 0)),
      contractLiability: formatMoney(Number(row?.liability ?? 0)),
      receivable: formatMoney(Number(row?.receivable ?? 0)),
      unappliedCredit: formatMoney(Number(row?.credit ?? 0)),
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
