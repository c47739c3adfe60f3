import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { UserReferences } from '../access/users/user-references';
import { AuditService } from '../audit/audit.service';
import { assertIfMatch } from '../common/if-match';
import { ConflictError, NotFoundError, ReferenceNotFoundError } from '../common/errors';
import { likeContaining, Page, paginate } from '../common/pagination';
import { isUuid } from '../common/validation';
import {
  CreateCustomerDto,
  CustomerDto,
  CustomerQueryDto,
  toCustomerDto,
  UpdateCustomerDto,
  UpsertCustomerDto,
} from './customer.dto';
import { Customer } from './customer.entity';
import { regionOf } from './region';

const ENTITY_TYPE = 'customer';

@Injectable()
export class CustomerService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly users: UserReferences,
  ) {}

  async create(body: CreateCustomerDto): Promise<CustomerDto> {
    return this.dataSource.transaction(async (tx) => {
      const customer = await this.insertUnlessTaken(tx, body.externalRef ?? null, body);
      if (!customer) throw await this.duplicate(tx, body.name, body.externalRef ?? null);
      const after = toCustomerDto(customer);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: customer.id,
        action: 'created',
        after,
      });
      return after;
    });
  }

  async list(query: CustomerQueryDto): Promise<Page<CustomerDto>> {
    const qb = this.dataSource.getRepository(Customer).createQueryBuilder('c');
    if (query.ownerId) {
      qb.andWhere('c.owner_id = :ownerId', {
        ownerId: await this.users.filter(query.ownerId, 'ownerId'),
      });
    }
    if (query.q) {
      qb.andWhere('(c.name ILIKE :q OR c.legal_name ILIKE :q OR c.external_ref ILIKE :q)', {
        q: likeContaining(query.q),
      });
    }
    if (query.segment) qb.andWhere('c.segment = :segment', { segment: query.segment });
    if (query.region) qb.andWhere('c.region = :region', { region: query.region });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    return paginate(qb, query, toCustomerDto);
  }

  async get(id: string): Promise<CustomerDto> {
    const customer = await this.dataSource.getRepository(Customer).findOneBy({ id });
    if (!customer) throw new NotFoundError('Customer', id);
    return toCustomerDto(customer);
  }

  async update(id: string, body: UpdateCustomerDto, ifMatch?: string): Promise<CustomerDto> {
    return this.dataSource.transaction(async (tx) => {
      const customer = await this.lock(tx, id);
      assertIfMatch(ifMatch, customer.version);
      return this.apply(tx, customer, body);
    });
  }

  /**
   * Creates the customer with this external ref, or updates the one that has it. Concurrent
   * upserts of one new ref insert once: the others' inserts do nothing and they update that row.
   */
  async upsertByExternalRef(
    ref: string,
    body: UpsertCustomerDto,
    ifMatch?: string,
  ): Promise<{ created: boolean; customer: CustomerDto }> {
    return this.dataSource.transaction(async (tx) => {
      const inserted = await this.insertUnlessTaken(tx, ref, body);
      if (inserted) {
        const after = toCustomerDto(inserted);
        await this.audit.record(tx, {
          entityType: ENTITY_TYPE,
          entityId: inserted.id,
          action: 'created',
          after,
        });
        return { created: true, customer: after };
      }
      const existing = await tx
        .getRepository(Customer)
        .findOne({ where: { externalRef: ref }, lock: { mode: 'pessimistic_write' } });
      // Nothing inserted and no row with the ref: the name is someone else's.
      if (!existing) throw await this.duplicate(tx, body.name, null);
      assertIfMatch(ifMatch, existing.version);
      return { created: false, customer: await this.apply(tx, existing, body) };
    });
  }

  /**
   * The customer of a new order or opportunity: 422 REFERENCE_NOT_FOUND at `path` when it does not
   * exist. Key-share locked until the caller's transaction ends.
   */
  async getForOrder(tx: EntityManager, id: string, path: string): Promise<Customer> {
    const customer = isUuid(id)
      ? await tx.getRepository(Customer).findOne({ where: { id }, lock: { mode: 'for_key_share' } })
      : null;
    if (!customer) throw new ReferenceNotFoundError(path, 'Customer', id);
    return customer;
  }

  /**
   * Locks the customer row of a path (404 when unknown) before its contacts or activities change:
   * for update where rows of one customer must change one at a time, key share to only keep it.
   */
  async lock(
    tx: EntityManager,
    id: string,
    mode: 'pessimistic_write' | 'for_key_share' = 'pessimistic_write',
  ): Promise<Customer> {
    const customer = await tx.getRepository(Customer).findOne({ where: { id }, lock: { mode } });
    if (!customer) throw new NotFoundError('Customer', id);
    return customer;
  }

  /** 404 unless the customer exists (reads of its sub-collections). */
  async assertExists(id: string): Promise<void> {
    if (!(await this.dataSource.getRepository(Customer).existsBy({ id })))
      throw new NotFoundError('Customer', id);
  }

  private async insertUnlessTaken(
    tx: EntityManager,
    externalRef: string | null,
    body: UpsertCustomerDto,
  ): Promise<Customer | null> {
    const ownerId = body.ownerId !== undefined ? body.ownerId : this.users.currentUserId();
    if (ownerId) await this.users.assertExists(ownerId, 'ownerId', tx);
    // ON CONFLICT DO NOTHING covers both unique keys (name, external ref) without aborting the transaction.
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(Customer)
      .values({
        name: body.name,
        legalName: body.legalName ?? null,
        segment: body.segment,
        country: body.country,
        region: regionOf(body.country),
        status: body.status ?? 'prospect',
        externalRef,
        accountOwner: body.accountOwner ?? null,
        ownerId,
        defaultPaymentTermsCode: body.defaultPaymentTermsCode ?? null,
      })
      .orIgnore()
      .returning('id')
      .updateEntity(false)
      .execute();
    const row = (result.raw as { id: string }[])[0];
    return row ? tx.getRepository(Customer).findOneByOrFail({ id: row.id }) : null;
  }

  private async duplicate(
    tx: EntityManager,
    name: string,
    externalRef: string | null,
    exceptId?: string,
  ): Promise<ConflictError> {
    if (externalRef !== null) {
      const clash = await tx.getRepository(Customer).findOneBy({ externalRef });
      if (clash && clash.id !== exceptId) {
        return new ConflictError(
          'DUPLICATE',
          `Customer ${clash.name} already has the external ref ${externalRef}`,
        );
      }
    }
    return new ConflictError(
      'DUPLICATE',
      `A customer named ${name} already exists (names are compared ignoring case)`,
    );
  }

  /** Applies the fields given; a change bumps the version and is audited, no change is a no-op. */
  private async apply(
    tx: EntityManager,
    customer: Customer,
    body: UpdateCustomerDto,
  ): Promise<CustomerDto> {
    const before = toCustomerDto(customer);
    if (body.name !== undefined && body.name !== customer.name) {
      const clash = await tx
        .getRepository(Customer)
        .createQueryBuilder('c')
        .where('lower(c.name) = lower(:name) AND c.id <> :id', { name: body.name, id: customer.id })
        .getExists();
      if (clash) throw await this.duplicate(tx, body.name, null);
      customer.name = body.name;
    }
    if (body.externalRef !== undefined && body.externalRef !== customer.externalRef) {
      if (body.externalRef !== null) {
        const clash = await tx.getRepository(Customer).existsBy({ externalRef: body.externalRef });
        if (clash) throw await this.duplicate(tx, customer.name, body.externalRef, customer.id);
      }
      customer.externalRef = body.externalRef;
    }
    if (body.legalName !== undefined) customer.legalName = body.legalName;
    if (body.segment !== undefined) customer.segment = body.segment;
    if (body.country !== undefined) {
      customer.country = body.country;
      customer.region = regionOf(body.country);
    }
    if (body.status !== undefined) customer.status = body.status;
    if (body.accountOwner !== undefined) customer.accountOwner = body.accountOwner;
    if (body.ownerId !== undefined && body.ownerId !== customer.ownerId) {
      if (body.ownerId !== null) await this.users.assertExists(body.ownerId, 'ownerId', tx);
      customer.ownerId = body.ownerId;
    }
    if (body.defaultPaymentTermsCode !== undefined)
      customer.defaultPaymentTermsCode = body.defaultPaymentTermsCode;
    const changed = JSON.stringify(toCustomerDto(customer)) !== JSON.stringify(before);
    if (!changed) return before;
    customer.version += 1;
    customer.updatedAt = new Date();
    await tx.getRepository(Customer).save(customer);
    const after = toCustomerDto(customer);
    await this.audit.record(tx, {
      entityType: ENTITY_TYPE,
      entityId: customer.id,
      action: 'updated',
      before,
      after,
    });
    return after;
  }
}
