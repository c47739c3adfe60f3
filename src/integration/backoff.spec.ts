import { MAX_RETRY_MS, nextAttempt, RETRY_WINDOW_MS, retryDelayMs } from './backoff';

describe('webhook retry backoff', () => {
  it('retries the first failure within 5 s and doubles after that', () => {
    expect(retryDelayMs(1, 0)).toBe(1500);
    expect(retryDelayMs(1, 0.999999)).toBeLessThanOrEqual(2500);
    expect(retryDelayMs(2, 0.5)).toBe(4000);
    expect(retryDelayMs(3, 0.5)).toBe(8000);
    expect(retryDelayMs(6, 0.5)).toBe(64000);
  });

  it('never waits more than an hour and a quarter, however many attempts failed', () => {
    expect(retryDelayMs(12, 0.5)).toBe(MAX_RETRY_MS);
    expect(retryDelayMs(1000, 0.999999)).toBeLessThanOrEqual(MAX_RETRY_MS * 1.25);
  });

  it('gives up when the next attempt would fall after the 24 h window', () => {
    const queued = new Date('2025-01-01T00:00:00Z');
    const expires = new Date(queued.getTime() + RETRY_WINDOW_MS);
    expect(nextAttempt(1, queued, expires, 0.5)).toEqual(new Date('2025-01-01T00:00:02Z'));
    const lateFailure = new Date(expires.getTime() - 60_000);
    expect(nextAttempt(20, lateFailure, expires, 0.5)).toBeNull();
  });

  it('keeps attempting for the whole day: about 34 attempts before giving up', () => {
    const queued = new Date('2025-01-01T00:00:00Z');
    const expires = new Date(queued.getTime() + RETRY_WINDOW_MS);
    let at: Date | null = queued;
    let attempts = 0;
    while (at) {
      attempts += 1;
      at = nextAttempt(attempts, at, expires, 0.5);
    }
    expect(attempts).toBeGreaterThanOrEqual(30);
    expect(attempts).toBeLessThanOrEqual(40);
  });
});
