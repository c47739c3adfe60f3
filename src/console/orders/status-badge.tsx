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
  return (
    <Badge color={COLORS[status] ?? 'indigo'} variant="light">
      {status.replace(/_/g, ' ')}
    </Badge>
  );
}
