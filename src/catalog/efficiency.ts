/**
 * Energy efficiency in J/TH (= W per TH/s), rounded half up to one decimal. Exact: the hashrate
 * has at most two decimals, so the division is done on integers.
 */
export function efficiencyJth(powerW: number, hashrateThs: number): number {
  const hundredths = Math.round(hashrateThs * 100);
  if (!Number.isSafeInteger(powerW) || hundredths <= 0) {
    throw new Error(`Cannot derive efficiency from ${powerW} W and ${hashrateThs} TH/s`);
  }
  // powerW / (hundredths / 100) in tenths, rounded half up: floor((2·x + d) / 2d).
  const numerator = powerW * 1000;
  const tenths = Math.floor((2 * numerator + hundredths) / (2 * hundredths));
  return tenths / 10;
}
