import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { isDateOnly } from './dates';
import { ValidationFailedError } from './errors';
import { CURSOR_MAX, PAGE_LIMIT_MAX } from './limits';

export class PageQueryDto {
  /** Page size, 1–500. */
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: PAGE_LIMIT_MAX })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit?: number;

  @ApiPropertyOptional({
    maxLength: CURSOR_MAX,
    description: 'The `nextCursor` of the previous page',
  })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** On a list route: the page's schema, `{items: [item], nextCursor}`, in the OpenAPI document. */
export const ApiPage = (item: ClassType<unknown>) =>
  applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', maxItems: PAGE_LIMIT_MAX, items: { $ref: getSchemaPath(item) } },
          nextCursor: {
            type: 'string',
            maxLength: CURSOR_MAX,
            nullable: true,
            description: 'Pass as `cursor` for the next page; null on the last page',
          },
        },
      },
    }),
  );

/** What a value of a keyset column is, for checking a cursor before it reaches SQL. */
export type KeyKind = 'timestamp' | 'date' | 'integer' | 'text' | 'uuid' | 'identity';

/** One ordered column of a list's keyset: an SQL expression over the list's query, ascending. */
export interface KeyColumn {
  sql: string;
  kind: KeyKind;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IDENTITY = /^\d{1,18}$/;
const INTEGER = /^-?\d{1,15}$/;

const VALID: Record<KeyKind, (value: string) => boolean> = {
  timestamp: (value) => value !== '' && !Number.isNaN(Date.parse(value)),
  date: isDateOnly,
  integer: (value) => INTEGER.test(value),
  text: () => true,
  uuid: (value) => UUID.test(value),
  identity: (value) => IDENTITY.test(value),
};

/** A row's place in its list: its key values joined by `|` (the last may hold `|` itself). */
export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(values.join('|')).toString('base64url');
}

/** The key values a cursor names, each of the kind its column holds; else 400 INVALID_CURSOR. */
export function decodeCursor(cursor: string, kinds: readonly KeyKind[]): string[] {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const values = [...parts.slice(0, kinds.length - 1), parts.slice(kinds.length - 1).join('|')];
  if (parts.length < kinds.length || !kinds.every((kind, i) => VALID[kind](values[i]))) {
    throw new ValidationFailedError(
      'cursor: is not a cursor this API returned',
      [{ path: 'cursor', message: 'is not a cursor this API returned' }],
      'INVALID_CURSOR',
    );
  }
  return values;
}

const keyValue = (value: unknown): string =>
  value instanceof Date ? value.toISOString() : String(value);

/**
 * The one way to page a list: keyset pagination over `qb` (whose filters are its `andWhere`s) —
 * stable while rows are inserted, and as fast on page 1,000 as on page 1 given an index on the key.
 * The key is, by default, the creation instant then the id (an entity's `created_at` and primary
 * key); a list with another natural order (the billing schedule, by due date) gives its own
 * ordered columns, which must end in one that is unique within the list. A cursor names a row of
 * a list keyed the same way, else 400 INVALID_CURSOR.
 */
export async function paginate<E extends ObjectLiteral, T>(
  qb: SelectQueryBuilder<E>,
  query: PageQueryDto,
  map: (row: E) => T,
  key?: readonly KeyColumn[],
): Promise<Page<T>> {
  const alias = qb.alias;
  const limit = query.limit ?? 50;
  const columns = key ?? creationKey(qb);
  // In parentheses: a key column that is also an entity column (`i.key`) must stay selected as both.
  columns.forEach((column, i) => qb.addSelect(`(${column.sql})`, `page_key_${i}`));
  if (query.cursor) {
    const values = decodeCursor(
      query.cursor,
      columns.map((c) => c.kind),
    );
    const params = Object.fromEntries(values.map((value, i) => [`pageKey${i}`, value]));
    qb.andWhere(
      `(${columns.map((c) => c.sql).join(', ')}) > (${values.map((_, i) => `:pageKey${i}`).join(', ')})`,
      params,
    );
  }
  columns.forEach((column, i) =>
    i === 0 ? qb.orderBy(column.sql, 'ASC') : qb.addOrderBy(column.sql, 'ASC'),
  );
  const { entities, raw } = await qb.take(limit + 1).getRawAndEntities();
  if (entities.length !== raw.length) throw new Error(`paginate: ${alias} rows are not one each`);
  const more = entities.length > limit;
  const page = more ? entities.slice(0, limit) : entities;
  const last = raw[page.length - 1] as Record<string, unknown> | undefined;
  return {
    items: page.map(map),
    nextCursor:
      more && last ? encodeCursor(columns.map((_, i) => keyValue(last[`page_key_${i}`]))) : null,
  };
}

/** Creation order, then id (a uuid, or an identity number). */
function creationKey<E extends ObjectLiteral>(qb: SelectQueryBuilder<E>): KeyColumn[] {
  const metadata = qb.expressionMap.mainAlias!.metadata;
  const created = metadata.findColumnWithPropertyName('createdAt');
  const [id] = metadata.primaryColumns;
  if (!created) throw new Error(`paginate: ${metadata.name} has no createdAt`);
  return [
    { sql: `${qb.alias}.${created.databaseName}`, kind: 'timestamp' },
    { sql: `${qb.alias}.${id.databaseName}`, kind: id.type === 'uuid' ? 'uuid' : 'identity' },
  ];
}

/** A LIKE pattern for "contains `text`", its own `%`, `_` and `\\` taken literally. */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
