import {
  Alert,
  Button,
  Code,
  Group,
  MultiSelect,
  PasswordInput,
  Select,
  Stack,
  Tabs,
  Text,
  TextInput,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { ActionModal } from '../common/action-modal';
import { PageHeader } from '../common/page-header';
import { PagedTable } from '../common/paged-table';
import { fieldError, ProblemAlert } from '../common/problem-alert';
import { date, words } from '../format';
import { StatusBadge } from '../orders/status-badge';

type Role = Schemas['Role'];
const ROLES: Role[] = ['admin', 'sales', 'finance', 'operations', 'erp', 'viewer'];

function NewUser() {
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<string | null>('viewer');
  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/users', { body: { email, name, role: (role ?? 'viewer') as Role } })),
    onSuccess: () => {
      setEmail('');
      setName('');
      return client.invalidateQueries({ queryKey: ['/api/v1/users'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Group align="flex-start">
        <TextInput
          label="Email"
          required
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
          error={fieldError(create.error, 'email')}
        />
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(create.error, 'name')}
        />
        <Select
          label="Role"
          data={ROLES}
          value={role}
          onChange={setRole}
          allowDeselect={false}
          w={140}
        />
        <Button type="submit" mt={25} loading={create.isPending}>
          Add user
        </Button>
      </Group>
      {create.error && !fieldError(create.error, 'email') && !fieldError(create.error, 'name') && (
        <ProblemAlert error={create.error} />
      )}
      {create.data?.setupToken && (
        <Alert mt="sm" color="teal" title={`${create.data.email} added`} role="status">
          Give them this one-time setup token (valid until {date(create.data.setupTokenExpiresAt)})
          to choose a password: <Code>{create.data.setupToken}</Code>
        </Alert>
      )}
    </form>
  );
}

function UserStatusButton({ user }: { user: Schemas['UserDto'] }) {
  const client = useQueryClient();
  const { user: me } = useSession();
  const next = user.status === 'active' ? 'disabled' : 'active';
  const update = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/users/{id}', {
          params: { path: { id: user.id }, header: { 'if-match': `"${user.version}"` } },
          body: { status: next },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['/api/v1/users'] }),
  });
  if (me?.id === user.id) return null;
  return (
    <>
      <Button
        size="compact-xs"
        variant="light"
        onClick={() => update.mutate()}
        loading={update.isPending}
      >
        {next === 'disabled' ? 'Disable' : 'Enable'}
      </Button>
      <ProblemAlert error={update.error} />
    </>
  );
}

function EditUserAction({ user }: { user: Schemas['UserDto'] }) {
  const [opened, { open, close }] = useDisclosure();
  const client = useQueryClient();
  const [name, setName] = useState(user.name);
  const [role, setRole] = useState<string | null>(user.role);
  const update = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/users/{id}', {
          params: { path: { id: user.id }, header: { 'if-match': `"${user.version}"` } },
          body: {
            ...(name !== user.name ? { name } : {}),
            ...(role !== user.role ? { role: (role ?? user.role) as Role } : {}),
          },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['/api/v1/users'] }),
  });
  const start = () => {
    setName(user.name);
    setRole(user.role);
    open();
  };
  return (
    <>
      <Button size="compact-xs" variant="light" onClick={start} aria-label={`Edit ${user.email}`}>
        Edit
      </Button>
      <ActionModal
        title={`Edit ${user.email}`}
        opened={opened}
        onClose={close}
        mutation={update}
        submitLabel="Save"
      >
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(update.error, 'name')}
        />
        <Select
          label="Role"
          data={ROLES}
          value={role}
          onChange={setRole}
          allowDeselect={false}
          error={fieldError(update.error, 'role')}
        />
      </ActionModal>
    </>
  );
}

function NewApiKey() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [role, setRole] = useState<string | null>('erp');
  const create = useMutation({
    mutationFn: () =>
      call(api.POST('/api/v1/api-keys', { body: { name, role: (role ?? 'viewer') as Role } })),
    onSuccess: () => {
      setName('');
      return client.invalidateQueries({ queryKey: ['/api/v1/api-keys'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit}>
      <Group align="flex-start">
        <TextInput
          label="Key name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(create.error, 'name')}
        />
        <Select
          label="Role"
          data={ROLES}
          value={role}
          onChange={setRole}
          allowDeselect={false}
          w={140}
        />
        <Button type="submit" mt={25} loading={create.isPending}>
          Create key
        </Button>
      </Group>
      {create.error && !fieldError(create.error, 'name') && <ProblemAlert error={create.error} />}
      {create.data && (
        <Alert mt="sm" color="teal" title={`Key ${create.data.name} created`} role="status">
          Copy it now; it is not shown again: <Code>{create.data.key}</Code>
        </Alert>
      )}
    </form>
  );
}

function RevokeKey({ apiKey }: { apiKey: Schemas['ApiKeyDto'] }) {
  const client = useQueryClient();
  const revoke = useMutation({
    mutationFn: () =>
      call(api.DELETE('/api/v1/api-keys/{id}', { params: { path: { id: apiKey.id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: ['/api/v1/api-keys'] }),
  });
  return (
    <Button
      size="compact-xs"
      variant="light"
      color="red"
      onClick={() => revoke.mutate()}
      loading={revoke.isPending}
      aria-label={`Revoke ${apiKey.name}`}
    >
      Revoke
    </Button>
  );
}

type EventType = Schemas['CreateWebhookDto']['events'][number];
const EVENT_TYPES: EventType[] = [
  '*',
  'customer.created',
  'customer.updated',
  'opportunity.converted',
  'purchase_order.created',
  'purchase_order.confirmed',
  'purchase_order.amended',
  'purchase_order.cancelled',
  'purchase_order.completed',
  'shipment.created',
  'shipment.reversed',
  'payment.received',
  'payment.reversed',
  'refund.paid',
  'capacity.updated',
];

function NewWebhook() {
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['*']);
  const [secret, setSecret] = useState('');
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/webhooks', {
          body: { url, secret, events: events as EventType[] },
        }),
      ),
    onSuccess: () => {
      setUrl('');
      setSecret('');
      return client.invalidateQueries({ queryKey: ['/api/v1/webhooks'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <form onSubmit={submit} aria-label="New webhook">
      <Group align="flex-start">
        <TextInput
          label="URL"
          required
          value={url}
          onChange={(e) => setUrl(e.currentTarget.value)}
          error={fieldError(create.error, 'url')}
          w={320}
        />
        <MultiSelect
          label="Events"
          data={EVENT_TYPES}
          value={events}
          onChange={setEvents}
          error={fieldError(create.error, 'events')}
          w={280}
        />
        <PasswordInput
          label="Signing secret"
          required
          value={secret}
          onChange={(e) => setSecret(e.currentTarget.value)}
          error={fieldError(create.error, 'secret')}
        />
        <Button type="submit" mt={25} loading={create.isPending}>
          Subscribe
        </Button>
      </Group>
      {create.error && !['url', 'events', 'secret'].some((f) => fieldError(create.error, f)) && (
        <ProblemAlert error={create.error} />
      )}
    </form>
  );
}

function Redeliver({ delivery }: { delivery: Schemas['WebhookDeliveryDto'] }) {
  const client = useQueryClient();
  const redeliver = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver', {
          params: { path: { id: delivery.webhookId, deliveryId: delivery.id } },
        }),
      ),
    onSuccess: () =>
      client.invalidateQueries({ queryKey: ['/api/v1/webhooks', delivery.webhookId] }),
  });
  return (
    <>
      <Button
        size="compact-xs"
        variant="light"
        onClick={() => redeliver.mutate()}
        loading={redeliver.isPending}
        aria-label={`Redeliver ${delivery.eventType}`}
      >
        Redeliver
      </Button>
      <ProblemAlert error={redeliver.error} />
    </>
  );
}

function Deliveries({ webhookId }: { webhookId: string }) {
  return (
    <PagedTable<Schemas['WebhookDeliveryDto']>
      label="Deliveries"
      queryKey={['/api/v1/webhooks', webhookId, 'deliveries']}
      fetchPage={(cursor) =>
        call(
          api.GET('/api/v1/webhooks/{id}/deliveries', {
            params: { path: { id: webhookId }, query: { cursor, limit: 20 } },
          }),
        )
      }
      rowKey={(d) => d.id}
      empty="No deliveries yet."
      columns={[
        { header: 'Event', cell: (d) => d.eventType },
        { header: 'Status', cell: (d) => <StatusBadge status={d.status} /> },
        { header: 'Attempts', cell: (d) => d.attempts, numeric: true },
        { header: 'Last answer', cell: (d) => d.lastStatusCode ?? d.lastError ?? '—' },
        { header: 'Delivered', cell: (d) => date(d.deliveredAt) },
        { header: 'Actions', cell: (d) => <Redeliver delivery={d} /> },
      ]}
    />
  );
}

export function AdminPage() {
  const [webhook, setWebhook] = useState<string | null>(null);
  return (
    <>
      <PageHeader title="Admin" description="People, API keys and webhooks" />
      <Tabs defaultValue="users" keepMounted={false}>
        <Tabs.List mb="md">
          <Tabs.Tab value="users">Users</Tabs.Tab>
          <Tabs.Tab value="api-keys">API keys</Tabs.Tab>
          <Tabs.Tab value="webhooks">Webhooks</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="users">
          <Stack>
            <NewUser />
            <PagedTable<Schemas['UserDto']>
              label="Users"
              queryKey={['/api/v1/users']}
              fetchPage={(cursor) =>
                call(api.GET('/api/v1/users', { params: { query: { cursor, limit: 50 } } }))
              }
              rowKey={(u) => u.id}
              empty="No users."
              columns={[
                { header: 'Name', cell: (u) => u.name },
                { header: 'Email', cell: (u) => u.email },
                { header: 'Role', cell: (u) => u.role },
                { header: 'Status', cell: (u) => <StatusBadge status={u.status} /> },
                { header: 'Password set', cell: (u) => (u.passwordSet ? 'yes' : 'no') },
                {
                  header: 'Actions',
                  cell: (u) => (
                    <Group gap="xs">
                      <EditUserAction user={u} />
                      <UserStatusButton user={u} />
                    </Group>
                  ),
                },
              ]}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="api-keys">
          <Stack>
            <NewApiKey />
            <PagedTable<Schemas['ApiKeyDto']>
              label="API keys"
              queryKey={['/api/v1/api-keys']}
              fetchPage={(cursor) =>
                call(api.GET('/api/v1/api-keys', { params: { query: { cursor, limit: 50 } } }))
              }
              rowKey={(k) => k.id}
              empty="No API keys."
              columns={[
                { header: 'Name', cell: (k) => k.name },
                { header: 'Role', cell: (k) => k.role },
                { header: 'Prefix', cell: (k) => <Code>{k.keyPrefix}</Code> },
                { header: 'Created', cell: (k) => date(k.createdAt) },
                { header: 'Revoked', cell: (k) => date(k.revokedAt) },
                { header: 'Actions', cell: (k) => (k.revokedAt ? null : <RevokeKey apiKey={k} />) },
              ]}
            />
          </Stack>
        </Tabs.Panel>
        <Tabs.Panel value="webhooks">
          <Stack>
            <NewWebhook />
            <PagedTable<Schemas['WebhookDto']>
              label="Webhooks"
              queryKey={['/api/v1/webhooks']}
              fetchPage={(cursor) =>
                call(api.GET('/api/v1/webhooks', { params: { query: { cursor, limit: 50 } } }))
              }
              rowKey={(w) => w.id}
              empty="No webhooks yet."
              columns={[
                { header: 'URL', cell: (w) => w.url },
                { header: 'Events', cell: (w) => w.events.join(', ') },
                { header: 'Active', cell: (w) => (w.active ? 'yes' : words(w.disabledReason)) },
                {
                  header: 'Deliveries',
                  cell: (w) => (
                    <Button size="compact-xs" variant="light" onClick={() => setWebhook(w.id)}>
                      Show deliveries
                    </Button>
                  ),
                },
              ]}
            />
            {webhook && (
              <>
                <Text fw={600}>Deliveries</Text>
                <Deliveries webhookId={webhook} />
              </>
            )}
          </Stack>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
