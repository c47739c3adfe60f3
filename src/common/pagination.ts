import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { ValidationFailedError } from './errors';

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
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
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
