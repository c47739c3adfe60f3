import { Anchor, Group, Select, Switch, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import type { Schemas } from '../api/client';
import { customersList } from '../common/lists';
import { PageHeader } from '../common/page-header';
import { PagedTable } from '../common/paged-table';
import { StatusBadge } from '../orders/status-badge';
import { words } from '../format';

type Customer = Schemas['CustomerDto'];
const SEGMENTS = ['public_miner', 'investment_fund', 'hosting_provider', 'individual_operator'];
const REGIONS = ['NA', 'LATAM', 'EMEA', 'APAC'];
const STATUSES = ['prospect', 'active', 'inactive'];

export function CustomersPage() {
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const [search] = useDebouncedValue(q, 250);
  const filter = {
    q: search || undefined,
    segment: (params.get('segment') ?? undefined) as Customer['segment'] | undefined,
    region: (params.get('region') ?? undefined) as Customer['region'] | undefined,
    status: (params.get('status') ?? undefined) as Customer['status'] | undefined,
    ownerId: params.get('mine') ? ('me' as const) : undefined,
  };
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  return (
    <>
      <PageHeader title="Customers" description="Accounts, their contacts, activities and orders" />
      <Group mb="md" align="flex-end">
        <TextInput
          label="Search"
          placeholder="Name"
          value={q}
          onChange={(e) => setQ(e.currentTarget.value)}
          w={240}
        />
        <Select
          label="Segment"
          placeholder="Any segment"
          clearable
          data={SEGMENTS.map((s) => ({ value: s, label: words(s) }))}
          value={filter.segment ?? null}
          onChange={(v) => set('segment', v)}
        />
        <Select
          label="Region"
          placeholder="Any region"
          clearable
          data={REGIONS}
          value={filter.region ?? null}
          onChange={(v) => set('region', v)}
          w={140}
        />
        <Select
          label="Status"
          placeholder="Any status"
          clearable
          data={STATUSES}
          value={filter.status ?? null}
          onChange={(v) => set('status', v)}
          w={140}
        />
        <Switch
          label="Only my accounts"
          checked={!!filter.ownerId}
          onChange={(e) => set('mine', e.currentTarget.checked ? '1' : null)}
          mb={8}
        />
      </Group>
      <PagedTable<Customer>
        label="Customers"
        {...customersList(filter)}
        rowKey={(c) => c.id}
        empty="No customers match."
        columns={[
          {
            header: 'Name',
            cell: (c) => (
              <Anchor component={Link} to={`/customers/${c.id}`} fw={600}>
                {c.name}
              </Anchor>
            ),
          },
          { header: 'Segment', cell: (c) => words(c.segment) },
          { header: 'Country', cell: (c) => c.country },
          { header: 'Region', cell: (c) => c.region },
          { header: 'Account owner', cell: (c) => c.accountOwner ?? '—' },
          { header: 'Status', cell: (c) => <StatusBadge status={c.status} /> },
        ]}
      />
    </>
  );
}
