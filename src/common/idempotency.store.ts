import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, EntitySubscriberInterface, QueryRunner } from 'typeorm';
import { isDatabaseUnavailable } from '../database/connection-errors';
import { ConflictError, ValidationFailedError } from './errors';
import { requestContext } from './request-context';

const HOLD_SECONDS = 60;
const WAIT_MS = 30000;
const KEEP_HOURS = 48;

/** Keeps trying to store an answer for about ten minutes of outage (5 s apart once backed off). */
const SETTLE_ATTEMPTS = 130;

/** The key a running request holds. */
export interface IdempotencyClaim {
  scope: string;
  key: string;
  token: string;
}

export type Claim =
  | { kind: 'proceed'; token: string }
  | { kind: 'replay'; status: number; body: unknown; headers: Record<string, string> };

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The fingerprint of a request: same method, URL and body (key order aside) → same hash. */
export function requestHash(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${typeof body === 'string' ? body : canonical(body)}`)
    .digest('hex');
}

export function checkIdempotencyKey(key: unknown): asserts key is string {
  if (typeof key !== 'string' || key.length < 1 || key.length > 255) {
    throw new ValidationFailedError('Idempotency-Key must be 1 to 255 characters', [
      { path: 'Idempotency-Key', message: 'must be 1 to 255 characters' },
    ]);
  }
}

/**
 * Idempotency-Key on POST, kept in PostgreSQL and scoped to the caller (an API key or a signed-in
 * user: `scope` is its id): the first request claims the key (a unique row, with a claim token),
 * runs, and stores its response; retries with the same body get that response replayed, another
 * body is refused, and concurrent duplicates wait for the first to finish. A request that dies
 * without answering lets a retry take the key over after a minute — unless its write committed:
 * the write's transaction stamps the claim (`applied_at`) before committing, so a request is never
 * applied twice. An answer that cannot be stored because the database went away is stored once it
 * is back. Records live 48 h.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyStore.name);
  private sweeper?: NodeJS.Timeout;
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly stamper: EntitySubscriberInterface = {
    beforeTransactionCommit: (event) => this.stampApplied(event.queryRunner),
  };

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit() {
    this.dataSource.subscribers.push(this.stamper);
    this.sweeper = setInterval(() => {
      this.dataSource
        .query(
          `DELETE FROM idempotency_record WHERE created_at < now() - interval '${KEEP_HOURS} hours'`,
        )
        .catch((error: Error) =>
          this.logger.warn(`Sweeping idempotency records failed: ${error.message}`),
        );
    }, 3600_000);
    this.sweeper.unref();
  }

  onModuleDestroy() {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.clear();
    const subscribers = this.dataSource.subscribers;
    if (subscribers.includes(this.stamper))
      subscribers.splice(subscribers.indexOf(this.stamper), 1);
  }

  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const inserted = (await this.dataSource.query(
        `INSERT INTO idempotency_record (caller_id, key, request_hash, locked_until, claim_token)
         VALUES ($1, $2, $3, now() + interval '${HOLD_SECONDS} seconds', gen_random_uuid())
         ON CONFLICT DO NOTHING RETURNING claim_token`,
        [scope, key, hash],
      )) as { claim_token: string }[];
      if (inserted.length === 1) return { kind: 'proceed', token: inserted[0].claim_token };
      const [row] = (await this.dataSource.query(
        `SELECT request_hash, response_status, response_body, response_headers,
                applied_at IS NOT NULL AS applied, locked_until < now() AS expired
           FROM idempotency_record WHERE caller_id = $1 AND key = $2`,
        [scope, key],
      )) as {
        request_hash: string;
        response_status: number | null;
        response_body: unknown;
        response_headers: Record<string, string> | null;
        applied: boolean;
        expired: boolean;
      }[];
      if (!row) continue; // swept or released between the two statements: claim again
      if (row.request_hash !== hash) {
        throw new ConflictError(
          'IDEMPOTENCY_KEY_REUSED',
          'This Idempotency-Key was used with a different request',
        );
      }
      if (row.response_status !== null) {
        return {
          kind: 'replay',
          status: row.response_status,
          body: row.response_body,
          headers: row.response_headers ?? {},
        };
      }
      if (row.applied && row.expired) {
        throw new ConflictError(
          'IDEMPOTENCY_REQUEST_APPLIED',
          'The request with this Idempotency-Key was applied but its answer was lost; read the resource instead of sending it again',
        );
      }
      if (row.expired) {
        // An UPDATE answers [rows, count].
        const [taken] = (await this.dataSource.query(
          `UPDATE idempotency_record
              SET locked_until = now() + interval '${HOLD_SECONDS} seconds', claim_token = gen_random_uuid()
            WHERE caller_id = $1 AND key = $2 AND response_status IS NULL AND applied_at IS NULL
              AND locked_until < now()
            RETURNING claim_token`,
          [scope, key],
        )) as [{ claim_token: string }[], number];
        if (taken.length === 1) return { kind: 'proceed', token: taken[0].claim_token };
      }
      if (Date.now() > deadline) {
        throw new ConflictError(
          'IDEMPOTENCY_REQUEST_IN_PROGRESS',
          'A request with this Idempotency-Key is still running; retry later',
        );
      }
      await new Promise((done) => setTimeout(done, 25));
    }
  }

  /** Stores the answer to replay. If the database is away, keeps trying once it is back. */
  async complete(
    claim: IdempotencyClaim,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<void> {
    await this.settle('Storing the answer to an Idempotency-Key', () =>
      this.dataSource.query(
        `UPDATE idempotency_record SET response_status = $4, response_body = $5, response_headers = $6
          WHERE caller_id = $1 AND key = $2 AND claim_token = $3`,
        [
          claim.scope,
          claim.key,
          claim.token,
          status,
          JSON.stringify(body ?? null),
          JSON.stringify(headers),
        ],
      ),
    );
  }

  /**
   * After a failure: frees the key for a retry, unless the write was applied — then a retry is
   * told so at once instead of waiting for the hold to end.
   */
  async release(claim: IdempotencyClaim): Promise<void> {
    await this.settle('Releasing an Idempotency-Key', () =>
      this.dataSource.query(
        `WITH freed AS (
           DELETE FROM idempotency_record
            WHERE caller_id = $1 AND key = $2 AND claim_token = $3
              AND response_status IS NULL AND applied_at IS NULL)
         UPDATE idempotency_record SET locked_until = now()
          WHERE caller_id = $1 AND key = $2 AND claim_token = $3
            AND response_status IS NULL AND applied_at IS NOT NULL`,
        [claim.scope, claim.key, claim.token],
      ),
    );
  }

  /** Inside the committing transaction of a request that holds a key: the claim is applied. */
  private async stampApplied(runner: QueryRunner | undefined): Promise<void> {
    const claim = requestContext.getStore()?.idempotency;
    if (!claim || !runner) return;
    await runner.query(
      `UPDATE idempotency_record SET applied_at = now()
        WHERE caller_id = $1 AND key = $2 AND claim_token = $3 AND applied_at IS NULL`,
      [claim.scope, claim.key, claim.token],
    );
  }

  /** Runs `work`; while the database is unavailable, again with backoff (up to the hold's end and beyond). */
  private async settle(what: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      return;
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      this.logger.warn(`${what} failed (database unavailable); retrying in the background`);
    }
    const retry = (attempt: number) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(timer);
          work().then(
            () => this.logger.log(`${what} succeeded after ${attempt} retries`),
            (error: unknown) => {
              if (isDatabaseUnavailable(error) && attempt < SETTLE_ATTEMPTS) retry(attempt + 1);
              else this.logger.error(`${what} failed for good: ${(error as Error).message}`);
            },
          );
        },
        Math.min(250 * 2 ** attempt, 5000),
      );
      timer.unref();
      this.pending.add(timer);
    };
    retry(0);
  }
}
