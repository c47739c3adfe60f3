import { PreconditionFailedError, ValidationFailedError } from './errors';
import { IF_MATCH_MAX } from './limits';

/**
 * Honours `If-Match` against a resource's version: absent or `*` passes; otherwise one of the
 * listed entity tags (`"3"`, `W/"3"` or a bare `3`) must name the current version, else 412.
 */
export function assertIfMatch(header: string | undefined, current: number): void {
  if (header !== undefined && header.length > IF_MATCH_MAX)
    throw new ValidationFailedError(`If-Match is longer than ${IF_MATCH_MAX} characters`, [
      { path: 'If-Match', message: `must be at most ${IF_MATCH_MAX} characters` },
    ]);
  if (header === undefined || header.trim() === '' || header.trim() === '*') return;
  if (!entityTags(header).includes(String(current))) throw new PreconditionFailedError(current);
}

/** The opaque tags of an `If-Match` or `If-None-Match` list, without `W/` and quotes. */
export function entityTags(header: string): string[] {
  return header.split(',').map((tag) =>
    tag
      .trim()
      .replace(/^W\//, '')
      .replace(/^"(.*)"$/, '$1'),
  );
}
