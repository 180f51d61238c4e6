import { Button, Group, Modal, Text } from '@mantine/core';
import { useState } from 'react';
import { ErrorAlert } from './ErrorAlert.tsx';

/** A button that asks before doing something that cannot be undone, and shows why it failed. */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  color = 'red',
}: {
  label: string;
  question: string;
  onConfirm: () => Promise<unknown>;
  color?: string;
}) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="light" color={color} onClick={() => setOpen(true)}>
        {label}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={label}>
        <Text mb="md">{question}</Text>
        <ErrorAlert error={error} />
        <Group justify="flex-end" mt="md">
          <Button variant="default" onClick={() => setOpen(false)}>
            Keep it
          </Button>
          <Button color={color} loading={busy} onClick={confirm}>
            {label}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
