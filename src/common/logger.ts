import { LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger } from 'pino';

/** JSON lines on stdout, or on `destination` (a test reading what was logged). */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'hashbook' },
    // Nothing logs these today; the redaction keeps it so if a log call ever passes them.
    redact: {
      paths: [
        'req.headers["x-api-key"]',
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-csrf-token"]',
        'res.headers["set-cookie"]',
        'key',
        'password',
        'currentPassword',
        'newPassword',
        'token',
        'setupToken',
        'csrfToken',
        '*.password',
        '*.currentPassword',
        '*.newPassword',
        '*.token',
        '*.setupToken',
        '*.csrfToken',
      ],
      remove: true,
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** Query parameters that carry secrets: a sign-on's code and state, tokens. */
const SECRET_PARAMS = /([?&](?:code|state|token|session_state|id_token|access_token)=)[^&#]*/gi;

/** The URL as it may be logged: secret query values replaced. */
export function loggedUrl(url: string): string {
  return url.includes('?') ? url.replace(SECRET_PARAMS, '$1[redacted]') : url;
}

/** Nest's own messages go through the same JSON logger as the requests. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
