import {
  Anchor,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Select,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { ActionModal } from '../common/action-modal';
import { DateField } from '../common/date-field';
import { Figure } from '../common/figure';
import { byId, useProductModels } from '../common/lookups';
import { PageLoader } from '../common/page-loader';
import { PagedTable } from '../common/paged-table';
import { fieldError, ProblemAlert } from '../common/problem-alert';
import { date, money, units, words } from '../format';
import { StatusBadge } from '../orders/status-badge';

type Activity = Schemas['ActivityDto'];

function Section({
  title,
  action,
  children,
}: {
  title: string;
  action?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <Stack gap="xs">
      <Group justify="space-between">
        <Title order={2} fz="lg">
          {title}
        </Title>
        {action}
      </Group>
      {children}
    </Stack>
  );
}

function AddActivity({ customerId }: { customerId: string }) {
  const client = useQueryClient();
  const [type, setType] = useState<string | null>('note');
  const [subject, setSubject] = useState('');
  const [dueOn, setDueOn] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/customers/{id}/activities', {
          params: { path: { id: customerId } },
          body: {
            type: (type ?? 'note') as Activity['type'],
            subject,
            ...(type === 'task' && dueOn ? { dueOn } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setSubject('');
      return client.invalidateQueries({ queryKey: ['/api/v1/customers', customerId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <Paper withBorder p="sm" radius="md">
      <form onSubmit={submit}>
        <Group align="flex-end">
          <Select
            label="Type"
            data={[
              { value: 'note', label: 'Note' },
              { value: 'task', label: 'Task' },
              { value: 'call', label: 'Call' },
              { value: 'meeting', label: 'Meeting' },
              { value: 'email', label: 'Email' },
            ]}
            value={type}
            onChange={setType}
            allowDeselect={false}
            w={120}
          />
          <TextInput
            label="Subject"
            required
            value={subject}
            onChange={(e) => setSubject(e.currentTarget.value)}
            error={fieldError(add.error, 'subject')}
            style={{ flex: 1 }}
          />
          {type === 'task' && <DateField label="Due on" value={dueOn} onChange={setDueOn} />}
          <Button type="submit" loading={add.isPending}>
            Add
          </Button>
        </Group>
        {add.error && !fieldError(add.error, 'subject') && <ProblemAlert error={add.error} />}
      </form>
    </Paper>
  );
}

function AddContactAction({ customerId }: { customerId: string }) {
  const [opened, { open, close }] = useDisclosure();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [title, setTitle] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [isPrimary, setIsPrimary] = useState(false);
  const add = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/customers/{id}/contacts', {
          params: { path: { id: customerId } },
          body: {
            name,
            ...(title ? { title } : {}),
            ...(email ? { email } : {}),
            ...(phone ? { phone } : {}),
            isPrimary,
          },
        }),
      ),
    onSuccess: () => {
      setName('');
      setTitle('');
      setEmail('');
      setPhone('');
      setIsPrimary(false);
      return client.invalidateQueries({ queryKey: ['/api/v1/customers', customerId] });
    },
  });
  return (
    <>
      <Button size="compact-sm" variant="light" onClick={open}>
        Add contact
      </Button>
      <ActionModal
        title="Add a contact"
        opened={opened}
        onClose={close}
        mutation={add}
        submitLabel="Add contact"
      >
        <TextInput
          label="Name"
          required
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          error={fieldError(add.error, 'name')}
        />
        <TextInput
          label="Title"
          value={title}
          onChange={(e) => setTitle(e.currentTarget.value)}
          error={fieldError(add.error, 'title')}
        />
        <Group grow align="flex-start">
          <TextInput
            label="Email"
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            error={fieldError(add.error, 'email')}
          />
          <TextInput
            label="Phone"
            value={phone}
            onChange={(e) => setPhone(e.currentTarget.value)}
            error={fieldError(add.error, 'phone')}
          />
        </Group>
        <Checkbox
          label="Primary contact"
          checked={isPrimary}
          onChange={(e) => setIsPrimary(e.currentTarget.checked)}
        />
      </ActionModal>
    </>
  );
}

type Stage = Schemas['OpportunityDto']['stage'];
const STAGES: Stage[] = ['lead', 'qualified', 'proposal', 'negotiation', 'won', 'lost'];

function NewOpportunityAction({ customerId }: { customerId: string }) {
  const [opened, { open, close }] = useDisclosure();
  const client = useQueryClient();
  const models = useProductModels().data ?? [];
  const [modelId, setModelId] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | string>('');
  const [unitPrice, setUnitPrice] = useState('');
  const [stage, setStage] = useState<string | null>('lead');
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/opportunities', {
          body: {
            customerId,
            productModelId: modelId ?? '',
            quantity: Number(quantity),
            stage: (stage ?? 'lead') as Stage,
            ...(unitPrice ? { unitPrice } : {}),
          },
        }),
      ),
    onSuccess: () => {
      setQuantity('');
      setUnitPrice('');
      return client.invalidateQueries({ queryKey: ['/api/v1/customers', customerId] });
    },
  });
  return (
    <>
      <Button size="compact-sm" variant="light" onClick={open}>
        New opportunity
      </Button>
      <ActionModal
        title="New opportunity"
        opened={opened}
        onClose={close}
        mutation={create}
        submitLabel="Create opportunity"
      >
        <Select
          label="Model"
          required
          searchable
          data={models
            .filter((m) => m.status !== 'end_of_life')
            .map((m) => ({ value: m.id, label: `${m.sku} — ${m.name}` }))}
          value={modelId}
          onChange={setModelId}
          error={fieldError(create.error, 'productModelId')}
        />
        <Group grow align="flex-start">
          <NumberInput
            label="Quantity"
            description="Units"
            required
            min={1}
            allowDecimal={false}
            value={quantity}
            onChange={setQuantity}
            error={fieldError(create.error, 'quantity')}
          />
          <TextInput
            label="Unit price"
            description="US dollars; the model's list price when empty"
            value={unitPrice}
            onChange={(e) => setUnitPrice(e.currentTarget.value)}
            error={fieldError(create.error, 'unitPrice')}
          />
          <Select
            label="Stage"
            data={STAGES}
            value={stage}
            onChange={setStage}
            allowDeselect={false}
          />
        </Group>
      </ActionModal>
    </>
  );
}

function CompleteTask({ activity }: { activity: Activity }) {
  const client = useQueryClient();
  const complete = useMutation({
    mutationFn: () =>
      call(
        api.PATCH('/api/v1/activities/{id}', {
          params: { path: { id: activity.id }, header: { 'if-match': `"${activity.version}"` } },
          body: { completedAt: new Date().toISOString() },
        }),
      ),
    onSuccess: () =>
      client.invalidateQueries({ queryKey: ['/api/v1/customers', activity.customerId] }),
  });
  return (
    <Button
      size="compact-xs"
      variant="light"
      onClick={() => complete.mutate()}
      loading={complete.isPending}
    >
      Complete
    </Button>
  );
}

export function CustomerPage() {
  const { id = '' } = useParams();
  const { can } = useSession();
  const models = byId(useProductModels().data);
  const customer = useQuery({
    queryKey: ['/api/v1/customers', id],
    queryFn: () => call(api.GET('/api/v1/customers/{id}', { params: { path: { id } } })),
  });
  const summary = useQuery({
    queryKey: ['/api/v1/customers', id, 'summary'],
    queryFn: () => call(api.GET('/api/v1/customers/{id}/summary', { params: { path: { id } } })),
  });
  if (customer.isPending) return <PageLoader />;
  if (customer.isError) return <ProblemAlert error={customer.error} title="Could not load" />;
  const c = customer.data;
  const s = summary.data;
  return (
    <Stack gap="lg">
      <Group gap="sm">
        <Title order={1} fz={26}>
          {c.name}
        </Title>
        <StatusBadge status={c.status} />
      </Group>
      <Text c="dimmed" mt={-12}>
        {words(c.segment)} · {c.country} ({c.region}) · owner {c.accountOwner ?? '—'} · terms{' '}
        {c.defaultPaymentTermsCode ?? '—'}
      </Text>
      <SimpleGrid cols={{ base: 2, md: 4 }}>
        <Figure label="Backlog units" value={units(s?.backlogUnits)} loading={!s} />
        <Figure label="Backlog value" value={money(s?.backlogValue)} loading={!s} />
        <Figure label="Contract liability" value={money(s?.contractLiability)} loading={!s} />
        <Figure label="Receivable" value={money(s?.receivable)} loading={!s} />
        <Figure label="Open orders" value={units(s?.openOrders)} loading={!s} />
        <Figure label="Recognised revenue" value={money(s?.recognizedRevenue)} loading={!s} />
        <Figure label="Cash received" value={money(s?.cashReceived)} loading={!s} />
        <Figure label="Weighted pipeline" value={money(s?.weightedPipelineValue)} loading={!s} />
      </SimpleGrid>
      <Section title="Orders">
        <PagedTable<Schemas['PurchaseOrderDto']>
          label="Orders of the customer"
          queryKey={['/api/v1/customers', id, 'orders']}
          fetchPage={(cursor) =>
            call(
              api.GET('/api/v1/purchase-orders', {
                params: { query: { customerId: id, cursor, limit: 20 } },
              }),
            )
          }
          rowKey={(o) => o.id}
          empty="No orders."
          columns={[
            {
              header: 'Number',
              cell: (o) => (
                <Anchor component={Link} to={`/orders/${o.id}`}>
                  {o.number}
                </Anchor>
              ),
            },
            { header: 'Signed on', cell: (o) => date(o.signedOn) },
            { header: 'Status', cell: (o) => <StatusBadge status={o.status} /> },
            { header: 'Open units', cell: (o) => units(o.totals.openQuantity), numeric: true },
            { header: 'Value', cell: (o) => money(o.totals.value), numeric: true },
          ]}
        />
      </Section>
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <Section title="Contacts" action={can('crm.write') && <AddContactAction customerId={id} />}>
          <PagedTable<Schemas['ContactDto']>
            label="Contacts"
            queryKey={['/api/v1/customers', id, 'contacts']}
            fetchPage={(cursor) =>
              call(
                api.GET('/api/v1/customers/{id}/contacts', {
                  params: { path: { id }, query: { cursor, limit: 20 } },
                }),
              )
            }
            rowKey={(x) => x.id}
            empty="No contacts."
            columns={[
              { header: 'Name', cell: (x) => `${x.name}${x.isPrimary ? ' (primary)' : ''}` },
              { header: 'Title', cell: (x) => x.title ?? '—' },
              { header: 'Email', cell: (x) => x.email ?? '—' },
              { header: 'Phone', cell: (x) => x.phone ?? '—' },
            ]}
          />
        </Section>
        <Section
          title="Opportunities"
          action={can('opportunities.write') && <NewOpportunityAction customerId={id} />}
        >
          <PagedTable<Schemas['OpportunityDto']>
            label="Opportunities of the customer"
            queryKey={['/api/v1/customers', id, 'opportunities']}
            fetchPage={(cursor) =>
              call(
                api.GET('/api/v1/opportunities', {
                  params: { query: { customerId: id, cursor, limit: 20 } },
                }),
              )
            }
            rowKey={(x) => x.id}
            empty="No opportunities."
            columns={[
              { header: 'Model', cell: (x) => models.get(x.productModelId)?.sku ?? '…' },
              { header: 'Stage', cell: (x) => <StatusBadge status={x.stage} /> },
              { header: 'Units', cell: (x) => units(x.quantity), numeric: true },
              { header: 'Unit price', cell: (x) => money(x.unitPrice), numeric: true },
              { header: 'Probability', cell: (x) => `${x.probability}%`, numeric: true },
            ]}
          />
        </Section>
      </SimpleGrid>
      <Section title="Activities">
        {can('crm.write') && <AddActivity customerId={id} />}
        <PagedTable<Activity>
          label="Activities"
          queryKey={['/api/v1/customers', id, 'activities']}
          fetchPage={(cursor) =>
            call(
              api.GET('/api/v1/customers/{id}/activities', {
                params: { path: { id }, query: { cursor, limit: 20 } },
              }),
            )
          }
          rowKey={(x) => x.id}
          empty="No activities."
          columns={[
            { header: 'Type', cell: (x) => words(x.type) },
            { header: 'Subject', cell: (x) => x.subject },
            { header: 'On', cell: (x) => date(x.occurredAt) },
            { header: 'Due on', cell: (x) => date(x.dueOn) },
            {
              header: 'Done',
              cell: (x) =>
                x.type !== 'task' ? (
                  '—'
                ) : x.completedAt ? (
                  date(x.completedAt)
                ) : can('crm.write') ? (
                  <CompleteTask activity={x} />
                ) : (
                  'open'
                ),
            },
          ]}
        />
      </Section>
    </Stack>
  );
}
