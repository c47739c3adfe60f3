import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '../common/clock';
import { OrderChangeService } from './order-change.service';
import { PurchaseOrderRepository } from './purchase-order.repository';

/**
 * Confirmed orders held open only by option units whose exercise-by date has passed: no firm unit
 * open, no option left that may still be exercised on `$1` (today), some option units lapsed.
 */
const HELD_BY_LAPSED_OPTIONS = `
  SELECT o.id FROM purchase_order o
   WHERE o.status = 'confirmed' AND ($2::uuid IS NULL OR o.id = $2::uuid)
     AND EXISTS (SELECT 1 FROM tranche t WHERE t.purchase_order_id = o.id AND t.option_units > 0)
     AND NOT EXISTS (
       SELECT 1 FROM tranche t
        WHERE t.purchase_order_id = o.id
          AND (t.quantity > t.shipped_quantity + t.cancelled_quantity
               OR (t.option_units > 0 AND t.option_exercise_by >= $1::date)))
   ORDER BY o.id`;

/**
 * An order is not completed while it has option units that may still be exercised; when the last
 * of them lapse (at the end of their exercise-by date) nothing is booked, so this settles such
 * orders hourly: each goes through the order's write path again, which writes the status its book
 * now implies (completed, or cancelled when nothing shipped) and records it in the audit log and
 * the feed. Every instance may run it: each order is re-checked with its row locked.
 */
@Injectable()
export class OptionLapseService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('Options');
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: PurchaseOrderRepository,
    private readonly changes: OrderChangeService,
    private readonly clock: Clock,
  ) {}

  onModuleInit() {
    this.timer = setInterval(() => {
      this.settleLapsed().catch((error: Error) =>
        this.logger.warn(`Settling orders whose options lapsed failed: ${error.message}`),
      );
    }, 3600_000);
    this.timer.unref();
  }

  onModuleDestroy() {
    if (this.timer) clearInterval(this.timer);
  }

  /** Settles every order held open only by lapsed options; returns the ids settled. */
  async settleLapsed(): Promise<string[]> {
    const today = this.clock.today();
    const held = (await this.dataSource.query(HELD_BY_LAPSED_OPTIONS, [today, null])) as {
      id: string;
    }[];
    const settled: string[] = [];
    for (const { id } of held) {
      if (await this.dataSource.transaction((tx) => this.settle(tx, id, today))) settled.push(id);
    }
    return settled;
  }

  private async settle(tx: EntityManager, id: string, today: string): Promise<boolean> {
    await this.orders.lock(tx, id);
    const still = (await tx.query(HELD_BY_LAPSED_OPTIONS, [today, id])) as unknown[];
    if (still.length === 0) return false;
    await this.changes.change(tx, id, 'settle_options', {}, () =>
      Promise.resolve({ result: undefined, touches: [] }),
    );
    return true;
  }
}
