import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock';
import { Consistency, ReadDatabase } from '../database/read-database';
import { NotFoundError } from '../common/errors';
import { formatMoney, parseMoney } from '../common/money';
import { paginate, Page, PageQueryDto } from '../common/pagination';
import { DeliveryPlanService, PlanForecastRow } from '../planning/delivery-plan.service';
import {
  CashForecastDto,
  CashForecastQueryDto,
  CreateSnapshotDto,
  RevenueFiguresDto,
  RevenueForecastDto,
  RevenueForecastQueryDto,
  RevenueGroupDto,
  SnapshotDto,
  SnapshotWithForecastDto,
  VarianceDto,
} from './forecast.dto';
import { cashQuery, CashRow, revenueQuery, RevenueRow } from './forecast.queries';
import { ForecastSnapshot } from './forecast-snapshot.entity';
import { periodOf, periodRange } from './periods';

interface Figures {
  recognized: number;
  trueUp: number;
  forfeited: number;
  forecast: number;
  shipped: number;
  forecastUnits: number;
  option: number;
}

const zero = (): Figures => ({
  recognized: 0,
  trueUp: 0,
  forfeited: 0,
  forecast: 0,
  shipped: 0,
  forecastUnits: 0,
  option: 0,
});

const toFigures = (f: Figures): RevenueFiguresDto => ({
  recognizedRevenue: formatMoney(f.recognized),
  trueUpRevenue: formatMoney(f.trueUp),
  forfeitedRevenue: formatMoney(f.forfeited),
  forecastRevenue: formatMoney(f.forecast),
  totalRevenue: formatMoney(f.recognized + f.forfeited + f.forecast),
  shippedQuantity: f.shipped,
  forecastQuantity: f.forecastUnits,
  optionRevenue: formatMoney(f.option),
});

@Injectable()
export class ForecastService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly plans: DeliveryPlanService,
    private readonly db: ReadDatabase,
  ) {}

  private range(query: RevenueForecastQueryDto | CashForecastQueryDto) {
    return periodRange(query, this.clock.today(), 'ahead');
  }

  async revenueForecast(query: RevenueForecastQueryDto): Promise<RevenueForecastDto> {
    const { asOf, from, to, current, granularity, list, bounds } = this.range(query);
    const basis = query.basis ?? 'contract';
    const { text, values } = revenueQuery({
      ...query,
      asOf,
      current,
      ...bounds,
      granularity,
      withForecast: true,
    });
    const rows = (await this.db.for(query.consistency).query(text, values)) as RevenueRow[];

    const totals = new Map(list.map((p) => [p.period, zero()]));
    const groups = new Map(
      list.map((p) => [p.period, new Map<string, { label: string; f: Figures }>()]),
    );
    let overdue = { units: 0, cents: 0 };
    const add = (target: Figures, row: RevenueRow, withForecast: boolean) => {
      target.recognized += row.recognized;
      target.trueUp += row.true_up;
      target.forfeited += row.forfeited;
      target.shipped += row.shipped_quantity;
      // Options are never planned: on either basis they stand by their ship dates.
      target.option += row.option_revenue;
      if (withForecast) {
        target.forecast += row.forecast;
        target.forecastUnits += row.forecast_quantity;
      }
    };
    const groupOf = (period: string, key: string, label: string) => {
      const byKey = groups.get(period)!;
      if (!byKey.has(key)) byKey.set(key, { label, f: zero() });
      return byKey.get(key)!.f;
    };
    const contract = basis === 'contract';
    for (const row of rows) {
      if (row.period_start === null) {
        if (!row.is_group) overdue = { units: row.forecast_quantity, cents: row.forecast };
        continue;
      }
      const period = periodOf(row.period_start, granularity);
      if (!totals.has(period)) continue;
      if (row.is_group) add(groupOf(period, row.key!, row.label ?? row.key!), row, contract);
      else add(totals.get(period)!, row, contract);
    }

    let unscheduled = { units: 0, cents: 0 };
    if (!contract) {
      const planned = await this.plans.planForecast(asOf, query, query.consistency ?? 'eventual');
      unscheduled = { units: planned.unscheduled.units, cents: planned.unscheduled.valueCents };
      const labels = query.groupBy
        ? await this.groupLabels(query.groupBy, planned.rows, query.consistency)
        : new Map<string, { key: string; label: string }>();
      for (const row of planned.rows) {
        const period = periodOf(`${row.month}-01`, granularity);
        const target = totals.get(period);
        if (!target) continue;
        const cents = row.units * row.unitPriceCents;
        target.forecast += cents;
        target.forecastUnits += row.units;
        if (query.groupBy) {
          const group = labels.get(row.trancheId)!;
          const g = groupOf(period, group.key, group.label);
          g.forecast += cents;
          g.forecastUnits += row.units;
        }
      }
    }

    const grand = zero();
    for (const f of totals.values()) {
      grand.recognized += f.recognized;
      grand.trueUp += f.trueUp;
      grand.forfeited += f.forfeited;
      grand.forecast += f.forecast;
      grand.shipped += f.shipped;
      grand.forecastUnits += f.forecastUnits;
      grand.option += f.option;
    }
    return {
      asOf,
      from,
      to,
      granularity,
      basis,
      periods: list.map((p) => ({
        period: p.period,
        ...toFigures(totals.get(p.period)!),
        ...(query.groupBy
          ? {
              groups: [...groups.get(p.period)!.entries()]
                .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
                .map(([key, g]): RevenueGroupDto => ({ key, label: g.label, ...toFigures(g.f) })),
            }
          : {}),
      })),
      totals: toFigures(grand),
      overdue: { quantity: overdue.units, value: formatMoney(overdue.cents) },
      unscheduled: { quantity: unscheduled.units, value: formatMoney(unscheduled.cents) },
    };
  }

  /** Group keys and labels of the plan's tranches, read in one query. */
  private async groupLabels(
    groupBy: NonNullable<RevenueForecastQueryDto['groupBy']>,
    rows: PlanForecastRow[],
    consistency?: Consistency,
  ) {
    const columns = {
      productModel: ['m.id::text', 'm.sku'],
      customer: ['c.id::text', 'c.name'],
      segment: ['c.segment', 'c.segment'],
      region: ['c.region', 'c.region'],
      purchaseOrder: ['o.id::text', 'o.number'],
    }[groupBy];
    const ids = [...new Set(rows.map((r) => r.trancheId))];
    const found = (await this.db.for(consistency).query(
      `SELECT t.id, ${columns[0]} AS key, ${columns[1]} AS label FROM tranche t
         JOIN customer c ON c.id = t.customer_id JOIN product_model m ON m.id = t.product_model_id
         JOIN purchase_order o ON o.id = t.purchase_order_id WHERE t.id = ANY($1::uuid[])`,
      [ids],
    )) as { id: string; key: string; label: string }[];
    return new Map(found.map((r) => [r.id, { key: r.key, label: r.label }]));
  }

  async cashForecast(query: CashForecastQueryDto): Promise<CashForecastDto> {
    const { asOf, from, to, current, granularity, list, bounds } = this.range(query);
    const { text, values } = cashQuery({ ...query, asOf, current, ...bounds, granularity });
    const rows = (await this.db.for(query.consistency).query(text, values)) as CashRow[];
    const byPeriod = new Map<string, CashRow>();
    let overdue = 0;
    for (const row of rows) {
      if (row.period_start === null) overdue = row.expected;
      else byPeriod.set(periodOf(row.period_start, granularity), row);
    }
    let received = 0;
    let expected = 0;
    const out = list.map((p) => {
      const row = byPeriod.get(p.period);
      received += row?.received ?? 0;
      expected += row?.expected ?? 0;
      return {
        period: p.period,
        receivedCash: formatMoney(row?.received ?? 0),
        expectedCash: formatMoney(row?.expected ?? 0),
      };
    });
    return {
      asOf,
      from,
      to,
      granularity,
      periods: out,
      totals: { receivedCash: formatMoney(received), expectedCash: formatMoney(expected) },
      overdue: { amount: formatMoney(overdue) },
    };
  }

  /** Freezes today's forecast for the range; the stored figures never change afterwards. */
  async createSnapshot(body: CreateSnapshotDto): Promise<SnapshotWithForecastDto> {
    // Read on the primary: the snapshot freezes the book as it stands.
    const forecast = await this.revenueForecast({
      consistency: 'strong',
      from: body.from,
      to: body.to,
      granularity: body.granularity,
      basis: body.basis ?? 'contract',
    });
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(ForecastSnapshot);
      const saved = await repo.save(
        repo.create({
          name: body.name,
          takenOn: forecast.asOf,
          fromMonth: forecast.from,
          toMonth: forecast.to,
          granularity: forecast.granularity,
          basis: forecast.basis,
          forecast: forecast as unknown as Record<string, unknown>,
        }),
      );
      const dto = this.withForecast(saved);
      await this.audit.record(tx, {
        entityType: 'forecast_snapshot',
        entityId: saved.id,
        action: 'created',
        after: this.toDto(saved),
      });
      return dto;
    });
  }

  listSnapshots(query: PageQueryDto): Promise<Page<SnapshotDto>> {
    const qb = this.dataSource
      .getRepository(ForecastSnapshot)
      .createQueryBuilder('s')
      .select([
        's.id',
        's.name',
        's.takenOn',
        's.fromMonth',
        's.toMonth',
        's.granularity',
        's.basis',
        's.createdAt',
      ]);
    return paginate(qb, query, (s) => this.toDto(s));
  }

  async getSnapshot(id: string): Promise<SnapshotWithForecastDto> {
    return this.withForecast(await this.findSnapshot(id));
  }

  /** Per period: what was frozen against what is recognised, forfeited and forecast now. */
  async variance(id: string, asOf?: string, consistency?: Consistency): Promise<VarianceDto> {
    const snapshot = await this.findSnapshot(id);
    const frozen = snapshot.forecast as unknown as RevenueForecastDto;
    const now = await this.revenueForecast({
      asOf,
      consistency,
      from: snapshot.fromMonth,
      to: snapshot.toMonth,
      granularity: snapshot.granularity,
      basis: snapshot.basis,
    });
    const cents = parseMoney;
    const sum = { snapshot: 0, recognized: 0, forfeited: 0, forecast: 0 };
    const rows = now.periods.map((period, index) => {
      const before = cents(frozen.periods[index].totalRevenue);
      const recognized = cents(period.recognizedRevenue);
      const forfeited = cents(period.forfeitedRevenue);
      const forecast = cents(period.forecastRevenue);
      sum.snapshot += before;
      sum.recognized += recognized;
      sum.forfeited += forfeited;
      sum.forecast += forecast;
      return {
        period: period.period,
        snapshotRevenue: formatMoney(before),
        recognizedRevenue: formatMoney(recognized),
        forfeitedRevenue: formatMoney(forfeited),
        forecastRevenue: formatMoney(forecast),
        variance: formatMoney(recognized + forfeited + forecast - before),
      };
    });
    return {
      snapshotId: id,
      asOf: now.asOf,
      periods: rows,
      totals: {
        snapshotRevenue: formatMoney(sum.snapshot),
        recognizedRevenue: formatMoney(sum.recognized),
        forfeitedRevenue: formatMoney(sum.forfeited),
        forecastRevenue: formatMoney(sum.forecast),
        variance: formatMoney(sum.recognized + sum.forfeited + sum.forecast - sum.snapshot),
      },
    };
  }

  private async findSnapshot(id: string): Promise<ForecastSnapshot> {
    const snapshot = await this.dataSource.getRepository(ForecastSnapshot).findOneBy({ id });
    if (!snapshot) throw new NotFoundError('Forecast snapshot', id);
    return snapshot;
  }

  private toDto(s: ForecastSnapshot): SnapshotDto {
    return {
      id: s.id,
      name: s.name,
      takenOn: s.takenOn,
      from: s.fromMonth,
      to: s.toMonth,
      granularity: s.granularity,
      basis: s.basis,
      createdAt: s.createdAt.toISOString(),
    };
  }

  private withForecast(s: ForecastSnapshot): SnapshotWithForecastDto {
    const frozen = s.forecast as unknown as RevenueForecastDto;
    return {
      ...this.toDto(s),
      asOf: frozen.asOf,
      periods: frozen.periods,
      totals: frozen.totals,
      overdue: frozen.overdue,
      unscheduled: frozen.unscheduled,
    };
  }
}
