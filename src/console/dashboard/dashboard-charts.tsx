import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { api, call, type Schemas } from '../api/client';
import { money, plot, units } from '../format';

const moneyAxis = (value: number) =>
  value === 0
    ? '$0'
    : Math.abs(value) >= 1e6
      ? `$${(value / 1e6).toFixed(0)}M`
      : `$${Math.round(value / 1e3)}k`;

function ChartCard({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} fz="md" mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

/** The dashboard's three charts; the backlog by ship month comes from the page's own query. */
export function DashboardCharts({
  asOf,
  from,
  to,
  backlogGroups,
}: {
  asOf: string;
  from: string;
  to: string;
  backlogGroups: Schemas['BacklogGroupDto'][] | undefined;
}) {
  const backlog = { data: backlogGroups ? { groups: backlogGroups } : undefined };
  const revenue = useQuery({
    queryKey: ['/api/v1/reports/revenue-forecast', { asOf, from, to }],
    queryFn: () =>
      call(
        api.GET('/api/v1/reports/revenue-forecast', {
          params: { query: { asOf, from, to, granularity: 'month' } },
        }),
      ),
  });
  const cash = useQuery({
    queryKey: ['/api/v1/reports/cash-forecast', { asOf, from, to }],
    queryFn: () =>
      call(
        api.GET('/api/v1/reports/cash-forecast', {
          params: { query: { asOf, from, to, granularity: 'month' } },
        }),
      ),
  });

  return (
    <Stack gap="md">
      <ChartCard title={`Revenue by month, ${from} to ${to}`}>
        <BarChart
          h={280}
          type="stacked"
          data={(revenue.data?.periods ?? []).map((p) => ({
            month: p.period,
            Recognised: plot(p.recognizedRevenue),
            Forecast: plot(p.forecastRevenue),
          }))}
          dataKey="month"
          series={[
            { name: 'Recognised', color: 'teal.6' },
            { name: 'Forecast', color: 'indigo.4' },
          ]}
          valueFormatter={moneyAxis}
          withLegend
          tickLine="y"
        />
      </ChartCard>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <ChartCard title="Backlog by ship month">
          {backlog.data && backlog.data.groups.length === 0 && (
            <Text c="dimmed">Nothing in the backlog on {asOf}.</Text>
          )}
          <BarChart
            h={260}
            data={(backlog.data?.groups ?? []).map((g) => ({
              month: g.key,
              Units: g.openQuantity,
            }))}
            dataKey="month"
            series={[{ name: 'Units', color: 'indigo.6' }]}
            valueFormatter={(v) => units(v)}
            tickLine="y"
          />
        </ChartCard>
        <ChartCard title={`Cash by month, ${from} to ${to}`}>
          <BarChart
            h={260}
            type="stacked"
            data={(cash.data?.periods ?? []).map((p) => ({
              month: p.period,
              Received: plot(p.receivedCash),
              Expected: plot(p.expectedCash),
            }))}
            dataKey="month"
            series={[
              { name: 'Received', color: 'teal.6' },
              { name: 'Expected', color: 'yellow.6' },
            ]}
            valueFormatter={moneyAxis}
            withLegend
            tickLine="y"
          />
          {cash.data && (
            <Group mt="xs" gap="xs">
              <Text size="sm" c="dimmed">
                Overdue instalments:
              </Text>
              <Text size="sm" fw={600}>
                {money(cash.data.overdue.amount)}
              </Text>
            </Group>
          )}
        </ChartCard>
      </SimpleGrid>
    </Stack>
  );
}
