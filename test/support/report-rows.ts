/** A bookings period or group as one array, to compare whole tables of figures computed by hand. */
export const bookingRow = (
  p: Record<string, string | number>,
  first: 'period' | 'key' = 'period',
) => [
  p[first],
  p.orderCount,
  p.grossUnits,
  p.grossValue,
  p.addedUnits,
  p.addedValue,
  p.cancelledUnits,
  p.cancelledValue,
  p.priceChangeValue,
  p.netValue,
];
