import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { UserReferences } from '../../access/users/user-references';
import { AuditService } from '../../audit/audit.service';
import { assertIfMatch } from '../../common/if-match';
import { NotFoundError } from '../../common/errors';
import { Page, paginate, PageQueryDto } from '../../common/pagination';
import { CustomerService } from '../customer.service';
import {
  ActivityDto,
  ActivityQueryDto,
  CreateActivityDto,
  toActivityDto,
  UpdateActivityDto,
} from './activity.dto';
import { Activity } from './activity.entity';

const ENTITY_TYPE = 'activity';

@Injectable()
export class ActivityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly customers: CustomerService,
    private readonly users: UserReferences,
  ) {}

  async listForCustomer(customerId: string, query: PageQueryDto): Promise<Page<ActivityDto>> {
    await this.customers.assertExists(customerId);
    const qb = this.dataSource
      .getRepository(Activity)
      .createQueryBuilder('a')
      .where('a.customer_id = :customerId', { customerId });
    return paginate(qb, query, toActivityDto);
  }

  /** Across customers; `open=true` gives the open tasks (type task, not completed). */
  async list(query: ActivityQueryDto): Promise<Page<ActivityDto>> {
    const qb = this.dataSource.getRepository(Activity).createQueryBuilder('a');
    if (query.assigneeId) {
      qb.andWhere('a.assignee_id = :assigneeId', {
        assigneeId: await this.users.filter(query.assigneeId, 'assigneeId'),
      });
    }
    if (query.open === true) qb.andWhere(`a.type = 'task' AND a.completed_at IS NULL`);
    if (query.open === false) qb.andWhere('a.completed_at IS NOT NULL');
    if (query.dueBefore) qb.andWhere('a.due_on <= :dueBefore', { dueBefore: query.dueBefore });
    if (query.type) qb.andWhere('a.type = :type', { type: query.type });
    if (query.customerId)
      qb.andWhere('a.customer_id = :customerId', { customerId: query.customerId });
    return paginate(qb, query, toActivityDto);
  }

  async create(customerId: string, body: CreateActivityDto): Promise<ActivityDto> {
    return this.dataSource.transaction(async (tx) => {
      await this.customers.lock(tx, customerId, 'for_key_share');
      const assigneeId =
        body.assigneeId !== undefined ? body.assigneeId : this.users.currentUserId();
      if (assigneeId) await this.users.assertExists(assigneeId, 'assigneeId', tx);
      const repo = tx.getRepository(Activity);
      const activity = await repo.save(
        repo.create({
          customerId,
          type: body.type,
          subject: body.subject,
          body: body.body ?? null,
          occurredAt: body.occurredAt ? new Date(body.occurredAt) : new Date(),
          dueOn: body.dueOn ?? null,
          completedAt: body.completedAt ? new Date(body.completedAt) : null,
          assigneeId,
        }),
      );
      const after = toActivityDto(activity);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: activity.id,
        action: 'created',
        after,
      });
      return after;
    });
  }

  async update(id: string, body: UpdateActivityDto, ifMatch?: string): Promise<ActivityDto> {
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(Activity);
      const activity = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!activity) throw new NotFoundError('Activity', id);
      assertIfMatch(ifMatch, activity.version);
      const before = toActivityDto(activity);
      if (body.type !== undefined) activity.type = body.type;
      if (body.subject !== undefined) activity.subject = body.subject;
      if (body.body !== undefined) activity.body = body.body;
      if (body.occurredAt !== undefined) activity.occurredAt = new Date(body.occurredAt);
      if (body.dueOn !== undefined) activity.dueOn = body.dueOn;
      if (body.completedAt !== undefined)
        activity.completedAt = body.completedAt === null ? null : new Date(body.completedAt);
      if (body.assigneeId !== undefined && body.assigneeId !== activity.assigneeId) {
        if (body.assigneeId !== null)
          await this.users.assertExists(body.assigneeId, 'assigneeId', tx);
        activity.assigneeId = body.assigneeId;
      }
      if (JSON.stringify(toActivityDto(activity)) === JSON.stringify(before)) return before;
      activity.version += 1;
      activity.updatedAt = new Date();
      await repo.save(activity);
      const after = toActivityDto(activity);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: id,
        action: 'updated',
        before,
        after,
      });
      return after;
    });
  }
}
