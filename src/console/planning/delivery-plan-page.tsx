import '@mantine/charts/styles.css';
import { BarChart } from '@mantine/charts';
import {
  Anchor,
  Button,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { byId, useCustomers, useProductModels } from '../common/lookups';
import { PageHeader } from '../common/page-header';
import { PagedTable } from '../common/paged-table';
import { fieldError, ProblemAlert } from '../common/problem-alert';
import { addMonths, date, today, units } from '../format';
import { StatusBadge } from '../orders/status-badge';
import { HoldFromAnswer, PlanHoldsTable } from './holds';

type PlanTranche = Schemas['PlanTrancheDto'];

function AvailabilityForm({ models }: { models: Schemas['ProductModelDto'][] }) {
  const [modelId, setModelId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | string>('');
  const [held, setHeld] = useState<Schemas['HoldDto'] | null>(null);
  const check = useMutation({
    mutationFn: () =>
      call(
        api.GET('/api/v1/availability', {
          params: { query: { productModelId: modelId ?? '', quantity: Number(quantity) } },
        }),
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setHeld(null);
    check.mutate();
  };
  const sku = (id: string) => models.find((m) => m.id === id)?.sku ?? '';
  const answer = check.data;
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} fz="lg" mb="xs">
        When could we deliver?
      </Title>
      <form onSubmit={submit} aria-label="Availability">
        <Group align="flex-end">
          <Select
            label="Model"
            required
            data={models.map((m) => ({ value: m.id, label: `${m.sku} — ${m.name}` }))}
            value={modelId}
            onChange={setModelId}
            error={fieldError(check.error, 'productModelId')}
            w={260}
          />
          <NumberInput
            label="Quantity"
            required
            min={1}
            allowDecimal={false}
            thousandSeparator=","
            value={quantity}
            onChange={setQuantity}
            error={fieldError(check.error, 'quantity')}
            w={160}
          />
          <Button type="submit" loading={check.isPending}>
            Check availability
          </Button>
        </Group>
      </form>
      {check.error && !fieldError(check.error, 'quantity') && <ProblemAlert error={check.error} />}
      {answer && (
        <Stack gap={4} mt="md" role="status">
          <Text>
            Earliest completion month:{' '}
            <Text span fw={700}>
              {answer.earliestCompletionMonth ?? 'not within the capacity planned'}
            </Text>
          </Text>
          {answer.shortfallUnits > 0 && (
            <Text c="red.8">Shortfall: {units(answer.shortfallUnits)} units</Text>
          )}
          <Text size="sm" c="dimmed">
            {answer.months.map((m) => `${m.month}: ${units(m.units)}`).join(' · ')}
          </Text>
          {answer.heldUnits > 0 && (
            <Text size="sm" c="dimmed">
              After {units(answer.heldUnits)} units held for quotes
            </Text>
          )}
          <HoldFromAnswer
            answer={answer}
            sku={sku(answer.productModelId)}
            onHeld={(hold) => {
              setHeld(hold);
              check.reset();
            }}
          />
        </Stack>
      )}
      {held && (
        <Text mt="md" role="status">
          Held {units(held.quantity)} {sku(held.productModelId)} until the end of{' '}
          {date(held.expiresOn)}. Check availability again to see what is left.
        </Text>
      )}
    </Paper>
  );
}

export function DeliveryPlanPage() {
  const [params, setParams] = useSearchParams();
  const models = useProductModels();
  const customers = byId(useCustomers().data);
  const modelById = byId(models.data);
  const modelId =
    params.get('model') ?? models.data?.find((m) => m.status === 'active')?.id ?? null;
  const from = today().slice(0, 7);
  const to = addMonths(today(), 17);
  const capacity = useQuery({
    queryKey: ['/api/v1/production-capacity', { modelId, from, to }],
    queryFn: () =>
      call(
        api.GET('/api/v1/production-capacity', {
          params: { query: { productModelId: modelId ?? undefined, from, to, limit: 500 } },
        }),
      ),
    enabled: !!modelId,
  });
  const trancheTable = (status: 'late' | 'unscheduled') => (
    <PagedTable<PlanTranche>
      label={status === 'late' ? 'Late tranches' : 'Unscheduled tranches'}
      queryKey={['/api/v1/delivery-plan/tranches', { status }]}
      fetchPage={(cursor) =>
        call(
          api.GET('/api/v1/delivery-plan/tranches', {
            params: { query: { status, cursor, limit: 20 } },
          }),
        )
      }
      rowKey={(t) => t.trancheId}
      empty={status === 'late' ? 'No tranche is late.' : 'Every open unit is scheduled.'}
      columns={[
        {
          header: 'Order',
          cell: (t) => (
            <Anchor component={Link} to={`/orders/${t.purchaseOrderId}`}>
              {t.purchaseOrderNumber}
            </Anchor>
          ),
        },
        { header: 'Customer', cell: (t) => customers.get(t.customerId)?.name ?? '…' },
        { header: 'Model', cell: (t) => modelById.get(t.productModelId)?.sku ?? '…' },
        { header: 'Ship date', cell: (t) => date(t.shipDate) },
        { header: 'Open', cell: (t) => units(t.openQuantity), numeric: true },
        status === 'late'
          ? { header: 'Projected', cell: (t) => t.projectedShipMonth ?? '—' }
          : { header: 'Unscheduled', cell: (t) => units(t.unscheduledUnits), numeric: true },
        { header: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
      ]}
    />
  );
  return (
    <Stack gap="lg">
      <PageHeader
        title="Delivery plan"
        description="Factory capacity and the units planned on it, per model"
        actions={
          <Select
            label="Plan of model"
            data={(models.data ?? []).map((m) => ({ value: m.id, label: `${m.sku} — ${m.name}` }))}
            value={modelId}
            onChange={(v) => v && setParams({ model: v })}
            allowDeselect={false}
            w={260}
          />
        }
      />
      <Paper withBorder p="md" radius="md">
        <Title order={2} fz="lg" mb="sm">
          Capacity and planned units by month
        </Title>
        <ProblemAlert error={capacity.error} />
        {capacity.data && capacity.data.items.length === 0 && (
          <Text c="dimmed">No capacity is entered for this model in the months ahead.</Text>
        )}
        <BarChart
          h={280}
          data={(capacity.data?.items ?? []).map((c) => ({
            month: c.month,
            Planned: c.plannedUnits,
            Spare: c.spareUnits,
          }))}
          dataKey="month"
          type="stacked"
          series={[
            { name: 'Planned', color: 'indigo.6' },
            { name: 'Spare', color: 'gray.4' },
          ]}
          valueFormatter={(v) => units(v)}
          withLegend
          tickLine="y"
        />
      </Paper>
      <AvailabilityForm models={(models.data ?? []).filter((m) => m.status !== 'end_of_life')} />
      <SimpleGrid cols={1}>
        <Stack gap="xs">
          <Title order={2} fz="lg">
            Capacity held for quotes
          </Title>
          <PlanHoldsTable />
        </Stack>
        <Stack gap="xs">
          <Title order={2} fz="lg">
            Late tranches
          </Title>
          {trancheTable('late')}
        </Stack>
        <Stack gap="xs">
          <Title order={2} fz="lg">
            Unscheduled tranches
          </Title>
          {trancheTable('unscheduled')}
        </Stack>
      </SimpleGrid>
    </Stack>
  );
}
