import { Anchor, Group, Select } from '@mantine/core';
import { Link, useSearchParams } from 'react-router';
import type { Schemas } from '../api/client';
import { ordersList } from '../common/lists';
import { byId, useCustomers, useProductModels } from '../common/lookups';
import { PageHeader } from '../common/page-header';
import { PagedTable } from '../common/paged-table';
import { date, money, units } from '../format';
import { StatusBadge } from './status-badge';

type Order = Schemas['PurchaseOrderDto'];
const STATUSES = ['draft', 'confirmed', 'completed', 'cancelled'] as const;

export function OrdersPage() {
  const [params, setParams] = useSearchParams();
  const customers = useCustomers();
  const models = useProductModels();
  const customerById = byId(customers.data);
  const modelById = byId(models.data);
  const filter = {
    customerId: params.get('customerId') ?? undefined,
    status: (params.get('status') ?? undefined) as Order['status'] | undefined,
    productModelId: params.get('productModelId') ?? undefined,
  };
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <>
      <PageHeader title="Orders" description="Purchase orders, newest last" />
      <Group mb="md" align="flex-end">
        <Select
          label="Customer"
          placeholder="All customers"
          searchable
          clearable
          data={(customers.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          value={filter.customerId ?? null}
          onChange={(v) => set('customerId', v)}
          w={260}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={[...STATUSES]}
          value={filter.status ?? null}
          onChange={(v) => set('status', v)}
          w={160}
        />
        <Select
          label="Model"
          placeholder="Any model"
          clearable
          data={(models.data ?? []).map((m) => ({ value: m.id, label: `${m.sku} — ${m.name}` }))}
          value={filter.productModelId ?? null}
          onChange={(v) => set('productModelId', v)}
          w={240}
        />
      </Group>
      <PagedTable<Order>
        label="Orders"
        {...ordersList(filter)}
        rowKey={(o) => o.id}
        empty="No orders match."
        columns={[
          {
            header: 'Number',
            cell: (o) => (
              <Anchor component={Link} to={`/orders/${o.id}`} fw={600}>
                {o.number}
              </Anchor>
            ),
          },
          { header: 'Customer', cell: (o) => customerById.get(o.customerId)?.name ?? '…' },
          {
            header: 'Models',
            cell: (o) =>
              [...new Set(o.lines.map((l) => modelById.get(l.productModelId)?.sku ?? '…'))].join(
                ', ',
              ),
          },
          { header: 'Signed on', cell: (o) => date(o.signedOn) },
          { header: 'Status', cell: (o) => <StatusBadge status={o.status} /> },
          { header: 'Units', cell: (o) => units(o.totals.quantity), numeric: true },
          { header: 'Open units', cell: (o) => units(o.totals.openQuantity), numeric: true },
          { header: 'Value', cell: (o) => money(o.totals.value), numeric: true },
        ]}
      />
    </>
  );
}
