import { Injectable } from '@nestjs/common';
import { TableChanges } from '../database/table-changes';
import type { JsonText } from './pagination';

/** Pages kept per table at most (a 500-item page is ~100 KB); past that, the table's are dropped. */
const MAX_PAGES = 200;

/**
 * Rendered pages of the most-read lists (API keys, product models), kept until their table
 * changes. What drops them: a NOTIFY from the table's triggers when any transaction commits a
 * change (other instances, the CLI, raw SQL), and every write request answered by this instance
 * (so its own client reads its writes at once, before the notice arrives). A page read while
 * anything was dropped, or while the listening connection is down, is served but not kept.
 */
@Injectable()
export class ListCache {
  private readonly pages = new Map<string, Map<string, JsonText>>();
  private generation = 0;

  constructor(private readonly changes: TableChanges) {
    changes.subscribe((table) => this.drop(table));
  }

  async page(table: string, key: string, load: () => Promise<JsonText>): Promise<JsonText> {
    const kept = this.pages.get(table)?.get(key);
    if (kept !== undefined) return kept;
    const generation = this.generation;
    const page = await load();
    if (this.changes.live && generation === this.generation) {
      let pages = this.pages.get(table);
      if (!pages || pages.size >= MAX_PAGES) this.pages.set(table, (pages = new Map()));
      pages.set(key, page);
    }
    return page;
  }

  /** Forgets the table's pages (null: every table's), and any page being read now. */
  drop(table: string | null): void {
    this.generation += 1;
    if (table === null) this.pages.clear();
    else this.pages.delete(table);
  }
}
