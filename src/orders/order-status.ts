import { InvalidStateError } from '../common/errors';
import type { TrancheSegment } from './book.types';
import type { OrderStatus } from './purchase-order.entity';

/** What may be done to a purchase order. */
export type OrderAction =
  | 'edit'
  | 'delete'
  | 'confirm'
  | 'amend'
  | 'cancel'
  | 'ship'
  | 'reverse_shipment'
  | 'pay'
  | 'reverse_payment'
  | 'refund'
  | 'exercise'
  | 'settle_options';

/**
 * The one table of allowed transitions: the statuses each action may start from, and the verb the
 * audit log and the change feed record it by. Shipments, payments, refunds and their reversals
 * have none: they are recorded as resources of their own.
 */
const ACTIONS: Record<OrderAction, { from: readonly OrderStatus[]; verb: string | null }> = {
  edit: { from: ['draft'], verb: 'updated' },
  delete: { from: ['draft'], verb: 'deleted' },
  confirm: { from: ['draft'], verb: 'confirmed' },
  amend: { from: ['confirmed'], verb: 'amended' },
  cancel: { from: ['confirmed'], verb: 'cancelled' },
  ship: { from: ['confirmed'], verb: null },
  // A completed order's shipment may come back; a cancelled one never shipped anything.
  reverse_shipment: { from: ['confirmed', 'completed'], verb: null },
  pay: { from: ['confirmed', 'completed', 'cancelled'], verb: null },
  reverse_payment: { from: ['confirmed', 'completed', 'cancelled'], verb: null },
  refund: { from: ['confirmed', 'completed', 'cancelled'], verb: null },
  // Options are exercised on an order still running (one with options left is never completed).
  exercise: { from: ['confirmed'], verb: 'option_exercised' },
  // An order held open only by options that have lapsed takes the status its book implies.
  settle_options: { from: ['confirmed'], verb: null },
};

const ACTION_WORDS: Partial<Record<OrderAction, string>> = {
  edit: 'edited',
  delete: 'deleted',
  exercise: 'have options exercised',
};

/** 409 INVALID_STATE unless `action` may be done to an order in `status`. */
export function assertTransition(action: OrderAction, status: OrderStatus): void {
  if (!ACTIONS[action].from.includes(status)) {
    throw new InvalidStateError(
      `A ${status} purchase order cannot be ${ACTION_WORDS[action] ?? `given this action (${action})`}`,
    );
  }
}

/**
 * The status a booked order's current tranche segments imply: confirmed while firm units are open
 * or option units may still be exercised (`optionsOpen`), then completed if any shipped, cancelled
 * if none did.
 */
export function bookedStatus(
  current: readonly Pick<TrancheSegment, 'openUnits' | 'shippedUnits'>[],
  optionsOpen = false,
): OrderStatus {
  if (optionsOpen || current.some((s) => s.openUnits > 0)) return 'confirmed';
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
 * order, so the feed shows it as an amendment followed by the completion. A completed order whose
 * shipment is reversed is open again: recorded as `reopened`, in the feed as
 * `purchase_order.updated` (the order with its new status).
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
  if (to === 'confirmed' && from !== 'confirmed' && from !== 'draft') {
    records.push({ action: 'reopened', eventType: 'purchase_order.updated' });
  } else if (to !== from && to !== 'confirmed' && to !== verb) {
    records.push({ action: to });
  }
  return records;
}
