import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ConflictError, ValidationFailedError } from './errors';

const HOLD_SECONDS = 60;
const WAIT_MS = 30000;
const KEEP_HOURS = 48;

export type Claim =
  | { kind: 'proceed' }
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
 * user: `scope` is its id): the first request claims the key (a unique row),
 * runs, and stores its response; retries with the same body get that response replayed, another
 * body is refused, and concurrent duplicates wait for the first to finish. A request that dies
 * without answering lets a retry take the key over after a minute. Records live 48 h.
 */
@Injectable()
export class IdempotencyStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(IdempotencyStore.name);
  private sweeper?: NodeJS.Timeout;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit() {
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
  }

  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const inserted: unknown[] = await this.dataSource.query(
        `INSERT INTO idempotency_record (caller_id, key, request_hash, locked_until)
         VALUES ($1, $2, $3, now() + interval '${HOLD_SECONDS} seconds')
         ON CONFLICT DO NOTHING RETURNING key`,
        [scope, key, hash],
      );
      if (inserted.length === 1) return { kind: 'proceed' };
      const [row] = (await this.dataSource.query(
        `SELECT request_hash, response_status, response_body, response_headers, locked_until < now() AS expired
           FROM idempotency_record WHERE caller_id = $1 AND key = $2`,
        [scope, key],
      )) as {
        request_hash: string;
        response_status: number | null;
        response_body: unknown;
        response_headers: Record<string, string> | null;
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
      if (row.expired) {
        const taken: unknown[] = await this.dataSource.query(
          `UPDATE idempotency_record SET locked_until = now() + interval '${HOLD_SECONDS} seconds'
            WHERE caller_id = $1 AND key = $2 AND response_status IS NULL AND locked_until < now()
            RETURNING key`,
          [scope, key],
        );
        if (taken.length === 1) return { kind: 'proceed' };
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

  async complete(
    scope: string,
    key: string,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_record SET response_status = $3, response_body = $4, response_headers = $5
        WHERE caller_id = $1 AND key = $2`,
      [scope, key, status, JSON.stringify(body ?? null), JSON.stringify(headers)],
    );
  }

  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(
      'DELETE FROM idempotency_record WHERE caller_id = $1 AND key = $2 AND response_status IS NULL',
      [scope, key],
    );
  }
}
