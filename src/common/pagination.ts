import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
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

  @ApiPropertyOptional({ maxLength: 200, description: 'The `nextCursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
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

/** What a list orders by: its creation instant, then its id (a uuid, or an identity number). */
interface Keyed {
  id: string | number;
  createdAt: Date;
}

export function encodeCursor(row: Keyed): string {
  return Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const IDENTITY = /^\d{1,18}$/;

/** The cursor's place; its id must be of the kind the list's ids are (uuid or identity number). */
export function decodeCursor(
  cursor: string,
  idKind: 'uuid' | 'identity' = 'uuid',
): { createdAt: string; id: string } {
  const [createdAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (
    !createdAt ||
    !id ||
    Number.isNaN(Date.parse(createdAt)) ||
    !(idKind === 'uuid' ? UUID : IDENTITY).test(id)
  ) {
    throw new ValidationFailedError(
      'cursor: is not a cursor this API returned',
      [{ path: 'cursor', message: 'is not a cursor this API returned' }],
      'INVALID_CURSOR',
    );
  }
  return { createdAt, id };
}

/**
 * The one way to page a list: keyset pagination in creation order, then id, over `qb` (whose
 * filters are its `andWhere`s) — stable while rows are inserted, and as fast on page 1,000 as on
 * page 1 given an index on (created_at, id). The entity names its creation instant `createdAt`.
 */
export async function paginate<E extends ObjectLiteral & Keyed, T>(
  qb: SelectQueryBuilder<E>,
  query: PageQueryDto,
  map: (row: E) => T,
): Promise<Page<T>> {
  const alias = qb.alias;
  const limit = query.limit ?? 50;
  if (query.cursor) {
    const idColumn = qb.expressionMap.mainAlias!.metadata.primaryColumns[0];
    const { createdAt, id } = decodeCursor(
      query.cursor,
      idColumn.type === 'uuid' ? 'uuid' : 'identity',
    );
    qb.andWhere(`(${alias}.createdAt, ${alias}.id) > (:cursorCreatedAt, :cursorId)`, {
      cursorCreatedAt: createdAt,
      cursorId: id,
    });
  }
  const rows = await qb
    .orderBy(`${alias}.createdAt`, 'ASC')
    .addOrderBy(`${alias}.id`, 'ASC')
    .take(limit + 1)
    .getMany();
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  return {
    items: page.map(map),
    nextCursor: more ? encodeCursor(page[page.length - 1]) : null,
  };
}

/** A LIKE pattern for "contains `text`", its own `%`, `_` and `\\` taken literally. */
export function likeContaining(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
