import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import {
  ConflictError,
  NotFoundError,
  ReferenceNotFoundError,
  UnprocessableError,
} from '../common/errors';
import { parseMoney } from '../common/money';
import { likeContaining, Page, paginate } from '../common/pagination';
import { isUuid } from '../common/validation';
import { assertIfMatch } from '../common/if-match';
import {
  CreateProductModelDto,
  ProductModelDto,
  ProductModelQueryDto,
  toProductModelDto,
  UpdateProductModelDto,
  UpsertProductModelDto,
} from './product-model.dto';
import { ProductModel } from './product-model.entity';

const ENTITY_TYPE = 'product_model';

@Injectable()
export class ProductModelService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(body: CreateProductModelDto): Promise<ProductModelDto> {
    return this.dataSource.transaction(async (tx) => {
      const model = await this.insertUnlessSkuExists(tx, body.sku, body);
      if (!model) throw duplicateSku(body.sku);
      const after = toProductModelDto(model);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: model.id,
        action: 'created',
        after,
      });
      return after;
    });
  }

  list(query: ProductModelQueryDto): Promise<Page<ProductModelDto>> {
    const qb = this.dataSource.getRepository(ProductModel).createQueryBuilder('m');
    if (query.q) {
      qb.andWhere('(m.sku ILIKE :q OR m.name ILIKE :q OR m.series ILIKE :q)', {
        q: likeContaining(query.q),
      });
    }
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    return paginate(qb, query, toProductModelDto);
  }

  async get(id: string): Promise<ProductModelDto> {
    const model = await this.dataSource.getRepository(ProductModel).findOneBy({ id });
    if (!model) throw new NotFoundError('Product model', id);
    return toProductModelDto(model);
  }

  async update(
    id: string,
    body: UpdateProductModelDto,
    ifMatch?: string,
  ): Promise<ProductModelDto> {
    return this.dataSource.transaction(async (tx) => {
      const model = await tx
        .getRepository(ProductModel)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!model) throw new NotFoundError('Product model', id);
      assertIfMatch(ifMatch, model.version);
      return this.apply(tx, model, body);
    });
  }

  /**
   * Creates the model with this sku, or updates the one that has it. A concurrent upsert of the
   * same new sku inserts once: the loser's insert does nothing and it updates the winner's row.
   */
  async upsertBySku(
    sku: string,
    body: UpsertProductModelDto,
    ifMatch?: string,
  ): Promise<{ created: boolean; model: ProductModelDto }> {
    return this.dataSource.transaction(async (tx) => {
      const inserted = await this.insertUnlessSkuExists(tx, sku, body);
      if (inserted) {
        const after = toProductModelDto(inserted);
        await this.audit.record(tx, {
          entityType: ENTITY_TYPE,
          entityId: inserted.id,
          action: 'created',
          after,
        });
        return { created: true, model: after };
      }
      const model = await tx
        .getRepository(ProductModel)
        .findOne({ where: { sku }, lock: { mode: 'pessimistic_write' } });
      if (!model)
        throw new ConflictError(
          'CONCURRENT_UPDATE',
          `Product model ${sku} changed during the request; retry it`,
        );
      assertIfMatch(ifMatch, model.version);
      return { created: false, model: await this.apply(tx, model, body) };
    });
  }

  /**
   * The model to put on an order line: it must exist (else 422 REFERENCE_NOT_FOUND at `path`) and
   * not be end of life (else 422 PRODUCT_MODEL_NOT_ORDERABLE). The row is share-locked until the
   * caller's transaction ends, so its status cannot change underneath the order.
   */
  async getOrderable(tx: EntityManager, id: string, path: string): Promise<ProductModel> {
    const model = isUuid(id)
      ? await tx
          .getRepository(ProductModel)
          .findOne({ where: { id }, lock: { mode: 'pessimistic_read' } })
      : null;
    if (!model) throw new ReferenceNotFoundError(path, 'Product model', id);
    if (model.status === 'end_of_life') {
      throw new UnprocessableError(
        'PRODUCT_MODEL_NOT_ORDERABLE',
        `Product model ${model.sku} is end of life: it takes no new orders, opportunities or holds`,
        [{ path, message: `product model ${model.sku} is end of life` }],
      );
    }
    return model;
  }

  private async insertUnlessSkuExists(
    tx: EntityManager,
    sku: string,
    body: UpsertProductModelDto,
  ): Promise<ProductModel | null> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(ProductModel)
      .values({
        sku,
        name: body.name,
        series: body.series,
        hashrateThs: body.hashrateThs,
        powerW: body.powerW,
        listPriceCents: parseMoney(body.listPrice),
        status: body.status ?? 'active',
        releasedOn: body.releasedOn ?? null,
      })
      .orIgnore()
      .returning('id')
      .updateEntity(false)
      .execute();
    const row = (result.raw as { id: string }[])[0];
    return row ? tx.getRepository(ProductModel).findOneByOrFail({ id: row.id }) : null;
  }

  /** Applies the fields given; a change bumps the version and is audited, no change is a no-op. */
  private async apply(
    tx: EntityManager,
    model: ProductModel,
    body: UpdateProductModelDto,
  ): Promise<ProductModelDto> {
    const before = toProductModelDto(model);
    if (body.sku !== undefined && body.sku !== model.sku) {
      const taken = await tx.getRepository(ProductModel).existsBy({ sku: body.sku });
      if (taken) throw duplicateSku(body.sku);
      model.sku = body.sku;
    }
    if (body.name !== undefined) model.name = body.name;
    if (body.series !== undefined) model.series = body.series;
    if (body.hashrateThs !== undefined) model.hashrateThs = body.hashrateThs;
    if (body.powerW !== undefined) model.powerW = body.powerW;
    if (body.listPrice !== undefined) model.listPriceCents = parseMoney(body.listPrice);
    if (body.status !== undefined) model.status = body.status;
    if (body.releasedOn !== undefined) model.releasedOn = body.releasedOn;
    if (!changed(before, toProductModelDto(model))) return before;
    model.version += 1;
    model.updatedAt = new Date();
    await tx.getRepository(ProductModel).save(model);
    const after = toProductModelDto(model);
    await this.audit.record(tx, {
      entityType: ENTITY_TYPE,
      entityId: model.id,
      action: 'updated',
      before,
      after,
    });
    return after;
  }
}

function duplicateSku(sku: string): ConflictError {
  return new ConflictError('DUPLICATE', `A product model with sku ${sku} already exists`);
}

function changed(before: ProductModelDto, after: ProductModelDto): boolean {
  return (Object.keys(before) as (keyof ProductModelDto)[]).some(
    (key) => before[key] !== after[key],
  );
}
