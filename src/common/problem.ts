import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { FieldError } from './errors';
import { DETAIL_MAX, FIELD_ERRORS_MAX } from './limits';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  /** On DUPLICATE: the record that already holds the business key. */
  existingId?: string;
  requestId?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  408: 'Request Timeout',
  413: 'Payload Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problem(
  status: number,
  code: string,
  detail: string,
  errors?: FieldError[],
  extensions?: Record<string, unknown>,
): Problem {
  // The documented bounds of a problem hold for every answer, however many errors were found.
  const listed = errors?.slice(0, FIELD_ERRORS_MAX).map((error) => ({
    ...error,
    message: cut(error.message, DETAIL_MAX),
  }));
  const omitted = (errors?.length ?? 0) - (listed?.length ?? 0);
  return {
    type: `https://hashbook.dev/problems/${code.toLowerCase().replace(/_/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail:
      omitted > 0
        ? `${cut(detail, DETAIL_MAX - 50)} (the first ${FIELD_ERRORS_MAX} errors are listed)`
        : cut(detail, DETAIL_MAX),
    code,
    ...(listed && listed.length > 0 ? { errors: listed } : {}),
    ...extensions,
  };
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Documents the problems a route answers beyond those every route of its kind can give (which
 * the OpenAPI document adds by itself): per status, the codes and when.
 */
export const ApiProblems = (problems: Partial<Record<400 | 404 | 409 | 412 | 422, string>>) =>
  applyDecorators(
    ...Object.entries(problems).map(([status, description]) =>
      ApiResponse({
        status: Number(status),
        description,
        content: {
          'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
        },
      }),
    ),
  );
