import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ClientBase } from 'pg';
import { EntityManager, QueryFailedError } from 'typeorm';

/**
 * Named prepared statements, for a statement both large and hot (a new draft's insert): PostgreSQL
 * plans it once per connection instead of on every call. The name is a hash of the text, so one
 * text always maps to one statement. A failure is raised as TypeORM raises it, so a broken
 * constraint answers as it does anywhere else.
 */
@Injectable()
export class PreparedQueries {
  private readonly names = new Map<string, string>();

  /** Runs `text` as a prepared statement on the connection of the transaction `tx`. */
  async prepared<R>(tx: EntityManager, text: string, values: unknown[]): Promise<R[]> {
    if (!tx.queryRunner) throw new Error('A prepared statement runs in a transaction');
    let name = this.names.get(text);
    if (!name) {
      name = `hb_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
      this.names.set(text, name);
    }
    const client = (await tx.queryRunner.connect()) as ClientBase;
    try {
      const result = await client.query<R & object>({ name, text, values });
      return result.rows;
    } catch (error) {
      throw new QueryFailedError(text, values, error as Error);
    }
  }
}
