/**
 * Hash-rate true-ups of shipments on lines priced per TH/s (SPEC §15). TH/s are counted in
 * hundredths and percents in hundredths of a percent, so every comparison is exact.
 */

/** A figure with two decimals as an exact whole number of hundredths. */
export const toHundredths = (value: number) => Math.round(value * 100);

export interface TrueUpInput {
  units: number;
  /** TH/s per unit the line was priced at. */
  unitHashrateThs: number;
  /** Measured TH/s of the units shipped, in total. */
  deliveredThs: number;
  pricePerThsCents: number;
  /** The order's tolerance, percent of nominal (0–10, 2 dp). */
  tolerancePercent: number;
}

/**
 * Nominal = units × TH/s per unit. When |delivered − nominal| > nominal × tolerance ÷ 100 the
 * true-up is (delivered − nominal) × price per TH/s, rounded half up to the cent (half away from
 * zero, so a shortfall and an excess of the same size are worth the same); otherwise 0.
 */
export function trueUpCents(input: TrueUpInput): number {
  const nominal = BigInt(input.units) * BigInt(toHundredths(input.unitHashrateThs));
  const difference = BigInt(toHundredths(input.deliveredThs)) - nominal;
  const magnitude = difference < 0n ? -difference : difference;
  // |Δ| / 100 > nominal / 100 × tolerance / 100, all in hundredths: |Δ| × 10,000 > nominal × tol.
  if (magnitude * 10_000n <= nominal * BigInt(toHundredths(input.tolerancePercent))) return 0;
  // Δ hundredths of a TH/s × cents per TH/s ÷ 100, half up on the magnitude.
  const product = magnitude * BigInt(input.pricePerThsCents);
  const cents = Number((product + 50n) / 100n);
  return difference < 0n ? -cents : cents;
}
