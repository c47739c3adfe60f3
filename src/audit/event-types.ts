/** Every type of the change feed, `<entity>.<verb>`. */
export const EVENT_TYPES = [
  'product_model.created',
  'product_model.updated',
  'customer.created',
  'customer.updated',
  'opportunity.created',
  'opportunity.updated',
  'opportunity.converted',
  'purchase_order.created',
  'purchase_order.updated',
  'purchase_order.confirmed',
  'purchase_order.amended',
  'purchase_order.cancelled',
  'purchase_order.completed',
  'purchase_order.deleted',
  'purchase_order.option_exercised',
  'shipment.created',
  'shipment.reversed',
  'payment.received',
  'payment.reversed',
  'refund.paid',
  'capacity.updated',
  'hold.created',
  'hold.released',
  'hold.converted',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

const KNOWN = new Set<string>(EVENT_TYPES);

export function isEventType(type: string): type is EventType {
  return KNOWN.has(type);
}
