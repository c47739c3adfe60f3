/** A failed delivery is retried after 2 s, 4 s, 8 s … doubling up to an hour, ±25 % jitter. */
export const FIRST_RETRY_MS = 2_000;
export const MAX_RETRY_MS = 3_600_000;
/** Retries stop (the delivery is dead) 24 h after it was queued. */
export const RETRY_WINDOW_MS = 24 * 3_600_000;
/** A subscription whose deliveries have all failed for this long is turned off. */
export const DISABLE_AFTER_MS = 24 * 3_600_000;

/**
 * The wait before the next attempt after `attempts` failed ones (≥ 1). `random` in [0, 1) spreads
 * retries so receivers coming back up are not hit by every sender at the same instant.
 */
export function retryDelayMs(attempts: number, random: number = Math.random()): number {
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const base = Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
  return Math.round(base * (0.75 + 0.5 * random));
}

/** The next attempt's time, or null when it would fall after `expiresAt` (give up: dead). */
export function nextAttempt(
  attempts: number,
  now: Date,
  expiresAt: Date,
  random: number = Math.random(),
): Date | null {
  const at = new Date(now.getTime() + retryDelayMs(attempts, random));
  return at.getTime() > expiresAt.getTime() ? null : at;
}
