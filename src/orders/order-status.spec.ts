import { assertTransition, bookedStatus, orderRecords } from './order-status';

describe('order status', () => {
  it('allows each action only from its statuses', () => {
    expect(() => assertTransition('edit', 'draft')).not.toThrow();
    expect(() => assertTransition('edit', 'confirmed')).toThrow(
      'A confirmed purchase order cannot be edited',
    );
    expect(() => assertTransition('confirm', 'confirmed')).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }),
    );
    for (const action of ['amend', 'cancel', 'ship'] as const) {
      expect(() => assertTransition(action, 'confirmed')).not.toThrow();
      expect(() => assertTransition(action, 'completed')).toThrow(
        `A completed purchase order cannot be given this action (${action})`,
      );
    }
    for (const status of ['confirmed', 'completed', 'cancelled'] as const) {
      expect(() => assertTransition('pay', status)).not.toThrow();
    }
    expect(() => assertTransition('pay', 'draft')).toThrow();
    for (const status of ['confirmed', 'completed', 'cancelled'] as const) {
      expect(() => assertTransition('refund', status)).not.toThrow();
      expect(() => assertTransition('reverse_payment', status)).not.toThrow();
    }
    for (const action of ['refund', 'reverse_payment', 'reverse_shipment'] as const) {
      expect(() => assertTransition(action, 'draft')).toThrow(
        expect.objectContaining({ code: 'INVALID_STATE' }),
      );
    }
    expect(() => assertTransition('reverse_shipment', 'completed')).not.toThrow();
    expect(() => assertTransition('reverse_shipment', 'cancelled')).toThrow();
    expect(() => assertTransition('delete', 'draft')).not.toThrow();
    expect(() => assertTransition('delete', 'confirmed')).toThrow(
      'A confirmed purchase order cannot be deleted',
    );
  });

  it('reads the status from the current segments: open, else completed if any shipped', () => {
    const segment = (openUnits: number, shippedUnits: number) => ({ openUnits, shippedUnits });
    expect(bookedStatus([segment(0, 5), segment(1, 0)])).toBe('confirmed');
    expect(bookedStatus([segment(0, 5), segment(0, 0)])).toBe('completed');
    expect(bookedStatus([segment(0, 0), segment(0, 0)])).toBe('cancelled');
  });

  it('records the action, then a status reached on the way', () => {
    expect(orderRecords('confirm', 'draft', 'confirmed')).toEqual([{ action: 'confirmed' }]);
    expect(orderRecords('amend', 'confirmed', 'confirmed')).toEqual([{ action: 'amended' }]);
    expect(orderRecords('amend', 'confirmed', 'cancelled')).toEqual([
      { action: 'amended' },
      { action: 'cancelled' },
    ]);
    expect(orderRecords('cancel', 'confirmed', 'cancelled')).toEqual([{ action: 'cancelled' }]);
    expect(orderRecords('cancel', 'confirmed', 'completed')).toEqual([
      { action: 'cancelled', eventType: 'purchase_order.amended' },
      { action: 'completed' },
    ]);
    expect(orderRecords('ship', 'confirmed', 'confirmed')).toEqual([]);
    expect(orderRecords('ship', 'confirmed', 'completed')).toEqual([{ action: 'completed' }]);
    expect(orderRecords('pay', 'completed', 'completed')).toEqual([]);
    expect(orderRecords('edit', 'draft', 'draft')).toEqual([{ action: 'updated' }]);
    expect(orderRecords('delete', 'draft', 'draft')).toEqual([{ action: 'deleted' }]);
    // A shipment taken back opens a completed order again.
    expect(orderRecords('reverse_shipment', 'completed', 'confirmed')).toEqual([
      { action: 'reopened', eventType: 'purchase_order.updated' },
    ]);
    expect(orderRecords('reverse_shipment', 'confirmed', 'confirmed')).toEqual([]);
    expect(orderRecords('reverse_payment', 'cancelled', 'cancelled')).toEqual([]);
  });
});
