import { SimpleGrid, Skeleton } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { DateField } from '../common/date-field';
import { Figure } from '../common/figure';
import { PageHeader } from '../common/page-header';
import { ProblemAlert } from '../common/problem-alert';
import { addMonths, decimal, money, today, units } from '../format';
import { backlogByShipMonth, contractBalances } from './queries';

// The charts come in their own chunk, after the figures: the figures need no charting code.
const DashboardCharts = lazy(async () => ({
  default: (await import('./dashboard-charts')).DashboardCharts,
}));

export function DashboardPage() {
  const [params, setParams] = useSearchParams();
  const asOf = params.get('asOf') ?? today();
  const from = asOf.slice(0, 7);
  const to = addMonths(asOf, 11);

  const backlog = useQuery(backlogByShipMonth(asOf));
  const balances = useQuery(contractBalances(asOf));

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
      <Suspense fallback={<Skeleton height={320} radius="md" />}>
        <DashboardCharts asOf={asOf} from={from} to={to} backlogGroups={backlog.data?.groups} />
      </Suspense>
    </>
  );
}
