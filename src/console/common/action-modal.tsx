import { Button, Group, Modal, Stack } from '@mantine/core';
import { type UseMutationResult } from '@tanstack/react-query';
import type { FormEvent, ReactNode } from 'react';
import { ProblemAlert } from './problem-alert';

/** A form in a dialog: its fields, the API's problem beside the submit button, Cancel and submit. */
export function ActionModal({
  title,
  opened,
  onClose,
  mutation,
  submitLabel,
  children,
  color,
}: {
  title: string;
  opened: boolean;
  onClose: () => void;
  mutation: UseMutationResult<unknown, Error, void>;
  submitLabel: string;
  children: ReactNode;
  color?: string;
}) {
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(undefined, { onSuccess: onClose });
  };
  return (
    <Modal
      opened={opened}
      onClose={() => {
        mutation.reset();
        onClose();
      }}
      title={title}
      size="lg"
      closeButtonProps={{ 'aria-label': 'Close' }}
    >
      <form onSubmit={submit}>
        <Stack>
          {children}
          <ProblemAlert error={mutation.error} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={mutation.isPending} color={color}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
