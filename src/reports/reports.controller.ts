import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AnyRole } from '../access/roles.decorator';
import { groupRows, jsonOrCsv, periodRows } from './csv';
import {
  BookingsQueryDto,
  BookingsReportDto,
  RollforwardQueryDto,
  RollforwardReportDto,
} from './period-reports.dto';
import { PeriodReportsService } from './period-reports.service';
import {
  BacklogQueryDto,
  BacklogReportDto,
  ContractBalancesQueryDto,
  ContractBalancesReportDto,
  ReceivablesAgingQueryDto,
  ReceivablesAgingReportDto,
} from './report-query.dto';
import { ReportsService } from './reports.service';

const REPORT =
  'The report as JSON, or as CSV (format=csv or Accept: text/csv): one row per group or period';

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(
    private readonly reports: ReportsService,
    private readonly periodReports: PeriodReportsService,
  ) {}

  /** Open units and value at the end of asOf (BR-1), with EH/s and MW (BR-7). */
  @Get('backlog')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: BacklogReportDto, description: REPORT })
  async backlog(
    @Query() query: BacklogQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BacklogReportDto | string> {
    const report = await this.reports.backlog(query);
    return jsonOrCsv(report, { format: query.format, accept, reply }, 'backlog', groupRows);
  }

  /** Cash, refunds, recognised and forfeited revenue, contract liability and receivable at the end of asOf (BR-5). */
  @Get('contract-balances')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ContractBalancesReportDto, description: REPORT })
  async contractBalances(
    @Query() query: ContractBalancesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContractBalancesReportDto | string> {
    const report = await this.reports.contractBalances(query);
    return jsonOrCsv(
      report,
      { format: query.format, accept, reply },
      'contract-balances',
      groupRows,
    );
  }

  /**
   * What every instalment still owes at the end of asOf (neither paid nor voided), by days past its
   * due date in force: not due (due on or after asOf), 1–30, 31–60, 61–90, over 90.
   */
  @Get('receivables-aging')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: ReceivablesAgingReportDto, description: REPORT })
  async receivablesAging(
    @Query() query: ReceivablesAgingQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ReceivablesAgingReportDto | string> {
    const report = await this.reports.receivablesAging(query);
    return jsonOrCsv(
      report,
      { format: query.format, accept, reply },
      'receivables-aging',
      groupRows,
    );
  }

  /**
   * Per month or quarter: orders signed with their units and value, units added and cancelled by
   * amendments and the value of price changes, and the net booked value.
   */
  @Get('bookings')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: BookingsReportDto, description: REPORT })
  async bookings(
    @Query() query: BookingsQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BookingsReportDto | string> {
    const report = await this.periodReports.bookings(query);
    return jsonOrCsv(report, { format: query.format, accept, reply }, 'bookings', periodRows);
  }

  /**
   * Per month or quarter: contract liability and receivable at its start and end, and the cash,
   * refunds, recognised and forfeited revenue that move one into the other.
   */
  @Get('contract-liability-rollforward')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: RollforwardReportDto, description: REPORT })
  async rollforward(
    @Query() query: RollforwardQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RollforwardReportDto | string> {
    const report = await this.periodReports.rollforward(query);
    return jsonOrCsv(
      report,
      { format: query.format, accept, reply },
      'contract-liability-rollforward',
      (r) => r.periods,
    );
  }
}
