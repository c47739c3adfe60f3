import { applyDecorators, Header, Type as ClassType } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ValidationFailedError } from './errors';
import type { PreparedQueries } from '../database/prepared-queries';

export class PageQueryDto {
  /** Page size, 1–500. */
  @ApiPropertyOptional({ type: 'integer', default: 50, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  /** The `nextCursor` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface Keyed {
  id: string;
  createdAt: Date;
}

export function encodeCursor(row: Keyed): string {
  return cursorAfter(row.createdAt.toISOString(), row.id);
}

/** The cursor after the row created at `createdAt` (ISO text, as toISOString writes it) with `id`. */
function cursorAfter(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`).toString('base64url');
}

export function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!createdAt || !id || Number.isNaN(Date.parse(createdAt)) || !/^[0-9a-f-]{36}$/.test(id)) {
    throw new ValidationFailedError(
      'cursor: is not a cursor this API returned',
      [{ path: 'cursor', message: 'is not a cursor this API returned' }],
      'INVALID_CURSOR',
    );
  }
  return { createdAt, id };
}

/**
 * Keyset pagination in creation order, then id: stable while rows are inserted, and as fast on
 * page 1,000 as on page 1 given an index on (created_at, id).
 */
export async function paginate<E extends ObjectLiteral & Keyed, T>(
  qb: SelectQueryBuilder<E>,
  query: PageQueryDto,
  map: (row: E) => T,
): Promise<Page<T>> {
  const alias = qb.alias;
  const limit = query.limit ?? 50;
  if (query.cursor) {
    const { createdAt, id } = decodeCursor(query.cursor);
    qb.andWhere(`(${alias}.created_at, ${alias}.id) > (:cursorCreatedAt, :cursorId)`, {
      cursorCreatedAt: createdAt,
      cursorId: id,
    });
  }
  const rows = await qb
    .orderBy(`${alias}.created_at`, 'ASC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .take(limit + 1)
    .getMany();
  const page = pageOf(rows, limit, (row) => row);
  return { items: page.rows.map(map), nextCursor: page.nextCursor };
}

/**
 * For hand-written SQL: the condition "after the cursor" on `alias`'s (created_at, id), its values
 * appended to `params`; '' without a cursor. Order by created_at, id and fetch limit + 1 rows.
 */
export function keysetCondition(
  alias: string,
  cursor: string | undefined,
  params: unknown[],
): string {
  if (!cursor) return '';
  const { createdAt, id } = decodeCursor(cursor);
  params.push(createdAt, id);
  return `(${alias}.created_at, ${alias}.id) > ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
}

/** The page of `limit + 1` fetched rows, and the cursor after its last row when there are more. */
export function pageOf<R>(
  rows: R[],
  limit: number,
  keyOf: (row: R) => Keyed,
): { rows: R[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return { rows: page, nextCursor: more ? encodeCursor(keyOf(page[page.length - 1])) : null };
}

/** Raw rows carry snake_case keys. */
export const rawKey = (row: { id: string; created_at: Date }): Keyed => ({
  id: row.id,
  createdAt: row.created_at,
});

/** SQL for a timestamptz as `Date.prototype.toISOString()` writes it: UTC, milliseconds, "Z". */
export const isoTimestampSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** SQL for integer cents as a money string, "3060.00". */
export const moneySql = (cents: string) => `(${cents}::numeric / 100)::numeric(20, 2)::text`;

/** JSON text a handler returns as it is (see `@RenderedPage`). */
export type JsonText = string & { readonly __jsonText: true };

/**
 * A page of a list PostgreSQL renders, for lists read often. PostgreSQL writes the items' JSON
 * array (row_to_json of `fields`, whose aliases are the JSON keys) and the last row's key, in one
 * row of a prepared statement; Node adds the cursor. No entity hydration, Date parsing or
 * JSON.stringify per row. Same order, cursor and page size rules as `paginate`.
 */
export async function renderedPage(
  db: PreparedQueries,
  list: { from: string; alias: string; fields: string; where?: string[]; params?: unknown[] },
  query: PageQueryDto,
): Promise<JsonText> {
  const { alias } = list;
  const params = [...(list.params ?? [])];
  const where = [...(list.where ?? [])];
  const after = keysetCondition(alias, query.cursor, params);
  if (after) where.push(after);
  params.push(query.limit ?? 50);
  const limit = `$${params.length}::int`;
  const [page] = await db.prepared<{
    items: string | null;
    more: boolean;
    last_created_at: string | null;
    last_id: string | null;
  }>(
    `SELECT '[' || coalesce(string_agg(row.item, ',' ORDER BY row.n) FILTER (WHERE row.n <= ${limit}), '') || ']' AS items,
            count(*) > ${limit} AS more,
            max(row.created_at) FILTER (WHERE row.n = ${limit}) AS last_created_at,
            max(row.id) FILTER (WHERE row.n = ${limit}) AS last_id
       FROM (SELECT row_number() OVER (ORDER BY ${alias}.created_at, ${alias}.id) AS n,
                    ${isoTimestampSql(`${alias}.created_at`)} AS created_at, ${alias}.id::text AS id,
                    row_to_json(item)::text AS item
               FROM ${list.from}, LATERAL (SELECT ${list.fields}) AS item
              ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
              ORDER BY ${alias}.created_at, ${alias}.id
              LIMIT ${limit} + 1) AS row`,
    params,
  );
  const nextCursor =
    page.more && page.last_created_at && page.last_id
      ? `"${cursorAfter(page.last_created_at, page.last_id)}"`
      : 'null';
  return `{"items":${page.items},"nextCursor":${nextCursor}}` as JsonText;
}

/** On a route whose handler returns a `renderedPage`: the JSON content type, and the page's schema. */
export const RenderedPage = (item: ClassType<unknown>) =>
  applyDecorators(
    Header('content-type', 'application/json; charset=utf-8'),
    ApiExtraModels(item),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'nextCursor'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(item) } },
          nextCursor: {
            type: 'string',
            nullable: true,
            description: 'Pass as `cursor` for the next page; null on the last page',
          },
        },
      },
    }),
  );
