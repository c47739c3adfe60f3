import { Button, Group, Paper, Select, Stack, Table, Tabs, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { api, call, csvUrl } from '../api/client';
import { useSession } from '../api/session';
import { DateField } from '../common/date-field';
import { PageHeader } from '../common/page-header';
import { PageLoader } from '../common/page-loader';
import { ScrollRegion } from '../common/paged-table';
import { fieldError, ProblemAlert } from '../common/problem-alert';
import { addMonths, decimal, money, today, units } from '../format';

type Row = Record<string, unknown>;
type Params = Record<string, string | undefined>;

interface ReportDef {
  label: string;
  path: string;
  /** The controls it takes, beside `asOf`. */
  controls: ('groupBy' | 'period' | 'basis')[];
  groupBy?: string[];
  rows: (data: any) => Row[];
  totals?: (data: any) => Row | undefined;
}

const PERIOD_ROWS = (data: { periods: Row[] }) => data.periods;
const GROUP_ROWS = (data: { groups: Row[] }) => data.groups;
const TOTALS = (data: { totals?: Row }) => data.totals;

const REPORTS: Record<string, ReportDef> = {
  backlog: {
    label: 'Backlog',
    path: '/api/v1/reports/backlog',
    controls: ['groupBy'],
    groupBy: ['productModel', 'customer', 'segment', 'region', 'shipMonth', 'purchaseOrder'],
    rows: GROUP_ROWS,
    totals: TOTALS,
  },
  'revenue-forecast': {
    label: 'Revenue forecast',
    path: '/api/v1/reports/revenue-forecast',
    controls: ['period', 'basis'],
    rows: PERIOD_ROWS,
    totals: TOTALS,
  },
  'cash-forecast': {
    label: 'Cash forecast',
    path: '/api/v1/reports/cash-forecast',
    controls: ['period'],
    rows: PERIOD_ROWS,
    totals: TOTALS,
  },
  'contract-balances': {
    label: 'Contract balances',
    path: '/api/v1/reports/contract-balances',
    controls: ['groupBy'],
    groupBy: ['customer', 'purchaseOrder'],
    rows: GROUP_ROWS,
    totals: TOTALS,
  },
  'receivables-aging': {
    label: 'Receivables ageing',
    path: '/api/v1/reports/receivables-aging',
    controls: ['groupBy'],
    groupBy: ['customer', 'purchaseOrder'],
    rows: GROUP_ROWS,
    totals: TOTALS,
  },
  bookings: {
    label: 'Bookings',
    path: '/api/v1/reports/bookings',
    controls: ['period'],
    rows: PERIOD_ROWS,
    totals: TOTALS,
  },
  'contract-liability-rollforward': {
    label: 'Roll-forward',
    path: '/api/v1/reports/contract-liability-rollforward',
    controls: ['period'],
    rows: PERIOD_ROWS,
    totals: TOTALS,
  },
};

const MONEY = /^-?\d+\.\d{2}$/;
const HIDDEN = new Set(['groups', 'key']);
const HEADERS: Record<string, string> = {
  label: 'Group',
  notDue: 'Not due',
  days1to30: '1–30 days',
  days31to60: '31–60 days',
  days61to90: '61–90 days',
  over90: 'Over 90 days',
  hashrateEhs: 'EH/s',
  hashrateThs: 'TH/s',
  powerMw: 'MW',
};
/** A column's title: `openQuantity` → `Open quantity`, with a few named outright. */
const header = (key: string) =>
  HEADERS[key] ??
  key
    .replace(/([A-Z]+)/g, ' $1')
    .replace(/^./, (c) => c.toUpperCase())
    .replace(/ ([A-Z])(?=[a-z])/g, (_, c: string) => ` ${c.toLowerCase()}`);

function cell(key: string, value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string' && MONEY.test(value)) return money(value);
  if (typeof value === 'number') {
    if (/Ehs$/.test(key)) return decimal(value, 4);
    if (/Mw$|Ths$/.test(key)) return decimal(value, 2);
    return Number.isInteger(value) ? units(value) : decimal(value, 2);
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One report's rows (groups or periods) and its totals, as the API gave them. */
function ReportTable({ rows, totals, label }: { rows: Row[]; totals?: Row; label: string }) {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter(
    (k) => !HIDDEN.has(k) && typeof rows[0]?.[k] !== 'object',
  );
  if (rows.length === 0)
    return (
      <Text c="dimmed" p="md">
        Nothing to show for these choices.
      </Text>
    );
  return (
    <ScrollRegion label={label}>
      <Table striped highlightOnHover aria-label={label} verticalSpacing="xs" miw={700}>
        <Table.Thead>
          <Table.Tr>
            {keys.map((k) => (
              <Table.Th
                key={k}
                style={k === 'label' || k === 'period' ? undefined : { textAlign: 'right' }}
              >
                {header(k)}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((row, i) => (
            <Table.Tr key={String(row.key ?? row.period ?? i)}>
              {keys.map((k) => (
                <Table.Td
                  key={k}
                  style={
                    k === 'label' || k === 'period'
                      ? undefined
                      : { textAlign: 'right', fontVariantNumeric: 'tabular-nums' }
                  }
                >
                  {cell(k, row[k])}
                </Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
        {totals && (
          <Table.Tfoot>
            <Table.Tr fw={700}>
              {keys.map((k, i) => (
                <Table.Td key={k} style={i === 0 ? undefined : { textAlign: 'right' }}>
                  {i === 0 ? 'Total' : k in totals ? cell(k, totals[k]) : ''}
                </Table.Td>
              ))}
            </Table.Tr>
          </Table.Tfoot>
        )}
      </Table>
    </ScrollRegion>
  );
}

function Report({ name, def }: { name: string; def: ReportDef }) {
  const [params, setParams] = useSearchParams();
  const asOf = params.get('asOf') ?? today();
  const query: Params = { asOf };
  if (def.controls.includes('groupBy')) query.groupBy = params.get('groupBy') ?? def.groupBy?.[0];
  if (def.controls.includes('period')) {
    query.from = params.get('from') ?? addMonths(asOf, -3);
    query.to = params.get('to') ?? addMonths(asOf, 8);
    query.granularity = params.get('granularity') ?? 'month';
  }
  if (def.controls.includes('basis')) query.basis = params.get('basis') ?? 'contract';
  const set = (key: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next);
  };
  const report = useQuery({
    queryKey: [def.path, query],
    queryFn: () =>
      call(
        (
          api.GET as unknown as (
            path: string,
            init: object,
          ) => Promise<{ data?: unknown; error?: unknown; response: Response }>
        )(def.path, { params: { query } }),
      ),
  });
  return (
    <Stack>
      <Group align="flex-end" justify="space-between">
        <Group align="flex-end">
          <DateField label="As of" value={asOf} onChange={(v) => set('asOf', v)} />
          {def.groupBy && (
            <Select
              label="Group by"
              data={def.groupBy}
              value={query.groupBy ?? null}
              onChange={(v) => set('groupBy', v)}
              allowDeselect={false}
              w={180}
            />
          )}
          {def.controls.includes('period') && (
            <>
              <TextInput
                label="From month"
                value={query.from}
                onChange={(e) => set('from', e.currentTarget.value)}
                w={120}
              />
              <TextInput
                label="To month"
                value={query.to}
                onChange={(e) => set('to', e.currentTarget.value)}
                w={120}
              />
              <Select
                label="Granularity"
                data={['month', 'quarter']}
                value={query.granularity ?? null}
                onChange={(v) => set('granularity', v)}
                allowDeselect={false}
                w={130}
              />
            </>
          )}
          {def.controls.includes('basis') && (
            <Select
              label="Basis"
              data={['contract', 'plan']}
              value={query.basis ?? null}
              onChange={(v) => set('basis', v)}
              allowDeselect={false}
              w={130}
            />
          )}
        </Group>
        <Button
          component="a"
          href={csvUrl(def.path, query)}
          download={`${name}.csv`}
          variant="default"
        >
          Download CSV
        </Button>
      </Group>
      <Paper withBorder radius="md">
        {report.isPending && <PageLoader />}
        <ProblemAlert error={report.error} title="Could not run the report" />
        {report.data != null && (
          <ReportTable
            label={def.label}
            rows={def.rows(report.data)}
            totals={def.totals?.(report.data)}
          />
        )}
      </Paper>
    </Stack>
  );
}

function Snapshots() {
  const { can } = useSession();
  const client = useQueryClient();
  const [selected, setSelected] = useState<string | null>(null);
  const [name, setName] = useState('');
  const from = today().slice(0, 7);
  const to = addMonths(today(), 11);
  const list = useQuery({
    queryKey: ['/api/v1/reports/revenue-forecast/snapshots'],
    queryFn: () =>
      call(
        api.GET('/api/v1/reports/revenue-forecast/snapshots', {
          params: { query: { limit: 100 } },
        }),
      ),
  });
  const variance = useQuery({
    queryKey: ['/api/v1/reports/revenue-forecast/snapshots', selected, 'variance'],
    queryFn: () =>
      call(
        api.GET('/api/v1/reports/revenue-forecast/snapshots/{id}/variance', {
          params: { path: { id: selected ?? '' } },
        }),
      ),
    enabled: !!selected,
  });
  const take = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/reports/revenue-forecast/snapshots', {
          body: { name, from, to, granularity: 'month', basis: 'contract' },
        }),
      ),
    onSuccess: (snapshot) => {
      setName('');
      setSelected(snapshot.id);
      return client.invalidateQueries({ queryKey: ['/api/v1/reports/revenue-forecast/snapshots'] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    take.mutate();
  };
  return (
    <Stack>
      {can('snapshots.write') && (
        <form onSubmit={submit}>
          <Group align="flex-end">
            <TextInput
              label="Snapshot name"
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={fieldError(take.error, 'name')}
            />
            <Button type="submit" loading={take.isPending}>
              Freeze today&apos;s forecast ({from} to {to})
            </Button>
          </Group>
          {take.error && !fieldError(take.error, 'name') && <ProblemAlert error={take.error} />}
        </form>
      )}
      <Group align="flex-end" justify="space-between">
        <Select
          label="Snapshot"
          placeholder={list.data?.items.length ? 'Choose a snapshot' : 'No snapshots yet'}
          data={(list.data?.items ?? []).map((s) => ({
            value: s.id,
            label: `${s.name} (taken ${s.takenOn})`,
          }))}
          value={selected}
          onChange={setSelected}
          w={360}
        />
        {selected && (
          <Button
            component="a"
            variant="default"
            href={csvUrl(`/api/v1/reports/revenue-forecast/snapshots/${selected}/variance`, {})}
            download="snapshot-variance.csv"
          >
            Download CSV
          </Button>
        )}
      </Group>
      <Paper withBorder radius="md">
        <ProblemAlert error={variance.error} />
        {variance.data && (
          <ReportTable label="Variance" rows={(variance.data as { periods: Row[] }).periods} />
        )}
        {!selected && (
          <Text c="dimmed" p="md">
            Choose a snapshot to compare it with what happened since.
          </Text>
        )}
      </Paper>
    </Stack>
  );
}

export function ReportsPage() {
  const { report = 'backlog' } = useParams();
  const navigate = useNavigate();
  return (
    <>
      <PageHeader title="Reports" description="As of any date; every report also as CSV" />
      <Tabs
        value={report}
        onChange={(value) => value && void navigate(`/reports/${value}`)}
        keepMounted={false}
      >
        <Tabs.List mb="md">
          {Object.entries(REPORTS).map(([key, def]) => (
            <Tabs.Tab key={key} value={key}>
              {def.label}
            </Tabs.Tab>
          ))}
          <Tabs.Tab value="snapshots">Snapshots</Tabs.Tab>
        </Tabs.List>
        {Object.entries(REPORTS).map(([key, def]) => (
          <Tabs.Panel key={key} value={key}>
            <Report name={key} def={def} />
          </Tabs.Panel>
        ))}
        <Tabs.Panel value="snapshots">
          <Snapshots />
        </Tabs.Panel>
      </Tabs>
    </>
  );
}
