import { Injectable } from '@nestjs/common';
import { ReadDatabase } from '../database/read-database';
import { Clock } from '../common/clock';
import { formatMoney } from '../common/money';
import { BookingRow, bookingsQuery } from './bookings.queries';
import {
  BookingFiguresDto,
  BookingGroupDto,
  BookingsQueryDto,
  BookingsReportDto,
  RollforwardFiguresDto,
  RollforwardQueryDto,
  RollforwardReportDto,
} from './period-reports.dto';
import { periodOf, periodRange } from './periods';
import { RollforwardRow, rollforwardQuery } from './rollforward.queries';

type BookingSums = Omit<BookingRow, 'period_start' | 'key' | 'label' | 'is_group'>;

const BOOKING_SUMS: (keyof BookingSums)[] = [
  'order_count',
  'gross_units',
  'gross_cents',
  'added_units',
  'added_cents',
  'cancelled_units',
  'cancelled_cents',
  'repriced_cents',
];

const noBookings = (): BookingSums =>
  Object.fromEntries(BOOKING_SUMS.map((k) => [k, 0])) as unknown as BookingSums;

const bookingFigures = (s: BookingSums): BookingFiguresDto => ({
  orderCount: s.order_count,
  grossUnits: s.gross_units,
  grossValue: formatMoney(s.gross_cents),
  addedUnits: s.added_units,
  addedValue: formatMoney(s.added_cents),
  cancelledUnits: s.cancelled_units,
  cancelledValue: formatMoney(s.cancelled_cents),
  priceChangeValue: formatMoney(s.repriced_cents),
  netValue: formatMoney(s.gross_cents + s.added_cents - s.cancelled_cents + s.repriced_cents),
});

const rollforwardFigures = (r: Omit<RollforwardRow, 'period_start'>): RollforwardFiguresDto => ({
  openingLiability: formatMoney(r.opening_liability),
  openingReceivable: formatMoney(r.opening_receivable),
  cashReceived: formatMoney(r.cash_received),
  refunded: formatMoney(r.refunded),
  recognizedRevenue: formatMoney(r.recognized),
  forfeitedRevenue: formatMoney(r.forfeited),
  closingLiability: formatMoney(r.closing_liability),
  closingReceivable: formatMoney(r.closing_receivable),
});

/** Reports of what happened over months or quarters: bookings and the contract-liability roll-forward. */
@Injectable()
export class PeriodReportsService {
  constructor(
    private readonly db: ReadDatabase,
    private readonly clock: Clock,
  ) {}

  /** The periods the query covers: the twelve months up to asOf's by default. */
  private range(query: BookingsQueryDto | RollforwardQueryDto) {
    return periodRange(query, this.clock.today(), 'behind');
  }

  async bookings(query: BookingsQueryDto): Promise<BookingsReportDto> {
    const { asOf, from, to, current, granularity, list, bounds } = this.range(query);
    const { text, values } = bookingsQuery({ ...query, asOf, current, granularity, ...bounds });
    const rows = (await this.db.for(query.consistency).query(text, values)) as BookingRow[];
    const totals = new Map(list.map((p) => [p.period, noBookings()]));
    const groups = new Map(list.map((p) => [p.period, [] as BookingGroupDto[]]));
    for (const row of rows) {
      const period = periodOf(row.period_start, granularity);
      if (row.is_group) {
        groups
          .get(period)!
          .push({ key: row.key!, label: row.label ?? row.key!, ...bookingFigures(row) });
      } else totals.set(period, row);
    }
    const grand = noBookings();
    for (const sums of totals.values()) for (const k of BOOKING_SUMS) grand[k] += sums[k];
    return {
      asOf,
      from,
      to,
      granularity,
      periods: list.map((p) => ({
        period: p.period,
        ...bookingFigures(totals.get(p.period)!),
        ...(query.groupBy ? { groups: groups.get(p.period)! } : {}),
      })),
      totals: bookingFigures(grand),
    };
  }

  async rollforward(query: RollforwardQueryDto): Promise<RollforwardReportDto> {
    const { asOf, from, to, current, granularity, list, bounds } = this.range(query);
    const { text, values } = rollforwardQuery({
      ...query,
      asOf,
      current,
      granularity,
      ...bounds,
      periodStarts: list.map((p) => p.start),
    });
    const rows = (await this.db.for(query.consistency).query(text, values)) as RollforwardRow[];
    const flows = (k: 'cash_received' | 'refunded' | 'recognized' | 'forfeited') =>
      rows.reduce((sum, r) => sum + r[k], 0);
    const [first, last] = [rows[0], rows[rows.length - 1]];
    return {
      asOf,
      from,
      to,
      granularity,
      periods: rows.map((r) => ({
        period: periodOf(r.period_start, granularity),
        ...rollforwardFigures(r),
      })),
      totals: rollforwardFigures({
        opening_liability: first.opening_liability,
        opening_receivable: first.opening_receivable,
        cash_received: flows('cash_received'),
        refunded: flows('refunded'),
        recognized: flows('recognized'),
        forfeited: flows('forfeited'),
        closing_liability: last.closing_liability,
        closing_receivable: last.closing_receivable,
      }),
    };
  }
}
