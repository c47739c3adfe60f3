import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Pool } from 'pg';
import { DataSource, EntitySubscriberInterface } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { APP_CONFIG, AppConfig } from '../config/config';
import { CONNECT_TIMEOUT_MS } from '../database/data-source';
import { DISABLE_AFTER_MS, retryDelayMs } from './backoff';
import { signatureHeader } from './signature';

/** How often an instance looks for new events (written by other instances) and due retries. */
export const POLL_MS = 250;
/** After a commit on this instance: look this soon (commits close together share one look). */
const WAKE_MS = 10;
/** Deliveries in flight per instance. */
export const CONCURRENCY = 16;
/** At most this many of them for one subscription: a slow receiver leaves room for the others. */
export const PER_SUBSCRIPTION = 8;
/** A receiver has this long to answer. */
export const TIMEOUT_MS = 10_000;
/** A claimed delivery is not claimed again for this long, so a crashed sender's work comes back. */
export const LEASE_MS = 60_000;
const FAN_OUT_BATCH = 1000;
/** Delivered and dead deliveries are kept this long, then swept (hourly, in batches). */
export const KEEP_DAYS = 30;
const SWEEP_EVERY_MS = 3_600_000;
const SWEEP_BATCH = 5000;
const CURSOR = 'webhooks';

interface Claimed {
  id: string;
  subscription_id: string;
  event_id: string;
  attempts: number;
  lease_token: string;
  url: string;
  secret: string;
  type: string;
  occurred_at: Date;
  entity_type: string;
  entity_id: string;
  data: Record<string, unknown>;
}

const HORIZON = 'pg_snapshot_xmin(pg_current_snapshot())::text::bigint';

/**
 * Turns change-feed events into webhook deliveries and sends them, in the background of every app
 * instance, with its own small connection pool so nothing on the request path waits for it.
 *
 * Fan-out: the instance that locks the single cursor row (FOR UPDATE SKIP LOCKED) reads the events
 * after it — only from transactions older than every running one, as the feed does, so a late
 * commit is never passed over — inserts one delivery per matching active subscription (unique per
 * subscription and event) and moves the cursor, all in one statement: each event is fanned out
 * exactly once whatever the number of instances. A commit on this instance wakes it at once; the
 * poll catches what other instances wrote and retries that fell due.
 *
 * Sending: an instance claims due deliveries in a short transaction (SKIP LOCKED), pushing each
 * one's next attempt a lease ahead and stamping a lease token; it then POSTs outside any
 * transaction and records the outcome only if it still holds the token. Two instances never hold
 * the same delivery; one that dies mid-send leaves it to be claimed again when the lease runs out.
 */
@Injectable()
export class WebhookWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Webhooks');
  /** Names this instance in `last_attempt_by`. */
  readonly instanceId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private pool?: Pool;
  private timer?: NodeJS.Timeout;
  private dueAt = Infinity;
  private lastClaimAt = 0;
  private lastSweepAt = 0;
  private sendRequested = false;
  private stopping = false;
  private ticking?: Promise<void>;
  private wokenDuringTick = false;
  private pumping?: Promise<void>;
  private pumpAgain = false;
  /** The last claim may have left due deliveries behind: claim again as soon as a slot frees up. */
  private backlog = false;
  /** Polls in a row that failed: while the database is away, the poll backs off (up to 5 s). */
  private failures = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly perSubscription = new Map<string, number>();
  private readonly commitListener: EntitySubscriberInterface = {
    afterTransactionCommit: () => this.wake(),
  };

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.config.webhooksEnabled !== false;
  }

  onApplicationBootstrap(): void {
    if (!this.enabled) return;
    const options = this.dataSource.options as PostgresConnectionOptions;
    this.pool = new Pool({
      connectionString: options.url,
      max: 3,
      application_name: 'hashbook-webhooks',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    this.pool.on('error', (error) => this.logger.warn(`Idle connection failed: ${error.message}`));
    // A commit on this instance may carry events: fan them out now rather than at the next poll.
    this.dataSource.subscribers.push(this.commitListener);
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.pool) return;
    this.stopping = true;
    clearTimeout(this.timer);
    const subscribers = this.dataSource.subscribers;
    if (subscribers.includes(this.commitListener)) {
      subscribers.splice(subscribers.indexOf(this.commitListener), 1);
    }
    await this.ticking;
    await this.pumping;
    // Sends already started finish (each within the timeout) so their outcome is recorded and
    // nothing is sent twice by the instance that takes over.
    await Promise.allSettled([...this.inFlight]);
    await this.pool.end();
    this.pool = undefined;
  }

  /**
   * Something may be waiting: look shortly instead of at the next poll. `send` also claims due
   * deliveries (a redelivery) even if no new event is found.
   */
  wake(send = false): void {
    if (!this.pool || this.stopping) return;
    if (send) this.sendRequested = true;
    if (this.ticking) this.wokenDuringTick = true;
    else if (this.dueAt - Date.now() > WAKE_MS) this.schedule(WAKE_MS);
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.dueAt = Date.now() + ms;
    this.timer = setTimeout(() => {
      this.dueAt = Infinity;
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        if (this.stopping) return;
        if (this.failures > 0) this.schedule(Math.min(POLL_MS * 2 ** this.failures, 5000));
        else this.schedule(this.wokenDuringTick ? WAKE_MS : POLL_MS);
        this.wokenDuringTick = false;
      });
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      let queued = 0;
      for (;;) {
        const batch = await this.fanOut();
        queued += batch.queued;
        if (!batch.full || this.stopping) break;
      }
      if (!this.stopping && Date.now() - this.lastSweepAt >= SWEEP_EVERY_MS) {
        this.lastSweepAt = Date.now();
        await this.sweep();
      }
      // Claims run when there is new work, and at every poll for retries that fell due.
      const pollDue = Date.now() - this.lastClaimAt >= POLL_MS;
      if (!this.stopping && (queued > 0 || pollDue || this.sendRequested)) {
        this.sendRequested = false;
        this.lastClaimAt = Date.now();
        await this.pump();
      }
      if (this.failures > 0) this.logger.log('Webhook dispatch works again');
      this.failures = 0;
    } catch (error) {
      // Logged when it starts failing and then every 20th poll, not at every retry of an outage.
      if (this.failures % 20 === 0) {
        this.logger.warn(
          `Webhook dispatch failed; retrying with backoff: ${(error as Error).message}`,
        );
      }
      this.failures += 1;
    }
  }

  /**
   * Fans out one batch of new events in one statement: lock the cursor (or find another instance
   * holding it and do nothing), read the events after it below the horizon, queue a delivery per
   * matching active subscription, move the cursor.
   */
  private async fanOut(): Promise<{ queued: number; full: boolean }> {
    const pool = this.pool!;
    // Cheap and lock-free: is anything new at all?
    const waiting = await pool.query(
      `SELECT 1 FROM webhook_cursor c
        WHERE c.name = $1 AND EXISTS (
              SELECT 1 FROM event e
               WHERE (e.txid, e.id) > (c.txid, c.event_id) AND e.txid < ${HORIZON})`,
      [CURSOR],
    );
    if (waiting.rowCount === 0) return { queued: 0, full: false };
    const [result] = (
      await pool.query(
        // Ordered by the bigint columns, never text: "1000" sorts before "999".
        `WITH pos AS (
           SELECT txid, event_id FROM webhook_cursor WHERE name = $1 FOR UPDATE SKIP LOCKED
         ), batch AS (
           -- LATERAL, so the cursor bounds the index scan instead of filtering a full one.
           SELECT e.id, e.txid, e.type, e.occurred_at
             FROM pos p
             CROSS JOIN LATERAL (
                   SELECT id, txid, type, occurred_at FROM event
                    WHERE (txid, id) > (p.txid, p.event_id) AND txid < ${HORIZON}
                    ORDER BY txid, id
                    LIMIT $2) e
         ), queued AS (
           INSERT INTO webhook_delivery (subscription_id, event_id, event_type, expires_at)
           SELECT s.id, b.id, b.type, now() + interval '24 hours'
             FROM batch b
             JOIN webhook_subscription s
               ON s.active AND s.created_at <= b.occurred_at
              AND ('*' = ANY(s.events) OR b.type = ANY(s.events))
           ON CONFLICT (subscription_id, event_id) DO NOTHING
           RETURNING 1
         ), last AS (
           SELECT txid, id FROM batch ORDER BY txid DESC, id DESC LIMIT 1
         ), moved AS (
           UPDATE webhook_cursor w SET txid = last.txid, event_id = last.id, updated_at = now()
             FROM last WHERE w.name = $1
           RETURNING 1
         )
         SELECT (SELECT count(*) FROM batch)::int AS events, (SELECT count(*) FROM queued)::int AS queued`,
        [CURSOR, FAN_OUT_BATCH],
      )
    ).rows as { events: number; queued: number }[];
    if (result.queued > 0) this.backlog = true;
    return { queued: result.queued, full: result.events === FAN_OUT_BATCH };
  }

  /** Deletes finished deliveries older than KEEP_DAYS, a batch at a time. */
  private async sweep(): Promise<void> {
    for (;;) {
      const { rowCount } = await this.pool!.query(
        `DELETE FROM webhook_delivery
          WHERE id = ANY(ARRAY(
                  SELECT id FROM webhook_delivery
                   WHERE status IN ('delivered','dead') AND updated_at < now() - $1 * interval '1 day'
                   ORDER BY updated_at
                   LIMIT $2))`,
        [KEEP_DAYS, SWEEP_BATCH],
      );
      if ((rowCount ?? 0) < SWEEP_BATCH || this.stopping) return;
    }
  }

  /** Claims as many due deliveries as there are free slots and starts sending them. */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    // Cleared in a callback, which always runs after the assignment below.
    const run = this.fill().finally(() => {
      if (this.pumping === run) this.pumping = undefined;
    });
    this.pumping = run;
    return run;
  }

  private async fill(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        const free = CONCURRENCY - this.inFlight.size;
        if (free <= 0 || this.stopping) break;
        const claimed = await this.claim(free);
        for (const delivery of claimed) this.track(delivery.subscription_id, this.send(delivery));
        // More may be due: every slot was filled, or a subscription was held back at its share.
        this.backlog =
          claimed.length === free ||
          [...this.perSubscription.values()].some((n) => n >= PER_SUBSCRIPTION);
      } while (this.pumpAgain && !this.stopping);
    } catch (error) {
      this.logger.warn(`Claiming webhook deliveries failed: ${(error as Error).message}`);
    }
  }

  private track(subscriptionId: string, sending: Promise<void>): void {
    this.inFlight.add(sending);
    this.perSubscription.set(subscriptionId, (this.perSubscription.get(subscriptionId) ?? 0) + 1);
    void sending.finally(() => {
      this.inFlight.delete(sending);
      const left = this.perSubscription.get(subscriptionId)! - 1;
      if (left === 0) this.perSubscription.delete(subscriptionId);
      else this.perSubscription.set(subscriptionId, left);
      if (this.backlog && !this.stopping) void this.pump();
    });
  }

  private async claim(limit: number): Promise<Claimed[]> {
    const result = await this.pool!.query(
      `WITH claimed AS (
         UPDATE webhook_delivery d
            SET attempts = d.attempts + 1, lease_token = gen_random_uuid(),
                next_attempt_at = now() + $2 * interval '1 millisecond',
                last_attempt_at = now(), last_attempt_by = $3, updated_at = now()
          WHERE d.id = ANY(ARRAY(
                  -- Per active subscription, so deliveries parked on a disabled one are never scanned.
                  SELECT due.id FROM webhook_subscription s
                    LEFT JOIN unnest($4::uuid[], $5::int[]) AS busy(id, n) ON busy.id = s.id
                   CROSS JOIN LATERAL (
                         SELECT d2.id, d2.next_attempt_at FROM webhook_delivery d2
                          WHERE d2.subscription_id = s.id AND d2.status IN ('pending','failed')
                            AND d2.next_attempt_at <= now()
                          ORDER BY d2.next_attempt_at
                          LIMIT LEAST($1, $6 - COALESCE(busy.n, 0))
                          FOR UPDATE SKIP LOCKED) due
                   WHERE s.active AND COALESCE(busy.n, 0) < $6
                   ORDER BY due.next_attempt_at
                   LIMIT $1))
         RETURNING d.id, d.subscription_id, d.event_id, d.attempts, d.lease_token)
       SELECT c.id, c.subscription_id, c.event_id::text AS event_id, c.attempts, c.lease_token,
              s.url, s.secret, e.type, e.occurred_at, e.entity_type, e.entity_id, e.data
         FROM claimed c
         JOIN webhook_subscription s ON s.id = c.subscription_id
         JOIN event e ON e.id = c.event_id
        ORDER BY e.txid, e.id`,
      [
        limit,
        LEASE_MS,
        this.instanceId,
        [...this.perSubscription.keys()],
        [...this.perSubscription.values()],
        PER_SUBSCRIPTION,
      ],
    );
    return result.rows as Claimed[];
  }

  private async send(delivery: Claimed): Promise<void> {
    const body = JSON.stringify({
      id: delivery.event_id,
      type: delivery.type,
      occurredAt: delivery.occurred_at.toISOString(),
      entityType: delivery.entity_type,
      entityId: delivery.entity_id,
      data: delivery.data,
    });
    let status: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Hashbook-Webhooks/1',
          'x-hashbook-event-id': delivery.event_id,
          'x-hashbook-delivery-id': delivery.id,
          'x-hashbook-signature': signatureHeader(
            delivery.secret,
            body,
            Math.floor(Date.now() / 1000),
          ),
        },
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (status < 200 || status > 299) error = `The receiver answered ${status}`;
    } catch (failure) {
      error = describe(failure);
    }
    try {
      if (error === null) await this.recordSuccess(delivery, status!);
      else await this.recordFailure(delivery, status, error);
    } catch (failure) {
      // The lease runs out and another attempt follows: at least once, never lost.
      this.logger.warn(
        `Recording webhook delivery ${delivery.id} failed: ${(failure as Error).message}`,
      );
    }
  }

  private async recordSuccess(delivery: Claimed, status: number): Promise<void> {
    await this.pool!.query(
      `WITH d AS (
         UPDATE webhook_delivery
            SET status = 'delivered', delivered_at = now(), next_attempt_at = NULL, lease_token = NULL,
                last_status_code = $3, last_error = NULL, updated_at = now()
          WHERE id = $1 AND lease_token = $2
         RETURNING subscription_id)
       UPDATE webhook_subscription s SET failing_since = NULL
         FROM d WHERE s.id = d.subscription_id AND s.failing_since IS NOT NULL`,
      [delivery.id, delivery.lease_token, status],
    );
  }

  private async recordFailure(
    delivery: Claimed,
    status: number | null,
    error: string,
  ): Promise<void> {
    const delay = retryDelayMs(delivery.attempts);
    const result = await this.pool!.query(
      `WITH d AS (
         UPDATE webhook_delivery
            SET status = CASE WHEN now() + $3 * interval '1 millisecond' > expires_at THEN 'dead' ELSE 'failed' END,
                next_attempt_at = CASE WHEN now() + $3 * interval '1 millisecond' > expires_at THEN NULL
                                       ELSE now() + $3 * interval '1 millisecond' END,
                lease_token = NULL, last_status_code = $4, last_error = $5, updated_at = now()
          WHERE id = $1 AND lease_token = $2
         RETURNING subscription_id)
       UPDATE webhook_subscription s
          SET failing_since = COALESCE(s.failing_since, now()),
              active = s.failing_since IS NULL,
              disabled_reason = CASE WHEN s.failing_since IS NULL THEN s.disabled_reason
                                     ELSE 'Every delivery failed for 24 hours' END,
              version = s.version + CASE WHEN s.failing_since IS NULL THEN 0 ELSE 1 END,
              updated_at = CASE WHEN s.failing_since IS NULL THEN s.updated_at ELSE now() END
         FROM d
        WHERE s.id = d.subscription_id AND s.active
          AND (s.failing_since IS NULL OR s.failing_since <= now() - $6 * interval '1 millisecond')
       RETURNING s.id, s.active`,
      [delivery.id, delivery.lease_token, delay, status, error.slice(0, 500), DISABLE_AFTER_MS],
    );
    for (const row of result.rows as { id: string; active: boolean }[]) {
      if (!row.active)
        this.logger.warn(`Webhook ${row.id} turned off: every delivery failed for 24 hours`);
    }
  }
}

function describe(failure: unknown): string {
  const error = failure as Error & { cause?: { code?: string; message?: string } };
  if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
    return `No answer within ${TIMEOUT_MS / 1000} s`;
  }
  const cause = error?.cause;
  if (cause?.code) return `${cause.code}${cause.message ? `: ${cause.message}` : ''}`;
  return error?.message ?? String(failure);
}
