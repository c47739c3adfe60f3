import { Injectable } from '@nestjs/common';
import { ReadDatabase } from '../database/read-database';
import { Clock } from '../common/clock';
import { formatMoney } from '../common/money';
import { backlogQuery, BacklogRow } from './backlog.queries';
import { BalanceRow, contractBalancesQuery } from './contract-balances.queries';
import { AgingRow, receivablesAgingQuery } from './receivables-aging.queries';
import {
  AgingFiguresDto,
  BacklogQueryDto,
  BacklogReportDto,
  BalanceFiguresDto,
  ContractBalancesQueryDto,
  ContractBalancesReportDto,
  ReceivablesAgingQueryDto,
  ReceivablesAgingReportDto,
} from './report-query.dto';

/** A report's rows as totals (the GROUPING SETS total row, always there) and sorted groups. */
function totalsAndGroups<
  R extends { key: string | null; label: string | null; is_total: boolean },
  F,
>(
  rows: R[],
  grouped: boolean,
  figures: (row: R) => F,
): { totals: F; groups: (F & { key: string; label: string })[] } {
  return {
    totals: figures(rows.find((r) => r.is_total)!),
    groups: grouped
      ? rows
          .filter((r) => !r.is_total)
          .map((r) => ({ key: r.key!, label: r.label ?? r.key!, ...figures(r) }))
      : [],
  };
}

@Injectable()
export class ReportsService {
  constructor(
    private readonly db: ReadDatabase,
    private readonly clock: Clock,
  ) {}

  /** asOf (default today) and whether the current segments alone answer it. */
  private asOf(query: { asOf?: string }) {
    const now = this.clock.today();
    const asOf = query.asOf ?? now;
    return { asOf, current: asOf >= now };
  }

  async backlog(query: BacklogQueryDto): Promise<BacklogReportDto> {
    const at = this.asOf(query);
    const { text, values } = backlogQuery(query.groupBy, { ...query, ...at });
    const rows = (await this.db.for(query.consistency).query(text, values)) as BacklogRow[];
    return {
      asOf: at.asOf,
      ...totalsAndGroups(rows, !!query.groupBy, (row) => ({
        openQuantity: row.open_quantity,
        openValue: formatMoney(row.open_value_cents),
        hashrateThs: Number(row.hashrate_ths),
        hashrateEhs: Number(row.hashrate_ehs),
        powerMw: Number(row.power_mw),
        orderCount: row.order_count,
      })),
    };
  }

  async contractBalances(query: ContractBalancesQueryDto): Promise<ContractBalancesReportDto> {
    const at = this.asOf(query);
    const { text, values } = contractBalancesQuery(query.groupBy, { ...query, ...at });
    const rows = (await this.db.for(query.consistency).query(text, values)) as BalanceRow[];
    return {
      asOf: at.asOf,
      ...totalsAndGroups(rows, !!query.groupBy, (row): BalanceFiguresDto => ({
        cashReceived: formatMoney(row.cash_received ?? 0),
        refunded: formatMoney(row.refunded ?? 0),
        recognizedRevenue: formatMoney(row.recognized ?? 0),
        forfeitedRevenue: formatMoney(row.forfeited ?? 0),
        contractLiability: formatMoney(row.liability ?? 0),
        receivable: formatMoney(row.receivable ?? 0),
        unappliedCredit: formatMoney(row.credit ?? 0),
      })),
    };
  }

  async receivablesAging(query: ReceivablesAgingQueryDto): Promise<ReceivablesAgingReportDto> {
    const at = this.asOf(query);
    const { text, values } = receivablesAgingQuery(query.groupBy, { ...query, ...at });
    const rows = (await this.db.for(query.consistency).query(text, values)) as AgingRow[];
    return {
      asOf: at.asOf,
      ...totalsAndGroups(rows, !!query.groupBy, (row): AgingFiguresDto => ({
        notDue: formatMoney(row.not_due),
        days1to30: formatMoney(row.days_1_30),
        days31to60: formatMoney(row.days_31_60),
        days61to90: formatMoney(row.days_61_90),
        over90: formatMoney(row.over_90),
        total: formatMoney(row.total),
      })),
    };
  }
}
