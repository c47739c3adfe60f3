/**
 * Errors that mean "the database cannot be reached right now" rather than "this statement failed":
 * the server refused or dropped the connection, is shutting down or starting up, or the pool gave
 * up waiting for a connection. Requests that hit one answer 503 DATABASE_UNAVAILABLE; a retry
 * once the server is back succeeds.
 */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

// TypeORM's names for "this transaction's connection is gone" (released when the server dropped it).
const RELEASED = new Set([
  'QueryRunnerAlreadyReleasedError',
  'QueryRunnerProviderAlreadyReleasedError',
]);

/** SQLSTATEs: admin shutdown, crash shutdown, cannot connect now (starting or stopping). */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03']);

// node-postgres reports a dropped socket and a pool timeout by message only.
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|connection error and is not queryable|Client was closed and is not queryable|Connection refused/i;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  // TypeORM releases a transaction's connection when the server drops it between two statements;
  // the transaction's next statement then finds it released.
  if (RELEASED.has((error as Error).name)) return true;
  const { code, message, driverError, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    driverError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    // Class 08: connection exceptions.
    if (NETWORK_CODES.has(code) || SERVER_CODES.has(code) || /^08[0-9A-Z]{3}$/.test(code))
      return true;
  }
  if (typeof message === 'string' && MESSAGES.test(message)) return true;
  // TypeORM wraps the driver's error; Node wraps a refused dual-stack connect in an AggregateError.
  if (isDatabaseUnavailable(driverError, depth + 1) || isDatabaseUnavailable(cause, depth + 1))
    return true;
  return Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}
