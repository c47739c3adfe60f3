import { Anchor, Button, Group, SegmentedControl, Select, Switch, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { byId, useCustomers, useProductModels } from '../common/lookups';
import { opportunitiesList } from '../common/lists';
import { PageHeader } from '../common/page-header';
import { PagedTable } from '../common/paged-table';
import { ProblemAlert } from '../common/problem-alert';
import { date, money, units } from '../format';

type Opportunity = Schemas['OpportunityDto'];
type Stage = Opportunity['stage'];
const STAGES: Stage[] = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];

function StageSelect({ opportunity }: { opportunity: Opportunity }) {
  const client = useQueryClient();
  const move = useMutation({
    mutationFn: (stage: Stage) =>
      call(
        api.PATCH('/api/v1/opportunities/{id}', {
          params: {
            path: { id: opportunity.id },
            header: { 'if-match': `"${opportunity.version}"` },
          },
          body: { stage },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['/api/v1/opportunities'] }),
  });
  return (
    <>
      <Select
        aria-label={`Stage of the opportunity for ${units(opportunity.quantity)} units`}
        data={STAGES}
        value={opportunity.stage}
        onChange={(stage) => stage && move.mutate(stage as Stage)}
        allowDeselect={false}
        size="xs"
        w={140}
        disabled={move.isPending || !!opportunity.purchaseOrderId}
      />
      <ProblemAlert error={move.error} />
    </>
  );
}

function ConvertButton({ opportunity }: { opportunity: Opportunity }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const convert = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/opportunities/{id}/convert', {
          params: { path: { id: opportunity.id } },
          body: {},
        }),
      ),
    onSuccess: async (order) => {
      await client.invalidateQueries();
      void navigate(`/orders/${order.id}`);
    },
  });
  return (
    <>
      <Button size="compact-sm" onClick={() => convert.mutate()} loading={convert.isPending}>
        Convert to order
      </Button>
      <ProblemAlert error={convert.error} />
    </>
  );
}

export function PipelinePage() {
  const [params, setParams] = useSearchParams();
  const stage = (params.get('stage') ?? 'all') as Stage | 'all';
  const { can } = useSession();
  const customers = byId(useCustomers().data);
  const models = byId(useProductModels().data);
  const mine = !!params.get('mine');
  const filter = {
    stage: stage === 'all' ? undefined : stage,
    ownerId: mine ? ('me' as const) : undefined,
  };
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <>
      <PageHeader
        title="Pipeline"
        description="Opportunities by stage: move them on, convert the won ones into draft orders"
      />
      <Group mb="md" justify="space-between">
        <SegmentedControl
          value={stage}
          onChange={(value) => set('stage', value === 'all' ? null : value)}
          data={[
            { value: 'all', label: 'All stages' },
            ...STAGES.map((s) => ({ value: s, label: s })),
          ]}
          aria-label="Stage"
        />
        <Switch
          label="Only my deals"
          checked={mine}
          onChange={(e) => set('mine', e.currentTarget.checked ? '1' : null)}
        />
      </Group>
      <PagedTable<Opportunity>
        label="Opportunities"
        {...opportunitiesList(filter)}
        rowKey={(o) => o.id}
        empty="No opportunities at this stage."
        columns={[
          {
            header: 'Customer',
            cell: (o) => (
              <Anchor component={Link} to={`/customers/${o.customerId}`}>
                {customers.get(o.customerId)?.name ?? '…'}
              </Anchor>
            ),
          },
          { header: 'Model', cell: (o) => models.get(o.productModelId)?.sku ?? '…' },
          { header: 'Units', cell: (o) => units(o.quantity), numeric: true },
          { header: 'Unit price', cell: (o) => money(o.unitPrice), numeric: true },
          { header: 'Probability', cell: (o) => `${o.probability}%`, numeric: true },
          { header: 'Weighted value', cell: (o) => money(o.weightedValue), numeric: true },
          { header: 'Close on', cell: (o) => date(o.expectedCloseOn) },
          { header: 'First delivery', cell: (o) => date(o.firstDeliveryOn) },
          {
            header: 'Stage',
            cell: (o) =>
              can('opportunities.write') && !o.purchaseOrderId ? (
                <StageSelect opportunity={o} />
              ) : (
                o.stage
              ),
          },
          {
            header: 'Order',
            cell: (o) =>
              o.purchaseOrderId ? (
                <Anchor component={Link} to={`/orders/${o.purchaseOrderId}`}>
                  Open order
                </Anchor>
              ) : can('opportunities.write') && o.stage === 'won' ? (
                <ConvertButton opportunity={o} />
              ) : (
                <Text size="sm" c="dimmed">
                  —
                </Text>
              ),
          },
        ]}
      />
      <Group mt="xs">
        <Text size="xs" c="dimmed">
          Weighted value: units × unit price × probability. Each customer&apos;s weighted pipeline
          is on the customer&apos;s page.
        </Text>
      </Group>
    </>
  );
}
