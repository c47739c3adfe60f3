import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { assertIfMatch } from '../common/if-match';
import { paginate, Page, PageQueryDto } from '../common/pagination';
import { WebhookDelivery } from './webhook-delivery.entity';
import { WebhookSubscription } from './webhook-subscription.entity';
import { WebhookWorker } from './webhook.worker';
import {
  CreateWebhookDto,
  DeliveryQueryDto,
  toWebhookDeliveryDto,
  toWebhookDto,
  UpdateWebhookDto,
  WebhookDeliveryDto,
  WebhookDto,
} from './webhook.dto';

/** `["*"]` alone, or distinct event types. */
function normaliseEvents(events: string[]): string[] {
  const unique = [...new Set(events)];
  if (unique.includes('*') && unique.length > 1) {
    throw new ValidationFailedError('events: "*" already means every type; give it alone', [
      { path: 'events', message: '"*" already means every type; give it alone' },
    ]);
  }
  return unique;
}

@Injectable()
export class WebhookService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly worker: WebhookWorker,
  ) {}

  create(body: CreateWebhookDto): Promise<WebhookDto> {
    const events = normaliseEvents(body.events);
    return this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(WebhookSubscription);
      const saved = await repo.save(repo.create({ url: body.url, events, secret: body.secret }));
      const created = toWebhookDto(await repo.findOneByOrFail({ id: saved.id }));
      await this.audit.record(tx, {
        entityType: 'webhook',
        entityId: created.id,
        action: 'created',
        after: created,
      });
      return created;
    });
  }

  list(query: PageQueryDto): Promise<Page<WebhookDto>> {
    const qb = this.dataSource.getRepository(WebhookSubscription).createQueryBuilder('w');
    return paginate(qb, query, toWebhookDto);
  }

  async get(id: string): Promise<WebhookDto> {
    return toWebhookDto(await this.find(this.dataSource.manager, id));
  }

  update(id: string, body: UpdateWebhookDto, ifMatch?: string): Promise<WebhookDto> {
    const events = body.events ? normaliseEvents(body.events) : undefined;
    return this.dataSource.transaction(async (tx) => {
      const row = await this.find(tx, id, true);
      assertIfMatch(ifMatch, row.version);
      const before = toWebhookDto(row);
      const reactivated = body.active === true && !row.active;
      await tx.getRepository(WebhookSubscription).update(id, {
        url: body.url ?? row.url,
        events: events ?? row.events,
        secret: body.secret ?? row.secret,
        active: body.active ?? row.active,
        // Turned on again: the failure clock restarts. Turned off by hand: no system reason.
        disabledReason: body.active === undefined ? row.disabledReason : null,
        failingSince: reactivated ? null : row.failingSince,
        version: row.version + 1,
        updatedAt: () => 'now()',
      });
      const after = toWebhookDto(await this.find(tx, id));
      await this.audit.record(tx, {
        entityType: 'webhook',
        entityId: id,
        action: 'updated',
        before,
        after,
      });
      return after;
    });
  }

  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const row = await this.find(tx, id, true);
      await tx.getRepository(WebhookSubscription).delete(id);
      await this.audit.record(tx, {
        entityType: 'webhook',
        entityId: id,
        action: 'deleted',
        before: toWebhookDto(row),
      });
    });
  }

  async deliveries(id: string, query: DeliveryQueryDto): Promise<Page<WebhookDeliveryDto>> {
    await this.find(this.dataSource.manager, id);
    const qb = this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.subscription_id = :id', { id });
    if (query.status) qb.andWhere('d.status = :status', { status: query.status });
    return paginate(qb, query, toWebhookDeliveryDto);
  }

  /** Queues a delivery again, whatever its state, with a fresh 24 h retry window. */
  async redeliver(id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    const dto = await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(WebhookDelivery);
      const row = await repo.findOne({
        where: { id: deliveryId, subscriptionId: id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!row) throw new NotFoundError('Webhook delivery', deliveryId);
      const before = toWebhookDeliveryDto(row);
      await tx.query(
        `UPDATE webhook_delivery
            SET status = 'pending', next_attempt_at = now(), expires_at = now() + interval '24 hours',
                lease_token = NULL, delivered_at = NULL, updated_at = now()
          WHERE id = $1`,
        [deliveryId],
      );
      const after = toWebhookDeliveryDto(await repo.findOneByOrFail({ id: deliveryId }));
      await this.audit.record(tx, {
        entityType: 'webhook_delivery',
        entityId: deliveryId,
        action: 'redelivered',
        before,
        after,
      });
      return after;
    });
    this.worker.wake(true);
    return dto;
  }

  private async find(tx: EntityManager, id: string, lock = false): Promise<WebhookSubscription> {
    const row = await tx.getRepository(WebhookSubscription).findOne({
      where: { id },
      ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
    });
    if (!row) throw new NotFoundError('Webhook', id);
    return row;
  }
}
