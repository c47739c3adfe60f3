import { DateInput } from '@mantine/dates';

/** A calendar date field (`YYYY-MM-DD`), typed or picked. */
export function DateField({
  label,
  value,
  onChange,
  error,
  required,
  clearable,
  maxDate,
}: {
  label: string;
  value: string | null;
  onChange: (value: string | null) => void;
  error?: string;
  required?: boolean;
  clearable?: boolean;
  maxDate?: string;
}) {
  return (
    <DateInput
      label={label}
      value={value}
      onChange={(v) => onChange(v ? String(v).slice(0, 10) : null)}
      valueFormat="YYYY-MM-DD"
      placeholder="YYYY-MM-DD"
      error={error}
      required={required}
      clearable={clearable}
      maxDate={maxDate}
      popoverProps={{ withinPortal: true }}
    />
  );
}
