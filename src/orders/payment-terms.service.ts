import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { assertIfMatch } from '../common/if-match';
import { paginate, Page, PageQueryDto } from '../common/pagination';
import { Milestone } from './book.types';
import {
  CreatePaymentTermsDto,
  PaymentTermsDto,
  toPaymentTermsDto,
  UpdatePaymentTermsDto,
} from './payment-terms.dto';
import { PaymentTerms } from './payment-terms.entity';

/** depositPercent + Σ milestone percents must be exactly 100 (compared in basis points). */
export function checkTermsTotal(depositPercent: number, milestones: Milestone[]): void {
  const total =
    Math.round(depositPercent * 100) +
    milestones.reduce((sum, m) => sum + Math.round(m.percent * 100), 0);
  if (total !== 10000) {
    throw new ValidationFailedError(
      `depositPercent plus the milestone percents must be 100; they are ${total / 100}`,
      [
        {
          path: 'milestones',
          message: `depositPercent plus the milestone percents must be 100 (got ${total / 100})`,
        },
      ],
      'PERCENTAGES_NOT_100',
    );
  }
}

@Injectable()
export class PaymentTermsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  create(body: CreatePaymentTermsDto): Promise<PaymentTermsDto> {
    checkTermsTotal(body.depositPercent, body.milestones);
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(PaymentTerms);
      const saved = await repo.save(
        repo.create({
          ...body,
          milestones: body.milestones.map((m) => ({
            percent: m.percent,
            dueDaysFromShip: m.dueDaysFromShip,
          })),
        }),
      );
      const dto = toPaymentTermsDto(await repo.findOneByOrFail({ id: saved.id }));
      await this.audit.record(tx, {
        entityType: 'payment_terms',
        entityId: dto.id,
        action: 'created',
        after: dto,
      });
      return dto;
    });
  }

  list(query: PageQueryDto): Promise<Page<PaymentTermsDto>> {
    return paginate(
      this.dataSource.getRepository(PaymentTerms).createQueryBuilder('t'),
      query,
      toPaymentTermsDto,
    );
  }

  async get(id: string): Promise<PaymentTermsDto> {
    const terms = await this.dataSource.getRepository(PaymentTerms).findOneBy({ id });
    if (!terms) throw new NotFoundError('Payment terms', id);
    return toPaymentTermsDto(terms);
  }

  /** Edits the template; orders confirmed earlier keep the copy they took. */
  update(id: string, body: UpdatePaymentTermsDto, ifMatch?: string): Promise<PaymentTermsDto> {
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(PaymentTerms);
      const terms = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!terms) throw new NotFoundError('Payment terms', id);
      assertIfMatch(ifMatch, terms.version);
      const before = toPaymentTermsDto(terms);
      if (body.name !== undefined) terms.name = body.name;
      if (body.depositPercent !== undefined) terms.depositPercent = body.depositPercent;
      if (body.depositDueDays !== undefined) terms.depositDueDays = body.depositDueDays;
      if (body.milestones !== undefined)
        terms.milestones = body.milestones.map((m) => ({
          percent: m.percent,
          dueDaysFromShip: m.dueDaysFromShip,
        }));
      checkTermsTotal(terms.depositPercent, terms.milestones);
      terms.version += 1;
      terms.updatedAt = new Date();
      await repo.save(terms);
      const after = toPaymentTermsDto(terms);
      await this.audit.record(tx, {
        entityType: 'payment_terms',
        entityId: id,
        action: 'updated',
        before,
        after,
      });
      return after;
    });
  }
}
