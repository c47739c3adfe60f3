import { Paper, Skeleton, Text } from '@mantine/core';
import { useId } from 'react';

/** One headline figure: a label and its value, read together by screen readers. */
export function Figure({
  label,
  value,
  loading,
  hint,
}: {
  label: string;
  value: string;
  loading?: boolean;
  hint?: string;
}) {
  const id = useId();
  return (
    <Paper withBorder p="md" radius="md" role="group" aria-labelledby={id}>
      <Text id={id} size="xs" c="dimmed" tt="uppercase" fw={700}>
        {label}
      </Text>
      {loading ? (
        <Skeleton height={28} mt={6} width="70%" />
      ) : (
        <Text
          fz={21}
          fw={700}
          mt={4}
          data-figure={label}
          style={{ fontVariantNumeric: 'tabular-nums' }}
        >
          {value}
        </Text>
      )}
      {hint && (
        <Text size="xs" c="dimmed">
          {hint}
        </Text>
      )}
    </Paper>
  );
}
