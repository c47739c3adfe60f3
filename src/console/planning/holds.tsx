import { Button, Select, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { ActionModal } from '../common/action-modal';
import { DateField } from '../common/date-field';
import { byId, useCustomers, useProductModels } from '../common/lookups';
import { PagedTable } from '../common/paged-table';
import { fieldError } from '../common/problem-alert';
import { date, today, units } from '../format';
import { useInvalidateBook } from '../orders/order-actions';

type PlanHold = Schemas['PlanHoldDto'];
type Hold = Schemas['HoldDto'];

/** Two weeks from today: how long a quote is usually held. */
function twoWeeksAhead(): string {
  const day = new Date(`${today()}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 14);
  return day.toISOString().slice(0, 10);
}

/** "Hold these units": holds the capacity an availability answer found, for a customer's quote. */
export function HoldFromAnswer({
  answer,
  sku,
  onHeld,
}: {
  answer: Schemas['AvailabilityDto'];
  sku: string;
  onHeld: (hold: Hold) => void;
}) {
  const { can } = useSession();
  const [opened, { open, close }] = useDisclosure();
  const customers = useCustomers();
  const refresh = useInvalidateBook();
  const [customerId, setCustomerId] = useState<string | null>(null);
  const [expiresOn, setExpiresOn] = useState<string | null>(twoWeeksAhead());
  const [note, setNote] = useState('');
  const create = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/holds', {
          body: {
            productModelId: answer.productModelId,
            quantity: answer.quantity,
            customerId: customerId ?? '',
            expiresOn: expiresOn ?? '',
            ...(note.trim() ? { note: note.trim() } : {}),
          },
        }),
      ),
    onSuccess: async (hold) => {
      onHeld(hold);
      await refresh();
    },
  });
  if (!can('holds.write') || answer.shortfallUnits > 0) return null;
  return (
    <>
      <Button variant="light" onClick={open} mt="xs" w="fit-content">
        Hold these units
      </Button>
      <ActionModal
        title={`Hold ${units(answer.quantity)} ${sku} for a quote`}
        opened={opened}
        onClose={close}
        mutation={create}
        submitLabel="Hold units"
      >
        <Text size="sm">
          The plan keeps these units for the customer, after every firm order, until the end of the
          expiry date; availability answers from what is left.
        </Text>
        <Select
          label="Customer"
          required
          searchable
          data={(customers.data ?? []).map((c) => ({ value: c.id, label: c.name }))}
          value={customerId}
          onChange={setCustomerId}
          error={fieldError(create.error, 'customerId')}
        />
        <DateField
          label="Expires on"
          required
          value={expiresOn}
          onChange={setExpiresOn}
          error={fieldError(create.error, 'expiresOn')}
        />
        <TextInput
          label="Note"
          placeholder="Quote reference"
          maxLength={500}
          value={note}
          onChange={(event) => setNote(event.currentTarget.value)}
          error={fieldError(create.error, 'note')}
        />
      </ActionModal>
    </>
  );
}

function ReleaseHold({ hold, sku }: { hold: PlanHold; sku: string }) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const release = useMutation({
    mutationFn: () =>
      call(api.DELETE('/api/v1/holds/{id}', { params: { path: { id: hold.holdId } } })),
    onSuccess: refresh,
  });
  const what = `${units(hold.quantity)} ${sku} for ${hold.customerName}`;
  return (
    <>
      <Button size="compact-sm" variant="default" onClick={open} aria-label={`Release ${what}`}>
        Release
      </Button>
      <ActionModal
        title="Release hold"
        opened={opened}
        onClose={close}
        mutation={release}
        submitLabel="Release"
        color="red"
      >
        <Text>The hold of {what} is released: its units are available again at once.</Text>
      </ActionModal>
    </>
  );
}

/** The active holds, oldest first, with the months their units are built in after firm orders. */
export function PlanHoldsTable() {
  const { can } = useSession();
  const modelById = byId(useProductModels().data);
  const sku = (id: string) => modelById.get(id)?.sku ?? '…';
  return (
    <PagedTable<PlanHold>
      label="Capacity holds"
      queryKey={['/api/v1/delivery-plan/holds']}
      fetchPage={(cursor) =>
        call(api.GET('/api/v1/delivery-plan/holds', { params: { query: { cursor, limit: 20 } } }))
      }
      rowKey={(h) => h.holdId}
      empty="No capacity is held for quotes."
      columns={[
        { header: 'Customer', cell: (h) => h.customerName },
        { header: 'Model', cell: (h) => sku(h.productModelId) },
        { header: 'Held', cell: (h) => units(h.quantity), numeric: true },
        { header: 'Expires', cell: (h) => date(h.expiresOn) },
        {
          header: 'Built in',
          cell: (h) =>
            h.plannedUnits.map((m) => `${m.month}: ${units(m.units)}`).join(' · ') || '—',
        },
        { header: 'Unscheduled', cell: (h) => units(h.unscheduledUnits), numeric: true },
        ...(can('holds.write')
          ? [
              {
                header: 'Action',
                cell: (h: PlanHold) => <ReleaseHold hold={h} sku={sku(h.productModelId)} />,
              },
            ]
          : []),
      ]}
    />
  );
}
