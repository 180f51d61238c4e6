import {
  Badge,
  Button,
  Card,
  Group,
  Loader,
  ScrollArea,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { Run, RunSample } from '@openframer/sdk/types';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { openLink, waitForZip } from '../api/client.ts';
import { useApi } from '../auth/AuthContext.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatBytes, formatCost, formatDate, isActive } from '../components/format.ts';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { Stat } from './Datasets.tsx';
import { Evaluations } from './Evaluations.tsx';
import { HumanLabels } from './HumanLabels.tsx';
import { RunProgress } from './Runs.tsx';

/** How often a run in progress is asked for again. */
export const RUN_POLL_MS = 1000;

export function RunDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ['runs', id],
    queryFn: () => api.runs.get(id),
    refetchInterval: (q) => (isActive(q.state.data?.status) ? RUN_POLL_MS : false),
  });
  const [actionError, setActionError] = useState<unknown>(null);
  const [zipping, setZipping] = useState(false);

  if (run.error) return <ErrorAlert error={run.error} />;
  if (!run.data) return <Loader />;
  const r = run.data;
  const active = isActive(r.status);

  const cancel = async () => {
    setActionError(null);
    try {
      queryClient.setQueryData(['runs', id], await api.runs.cancel(id));
    } catch (err) {
      setActionError(err);
    }
  };
  const download = async () => {
    setActionError(null);
    setZipping(true);
    try {
      openLink(await waitForZip(() => api.runs.zip(id)));
    } catch (err) {
      setActionError(err);
    } finally {
      setZipping(false);
    }
  };
  const downloadFile = async (fileId: string) => {
    setActionError(null);
    try {
      openLink((await api.runs.fileLink(id, fileId)).download_url);
    } catch (err) {
      setActionError(err);
    }
  };

  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            Run of <Link to={`/specs/${r.spec_id}`}>{r.spec_name}</Link> v{r.spec_version}{' '}
            <StatusBadge status={r.status} />
          </Group>
        }
        subtitle={`${r.id} · ${r.dataset_name ? `dataset ${r.dataset_name}, ` : ''}${r.dataset_type}`}
        actions={
          <>
            {active && (
              <Button color="orange" variant="light" onClick={cancel}>
                Cancel run
              </Button>
            )}
            <Button onClick={download} loading={zipping} disabled={r.samples_completed === 0}>
              Download ZIP
            </Button>
            <ConfirmButton
              label="Delete run"
              question="Delete this run, its samples and its files?"
              onConfirm={async () => {
                await api.runs.delete(id);
                await queryClient.invalidateQueries({ queryKey: ['runs'] });
                navigate('/runs');
              }}
            />
          </>
        }
      />
      <ErrorAlert error={actionError} />
      {r.error && <ErrorAlert error={new Error(r.error)} title="The run failed" />}
      <Card withBorder mb="md">
        <Group justify="space-between" mb={4}>
          <Text fw={600}>Progress</Text>
          {active && <Loader size="xs" />}
        </Group>
        <RunProgress run={r} />
      </Card>
      <SimpleGrid cols={{ base: 2, sm: 4 }} mb="md">
        <Stat label="Generation model" value={r.runtime_params.generation_model} />
        <Stat label="Cost" value={formatCost(r.total_cost)} />
        <Stat label="Started" value={formatDate(r.started_at)} />
        <Stat label="Completed" value={formatDate(r.completed_at)} />
      </SimpleGrid>
      {r.generated_files.length > 0 && (
        <Card withBorder mb="md">
          <Title order={5} mb="xs">
            Files
          </Title>
          <Table aria-label="Generated files">
            <Table.Tbody>
              {r.generated_files.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>{f.path}</Table.Td>
                  <Table.Td>{f.file_type}</Table.Td>
                  <Table.Td>{formatBytes(f.size_bytes)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="subtle" onClick={() => downloadFile(f.id)}>
                      Download
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      )}
      {!active && r.generated_files.length > 0 && <HumanLabels run={r} />}
      <SamplesPreview run={r} />
      {!active && <Evaluations run={r} />}
    </>
  );
}

const PREVIEW = 20;

function SamplesPreview({ run }: { run: Run }) {
  const api = useApi();
  const samples = useQuery({
    queryKey: ['runs', run.id, 'samples', run.samples_completed + run.samples_failed],
    queryFn: () => api.runs.samples(run.id, { limit: PREVIEW }),
    placeholderData: (previous) => previous,
  });
  const list = samples.data?.samples ?? [];
  return (
    <Card withBorder mb="md">
      <Title order={5} mb="xs">
        Samples {samples.data ? `(first ${list.length} of ${samples.data.total_samples})` : ''}
      </Title>
      <ErrorAlert error={samples.error} />
      {list.length === 0 ? (
        <Text c="dimmed" size="sm">
          No finished samples yet.
        </Text>
      ) : run.dataset_type === 'SINGLE_FILE' ? (
        <RecordTable samples={list} />
      ) : (
        <Stack gap="xs">
          {list.map((s) => (
            <Card key={s.sample_index} withBorder padding="xs">
              <SampleHeader sample={s} />
              {s.files?.map((f) => (
                <div key={f.name}>
                  <Text size="xs" fw={600}>
                    {f.name}
                  </Text>
                  <Text size="xs" component="pre" style={{ whiteSpace: 'pre-wrap', margin: 0 }} lineClamp={6}>
                    {f.content.slice(0, 1200)}
                  </Text>
                </div>
              ))}
            </Card>
          ))}
        </Stack>
      )}
    </Card>
  );
}

function SampleHeader({ sample }: { sample: RunSample }) {
  return (
    <Group gap={4} mb={4}>
      <Badge size="xs" color={sample.status === 'completed' ? 'green' : 'red'}>
        #{sample.sample_index}
      </Badge>
      {Object.entries(sample.assignment).map(([k, v]) => (
        <Badge key={k} size="xs" variant="outline">
          {k}: {v}
        </Badge>
      ))}
      {sample.reason && (
        <Text size="xs" c="red">
          {sample.reason}
        </Text>
      )}
    </Group>
  );
}

function RecordTable({ samples }: { samples: RunSample[] }) {
  const columns = [...new Set(samples.flatMap((s) => Object.keys(s.record ?? {})))];
  const cell = (v: unknown) =>
    v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  return (
    <ScrollArea>
      <Table striped withTableBorder fz="xs" aria-label="Samples">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>#</Table.Th>
            {columns.map((c) => (
              <Table.Th key={c}>{c}</Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {samples.map((s) => (
            <Table.Tr key={s.sample_index}>
              <Table.Td>{s.sample_index}</Table.Td>
              {s.status === 'failed' ? (
                <Table.Td colSpan={columns.length} c="red">
                  failed: {s.reason}
                </Table.Td>
              ) : (
                columns.map((c) => <Table.Td key={c}>{cell(s.record?.[c])}</Table.Td>)
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </ScrollArea>
  );
}
