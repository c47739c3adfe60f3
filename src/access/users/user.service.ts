import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import {
  ConflictError,
  DomainError,
  InvalidStateError,
  NotFoundError,
  ValidationFailedError,
} from '../../common/errors';
import { assertIfMatch } from '../../common/if-match';
import { likeContaining, Page, paginate } from '../../common/pagination';
import { actAs, type Actor, currentActor, type Role } from '../../common/request-context';
import { UserSession } from '../sessions/session.entity';
import { hashPassword, passwordProblems } from './password';
import { UserSetupToken } from './setup-token.entity';
import {
  CreatedUserDto,
  CreateUserDto,
  SetupTokenDto,
  toUserDto,
  UpdateUserDto,
  UserDto,
  UserQueryDto,
} from './user.dto';
import { User } from './user.entity';

const ENTITY_TYPE = 'user';
const SETUP_TOKEN_HOURS = 72;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** The actor a user is in the audit log and to the role checks. */
export const userActor = (user: Pick<User, 'id' | 'name' | 'role'>): Actor => ({
  type: 'user',
  id: user.id,
  name: user.name,
  role: user.role,
});

/** 400 with the password's problems at `path`, unless it may be used by the person with `email`. */
export function assertPasswordAllowed(password: string, email: string, path: string): void {
  const problems = passwordProblems(password, email);
  if (problems.length > 0) {
    throw new ValidationFailedError(
      problems.map((message) => `${path}: ${message}`).join('; '),
      problems.map((message) => ({ path, message })),
    );
  }
}

export class InvalidSetupTokenError extends DomainError {
  constructor() {
    super(
      401,
      'INVALID_SETUP_TOKEN',
      'The setup token is unknown, used or expired; ask an admin for a new one',
    );
  }
}

@Injectable()
export class UserService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /**
   * Adds a person. With a password they can sign in at once; without one the answer carries a
   * one-time setup token, valid 72 hours, for them to choose their own.
   */
  async create(body: CreateUserDto): Promise<CreatedUserDto> {
    if (body.password !== undefined) assertPasswordAllowed(body.password, body.email, 'password');
    const passwordHash = body.password !== undefined ? await hashPassword(body.password) : null;
    return this.dataSource.transaction(async (tx) => {
      const user = await this.insert(tx, { ...body, passwordHash });
      const after = toUserDto(user);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: user.id,
        action: 'created',
        after,
      });
      if (passwordHash !== null) return after;
      return { ...after, ...(await this.newSetupToken(tx, user.id)) };
    });
  }

  /**
   * A new user inside the caller's transaction, audited; null when the email is taken. For single
   * sign-on's automatic accounts, the demo people and the generated first admin.
   */
  async insertUnlessTaken(
    tx: EntityManager,
    fields: { email: string; name: string; role: Role; passwordHash: string | null },
  ): Promise<User | null> {
    const user = await this.insertRow(tx, fields);
    if (user) {
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: user.id,
        action: 'created',
        after: toUserDto(user),
      });
    }
    return user;
  }

  /**
   * The first user of an install, an admin with the given password hash, unless any user exists
   * already (then null): serialised, so instances starting together create one.
   */
  async createFirstAdmin(email: string, name: string, passwordHash: string): Promise<User | null> {
    return this.dataSource.transaction(async (tx) => {
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('app_user:first-admin'))`);
      const [{ any }] = (await tx.query('SELECT EXISTS (SELECT 1 FROM app_user) AS any')) as {
        any: boolean;
      }[];
      if (any) return null;
      return this.insertUnlessTaken(tx, { email, name, role: 'admin', passwordHash });
    });
  }

  list(query: UserQueryDto): Promise<Page<UserDto>> {
    const qb = this.dataSource.getRepository(User).createQueryBuilder('u');
    if (query.q) {
      qb.andWhere('(u.name ILIKE :q OR u.email ILIKE :q)', { q: likeContaining(query.q) });
    }
    if (query.role) qb.andWhere('u.role = :role', { role: query.role });
    if (query.status) qb.andWhere('u.status = :status', { status: query.status });
    return paginate(qb, query, toUserDto);
  }

  async get(id: string): Promise<UserDto> {
    const user = await this.dataSource.getRepository(User).findOneBy({ id });
    if (!user) throw new NotFoundError('User', id);
    return toUserDto(user);
  }

  /** The user with this email, whatever its case; null when there is none. */
  findByEmail(email: string, tx: EntityManager = this.dataSource.manager): Promise<User | null> {
    return tx
      .getRepository(User)
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email: email.trim() })
      .getOne();
  }

  /**
   * Changes name, role or status. Disabling ends the person's sessions in the same transaction;
   * an admin may not disable themself (409), so an install never loses its last admin that way.
   */
  async update(id: string, body: UpdateUserDto, ifMatch?: string): Promise<UserDto> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lock(tx, id);
      assertIfMatch(ifMatch, user.version);
      const actor = currentActor();
      if (body.status === 'disabled' && actor.type === 'user' && actor.id === id) {
        throw new ConflictError('CANNOT_DISABLE_SELF', 'You cannot disable your own account');
      }
      const before = toUserDto(user);
      if (body.name !== undefined) user.name = body.name;
      if (body.role !== undefined) user.role = body.role;
      if (body.status !== undefined) user.status = body.status;
      if (JSON.stringify(toUserDto(user)) === JSON.stringify(before)) return before;
      if (user.status === 'disabled') await tx.getRepository(UserSession).delete({ userId: id });
      return this.save(tx, user, before, 'updated');
    });
  }

  /**
   * A new one-time setup token for the user (a person who lost theirs, or forgot their password);
   * the tokens issued before it stop working.
   */
  async issueSetupToken(id: string): Promise<SetupTokenDto> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lock(tx, id);
      if (user.status !== 'active') {
        throw new InvalidStateError(`User ${id} is disabled: enable them first`);
      }
      await tx.getRepository(UserSetupToken).delete({ userId: id });
      const token = await this.newSetupToken(tx, id);
      await this.audit.record(tx, {
        entityType: ENTITY_TYPE,
        entityId: id,
        action: 'setup_token_issued',
        after: { setupTokenExpiresAt: token.setupTokenExpiresAt },
        eventType: null,
      });
      return token;
    });
  }

  /**
   * Sets the password of the setup token's user and uses the token up; the user's other setup
   * tokens and every session of theirs end with it.
   */
  async redeemSetupToken(token: string, password: string): Promise<void> {
    const tokenHash = sha256(token);
    const found = await this.dataSource
      .getRepository(UserSetupToken)
      .createQueryBuilder('t')
      .innerJoinAndSelect('t.user', 'u')
      .where('t.token_hash = :tokenHash AND t.expires_at > now()', { tokenHash })
      .getOne();
    if (!found?.user || found.user.status !== 'active') throw new InvalidSetupTokenError();
    assertPasswordAllowed(password, found.user.email, 'password');
    const passwordHash = await hashPassword(password);
    await this.dataSource.transaction(async (tx) => {
      // Deleting it is what uses it: of two redemptions at once, one finds nothing.
      const used = await tx
        .createQueryBuilder()
        .delete()
        .from(UserSetupToken)
        .where('token_hash = :tokenHash AND expires_at > now()', { tokenHash })
        .returning('user_id')
        .execute();
      if ((used.raw as unknown[]).length !== 1) throw new InvalidSetupTokenError();
      const user = await this.lock(tx, found.userId);
      if (user.status !== 'active') throw new InvalidSetupTokenError();
      await tx.getRepository(UserSetupToken).delete({ userId: user.id });
      await tx.getRepository(UserSession).delete({ userId: user.id });
      const before = toUserDto(user);
      user.passwordHash = passwordHash;
      await actAs(userActor(user), () => this.save(tx, user, before, 'password_set'));
    });
  }

  /**
   * Sets a new password for a user (a password change, a generated demo or admin password),
   * inside the caller's transaction; audited as `password_changed` without any of it.
   */
  async setPassword(tx: EntityManager, user: User, passwordHash: string): Promise<void> {
    const before = toUserDto(user);
    user.passwordHash = passwordHash;
    await this.save(tx, user, before, 'password_changed');
  }

  async lock(tx: EntityManager, id: string): Promise<User> {
    const user = await tx
      .getRepository(User)
      .findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  private async insert(
    tx: EntityManager,
    fields: { email: string; name: string; role: Role; passwordHash: string | null },
  ): Promise<User> {
    const user = await this.insertRow(tx, fields);
    if (!user) {
      throw new ConflictError(
        'DUPLICATE',
        `A user with the email ${fields.email} already exists (emails are compared ignoring case)`,
      );
    }
    return user;
  }

  private async insertRow(
    tx: EntityManager,
    fields: { email: string; name: string; role: Role; passwordHash: string | null },
  ): Promise<User | null> {
    // ON CONFLICT DO NOTHING on the case-insensitive unique index, without aborting the transaction.
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(User)
      .values({
        email: fields.email,
        name: fields.name,
        role: fields.role,
        passwordHash: fields.passwordHash,
      })
      .orIgnore()
      .returning('id')
      .updateEntity(false)
      .execute();
    const row = (result.raw as { id: string }[])[0];
    return row ? tx.getRepository(User).findOneByOrFail({ id: row.id }) : null;
  }

  private async newSetupToken(tx: EntityManager, userId: string): Promise<SetupTokenDto> {
    const token = `hbs_${randomBytes(32).toString('base64url')}`;
    const [{ expires_at }] = (await tx.query(
      `INSERT INTO user_setup_token (user_id, token_hash, expires_at)
       VALUES ($1, $2, now() + make_interval(hours => $3)) RETURNING expires_at`,
      [userId, sha256(token), SETUP_TOKEN_HOURS],
    )) as { expires_at: Date }[];
    return { setupToken: token, setupTokenExpiresAt: expires_at.toISOString() };
  }

  private async save(
    tx: EntityManager,
    user: User,
    before: UserDto,
    action: string,
  ): Promise<UserDto> {
    user.version += 1;
    user.updatedAt = new Date();
    await tx.getRepository(User).save(user);
    const after = toUserDto(user);
    await this.audit.record(tx, {
      entityType: ENTITY_TYPE,
      entityId: user.id,
      action,
      before,
      after,
      eventType: null,
    });
    return after;
  }
}
