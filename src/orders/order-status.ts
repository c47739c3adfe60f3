import { InvalidStateError } from '../common/errors';
import type { TrancheSegment } from './book.types';
import type { OrderStatus } from './purchase-order.entity';

/** What may be done to a purchase order. */
export type OrderAction = 'edit' | 'confirm' | 'amend' | 'cancel' | 'ship' | 'pay';

/**
 * The one table of allowed transitions: the statuses each action may start from, and the verb the
 * audit log and the change feed record it by. Shipments and payments have none: they are recorded
 * as resources of their own.
 */
const ACTIONS: Record<OrderAction, { from: readonly OrderStatus[]; verb: string | null }> = {
  edit: { from: ['draft'], verb: 'updated' },
  confirm: { from: ['draft'], verb: 'confirmed' },
  amend: { from: ['confirmed'], verb: 'amended' },
  cancel: { from: ['confirmed'], verb: 'cancelled' },
  ship: { from: ['confirmed'], verb: null },
  pay: { from: ['confirmed', 'completed', 'cancelled'], verb: null },
};

/** 409 INVALID_STATE unless `action` may be done to an order in `status`. */
export function assertTransition(action: OrderAction, status: OrderStatus): void {
  if (!ACTIONS[action].from.includes(status)) {
    throw new InvalidStateError(
      `A ${status} purchase order cannot be ${action === 'edit' ? 'edited' : `given this action (${action})`}`,
    );
  }
}

/**
 * The status a booked order's current tranche segments imply: confirmed while units are open, then
 * completed if any shipped, cancelled if none did.
 */
export function bookedStatus(
  current: readonly Pick<TrancheSegment, 'openUnits' | 'shippedUnits'>[],
): OrderStatus {
  if (current.some((s) => s.openUnits > 0)) return 'confirmed';
  return current.some((s) => s.shippedUnits > 0) ? 'completed' : 'cancelled';
}

/** One entry of the audit log (and, unless `eventType` says otherwise, of the feed) for an order. */
export interface OrderRecord {
  action: string;
  /** The feed event's type when it is not `purchase_order.<action>`. */
  eventType?: string;
}

/**
 * What an order change records, in order: the action's own verb, then the status the order reached
 * when that is news (completed, cancelled). A cancellation that leaves shipped units completes the
 * order, so the feed shows it as an amendment followed by the completion.
 */
export function orderRecords(
  action: OrderAction,
  from: OrderStatus,
  to: OrderStatus,
): OrderRecord[] {
  const { verb } = ACTIONS[action];
  const records: OrderRecord[] = [];
  if (verb) {
    records.push(
      action === 'cancel' && to !== 'cancelled'
        ? { action: verb, eventType: 'purchase_order.amended' }
        : { action: verb },
    );
  }
  if (to !== from && to !== 'confirmed' && to !== verb) records.push({ action: to });
  return records;
}
