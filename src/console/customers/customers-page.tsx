import { Anchor, Button, Group, Select, Switch, TextInput } from '@mantine/core';
import { useDebouncedValue, useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { ActionModal } from '../common/action-modal';
import { customersList } from '../common/lists';
import { fieldError } from '../common/problem-alert';
import { PageHeader } from '../common/page-header';
import { PagedTable } from '../common/paged-table';
import { StatusBadge } from '../orders/status-badge';
import { words } from '../format';

type Customer = Schemas['CustomerDto'];
const SEGMENTS = ['public_miner', 'investment_fund', 'hosting_provider', 'individual_operator'];
const REGIONS = ['NA', 'LATAM', 'EMEA', 'APAC'];
const STATUSES = ['prospect', 'active', 'inactive'];

function NewCustomerAction() {
  const [opened, { open, close }] = useDisclosure();
  const client = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [segment, setSegment] = useState<string | null>(null);
  const [country, setCountry] = useState('');
  const [status, setStatus] = useState<string | null>('prospect');
  const [legalName, setLegalName] = useState('');
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/customers', {
          body: {
            name,
            segment: (segment ?? '') as Customer['segment'],
            country,
            status: (status ?? 'prospect') as Customer['status'],
            ...(legalName ? { legalName } : {}),
          },
        }),
      ),
    onSuccess: async (customer) => {
      await client.invalidateQueries({ queryKey: ['/api/v1/customers'] });
      void navigate(`/customers/${customer.id}`);
    },
  });
  return (
    <>
      <Button onClick={open}>New customer</Button>
      <ActionModal
        title="New customer"
        opened={opened}
        onClose={close}
        mutation={create}
        submitLabel="Create customer"
      >
        <TextInput
          label="Name"
          description="Trading name, unique"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(create.error, 'name')}
        />
        <TextInput
          label="Legal name"
          value={legalName}
          onChange={(e) => setLegalName(e.currentTarget.value)}
          error={fieldError(create.error, 'legalName')}
        />
        <Group grow align="flex-start">
          <Select
            label="Segment"
            required
            data={SEGMENTS.map((s) => ({ value: s, label: words(s) }))}
            value={segment}
            onChange={setSegment}
            error={fieldError(create.error, 'segment')}
          />
          <TextInput
            label="Country"
            description="Two letters, e.g. US"
            required
            value={country}
            onChange={(e) => setCountry(e.currentTarget.value)}
            error={fieldError(create.error, 'country')}
          />
          <Select
            label="Status"
            data={STATUSES}
            value={status}
            onChange={setStatus}
            allowDeselect={false}
          />
        </Group>
      </ActionModal>
    </>
  );
}

export function CustomersPage() {
  const { can } = useSession();
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
      <PageHeader
        title="Customers"
        description="Accounts, their contacts, activities and orders"
        actions={can('customers.write') && <NewCustomerAction />}
      />
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
