import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { QueryFailedError } from 'typeorm';
import { isDatabaseUnavailable } from '../database/connection-errors';
import { DomainError } from './errors';
import { Problem, problem } from './problem';
import { loggedUrl } from './logger';
import { API_HEADERS } from './security-headers';

const logger = new Logger('Errors');

/** Maps anything thrown to problem+json. Unknown failures are logged, never described. */
export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) {
    return problem(error.status, error.code, error.message, error.errors, error.extensions);
  }
  const fastifyCode = (error as { code?: unknown })?.code;
  if (typeof fastifyCode === 'string' && fastifyCode.startsWith('FST_')) {
    return fromFastify(error as { statusCode: number; code?: string; message?: string });
  }
  if (error instanceof HttpException) {
    return fromHttpException(error);
  }
  // Before the constraint mapping: a dropped connection surfaces as a failed query too.
  if (isDatabaseUnavailable(error)) {
    return problem(503, 'DATABASE_UNAVAILABLE', 'The database is unavailable; retry shortly');
  }
  if (error instanceof QueryFailedError) {
    const mapped = fromPostgres(
      error.driverError as { code?: string; constraint?: string; detail?: string },
    );
    if (mapped) return mapped;
  }
  const fastifyError = error as { statusCode?: number; code?: string; message?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
    return fromFastify(fastifyError as { statusCode: number; code?: string; message?: string });
  }
  return problem(500, 'INTERNAL_ERROR', 'An unexpected error occurred; it has been logged.');
}

function fromHttpException(error: HttpException): Problem {
  const status = error.getStatus();
  const body = error.getResponse() as { message?: string | string[] } | string;
  const message =
    typeof body === 'string'
      ? body
      : Array.isArray(body.message)
        ? body.message.join('; ')
        : (body.message ?? error.message);
  // Nest's message names the method and URL: nothing of the request is echoed.
  if (status === 404)
    return problem(404, 'ROUTE_NOT_FOUND', 'No route matches this method and path');
  if (status === 400 && /not valid JSON/.test(message ?? ''))
    return problem(400, 'MALFORMED_BODY', 'The request body is not valid JSON');
  if (status === 429) return problem(429, 'RATE_LIMITED', 'Too many requests; slow down and retry');
  const codes: Record<number, string> = {
    400: 'BAD_REQUEST',
    401: 'UNAUTHORIZED',
    403: 'FORBIDDEN',
    405: 'METHOD_NOT_ALLOWED',
    406: 'NOT_ACCEPTABLE',
    413: 'PAYLOAD_TOO_LARGE',
    415: 'UNSUPPORTED_MEDIA_TYPE',
  };
  return problem(
    status,
    codes[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'BAD_REQUEST'),
    status >= 500 ? 'An unexpected error occurred; it has been logged.' : message,
  );
}

function fromPostgres(error: { code?: string; constraint?: string }): Problem | undefined {
  const constraint = error.constraint ?? 'a constraint';
  switch (error.code) {
    case '23505':
      return problem(409, 'DUPLICATE', `Another record already has this value (${constraint})`);
    case '23503':
      return problem(
        422,
        'REFERENCE_NOT_FOUND',
        `A referenced record does not exist or is still in use (${constraint})`,
      );
    case '23514':
      return problem(
        409,
        'CONSTRAINT_VIOLATION',
        `The change breaks a rule of the stored data (${constraint})`,
      );
    case '22P02':
    case '22007':
    case '22008':
    case '22003':
      return problem(400, 'VALIDATION_FAILED', 'A value has the wrong format or is out of range');
    case '40001':
    case '40P01':
      return problem(409, 'CONCURRENT_UPDATE', 'The change raced with another one; retry it');
    case '55P03':
      return problem(
        409,
        'CONCURRENT_UPDATE',
        'The record is being changed by another request; retry it',
      );
    default:
      return undefined;
  }
}

/** What fastify raises while reading a request; its messages may quote the request, so none is kept. */
function fromFastify(error: {
  statusCode: number;
  code?: string;
  message?: string;
  detail?: string;
}): Problem {
  if (error.statusCode === 429) {
    return problem(429, 'RATE_LIMITED', error.detail ?? 'Too many requests; slow down and retry');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'UNSUPPORTED_MEDIA_TYPE', 'The body must be application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(
        413,
        'PAYLOAD_TOO_LARGE',
        'The request body is larger than this route takes (1 MB of JSON; imports 50 MB)',
      );
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'MALFORMED_BODY', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return problem(400, 'BAD_REQUEST', 'The body does not match its Content-Length');
  }
  if (error.statusCode === 400 && /JSON/.test(error.message ?? '')) {
    return problem(400, 'MALFORMED_BODY', 'The request body is not valid JSON');
  }
  return problem(
    error.statusCode,
    error.statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_REQUEST',
    'The request could not be read',
  );
}

/** Sends a problem with the API security headers, whichever layer raised it. */
export function sendProblem(reply: FastifyReply, request: FastifyRequest, body: Problem): void {
  void reply
    .headers(API_HEADERS)
    .header('x-request-id', request.id)
    .status(body.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send({ ...body, requestId: request.id });
}

function logIfUnexpected(error: unknown, body: Problem, request: FastifyRequest): void {
  if (body.code === 'DATABASE_UNAVAILABLE') {
    // Expected while the server is away; one line each, without the stack.
    logger.warn(
      `${request.method} ${loggedUrl(request.url)} [${request.id}]: database unavailable`,
    );
  } else if (body.status >= 500) {
    const err = error as Error;
    logger.error(
      `${request.method} ${loggedUrl(request.url)} failed [${request.id}]: ${err?.stack ?? String(error)}`,
    );
  }
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const body = toProblem(error);
    logIfUnexpected(error, body, request);
    sendProblem(http.getResponse<FastifyReply>(), request, body);
  }
}
