import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { NotFoundError } from '../common/errors';
import { Page, PageQueryDto, paginate } from '../common/pagination';
import type { Actor, Role } from '../common/request-context';
import { ApiKeyDto, CreatedApiKeyDto, toApiKeyDto } from './api-key.dto';
import { ApiKey } from './api-key.entity';

const CACHE_TTL_MS = 5000;

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateKey(): string {
  return `hb_${randomBytes(32).toString('base64url')}`;
}

@Injectable()
export class ApiKeyService {
  private readonly logger = new Logger(ApiKeyService.name);
  // Lookups by hash, kept 5 s at most, so a key revoked on any instance stops working everywhere
  // within 5 s without a database round trip on every request.
  private readonly cache = new Map<string, { actor: Actor | null; until: number }>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async authenticate(key: string): Promise<Actor | null> {
    const hash = hashKey(key);
    const now = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.actor;
    const row = await this.dataSource.getRepository(ApiKey).findOne({
      where: { keyHash: hash, revokedAt: IsNull() },
    });
    const actor: Actor | null = row
      ? { type: 'api_key', id: row.id, name: row.name, role: row.role }
      : null;
    if (this.cache.size > 10000) this.cache.clear();
    this.cache.set(hash, { actor, until: now + CACHE_TTL_MS });
    return actor;
  }

  async create(name: string, role: Role): Promise<CreatedApiKeyDto> {
    return this.dataSource.transaction(async (tx) => {
      const key = generateKey();
      const created = await this.insert(tx, name, role, key);
      const dto = toApiKeyDto(created);
      await this.audit.record(tx, {
        entityType: 'api_key',
        entityId: created.id,
        action: 'created',
        after: dto,
      });
      return { ...dto, key };
    });
  }

  list(query: PageQueryDto): Promise<Page<ApiKeyDto>> {
    // Never the key's hash: a list has no use for it.
    const qb = this.dataSource
      .getRepository(ApiKey)
      .createQueryBuilder('k')
      .select(['k.id', 'k.name', 'k.role', 'k.keyPrefix', 'k.createdAt', 'k.revokedAt']);
    return paginate(qb, query, toApiKeyDto);
  }

  async revoke(id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const key = await tx
        .getRepository(ApiKey)
        .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!key) throw new NotFoundError('API key', id);
      if (key.revokedAt) return;
      const before = toApiKeyDto(key);
      key.revokedAt = new Date();
      await tx.getRepository(ApiKey).save(key);
      await this.audit.record(tx, {
        entityType: 'api_key',
        entityId: id,
        action: 'revoked',
        before,
        after: toApiKeyDto(key),
      });
    });
    this.cache.clear();
  }

  /**
   * Makes `key` a live admin key named `name` (ADMIN_API_KEY, or the generated key of an embedded
   * install). Another key under the same name is revoked, so rotating the variable rotates the key.
   */
  async ensureAdminKey(name: string, key: string): Promise<boolean> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`api-key:${name}`]);
      const repo = tx.getRepository(ApiKey);
      const hash = hashKey(key);
      const existing = await repo.findOne({ where: { keyHash: hash } });
      if (existing) {
        if (existing.revokedAt) {
          this.logger.warn(`The configured key ${name} was revoked; it stays revoked.`);
        }
        return false;
      }
      await repo.update({ name, revokedAt: IsNull() }, { revokedAt: new Date() });
      const created = await this.insert(tx, name, 'admin', key);
      await this.audit.record(tx, {
        entityType: 'api_key',
        entityId: created.id,
        action: 'created',
        after: toApiKeyDto(created),
      });
      return true;
    });
  }

  private insert(tx: EntityManager, name: string, role: Role, key: string): Promise<ApiKey> {
    const repo = tx.getRepository(ApiKey);
    return repo.save(
      repo.create({ name, role, keyHash: hashKey(key), keyPrefix: key.slice(0, 8) }),
    );
  }
}
