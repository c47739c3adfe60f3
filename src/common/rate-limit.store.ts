import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** What @fastify/rate-limit asks a store for: the count so far in the window, and its time left. */
export interface RateLimitCount {
  current: number;
  ttl: number;
}

interface Lease {
  /** When the window ends, on this process's clock. */
  endsAt: number;
  /** Requests this instance has claimed and not yet spent. */
  left: number;
  /** The window's total claimed by every instance, as of this instance's last claim. */
  used: number;
}

/** Leases of keys unseen for a window are dropped once there are this many. */
const LEASES_KEPT = 5000;
const CLEAN_EVERY_MS = 10 * 60_000;

/**
 * The per-key rate limit counted in PostgreSQL (table `rate_limit_window`), so N instances enforce
 * one total. A round trip per request would cost more than most requests do, so an instance claims
 * requests in batches of 1% of the limit and spends them locally; near the limit it claims one at
 * a time. The total granted never exceeds the limit; at most one unspent batch per instance is lost
 * to the others in a window (and none for limits under 100, where every claim is one request).
 */
@Injectable()
export class RateLimitStore {
  private readonly leases = new Map<string, Lease>();
  private cleanedAt = 0;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Counts one request of `key` against `max` a window of `windowMs`. */
  async take(key: string, windowMs: number, max: number): Promise<RateLimitCount> {
    const now = Date.now();
    let lease = this.leases.get(key);
    if (lease && lease.endsAt <= now) {
      this.leases.delete(key);
      lease = undefined;
    }
    if (lease && lease.left > 0) {
      lease.left--;
      return { current: Math.min(max, lease.used - lease.left), ttl: lease.endsAt - now };
    }
    // Every instance has seen the window full: it stays full until it ends.
    if (lease && lease.used >= max) return { current: max + 1, ttl: lease.endsAt - now };

    const batch = Math.max(1, Math.floor(max / 100));
    const claim = max - (lease?.used ?? 0) > 4 * batch ? batch : 1;
    const { used, ttl } = await this.claim(key, windowMs, claim);
    const before = used - claim;
    const granted = Math.max(0, Math.min(claim, max - before));
    this.remember(key, { endsAt: Date.now() + ttl, left: Math.max(0, granted - 1), used });
    return granted > 0 ? { current: Math.min(max, before + 1), ttl } : { current: max + 1, ttl };
  }

  /** Adds `count` to the key's window (a new window if it ended); the total after, and time left. */
  private async claim(
    key: string,
    windowMs: number,
    count: number,
  ): Promise<{ used: number; ttl: number }> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO rate_limit_window AS w (key, used, window_ends_at)
       VALUES ($1, $3, now() + make_interval(secs => $2 / 1000.0))
       ON CONFLICT (key) DO UPDATE SET
         used = CASE WHEN w.window_ends_at <= now() THEN excluded.used ELSE w.used + excluded.used END,
         window_ends_at = CASE WHEN w.window_ends_at <= now() THEN excluded.window_ends_at
                               ELSE w.window_ends_at END
       RETURNING used, ceil(extract(epoch FROM window_ends_at - now()) * 1000)::int AS ttl`,
      [key, windowMs, count],
    )) as { used: number; ttl: number }[];
    void this.cleanUp();
    return { used: row.used, ttl: Math.max(0, row.ttl) };
  }

  private remember(key: string, lease: Lease): void {
    // Claims made at once for the same window add up, rather than the last hiding the others'.
    const earlier = this.leases.get(key);
    if (earlier && Math.abs(earlier.endsAt - lease.endsAt) < 1000) {
      lease.left += earlier.left;
      lease.used = Math.max(lease.used, earlier.used);
    }
    this.leases.set(key, lease);
    if (this.leases.size <= LEASES_KEPT) return;
    const now = Date.now();
    for (const [name, kept] of this.leases) if (kept.endsAt <= now) this.leases.delete(name);
  }

  /** Windows long over are dropped now and then, by whichever instance gets there first. */
  private async cleanUp(): Promise<void> {
    if (Date.now() - this.cleanedAt < CLEAN_EVERY_MS) return;
    this.cleanedAt = Date.now();
    await this.dataSource
      .query(`DELETE FROM rate_limit_window WHERE window_ends_at < now() - interval '1 hour'`)
      .catch(() => undefined);
  }

  /**
   * The store class @fastify/rate-limit instantiates, counting here. (The plugin passes the window
   * and the limit after the callback; its types leave them out.)
   */
  pluginStore(): FastifyRateLimitStoreCtor {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const store = this;
    return class implements FastifyRateLimitStore {
      incr(
        key: string,
        done: (error: Error | null, count?: RateLimitCount) => void,
        windowMs?: number,
        max?: number,
      ): void {
        if (windowMs === undefined || max === undefined) {
          done(new Error('The rate limiter gave no window or limit'));
          return;
        }
        store.take(key, windowMs, max).then(
          (count) => done(null, count),
          (error: Error) => done(error),
        );
      }

      child(): FastifyRateLimitStore {
        return this;
      }
    };
  }
}
