import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import { FastifyReply } from 'fastify';
import { AnyRole, Roles } from '../access/roles.decorator';
import { ApiPage, Page, PageQueryDto } from '../common/pagination';
import { ParseIdPipe } from '../common/validation';
import { jsonOrCsv, periodRows } from './csv';
import {
  CashForecastDto,
  CashForecastQueryDto,
  CreateSnapshotDto,
  RevenueForecastDto,
  RevenueForecastQueryDto,
  SnapshotDto,
  SnapshotWithForecastDto,
  VarianceDto,
  VarianceQueryDto,
} from './forecast.dto';
import { ForecastService } from './forecast.service';

@ApiTags('reports')
@Controller('reports')
export class ForecastController {
  constructor(private readonly forecasts: ForecastService) {}

  /** Recognised, forfeited and forecast revenue per month or quarter, as of any date. */
  @Get('revenue-forecast')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: RevenueForecastDto })
  async revenue(
    @Query() query: RevenueForecastQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevenueForecastDto | string> {
    const report = await this.forecasts.revenueForecast(query);
    return jsonOrCsv(
      report,
      { format: query.format, accept, reply },
      'revenue-forecast',
      periodRows,
    );
  }

  /** Cash received and expected from the billing schedule per month or quarter. */
  @Get('cash-forecast')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: CashForecastDto })
  async cash(
    @Query() query: CashForecastQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CashForecastDto | string> {
    const report = await this.forecasts.cashForecast(query);
    return jsonOrCsv(
      report,
      { format: query.format, accept, reply },
      'cash-forecast',
      (r) => r.periods,
    );
  }

  /** Freezes today's revenue forecast. */
  @Post('revenue-forecast/snapshots')
  @Roles('finance')
  createSnapshot(@Body() body: CreateSnapshotDto): Promise<SnapshotWithForecastDto> {
    return this.forecasts.createSnapshot(body);
  }

  /** Lists the frozen revenue-forecast snapshots. */
  @Get('revenue-forecast/snapshots')
  @AnyRole()
  @ApiPage(SnapshotDto)
  listSnapshots(@Query() query: PageQueryDto): Promise<Page<SnapshotDto>> {
    return this.forecasts.listSnapshots(query);
  }

  /** The frozen forecast, in the shape it was taken. */
  @Get('revenue-forecast/snapshots/:id')
  @AnyRole()
  getSnapshot(
    @Param('id', new ParseIdPipe('Forecast snapshot')) id: string,
  ): Promise<SnapshotWithForecastDto> {
    return this.forecasts.getSnapshot(id);
  }

  /** Per period: snapshot against recognised + forfeited + forecast now. */
  @Get('revenue-forecast/snapshots/:id/variance')
  @AnyRole()
  @ApiProduces('application/json', 'text/csv')
  async variance(
    @Param('id', new ParseIdPipe('Forecast snapshot')) id: string,
    @Query() query: VarianceQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VarianceDto | string> {
    const report = await this.forecasts.variance(id, query.asOf, query.consistency);
    return jsonOrCsv(report, { format: query.format, accept, reply }, 'variance', (r) => r.periods);
  }
}
