import { Button, Group, NumberInput, Select, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { useSession } from '../api/session';
import { ActionModal } from '../common/action-modal';
import { DateField } from '../common/date-field';
import { fieldError } from '../common/problem-alert';
import { decimal, today, units } from '../format';

type Order = Schemas['PurchaseOrderDto'];
type Change = Schemas['CreateAmendmentDto']['changes'][number];

/** After a change, everything derived from the book is read again. */
export function useInvalidateBook() {
  const client = useQueryClient();
  return () => client.invalidateQueries();
}

const ifMatch = (order: Order) => ({ 'if-match': `"${order.version}"` });

function trancheChoices(order: Order, sku: (id: string) => string, openOnly = false) {
  return order.lines.flatMap((line) =>
    line.tranches
      .filter((t) => !openOnly || t.openQuantity > 0)
      .map((t) => ({
        value: t.id,
        label: `#${t.sequence} ${sku(line.productModelId)} — ships ${t.shipDate}, ${units(t.openQuantity)} open`,
      })),
  );
}

function ConfirmAction({ order }: { order: Order }) {
  const refresh = useInvalidateBook();
  const confirm = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/purchase-orders/{id}/confirm', { params: { path: { id: order.id } } }),
      ),
    onSuccess: refresh,
  });
  return (
    <Button onClick={() => confirm.mutate()} loading={confirm.isPending}>
      Confirm
    </Button>
  );
}

function DeleteDraftAction({ order }: { order: Order }) {
  const [opened, { open, close }] = useDisclosure();
  const navigate = useNavigate();
  const refresh = useInvalidateBook();
  const remove = useMutation({
    mutationFn: () =>
      call(api.DELETE('/api/v1/purchase-orders/{id}', { params: { path: { id: order.id } } })),
    onSuccess: async () => {
      await refresh();
      void navigate('/orders');
    },
  });
  return (
    <>
      <Button variant="default" color="red" onClick={open}>
        Delete draft
      </Button>
      <ActionModal
        title={`Delete draft ${order.number}`}
        opened={opened}
        onClose={close}
        mutation={remove}
        submitLabel="Delete draft"
        color="red"
      >
        <Text>The draft is deleted; an opportunity converted into it can be converted again.</Text>
      </ActionModal>
    </>
  );
}

function PaymentAction({ order }: { order: Order }) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const [amount, setAmount] = useState('');
  const [receivedOn, setReceivedOn] = useState<string | null>(today());
  const [reference, setReference] = useState('');
  const pay = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/purchase-orders/{id}/payments', {
          params: { path: { id: order.id } },
          body: { amount, receivedOn: receivedOn ?? '', ...(reference ? { reference } : {}) },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <>
      <Button onClick={open}>Record payment</Button>
      <ActionModal
        title={`Record a payment on ${order.number}`}
        opened={opened}
        onClose={close}
        mutation={pay}
        submitLabel="Record payment"
      >
        <TextInput
          label="Amount"
          description="US dollars, e.g. 2142000.00"
          required
          value={amount}
          onChange={(e) => setAmount(e.currentTarget.value)}
          error={fieldError(pay.error, 'amount')}
        />
        <DateField
          label="Received on"
          value={receivedOn}
          onChange={setReceivedOn}
          required
          maxDate={today()}
          error={fieldError(pay.error, 'receivedOn')}
        />
        <TextInput
          label="Reference"
          value={reference}
          onChange={(e) => setReference(e.currentTarget.value)}
        />
      </ActionModal>
    </>
  );
}

function ShipmentAction({ order, sku }: { order: Order; sku: (id: string) => string }) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const [shippedOn, setShippedOn] = useState<string | null>(today());
  const [reference, setReference] = useState('');
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [delivered, setDelivered] = useState<Record<string, number>>({});
  const open_ = order.lines.flatMap((line) =>
    line.tranches.filter((t) => t.openQuantity > 0).map((t) => ({ line, tranche: t })),
  );
  const perThs = order.lines.some((line) => line.pricePerThs !== null);
  const ship = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/purchase-orders/{id}/shipments', {
          params: { path: { id: order.id } },
          body: {
            shippedOn: shippedOn ?? '',
            ...(reference ? { reference } : {}),
            items: Object.entries(quantities)
              .filter(([, quantity]) => quantity > 0)
              .map(([trancheId, quantity]) => ({
                trancheId,
                quantity,
                ...(delivered[trancheId] > 0 ? { deliveredThs: delivered[trancheId] } : {}),
              })),
          },
        }),
      ),
    onSuccess: () => {
      setQuantities({});
      setDelivered({});
      return refresh();
    },
  });
  return (
    <>
      <Button onClick={open}>Record shipment</Button>
      <ActionModal
        title={`Record a shipment on ${order.number}`}
        opened={opened}
        onClose={close}
        mutation={ship}
        submitLabel="Record shipment"
      >
        <Group grow>
          <DateField
            label="Shipped on"
            value={shippedOn}
            onChange={setShippedOn}
            required
            maxDate={today()}
            error={fieldError(ship.error, 'shippedOn')}
          />
          <TextInput
            label="Reference"
            value={reference}
            onChange={(e) => setReference(e.currentTarget.value)}
          />
        </Group>
        <Table aria-label="Units to ship">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Tranche</Table.Th>
              <Table.Th>Ship date</Table.Th>
              <Table.Th>Open</Table.Th>
              <Table.Th>Units to ship</Table.Th>
              {perThs && <Table.Th>Delivered TH/s</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {open_.map(({ line, tranche }) => (
              <Table.Tr key={tranche.id}>
                <Table.Td>
                  #{tranche.sequence} {sku(line.productModelId)}
                </Table.Td>
                <Table.Td>{tranche.shipDate}</Table.Td>
                <Table.Td>{units(tranche.openQuantity)}</Table.Td>
                <Table.Td>
                  <NumberInput
                    aria-label={`Units to ship from tranche ${tranche.sequence}`}
                    min={0}
                    max={tranche.openQuantity}
                    allowDecimal={false}
                    value={quantities[tranche.id] ?? ''}
                    onChange={(v) => setQuantities((q) => ({ ...q, [tranche.id]: Number(v) || 0 }))}
                    w={120}
                  />
                </Table.Td>
                {perThs && (
                  <Table.Td>
                    {line.pricePerThs !== null ? (
                      <NumberInput
                        aria-label={`Delivered TH/s of tranche ${tranche.sequence}`}
                        description={`nominal ${decimal((quantities[tranche.id] ?? 0) * (line.unitHashrateThs ?? 0), 2)}`}
                        min={0}
                        decimalScale={2}
                        value={delivered[tranche.id] ?? ''}
                        onChange={(v) =>
                          setDelivered((d) => ({ ...d, [tranche.id]: Number(v) || 0 }))
                        }
                        w={150}
                      />
                    ) : (
                      '—'
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ActionModal>
    </>
  );
}

const CHANGE_KINDS = [
  { value: 'reschedule', label: 'Reschedule a tranche' },
  { value: 'quantity', label: 'Change units in force' },
  { value: 'price', label: 'Change the price of open units' },
  { value: 'cancel', label: 'Cancel open units' },
  { value: 'add', label: 'Add a tranche' },
];

function AmendAction({ order, sku }: { order: Order; sku: (id: string) => string }) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const [kind, setKind] = useState<string | null>('reschedule');
  const [trancheId, setTrancheId] = useState<string | null>(null);
  const [lineId, setLineId] = useState<string | null>(order.lines[0]?.id ?? null);
  const [shipDate, setShipDate] = useState<string | null>(null);
  const [quantity, setQuantity] = useState<number | string>('');
  const [unitPrice, setUnitPrice] = useState('');
  const [effectiveOn, setEffectiveOn] = useState<string | null>(today());
  const [reason, setReason] = useState('');
  const change = (): Change => {
    const tranche = trancheId ?? '';
    switch (kind) {
      case 'quantity':
        return { trancheId: tranche, quantity: Number(quantity) };
      case 'price':
        return { trancheId: tranche, unitPrice };
      case 'cancel':
        return { trancheId: tranche, cancel: true };
      case 'add':
        return {
          lineId: lineId ?? '',
          shipDate: shipDate ?? '',
          quantity: Number(quantity),
          ...(unitPrice ? { unitPrice } : {}),
        };
      default:
        return { trancheId: tranche, shipDate: shipDate ?? '' };
    }
  };
  const amend = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/purchase-orders/{id}/amendments', {
          params: { path: { id: order.id }, header: ifMatch(order) },
          body: { effectiveOn: effectiveOn ?? '', reason, changes: [change()] },
        }),
      ),
    onSuccess: refresh,
  });
  const err = (field: string) => fieldError(amend.error, `changes.0.${field}`);
  return (
    <>
      <Button variant="default" onClick={open}>
        Amend
      </Button>
      <ActionModal
        title={`Amend ${order.number}`}
        opened={opened}
        onClose={close}
        mutation={amend}
        submitLabel="Amend"
      >
        <Select
          label="Change"
          data={CHANGE_KINDS}
          value={kind}
          onChange={setKind}
          allowDeselect={false}
        />
        {kind === 'add' ? (
          <Select
            label="Line"
            data={order.lines.map((l, i) => ({
              value: l.id,
              label: `Line ${i + 1}: ${sku(l.productModelId)}`,
            }))}
            value={lineId}
            onChange={setLineId}
            allowDeselect={false}
          />
        ) : (
          <Select
            label="Tranche"
            data={trancheChoices(order, sku, kind !== 'reschedule' && kind !== 'quantity')}
            value={trancheId}
            onChange={setTrancheId}
            required
            error={err('trancheId')}
          />
        )}
        {(kind === 'reschedule' || kind === 'add') && (
          <DateField
            label="Ship date"
            value={shipDate}
            onChange={setShipDate}
            required
            error={err('shipDate')}
          />
        )}
        {(kind === 'quantity' || kind === 'add') && (
          <NumberInput
            label={kind === 'add' ? 'Quantity' : 'Units in force (shipped + open)'}
            min={0}
            allowDecimal={false}
            value={quantity}
            onChange={setQuantity}
            required
            error={err('quantity')}
          />
        )}
        {(kind === 'price' || kind === 'add') && (
          <TextInput
            label="Unit price"
            description="US dollars, e.g. 3060.00"
            required={kind === 'price'}
            value={unitPrice}
            onChange={(e) => setUnitPrice(e.currentTarget.value)}
            error={err('unitPrice')}
          />
        )}
        <DateField
          label="Effective on"
          value={effectiveOn}
          onChange={setEffectiveOn}
          required
          maxDate={today()}
          error={fieldError(amend.error, 'effectiveOn')}
        />
        <TextInput
          label="Reason"
          required
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldError(amend.error, 'reason')}
        />
      </ActionModal>
    </>
  );
}

function CancelOrderAction({ order }: { order: Order }) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const [effectiveOn, setEffectiveOn] = useState<string | null>(today());
  const [reason, setReason] = useState('');
  const cancel = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/purchase-orders/{id}/cancel', {
          params: { path: { id: order.id }, header: ifMatch(order) },
          body: { effectiveOn: effectiveOn ?? '', reason },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <>
      <Button variant="default" color="red" onClick={open}>
        Cancel order
      </Button>
      <ActionModal
        title={`Cancel every open unit of ${order.number}`}
        opened={opened}
        onClose={close}
        mutation={cancel}
        submitLabel="Cancel order"
        color="red"
      >
        <DateField
          label="Effective on"
          value={effectiveOn}
          onChange={setEffectiveOn}
          required
          maxDate={today()}
          error={fieldError(cancel.error, 'effectiveOn')}
        />
        <TextInput
          label="Reason"
          required
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldError(cancel.error, 'reason')}
        />
      </ActionModal>
    </>
  );
}

function RefundAction({ order }: { order: Order }) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const [amount, setAmount] = useState('');
  const [paidOn, setPaidOn] = useState<string | null>(today());
  const refund = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/purchase-orders/{id}/refunds', {
          params: { path: { id: order.id } },
          body: { amount, paidOn: paidOn ?? '' },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <>
      <Button variant="default" onClick={open}>
        Refund credit
      </Button>
      <ActionModal
        title={`Refund unapplied credit on ${order.number}`}
        opened={opened}
        onClose={close}
        mutation={refund}
        submitLabel="Refund"
      >
        <TextInput
          label="Amount"
          required
          value={amount}
          onChange={(e) => setAmount(e.currentTarget.value)}
          error={fieldError(refund.error, 'amount')}
        />
        <DateField label="Paid on" value={paidOn} onChange={setPaidOn} required maxDate={today()} />
      </ActionModal>
    </>
  );
}

/** A reversal of a payment or a shipment: a date and a reason. */
export function ReverseAction({
  label,
  what,
  reverse,
}: {
  label: string;
  what: string;
  reverse: (body: { reversedOn: string; reason: string }) => Promise<unknown>;
}) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const [reversedOn, setReversedOn] = useState<string | null>(today());
  const [reason, setReason] = useState('');
  const mutation = useMutation({
    mutationFn: () => reverse({ reversedOn: reversedOn ?? '', reason }),
    onSuccess: refresh,
  });
  return (
    <>
      <Button
        size="compact-xs"
        variant="light"
        color="red"
        onClick={open}
        aria-label={`${label} ${what}`}
      >
        {label}
      </Button>
      <ActionModal
        title={`${label} ${what}`}
        opened={opened}
        onClose={close}
        mutation={mutation}
        submitLabel={label}
        color="red"
      >
        <DateField
          label="Reversed on"
          value={reversedOn}
          onChange={setReversedOn}
          required
          maxDate={today()}
          error={fieldError(mutation.error, 'reversedOn')}
        />
        <TextInput
          label="Reason"
          required
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={fieldError(mutation.error, 'reason')}
        />
      </ActionModal>
    </>
  );
}

/** The actions the person's role allows on the order in its status. */
export function OrderActions({ order, sku }: { order: Order; sku: (id: string) => string }) {
  const { can } = useSession();
  const draft = order.status === 'draft';
  const confirmed = order.status === 'confirmed';
  return (
    <Group gap="xs">
      {can('orders.write') && draft && <ConfirmAction order={order} />}
      {can('orders.write') && draft && <DeleteDraftAction order={order} />}
      {can('payments.write') && !draft && <PaymentAction order={order} />}
      {can('refunds.write') && !draft && <RefundAction order={order} />}
      {can('shipments.write') && confirmed && <ShipmentAction order={order} sku={sku} />}
      {can('orders.write') && confirmed && <AmendAction order={order} sku={sku} />}
      {can('orders.write') && confirmed && <CancelOrderAction order={order} />}
    </Group>
  );
}

/** Exercises option units of one tranche: they become firm units from the date given. */
export function ExerciseAction({
  order,
  tranche,
  label,
}: {
  order: Order;
  tranche: Schemas['TrancheDto'];
  label: string;
}) {
  const [opened, { open, close }] = useDisclosure();
  const refresh = useInvalidateBook();
  const [exercisedOn, setExercisedOn] = useState<string | null>(today());
  const [quantity, setQuantity] = useState<number | string>(tranche.optionQuantity);
  const exercise = useMutation({
    mutationFn: () =>
      call(
        api.POST('/api/v1/purchase-orders/{id}/tranches/{trancheId}/exercise', {
          params: { path: { id: order.id, trancheId: tranche.id } },
          body: { exercisedOn: exercisedOn ?? '', quantity: Number(quantity) },
        }),
      ),
    onSuccess: refresh,
  });
  return (
    <>
      <Button size="compact-xs" variant="light" onClick={open} aria-label={`Exercise ${label}`}>
        Exercise
      </Button>
      <ActionModal
        title={`Exercise options of ${label}`}
        opened={opened}
        onClose={close}
        mutation={exercise}
        submitLabel="Exercise"
      >
        <Text size="sm">
          {units(tranche.optionQuantity)} option units may be exercised until{' '}
          {tranche.optionExerciseBy}. Exercised units are billed as added units: their own deposit
          and milestones.
        </Text>
        <DateField
          label="Exercised on"
          value={exercisedOn}
          onChange={setExercisedOn}
          required
          maxDate={today()}
          error={fieldError(exercise.error, 'exercisedOn')}
        />
        <NumberInput
          label="Units"
          required
          min={1}
          allowDecimal={false}
          value={quantity}
          onChange={setQuantity}
          error={fieldError(exercise.error, 'quantity')}
        />
      </ActionModal>
    </>
  );
}
