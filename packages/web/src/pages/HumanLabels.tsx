import {
  Button,
  Card,
  Code,
  Group,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import type { Run } from '@openframer/sdk/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../auth/AuthContext.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatDate } from '../components/format.ts';

/** What a label can name: a generated file, or a sample folder of a MULTI_FOLDER run. */
export function labelTargets(run: Run): string[] {
  const paths = run.generated_files.map((f) => f.path);
  const folders =
    run.dataset_type === 'MULTI_FOLDER'
      ? paths.filter((p) => p.includes('/')).map((p) => p.slice(0, p.indexOf('/')))
      : [];
  return [...new Set([...folders, ...paths])];
}

/** Reads the labels textarea: a JSON object, or a message saying why it is not one. */
export function parseLabels(text: string): { labels: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { error: `Labels must be JSON: ${(err as Error).message}` };
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    return { error: 'Labels must be a JSON object, e.g. {"quality": "good"}' };
  return { labels: value as Record<string, unknown> };
}

/** Human labels on a run's files: list, add (free-form JSON), delete (docs/evaluations.md). */
export function HumanLabels({ run }: { run: Run }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const key = ['runs', run.id, 'human-labels'];
  const labels = useQuery({ queryKey: key, queryFn: () => api.runs.labels(run.id) });
  const targets = labelTargets(run);
  const [file, setFile] = useState<string | null>(targets[0] ?? null);
  const [sample, setSample] = useState('');
  const [text, setText] = useState('{"quality": "good"}');
  const [invalid, setInvalid] = useState<string | null>(null);
  const add = useMutation({
    mutationFn: (body: {
      file_identifier: string;
      sample_identifier?: string;
      labels: Record<string, unknown>;
    }) => api.runs.addLabel(run.id, body),
    onSuccess: () => {
      setSample('');
      void queryClient.invalidateQueries({ queryKey: key });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.humanLabels.delete(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: key }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parsed = parseLabels(text);
    if ('error' in parsed) {
      setInvalid(parsed.error);
      return;
    }
    setInvalid(null);
    if (!file) return;
    add.mutate({
      file_identifier: file,
      ...(sample.trim() ? { sample_identifier: sample.trim() } : {}),
      labels: parsed.labels,
    });
  };
  const list = labels.data ?? [];
  return (
    <Card withBorder mb="md">
      <Title order={5} mb="xs">
        Human labels
      </Title>
      <ErrorAlert error={labels.error ?? remove.error} />
      {list.length === 0 ? (
        <Text size="sm" c="dimmed" mb="sm">
          No labels yet.
        </Text>
      ) : (
        <Table fz="sm" mb="sm" aria-label="Human labels">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Sample</Table.Th>
              <Table.Th>Labels</Table.Th>
              <Table.Th>By</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {list.map((l) => (
              <Table.Tr key={l.id}>
                <Table.Td>{l.file_identifier}</Table.Td>
                <Table.Td>{l.sample_identifier ?? '—'}</Table.Td>
                <Table.Td>
                  <Code>{JSON.stringify(l.labels)}</Code>
                </Table.Td>
                <Table.Td>
                  <Text size="xs">
                    {l.created_by_email} · {formatDate(l.updated_at)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Button
                    size="compact-xs"
                    variant="subtle"
                    color="red"
                    aria-label={`Delete label on ${l.file_identifier}`}
                    loading={remove.isPending && remove.variables === l.id}
                    onClick={() => remove.mutate(l.id)}
                  >
                    Delete
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <form onSubmit={submit}>
        <Stack gap="xs">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select label="File" required searchable data={targets} value={file} onChange={setFile} />
            <TextInput
              label="Sample (optional)"
              description="A row or sample within the file, e.g. sample_3"
              value={sample}
              onChange={(e) => setSample(e.currentTarget.value)}
            />
          </SimpleGrid>
          <Textarea
            label="Labels (JSON object)"
            autosize
            minRows={2}
            styles={{ input: { fontFamily: 'monospace' } }}
            value={text}
            onChange={(e) => setText(e.currentTarget.value)}
            error={invalid}
          />
          <ErrorAlert error={add.error} title="The label was not added" />
          <Group>
            <Button type="submit" loading={add.isPending} disabled={!file}>
              Add label
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
