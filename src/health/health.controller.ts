import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '../access/roles.decorator';
import { DomainError } from '../common/errors';

@ApiExcludeController()
@Controller('health')
@Public()
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /**
   * Readiness: the database answers and every migration is applied; otherwise 503
   * DATABASE_UNAVAILABLE or NOT_READY, naming the failing part (never the driver's message).
   */
  @Get('ready')
  @HealthCheck()
  async ready(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 2000 }),
        async () => {
          const check = this.indicators.check('migrations');
          try {
            const pending = await this.dataSource.showMigrations();
            return pending ? check.down({ pending: true }) : check.up();
          } catch {
            return check.down({ reachable: false });
          }
        },
      ]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      const checks = Object.fromEntries(
        Object.entries(result.details ?? {}).map(([name, detail]) => [name, detail.status]),
      );
      if (checks.database !== 'up') {
        throw new DomainError(
          503,
          'DATABASE_UNAVAILABLE',
          'The database is unavailable',
          undefined,
          {
            checks,
          },
        );
      }
      throw new DomainError(503, 'NOT_READY', 'Migrations are pending', undefined, { checks });
    }
  }
}
