import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ReferenceNotFoundError, ValidationFailedError } from '../../common/errors';
import { currentActor } from '../../common/request-context';
import { isUuid } from '../../common/validation';
import { User } from './user.entity';

/** `ownerId=me` or a user id: what a filter by owner or assignee accepts. */
export const USER_FILTER = /^(?:me|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;

/**
 * How other domains refer to people: owners of customers and opportunities, assignees of
 * activities. The only part of access they call.
 */
@Injectable()
export class UserReferences {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The signed-in person acting, or null for an API key or the system. */
  currentUserId(): string | null {
    const actor = currentActor();
    return actor.type === 'user' ? actor.id : null;
  }

  /**
   * The user a list filter names: `me` is the signed-in person (an API key is nobody: 400), a
   * user id must exist (422 REFERENCE_NOT_FOUND).
   */
  async filter(value: string, path: string): Promise<string> {
    if (value.toLowerCase() === 'me') {
      const id = this.currentUserId();
      if (!id) {
        const message = 'me names the signed-in person; an API key is not one: give a user id';
        throw new ValidationFailedError(`${path}: ${message}`, [{ path, message }]);
      }
      return id;
    }
    await this.assertExists(value.toLowerCase(), path);
    return value.toLowerCase();
  }

  /** 422 REFERENCE_NOT_FOUND at `path` unless the user exists (key-share locked in `tx`). */
  async assertExists(id: string, path: string, tx?: EntityManager): Promise<void> {
    const found =
      isUuid(id) &&
      (tx
        ? (await tx
            .getRepository(User)
            .findOne({ where: { id }, select: { id: true }, lock: { mode: 'for_key_share' } })) !==
          null
        : await this.dataSource.getRepository(User).existsBy({ id }));
    if (!found) throw new ReferenceNotFoundError(path, 'User', id);
  }
}
