import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The per-key rate limit's current window, shared by every instance: requests granted so far
 * (instances claim them in small batches) and when the window ends.
 */
@Entity()
@Check('rate_limit_window_used_check', 'used >= 0')
@Index('rate_limit_window_ends_at_idx', ['windowEndsAt'])
export class RateLimitWindow {
  /** `key:<sha-256 of the API key>` or `ip:<address>`. */
  @PrimaryColumn({ type: 'varchar', length: 100 })
  key: string;

  @Column({ type: 'int' })
  used: number;

  @Column({ type: 'timestamptz', precision: 3 })
  windowEndsAt: Date;
}
