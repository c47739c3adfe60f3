import { Anchor, Badge, Group, Paper, SimpleGrid, Stack, Tabs, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { Figure } from '../common/figure';
import { byId, useProductModels } from '../common/lookups';
import { PageLoader } from '../common/page-loader';
import { DataTable, PagedTable } from '../common/paged-table';
import { ProblemAlert } from '../common/problem-alert';
import { date, decimal, money, units, words } from '../format';
import { ExerciseAction, OrderActions, ReverseAction } from './order-actions';
import { StatusBadge } from './status-badge';

type Order = Schemas['PurchaseOrderDto'];
type Tranche = Schemas['TrancheDto'] & { sku: string; line: number; pricePerThs: string | null };

const SUB = { limit: 100 };

export function OrderPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const models = useProductModels();
  const modelById = byId(models.data);
  const sku = (modelId: string) => modelById.get(modelId)?.sku ?? '…';
  const order = useQuery({
    queryKey: ['/api/v1/purchase-orders', id],
    queryFn: () => call(api.GET('/api/v1/purchase-orders/{id}', { params: { path: { id } } })),
  });
  const customerId = order.data?.customerId;
  const customer = useQuery({
    queryKey: ['/api/v1/customers', customerId],
    queryFn: () =>
      call(api.GET('/api/v1/customers/{id}', { params: { path: { id: customerId ?? '' } } })),
    enabled: !!customerId,
  });
  if (order.isPending) return <PageLoader />;
  if (order.isError) return <ProblemAlert error={order.error} title="Could not load the order" />;
  const o: Order = order.data;
  const tranches: Tranche[] = o.lines.flatMap((line, index) =>
    line.tranches.map((t) => ({
      ...t,
      sku: sku(line.productModelId),
      line: index + 1,
      pricePerThs: line.pricePerThs,
    })),
  );
  const perThs = o.lines.some((line) => line.pricePerThs !== null);
  const options = tranches.filter((t) => t.optionExerciseBy !== null);
  const trancheLabel = (trancheId: string | null) => {
    const t = tranches.find((x) => x.id === trancheId);
    return t ? `#${t.sequence} ${t.sku}` : '—';
  };
  return (
    <Stack gap="lg">
      <Group justify="space-between" align="flex-start">
        <Stack gap={4}>
          <Group gap="sm">
            <Title order={1} fz={26}>
              {o.number}
            </Title>
            <StatusBadge status={o.status} />
          </Group>
          <Text c="dimmed">
            <Anchor component={Link} to={`/customers/${o.customerId}`}>
              {customer.data?.name ?? 'Customer'}
            </Anchor>{' '}
            · signed {date(o.signedOn)} · terms {o.paymentTermsCode ?? 'billed on shipment'}
            {o.customerReference ? ` · their reference ${o.customerReference}` : ''}
            {perThs ? ` · hash-rate tolerance ${decimal(o.hashrateTolerancePercent, 2)} %` : ''}
          </Text>
        </Stack>
        <OrderActions order={o} sku={sku} />
      </Group>

      <SimpleGrid cols={{ base: 2, md: 5 }}>
        <Figure label="Units" value={units(o.totals.quantity)} />
        <Figure label="Open units" value={units(o.totals.openQuantity)} />
        <Figure label="Shipped units" value={units(o.totals.shippedQuantity)} />
        <Figure label="Order value" value={money(o.totals.value)} />
        <Figure label="Open value" value={money(o.totals.openValue)} />
      </SimpleGrid>

      <Paper withBorder radius="md" p="md">
        <Group justify="space-between" mb="xs">
          <Title order={2} fz="lg">
            Lines and tranches
          </Title>
          <Text size="sm" c="dimmed">
            {decimal(o.totals.hashrateThs, 2)} TH/s · {units(o.totals.cancelledQuantity)} units
            cancelled
          </Text>
        </Group>
        <DataTable<Tranche>
          label="Tranches"
          rows={tranches}
          rowKey={(t) => t.id}
          columns={[
            { header: 'Line', cell: (t) => t.line },
            { header: 'Tranche', cell: (t) => `#${t.sequence}` },
            { header: 'Model', cell: (t) => <Badge variant="outline">{t.sku}</Badge> },
            { header: 'Ship date', cell: (t) => date(t.shipDate) },
            { header: 'Unit price', cell: (t) => money(t.unitPrice), numeric: true },
            ...(perThs
              ? [
                  {
                    header: 'Price per TH/s',
                    cell: (t: Tranche) => (t.pricePerThs ? money(t.pricePerThs) : '—'),
                    numeric: true,
                  },
                ]
              : []),
            { header: 'Units', cell: (t) => units(t.quantity), numeric: true },
            { header: 'Open', cell: (t) => units(t.openQuantity), numeric: true },
            { header: 'Shipped', cell: (t) => units(t.shippedQuantity), numeric: true },
            { header: 'Cancelled', cell: (t) => units(t.cancelledQuantity), numeric: true },
          ]}
        />
      </Paper>

      {options.length > 0 && (
        <Paper withBorder radius="md" p="md">
          <Title order={2} fz="lg" mb="xs">
            Options
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            Option units are no backlog and are not billed until exercised; those not exercised
            lapse at the end of their exercise-by date.
          </Text>
          <DataTable<Tranche>
            label="Options"
            rows={options}
            rowKey={(t) => t.id}
            columns={[
              { header: 'Tranche', cell: (t) => `#${t.sequence}` },
              { header: 'Model', cell: (t) => <Badge variant="outline">{t.sku}</Badge> },
              { header: 'Ship date', cell: (t) => date(t.shipDate) },
              { header: 'Unit price', cell: (t) => money(t.unitPrice), numeric: true },
              { header: 'Option units left', cell: (t) => units(t.optionQuantity), numeric: true },
              { header: 'Exercised', cell: (t) => units(t.exercisedQuantity), numeric: true },
              { header: 'Exercise by', cell: (t) => date(t.optionExerciseBy ?? '') },
              {
                header: 'Actions',
                cell: (t) =>
                  can('orders.write') && o.status === 'confirmed' && t.optionQuantity > 0 ? (
                    <ExerciseAction order={o} tranche={t} label={`tranche #${t.sequence}`} />
                  ) : null,
              },
            ]}
          />
        </Paper>
      )}

      <Tabs defaultValue="billing" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="billing">Billing schedule</Tabs.Tab>
          <Tabs.Tab value="payments">Payments</Tabs.Tab>
          <Tabs.Tab value="shipments">Shipments</Tabs.Tab>
          <Tabs.Tab value="amendments">Amendment history</Tabs.Tab>
          <Tabs.Tab value="refunds">Refunds</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="billing" pt="md">
          <PagedTable<Schemas['InstalmentDto']>
            label="Billing schedule"
            queryKey={['/api/v1/purchase-orders', id, 'billing-schedule']}
            fetchPage={(cursor) =>
              call(
                api.GET('/api/v1/purchase-orders/{id}/billing-schedule', {
                  params: { path: { id }, query: { ...SUB, cursor } },
                }),
              )
            }
            rowKey={(i) => i.key}
            empty={
              o.status === 'draft' ? 'A draft is not billed: confirm it first.' : 'No instalments.'
            }
            columns={[
              { header: 'Kind', cell: (i) => words(i.kind) },
              { header: 'Tranche', cell: (i) => trancheLabel(i.trancheId) },
              { header: 'Due on', cell: (i) => date(i.dueOn) },
              { header: 'Amount', cell: (i) => money(i.amount), numeric: true },
              { header: 'Paid', cell: (i) => money(i.paidAmount), numeric: true },
              { header: 'Voided', cell: (i) => money(i.voidedAmount), numeric: true },
              { header: 'Status', cell: (i) => <StatusBadge status={i.status} /> },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="payments" pt="md">
          <PagedTable<Schemas['PaymentDto']>
            label="Payments"
            queryKey={['/api/v1/purchase-orders', id, 'payments']}
            fetchPage={(cursor) =>
              call(
                api.GET('/api/v1/purchase-orders/{id}/payments', {
                  params: { path: { id }, query: { ...SUB, cursor } },
                }),
              )
            }
            rowKey={(p) => p.id}
            empty="No payments yet."
            columns={[
              { header: 'Received on', cell: (p) => date(p.receivedOn) },
              { header: 'Reference', cell: (p) => p.reference ?? '—' },
              { header: 'Amount', cell: (p) => money(p.amount), numeric: true },
              {
                header: 'Reversed',
                cell: (p) => (p.reversedOn ? `${date(p.reversedOn)}: ${p.reversalReason}` : '—'),
              },
              {
                header: 'Actions',
                cell: (p) =>
                  can('payments.write') && !p.reversedOn ? (
                    <ReverseAction
                      label="Reverse"
                      what={`payment of ${money(p.amount)}`}
                      reverse={(body) =>
                        call(
                          api.POST('/api/v1/purchase-orders/{id}/payments/{paymentId}/reverse', {
                            params: { path: { id, paymentId: p.id } },
                            body,
                          }),
                        )
                      }
                    />
                  ) : null,
              },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="shipments" pt="md">
          <PagedTable<Schemas['ShipmentDto']>
            label="Shipments"
            queryKey={['/api/v1/purchase-orders', id, 'shipments']}
            fetchPage={(cursor) =>
              call(
                api.GET('/api/v1/purchase-orders/{id}/shipments', {
                  params: { path: { id }, query: { ...SUB, cursor } },
                }),
              )
            }
            rowKey={(s) => s.id}
            empty="Nothing shipped yet."
            columns={[
              { header: 'Shipped on', cell: (s) => date(s.shippedOn) },
              { header: 'Reference', cell: (s) => s.reference ?? '—' },
              {
                header: 'Units',
                cell: (s) =>
                  s.items
                    .map((i) => `${units(i.quantity)} × ${trancheLabel(i.trancheId)}`)
                    .join(', '),
              },
              {
                header: 'Delivered TH/s',
                cell: (s) => decimal(s.deliveredThs, 2),
                numeric: true,
              },
              {
                header: 'True-up',
                cell: (s) =>
                  s.trueUp === '0.00' ? (
                    '—'
                  ) : (
                    <Text span c={s.trueUp.startsWith('-') ? 'red.9' : 'teal.9'} fz="sm">
                      {money(s.trueUp)}
                    </Text>
                  ),
                numeric: true,
              },
              {
                header: 'Reversed',
                cell: (s) => (s.reversedOn ? `${date(s.reversedOn)}: ${s.reversalReason}` : '—'),
              },
              {
                header: 'Actions',
                cell: (s) =>
                  can('shipments.write') && !s.reversedOn ? (
                    <ReverseAction
                      label="Reverse"
                      what={`shipment of ${date(s.shippedOn)}`}
                      reverse={(body) =>
                        call(
                          api.POST('/api/v1/shipments/{id}/reverse', {
                            params: { path: { id: s.id } },
                            body,
                          }),
                        )
                      }
                    />
                  ) : null,
              },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="amendments" pt="md">
          <PagedTable<Schemas['AmendmentDto']>
            label="Amendment history"
            queryKey={['/api/v1/purchase-orders', id, 'amendments']}
            fetchPage={(cursor) =>
              call(
                api.GET('/api/v1/purchase-orders/{id}/amendments', {
                  params: { path: { id }, query: { ...SUB, cursor } },
                }),
              )
            }
            rowKey={(a) => a.id}
            empty="No amendments."
            columns={[
              { header: 'Effective on', cell: (a) => date(a.effectiveOn) },
              { header: 'Kind', cell: (a) => words(a.kind) },
              { header: 'Reason', cell: (a) => a.reason },
              {
                header: 'Changes',
                cell: (a) => (
                  <Text size="xs" ff="monospace">
                    {a.changes
                      .map((c) =>
                        Object.entries(c as Record<string, unknown>)
                          .map(
                            ([k, v]) =>
                              `${k}: ${k === 'trancheId' ? trancheLabel(String(v)) : String(v)}`,
                          )
                          .join(', '),
                      )
                      .join('; ')}
                  </Text>
                ),
              },
            ]}
          />
        </Tabs.Panel>
        <Tabs.Panel value="refunds" pt="md">
          <PagedTable<Schemas['RefundDto']>
            label="Refunds"
            queryKey={['/api/v1/purchase-orders', id, 'refunds']}
            fetchPage={(cursor) =>
              call(
                api.GET('/api/v1/purchase-orders/{id}/refunds', {
                  params: { path: { id }, query: { ...SUB, cursor } },
                }),
              )
            }
            rowKey={(r) => r.id}
            empty="No refunds."
            columns={[
              { header: 'Paid on', cell: (r) => date(r.paidOn) },
              { header: 'Reference', cell: (r) => r.reference ?? '—' },
              { header: 'Amount', cell: (r) => money(r.amount), numeric: true },
            ]}
          />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
