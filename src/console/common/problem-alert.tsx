import { Alert } from '@mantine/core';
import { ApiError } from '../api/client';

/** The API's problem `detail` next to the action that caused it. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const detail =
    error instanceof ApiError ? error.problem.detail : ((error as Error).message ?? String(error));
  return (
    <Alert color="red" variant="light" title={title ?? 'Not done'} role="alert">
      {detail}
    </Alert>
  );
}

/** The message of the field `path` in a validation problem, for a form field's `error`. */
export function fieldError(error: unknown, path: string): string | undefined {
  return error instanceof ApiError ? error.fieldError(path) : undefined;
}
