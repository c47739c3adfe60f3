import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  draft: 'gray',
  confirmed: 'indigo',
  completed: 'teal',
  cancelled: 'red',
  open: 'yellow',
  paid: 'teal',
  void: 'gray',
  on_time: 'teal',
  late: 'orange',
  unscheduled: 'red',
  won: 'teal',
  lost: 'red',
  active: 'teal',
  disabled: 'gray',
  prospect: 'yellow',
  inactive: 'gray',
};

export function StatusBadge({ status }: { status: string }) {
  const color = COLORS[status] ?? 'indigo';
  return (
    <Badge
      color={color}
      // Dark text beside a coloured dot: readable (AA contrast) whatever the colour.
      variant="dot"
    >
      {status.replace(/_/g, ' ')}
    </Badge>
  );
}
