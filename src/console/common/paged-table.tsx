import { Button, Center, Group, Loader, Paper, Table, Text } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ProblemAlert } from './problem-alert';

export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
  numeric?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * A list of the API, a page at a time (its `cursor`): loading and empty states, and a button for
 * the next page.
 */
export function PagedTable<T>({
  queryKey,
  fetchPage,
  columns,
  rowKey,
  empty,
  label,
}: {
  queryKey: unknown[];
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>;
  columns: Column<T>[];
  rowKey: (row: T) => string;
  empty: string;
  label: string;
}) {
  const query = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = query.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <Paper withBorder radius="md">
      <DataTable columns={columns} rows={rows} rowKey={rowKey} label={label} />
      {query.isPending && (
        <Center p="lg">
          <Loader size="sm" role="status" aria-label="Loading" />
        </Center>
      )}
      {query.isError && <ProblemAlert error={query.error} title="Could not load" />}
      {query.isSuccess && rows.length === 0 && (
        <Text c="dimmed" p="lg" ta="center">
          {empty}
        </Text>
      )}
      {query.hasNextPage && (
        <Group justify="center" p="sm">
          <Button
            variant="default"
            size="xs"
            onClick={() => void query.fetchNextPage()}
            loading={query.isFetchingNextPage}
          >
            Load more
          </Button>
        </Group>
      )}
    </Paper>
  );
}

/** A plain table of rows already loaded. */
export function DataTable<T>({
  columns,
  rows,
  rowKey,
  label,
}: {
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
  label: string;
}) {
  return (
    <ScrollRegion label={label}>
      <Table striped highlightOnHover verticalSpacing="xs" aria-label={label} miw={600}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.header} style={c.numeric ? { textAlign: 'right' } : undefined}>
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row) => (
            <Table.Tr key={rowKey(row)}>
              {columns.map((c) => (
                <Table.Td
                  key={c.header}
                  style={
                    c.numeric
                      ? { textAlign: 'right', fontVariantNumeric: 'tabular-nums' }
                      : undefined
                  }
                >
                  {c.cell(row)}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollRegion>
  );
}

/** A region that scrolls sideways on narrow screens, reachable with the keyboard. */
export function ScrollRegion({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div role="region" aria-label={label} tabIndex={0} style={{ overflowX: 'auto' }}>
      {children}
    </div>
  );
}
