import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { Role } from '../../common/request-context';

/** The session of a request and who it belongs to. */
export interface SessionRow {
  id: string;
  csrfToken: string;
  userId: string;
  name: string;
  role: Role;
}

/** The lifetimes, in seconds: idle (since the last request) and absolute (since sign-in). */
export interface Lifetimes {
  idleSeconds: number;
  maxSeconds: number;
}

/** `last_seen_at` moves only once it is this stale: no write per request. */
const TOUCH_AFTER_SECONDS = 60;

/** Failed sign-ins allowed per email in a window, the window, and the lock-out after them. */
export const THROTTLE = { attempts: 5, windowMinutes: 15, lockMinutes: 15 };

export interface ThrottleCheck {
  allowed: boolean;
  /** Seconds until the lock ends, when locked. */
  retryAfterSeconds: number;
}

/** The SQL of sessions, setup of single sign-on and sign-in throttling. */
@Injectable()
export class SessionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * The live session with this token hash, of an active user, in one statement that also moves
   * `last_seen_at` when it is over a minute old. Nothing is cached: a sign-out, a disabled user or
   * a role change is seen by the next request on every instance.
   */
  async find(tokenHash: string, lifetimes: Lifetimes): Promise<SessionRow | null> {
    const rows = (await this.dataSource.query(
      `WITH s AS (
         SELECT s.id, s.csrf_token, s.last_seen_at, u.id AS user_id, u.name, u.role
           FROM user_session s JOIN app_user u ON u.id = s.user_id
          WHERE s.token_hash = $1 AND u.status = 'active'
            AND s.last_seen_at > now() - make_interval(secs => $2)
            AND s.created_at > now() - make_interval(secs => $3)
       ), touched AS (
         UPDATE user_session t SET last_seen_at = now() FROM s
          WHERE t.id = s.id AND s.last_seen_at < now() - make_interval(secs => $4)
       )
       SELECT id, csrf_token, user_id, name, role FROM s`,
      [tokenHash, lifetimes.idleSeconds, lifetimes.maxSeconds, TOUCH_AFTER_SECONDS],
    )) as { id: string; csrf_token: string; user_id: string; name: string; role: Role }[];
    const row = rows[0];
    return row
      ? {
          id: row.id,
          csrfToken: row.csrf_token,
          userId: row.user_id,
          name: row.name,
          role: row.role,
        }
      : null;
  }

  async insert(
    tx: EntityManager,
    session: { userId: string; tokenHash: string; csrfToken: string },
  ): Promise<string> {
    const [{ id }] = (await tx.query(
      `INSERT INTO user_session (user_id, token_hash, csrf_token) VALUES ($1, $2, $3) RETURNING id`,
      [session.userId, session.tokenHash, session.csrfToken],
    )) as { id: string }[];
    return id;
  }

  /** Ends one session; true when it existed. */
  async delete(tx: EntityManager, id: string): Promise<boolean> {
    // TypeORM answers a DELETE with [rows, count].
    const [, count] = (await tx.query('DELETE FROM user_session WHERE id = $1', [id])) as [
      unknown[],
      number,
    ];
    return count > 0;
  }

  /** Ends every session of the user but `keep`. */
  async deleteOthers(tx: EntityManager, userId: string, keep: string): Promise<void> {
    await tx.query('DELETE FROM user_session WHERE user_id = $1 AND id <> $2', [userId, keep]);
  }

  /** Sessions past either lifetime, and throttle rows and unfinished sign-ons nobody needs. */
  async sweep(lifetimes: Lifetimes): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM user_session
        WHERE last_seen_at <= now() - make_interval(secs => $1)
           OR created_at <= now() - make_interval(secs => $2)`,
      [lifetimes.idleSeconds, lifetimes.maxSeconds],
    );
    await this.dataSource.query(
      `DELETE FROM sign_in_throttle
        WHERE window_started_at <= now() - make_interval(mins => $1)
          AND (locked_until IS NULL OR locked_until <= now())`,
      [THROTTLE.windowMinutes],
    );
    await this.dataSource.query(
      `DELETE FROM oidc_login WHERE created_at <= now() - interval '10 minutes'`,
    );
  }

  /**
   * Counts a sign-in attempt for `email` before its password is checked, in one statement, so
   * attempts racing on several instances are counted once each: allowed while the email is not
   * locked and this is at most the 5th attempt of the window. A lock that ran out, or a window
   * older than 15 minutes, starts the count again.
   */
  async beginAttempt(email: string): Promise<ThrottleCheck> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO sign_in_throttle AS t (email, attempts, window_started_at)
       VALUES ($1, 1, now())
       ON CONFLICT (email) DO UPDATE SET
         attempts = CASE
           WHEN t.locked_until > now() THEN t.attempts
           WHEN t.locked_until IS NOT NULL
             OR t.window_started_at <= now() - make_interval(mins => $2) THEN 1
           ELSE t.attempts + 1 END,
         window_started_at = CASE
           WHEN t.locked_until > now() THEN t.window_started_at
           WHEN t.locked_until IS NOT NULL
             OR t.window_started_at <= now() - make_interval(mins => $2) THEN now()
           ELSE t.window_started_at END,
         locked_until = CASE WHEN t.locked_until > now() THEN t.locked_until END
       RETURNING attempts,
         COALESCE(ceil(extract(epoch FROM locked_until - now())), 0)::int AS retry_after`,
      [email, THROTTLE.windowMinutes],
    )) as { attempts: number; retry_after: number }[];
    if (row.retry_after > 0) return { allowed: false, retryAfterSeconds: row.retry_after };
    if (row.attempts > THROTTLE.attempts) {
      // Attempts still in flight used up the window; they lock it if they fail.
      return { allowed: false, retryAfterSeconds: THROTTLE.lockMinutes * 60 };
    }
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** The attempt failed: the 5th failure of the window locks the email for 15 minutes. */
  async failAttempt(email: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE sign_in_throttle SET locked_until = now() + make_interval(mins => $3)
        WHERE email = $1 AND attempts >= $2 AND locked_until IS NULL`,
      [email, THROTTLE.attempts, THROTTLE.lockMinutes],
    );
  }

  /** The attempt succeeded: the failures before it no longer count. */
  async clearAttempts(email: string): Promise<void> {
    await this.dataSource.query('DELETE FROM sign_in_throttle WHERE email = $1', [email]);
  }

  async insertOidcLogin(login: {
    flowHash: string;
    state: string;
    nonce: string;
    codeVerifier: string;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oidc_login (flow_hash, state, nonce, code_verifier) VALUES ($1, $2, $3, $4)`,
      [login.flowHash, login.state, login.nonce, login.codeVerifier],
    );
  }

  /** Takes the sign-on started with this flow (at most 10 minutes ago): it can be finished once. */
  async takeOidcLogin(
    flowHash: string,
  ): Promise<{ state: string; nonce: string; codeVerifier: string } | null> {
    // TypeORM answers a DELETE with [rows, count].
    const [rows] = (await this.dataSource.query(
      `DELETE FROM oidc_login WHERE flow_hash = $1 AND created_at > now() - interval '10 minutes'
       RETURNING state, nonce, code_verifier`,
      [flowHash],
    )) as [{ state: string; nonce: string; code_verifier: string }[], number];
    const row = rows[0];
    return row ? { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier } : null;
  }
}
