import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../../audit/audit.service';
import { DomainError, ForbiddenError, UnprocessableError } from '../../common/errors';
import { actAs, systemActor } from '../../common/request-context';
import { APP_CONFIG, AppConfig, sessionSettings } from '../../config/config';
import { hashPassword, verifyPassword } from '../users/password';
import { toUserDto } from '../users/user.dto';
import { User } from '../users/user.entity';
import { assertPasswordAllowed, sha256, userActor, UserService } from '../users/user.service';
import { SessionDto } from './auth.dto';
import { OidcIdentity } from './oidc.service';
import { Lifetimes, SessionRepository, SessionRow } from './session.repository';

/** A new session: the token for its cookie, and the answer's body. */
export interface NewSession {
  token: string;
  body: SessionDto;
}

/** The session a request came with (see authentication.ts). */
export interface RequestSession {
  id: string;
  userId: string;
  csrfToken: string;
}

export class InvalidCredentialsError extends DomainError {
  constructor() {
    super(401, 'INVALID_CREDENTIALS', 'The email or the password is wrong');
  }
}

export class TooManyAttemptsError extends DomainError {
  constructor(retryAfterSeconds: number) {
    super(
      429,
      'TOO_MANY_ATTEMPTS',
      `Too many failed sign-ins for this email: try again in ${Math.ceil(retryAfterSeconds / 60)} minutes`,
    );
  }
}

export class NotAUserError extends DomainError {
  constructor() {
    super(403, 'NOT_A_USER', 'There is no active Hashbook user with your email address');
  }
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Sign-in, sessions and passwords. Sessions are rows in PostgreSQL looked up on every request (by
 * the hash of the cookie's token), so every instance agrees at once on who is signed in.
 */
@Injectable()
export class SessionService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(SessionService.name);
  private readonly lifetimes: Lifetimes;
  readonly maxAgeSeconds: number;
  private sweeper?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repository: SessionRepository,
    private readonly users: UserService,
    private readonly audit: AuditService,
  ) {
    const { idleHours, maxDays } = sessionSettings(config);
    this.lifetimes = { idleSeconds: idleHours * 3600, maxSeconds: maxDays * 86400 };
    this.maxAgeSeconds = Math.floor(this.lifetimes.maxSeconds);
  }

  onModuleInit() {
    this.sweeper = setInterval(() => {
      this.repository
        .sweep(this.lifetimes)
        .catch((error: Error) => this.logger.warn(`Sweeping sessions failed: ${error.message}`));
    }, 3600_000);
    this.sweeper.unref();
  }

  onModuleDestroy() {
    if (this.sweeper) clearInterval(this.sweeper);
  }

  /** The live session of a cookie's token, or null. */
  authenticate(token: string): Promise<SessionRow | null> {
    if (!TOKEN.test(token)) return Promise.resolve(null);
    return this.repository.find(sha256(token), this.lifetimes);
  }

  /**
   * Email and password. An unknown email, a wrong password and a disabled user get the same 401
   * after the same work; the 6th failure for an email within 15 minutes locks it for 15 minutes
   * (429), counted in PostgreSQL so every instance agrees.
   */
  async signIn(email: string, password: string): Promise<NewSession> {
    const key = email.trim().toLowerCase();
    const check = await this.repository.beginAttempt(key);
    if (!check.allowed) throw new TooManyAttemptsError(check.retryAfterSeconds);
    const user = await this.users.findByEmail(key);
    const matches = await verifyPassword(user?.passwordHash ?? null, password);
    if (!user || !matches || user.status !== 'active') {
      await this.repository.failAttempt(key);
      throw new InvalidCredentialsError();
    }
    await this.repository.clearAttempts(key);
    return this.open(user, 'password');
  }

  /**
   * Single sign-on: the active user with the provider's verified email, or a new one with
   * OIDC_AUTO_CREATE_ROLE when that is set; anyone else 403 NOT_A_USER.
   */
  async signInWithSso(identity: OidcIdentity, autoCreateRole?: User['role']): Promise<NewSession> {
    let user = await this.users.findByEmail(identity.email);
    if (!user && autoCreateRole) {
      const name = identity.name?.trim().slice(0, 200) || identity.email.split('@')[0];
      user = await actAs(systemActor('single-sign-on'), () =>
        this.dataSource.transaction((tx) =>
          this.users.insertUnlessTaken(tx, {
            email: identity.email,
            name,
            role: autoCreateRole,
            passwordHash: null,
          }),
        ),
      );
      // Created by a sign-on racing this one: take that user.
      user ??= await this.users.findByEmail(identity.email);
    }
    if (!user || user.status !== 'active') throw new NotAUserError();
    return this.open(user, 'sso');
  }

  async me(session: RequestSession): Promise<SessionDto> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: session.userId });
    return { user: toUserDto(user), csrfToken: session.csrfToken };
  }

  /** Ends the session; audited as the user's sign-out. */
  async signOut(session: RequestSession): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      if (!(await this.repository.delete(tx, session.id))) return;
      await this.audit.record(tx, {
        entityType: 'user',
        entityId: session.userId,
        action: 'signed_out',
        after: { sessionId: session.id },
        eventType: null,
      });
    });
  }

  /**
   * A new password for the signed-in user, who proves the current one (wrong: 422, counted like a
   * failed sign-in). Every other session of theirs ends; this one goes on.
   */
  async changePassword(
    session: RequestSession,
    currentPassword: string,
    newPassword: string,
  ): Promise<SessionDto> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: session.userId });
    const key = user.email.toLowerCase();
    const check = await this.repository.beginAttempt(key);
    if (!check.allowed) throw new TooManyAttemptsError(check.retryAfterSeconds);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      await this.repository.failAttempt(key);
      throw new UnprocessableError('CURRENT_PASSWORD_WRONG', 'The current password is wrong', [
        { path: 'currentPassword', message: 'is wrong' },
      ]);
    }
    await this.repository.clearAttempts(key);
    assertPasswordAllowed(newPassword, user.email, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await this.dataSource.transaction(async (tx) => {
      const locked = await this.users.lock(tx, user.id);
      if (locked.status !== 'active') throw new ForbiddenError('The account is disabled');
      await this.users.setPassword(tx, locked, passwordHash);
      await this.repository.deleteOthers(tx, user.id, session.id);
    });
    return this.me(session);
  }

  private async open(user: User, method: 'password' | 'sso'): Promise<NewSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    await this.dataSource.transaction(async (tx) => {
      const id = await this.repository.insert(tx, {
        userId: user.id,
        tokenHash: sha256(token),
        csrfToken,
      });
      await actAs(userActor(user), () =>
        this.audit.record(tx, {
          entityType: 'user',
          entityId: user.id,
          action: 'signed_in',
          after: { sessionId: id, method },
          eventType: null,
        }),
      );
    });
    return { token, body: { user: toUserDto(user), csrfToken } };
  }
}
