import { types } from 'pg';
import { ColumnOptions, ValueTransformer } from 'typeorm';

// Calendar dates stay 'YYYY-MM-DD' strings (no time zone shifts); bigint (cents, counts, sums cast
// to bigint) become numbers, for entities and raw queries alike: every amount we store is far
// below 2^53 cents. numeric stays text from the driver; decimal columns convert it themselves.
types.setTypeParser(1082, (value) => value);
types.setTypeParser(20, (value) => Number(value));

const numericNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};

/** Money in integer cents. */
export const centsColumn = (options: ColumnOptions = {}): ColumnOptions => ({
  type: 'bigint',
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
