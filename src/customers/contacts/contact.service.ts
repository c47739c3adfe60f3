import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, Not } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { assertIfMatch } from '../../common/if-match';
import { NotFoundError } from '../../common/errors';
import { Page, paginate, PageQueryDto } from '../../common/pagination';
import { CustomerService } from '../customer.service';
import { ContactDto, CreateContactDto, toContactDto, UpdateContactDto } from './contact.dto';
import { Contact } from './contact.entity';

const ENTITY_TYPE = 'contact';

@Injectable()
export class ContactService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly customers: CustomerService,
  ) {}

  async list(customerId: string, query: PageQueryDto): Promise<Page<ContactDto>> {
    await this.customers.assertExists(customerId);
    const qb = this.dataSource
      .getRepository(Contact)
      .createQueryBuilder('ct')
      .where('ct.customer_id = :customerId', { customerId });
    return paginate(qb, query, toContactDto);
  }

  async create(customerId: string, body: CreateContactDto): Promise<ContactDto> {
    return this.dataSource.transaction(async (tx) => {
      // The customer's row lock serialises primary-contact changes of one customer.
      await this.customers.lock(tx, customerId);
      if (body.isPrimary) await this.demotePrimary(tx, customerId, null);
      const repo = tx.getRepository(Contact);
      const contact = await repo.save(
        repo.create({
          customerId,
          name: body.name,
          email: body.email ?? null,
          phone: body.phone ?? null,
          title: body.title ?? null,
          isPrimary: body.isPrimary ?? false,
        }),
      );
      const after = toContactDto(contact);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: contact.id,
        action: 'created',
        after,
      });
      return after;
    });
  }

  async update(
    customerId: string,
    id: string,
    body: UpdateContactDto,
    ifMatch?: string,
  ): Promise<ContactDto> {
    return this.dataSource.transaction(async (tx) => {
      await this.customers.lock(tx, customerId);
      const contact = await this.find(tx, customerId, id);
      assertIfMatch(ifMatch, contact.version);
      const before = toContactDto(contact);
      if (body.isPrimary === true && !contact.isPrimary)
        await this.demotePrimary(tx, customerId, id);
      if (body.name !== undefined) contact.name = body.name;
      if (body.email !== undefined) contact.email = body.email;
      if (body.phone !== undefined) contact.phone = body.phone;
      if (body.title !== undefined) contact.title = body.title;
      if (body.isPrimary !== undefined) contact.isPrimary = body.isPrimary;
      if (JSON.stringify(toContactDto(contact)) === JSON.stringify(before)) return before;
      contact.version += 1;
      contact.updatedAt = new Date();
      await tx.getRepository(Contact).save(contact);
      const after = toContactDto(contact);
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

  async remove(customerId: string, id: string, ifMatch?: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.customers.lock(tx, customerId);
      const contact = await this.find(tx, customerId, id);
      assertIfMatch(ifMatch, contact.version);
      const before = toContactDto(contact);
      await tx.getRepository(Contact).delete({ id });
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: id,
        action: 'deleted',
        before,
      });
    });
  }

  private async find(tx: EntityManager, customerId: string, id: string): Promise<Contact> {
    const contact = await tx
      .getRepository(Contact)
      .findOne({ where: { id, customerId }, lock: { mode: 'pessimistic_write' } });
    if (!contact) throw new NotFoundError('Contact', id);
    return contact;
  }

  /** The current primary contact (other than `keep`) stops being primary, audited as an update. */
  private async demotePrimary(
    tx: EntityManager,
    customerId: string,
    keep: string | null,
  ): Promise<void> {
    const repo = tx.getRepository(Contact);
    const primary = await repo.findOne({
      where: { customerId, isPrimary: true, ...(keep ? { id: Not(keep) } : {}) },
      lock: { mode: 'pessimistic_write' },
    });
    if (!primary) return;
    const before = toContactDto(primary);
    primary.isPrimary = false;
    primary.version += 1;
    primary.updatedAt = new Date();
    await repo.save(primary);
    await this.audit.record(tx, {
      entityType: ENTITY_TYPE,
      entityId: primary.id,
      action: 'updated',
      before,
      after: toContactDto(primary),
    });
  }
}
