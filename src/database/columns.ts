import { types } from 'pg';
import { ColumnOptions, ValueTransformer } from 'typeorm';

// Calendar dates stay 'YYYY-MM-DD' strings (no time zone shifts); bigint (cents, counts) become
// numbers: every amount we store is far below 2^53 cents.
types.setTypeParser(1082, (value) => value);
types.setTypeParser(20, (value) => Number(value));

const bigintNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};

const numericNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** Money in integer cents. */
export const centsColumn = (options: ColumnOptions = {}): ColumnOptions => ({
  type: 'bigint',
  transformer: bigintNumber,
  ...options,
});

/** A small exact decimal (hashrate TH/s, percentages) read back as a JS number. */
export const decimalColumn = (
  precision: number,
  scale: number,
  options: ColumnOptions = {},
): ColumnOptions => ({
  type: 'numeric',
  precision,
  scale,
  transformer: numericNumber,
  ...options,
});

export const createdAtColumn: ColumnOptions = {
  type: 'timestamptz',
  precision: 3,
  default: () => 'now()',
};
