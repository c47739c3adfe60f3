import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AnyRole } from '../access/roles.decorator';
import { toCsv, wantsCsv } from './csv';
import {
  BacklogQueryDto,
  BacklogReportDto,
  ContractBalancesQueryDto,
  ContractBalancesReportDto,
} from './report-query.dto';
import { ReportsService } from './reports.service';

/** One row per group; with no groupBy, one row of totals. */
function csvOf(report: { totals: object; groups: object[] }): string {
  const rows =
    report.groups.length > 0 ? report.groups : [{ key: 'total', label: 'Total', ...report.totals }];
  return toCsv(rows as Record<string, unknown>[]);
}

function sendCsv(reply: FastifyReply, name: string, body: string): string {
  void reply
    .header('content-type', 'text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}.csv"`);
  return body;
}

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  /** Open units and value at the end of asOf (BR-1), with EH/s and MW (BR-7). */
  @Get('backlog')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  async backlog(
    @Query() query: BacklogQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BacklogReportDto | string> {
    const report = await this.reports.backlog(query);
    return wantsCsv(query.format, accept)
      ? sendCsv(reply, `backlog-${report.asOf}`, csvOf(report))
      : report;
  }

  /** Cash, recognised and forfeited revenue, contract liability and receivable at the end of asOf (BR-5). */
  @Get('contract-balances')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  async contractBalances(
    @Query() query: ContractBalancesQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ContractBalancesReportDto | string> {
    const report = await this.reports.contractBalances(query);
    return wantsCsv(query.format, accept)
      ? sendCsv(reply, `contract-balances-${report.asOf}`, csvOf(report))
      : report;
  }
}
