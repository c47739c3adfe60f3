import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { assertIfMatch } from '../../common/if-match';
import { ProductModelService } from '../../catalog/product-model.service';
import { InvalidStateError, NotFoundError } from '../../common/errors';
import { parseMoney } from '../../common/money';
import { Page, paginate } from '../../common/pagination';
import { CustomerService } from '../customer.service';
import {
  CreateOpportunityDto,
  OpportunityDto,
  OpportunityQueryDto,
  toOpportunityDto,
  UpdateOpportunityDto,
} from './opportunity.dto';
import { Opportunity } from './opportunity.entity';
import { probabilityAfter } from './probability';

const ENTITY_TYPE = 'opportunity';

@Injectable()
export class OpportunityService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly customers: CustomerService,
    private readonly productModels: ProductModelService,
  ) {}

  async create(body: CreateOpportunityDto): Promise<OpportunityDto> {
    return this.dataSource.transaction(async (tx) => {
      await this.customers.getForOrder(tx, body.customerId, 'customerId');
      const model = await this.productModels.getOrderable(
        tx,
        body.productModelId,
        'productModelId',
      );
      const stage = body.stage ?? 'lead';
      const repo = tx.getRepository(Opportunity);
      const opportunity = await repo.save(
        repo.create({
          customerId: body.customerId,
          productModelId: model.id,
          quantity: body.quantity,
          unitPriceCents:
            body.unitPrice !== undefined ? parseMoney(body.unitPrice) : model.listPriceCents,
          stage,
          probability: probabilityAfter(null, { stage, probability: body.probability }),
          expectedCloseOn: body.expectedCloseOn ?? null,
          firstDeliveryOn: body.firstDeliveryOn ?? null,
        }),
      );
      const after = toOpportunityDto(opportunity);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: opportunity.id,
        action: 'created',
        after,
      });
      return after;
    });
  }

  list(query: OpportunityQueryDto): Promise<Page<OpportunityDto>> {
    const qb = this.dataSource.getRepository(Opportunity).createQueryBuilder('o');
    if (query.customerId)
      qb.andWhere('o.customer_id = :customerId', { customerId: query.customerId });
    if (query.stage) qb.andWhere('o.stage = :stage', { stage: query.stage });
    if (query.productModelId)
      qb.andWhere('o.product_model_id = :productModelId', { productModelId: query.productModelId });
    return paginate(qb, query, toOpportunityDto);
  }

  async get(id: string): Promise<OpportunityDto> {
    const opportunity = await this.dataSource.getRepository(Opportunity).findOneBy({ id });
    if (!opportunity) throw new NotFoundError('Opportunity', id);
    return toOpportunityDto(opportunity);
  }

  async update(id: string, body: UpdateOpportunityDto, ifMatch?: string): Promise<OpportunityDto> {
    return this.dataSource.transaction(async (tx) => {
      const opportunity = await this.lockForConversion(tx, id);
      assertIfMatch(ifMatch, opportunity.version);
      if (opportunity.purchaseOrderId) {
        throw new InvalidStateError(
          `Opportunity ${id} was converted into purchase order ${opportunity.purchaseOrderId} and no longer changes`,
        );
      }
      const before = toOpportunityDto(opportunity);
      if (body.productModelId !== undefined && body.productModelId !== opportunity.productModelId) {
        const model = await this.productModels.getOrderable(
          tx,
          body.productModelId,
          'productModelId',
        );
        opportunity.productModelId = model.id;
        if (body.unitPrice === undefined) opportunity.unitPriceCents = model.listPriceCents;
      }
      if (body.quantity !== undefined) opportunity.quantity = body.quantity;
      if (body.unitPrice !== undefined) opportunity.unitPriceCents = parseMoney(body.unitPrice);
      const stage = body.stage ?? opportunity.stage;
      opportunity.probability = probabilityAfter(opportunity, {
        stage,
        probability: body.probability,
      });
      opportunity.stage = stage;
      if (body.expectedCloseOn !== undefined) opportunity.expectedCloseOn = body.expectedCloseOn;
      if (body.firstDeliveryOn !== undefined) opportunity.firstDeliveryOn = body.firstDeliveryOn;
      if (JSON.stringify(toOpportunityDto(opportunity)) === JSON.stringify(before)) return before;
      return this.save(tx, opportunity, before, 'updated');
    });
  }

  /** The opportunity locked FOR UPDATE until the caller's transaction ends; 404 when unknown. */
  async lockForConversion(tx: EntityManager, id: string): Promise<Opportunity> {
    const opportunity = await tx
      .getRepository(Opportunity)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!opportunity) throw new NotFoundError('Opportunity', id);
    return opportunity;
  }

  /**
   * Records the conversion of a locked opportunity (see lockForConversion) into a purchase order:
   * stage won, probability 100, the order's id; audited as `converted` (event opportunity.converted).
   * The caller checks it was not converted before.
   */
  async markConverted(
    tx: EntityManager,
    opportunity: Opportunity,
    purchaseOrderId: string,
  ): Promise<Opportunity> {
    const before = toOpportunityDto(opportunity);
    opportunity.stage = 'won';
    opportunity.probability = 100;
    opportunity.purchaseOrderId = purchaseOrderId;
    await this.save(tx, opportunity, before, 'converted');
    return opportunity;
  }

  /**
   * The draft an opportunity was converted into is deleted: the deal is back in negotiation (its
   * stage's probability), converted into nothing, and may be converted again. Audited as
   * `updated`. Runs in the transaction that deletes the draft.
   */
  async reopen(tx: EntityManager, id: string, deletedOrderId: string): Promise<void> {
    const opportunity = await this.lockForConversion(tx, id);
    if (opportunity.purchaseOrderId !== deletedOrderId) return;
    const before = toOpportunityDto(opportunity);
    opportunity.probability = probabilityAfter(opportunity, { stage: 'negotiation' });
    opportunity.stage = 'negotiation';
    opportunity.purchaseOrderId = null;
    await this.save(tx, opportunity, before, 'updated');
  }

  private async save(
    tx: EntityManager,
    opportunity: Opportunity,
    before: OpportunityDto,
    action: 'updated' | 'converted',
  ): Promise<OpportunityDto> {
    opportunity.version += 1;
    opportunity.updatedAt = new Date();
    await tx.getRepository(Opportunity).save(opportunity);
    const after = toOpportunityDto(opportunity);
    await this.audit.record(tx, {
      entityType: ENTITY_TYPE,
      entityId: opportunity.id,
      action,
      before,
      after,
    });
    return after;
  }
}
