import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import { Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import { DateField } from '../common/date-field';
import { Figure } from '../common/figure';
import { PageHeader } from '../common/page-header';
import { ProblemAlert } from '../common/problem-alert';
import { addMonths, decimal, money, plot, today, units } from '../format';

const moneyAxis = (value: number) =>
  value >= 1e6 ? `$${(value / 1e6).toFixed(0)}M` : `$${Math.round(value / 1e3)}k`;

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

export function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const asOf = params.get('asOf') ?? today();
  const from = asOf.slice(0, 7);
  const to = addMonths(asOf, 11);

  const backlog = useQuery({
    queryKey: ['/api/v1/reports/backlog', { asOf, groupBy: 'shipMonth' }],
    queryFn: () =>
      call(
        api.GET('/api/v1/reports/backlog', { params: { query: { asOf, groupBy: 'shipMonth' } } }),
      ),
  });
  const balances = useQuery({
    queryKey: ['/api/v1/reports/contract-balances', { asOf }],
    queryFn: () =>
      call(api.GET('/api/v1/reports/contract-balances', { params: { query: { asOf } } })),
  });
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

  const totals = backlog.data?.totals;
  const balanceTotals = balances.data?.totals;
  return (
    <>
      <PageHeader
        title="Dashboard"
        description="The order book and its money, as of a date"
        actions={
          <DateField
            label="As of"
            value={asOf}
            onChange={(value) => setParams(value ? { asOf: value } : {})}
          />
        }
      />
      <ProblemAlert error={backlog.error ?? balances.error} title="Could not load the figures" />
      <SimpleGrid cols={{ base: 1, xs: 2, md: 5 }} mb="lg">
        <Figure label="Backlog units" value={units(totals?.openQuantity)} loading={!totals} />
        <Figure label="Backlog value" value={money(totals?.openValue)} loading={!totals} />
        <Figure label="Backlog EH/s" value={decimal(totals?.hashrateEhs, 4)} loading={!totals} />
        <Figure
          label="Contract liability"
          value={money(balanceTotals?.contractLiability)}
          loading={!balanceTotals}
        />
        <Figure
          label="Receivable"
          value={money(balanceTotals?.receivable)}
          loading={!balanceTotals}
        />
      </SimpleGrid>
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
    </>
  );
}
