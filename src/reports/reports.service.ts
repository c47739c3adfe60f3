import { Injectable } from '@nestjs/common';
import { ReadDatabase } from '../database/read-database';
import { Clock } from '../common/clock';
import { formatMoney } from '../common/money';
import { backlogOptionsQuery, BacklogOptionRow, backlogQuery, BacklogRow } from './backlog.queries';
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
    const optionRows = await this.backlogOptions(query, at, rows);
    return {
      asOf: at.asOf,
      ...totalsAndGroups(rows, !!query.groupBy, (row) => ({
        openQuantity: row.open_quantity,
        openValue: formatMoney(row.open_value_cents),
        hashrateThs: Number(row.hashrate_ths),
        hashrateEhs: Number(row.hashrate_ehs),
        powerMw: Number(row.power_mw),
        orderCount: row.order_count,
        optionQuantity: optionRows.get(row.is_total ? null : row.key)?.option_quantity ?? 0,
        optionValue: formatMoney(
          optionRows.get(row.is_total ? null : row.key)?.option_value_cents ?? 0,
        ),
      })),
    };
  }

  /**
   * The option figures of the backlog by group key (null: the totals). A group with options and
   * nothing open joins `rows` as a group of zeros, in key order.
   */
  private async backlogOptions(
    query: BacklogQueryDto,
    at: { asOf: string; current: boolean },
    rows: BacklogRow[],
  ): Promise<Map<string | null, BacklogOptionRow>> {
    const { text, values } = backlogOptionsQuery(query.groupBy, { ...query, ...at });
    const found = (await this.db.for(query.consistency).query(text, values)) as BacklogOptionRow[];
    const byKey = new Map(found.map((r) => [r.is_total ? null : r.key, r]));
    const known = new Set(rows.filter((r) => !r.is_total).map((r) => r.key));
    const added = found.filter((r) => !r.is_total && !known.has(r.key));
    if (added.length > 0) {
      rows.push(
        ...added.map((r) => ({
          key: r.key,
          label: r.label,
          is_total: false,
          open_quantity: 0,
          open_value_cents: 0,
          hashrate_ths: '0.00',
          hashrate_ehs: '0.0000',
          power_mw: '0.00',
          order_count: 0,
        })),
      );
      rows.sort((a, b) =>
        a.is_total !== b.is_total
          ? Number(b.is_total) - Number(a.is_total)
          : (a.key ?? '') < (b.key ?? '')
            ? -1
            : (a.key ?? '') > (b.key ?? '')
              ? 1
              : 0,
      );
    }
    return byKey;
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
