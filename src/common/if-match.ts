import { PreconditionFailedError } from './errors';

/**
 * Honours `If-Match` against a resource's version: absent or `*` passes; otherwise one of the
 * listed entity tags (`"3"`, `W/"3"` or a bare `3`) must name the current version, else 412.
 */
export function assertIfMatch(header: string | undefined, current: number): void {
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
