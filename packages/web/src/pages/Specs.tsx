import {
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Code,
  Group,
  List,
  Loader,
  SegmentedControl,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Tabs,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { notifications } from '@mantine/notifications';
import type { SpecCreateParams } from '@openframer/sdk/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { ApiError } from '../api/client.ts';
import { useApi } from '../auth/AuthContext.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { DistributionBars } from '../components/DistributionBars.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatCost, formatDate, isActive } from '../components/format.ts';
import { ListCard } from '../components/ListCard.tsx';
import { ModelSelect } from '../components/ModelSelect.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { axesOf, problemsOf } from './spec-yaml.ts';

export function SpecsPage() {
  const api = useApi();
  const specs = useQuery({
    queryKey: ['specs'],
    queryFn: () => api.specs.list({ limit: 200 }),
    refetchInterval: (q) => (q.state.data?.some((s) => isActive(s.status)) ? 2000 : false),
  });
  return (
    <>
      <PageHeader
        title="Specs"
        subtitle="What the data is, what every sample must satisfy, and the axes it varies along."
        actions={
          <Button component={Link} to="/specs/new">
            New spec
          </Button>
        }
      />
      <ListCard
        query={specs}
        empty="No specs yet."
        errorAbove
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Dataset</Table.Th>
            <Table.Th>Version</Table.Th>
            <Table.Th>Updated</Table.Th>
          </>
        }
      >
        {specs.data?.map((s) => (
          <Table.Tr key={s.id}>
            <Table.Td>
              <Anchor component={Link} to={`/specs/${s.id}`}>
                {s.name}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={s.status} />
            </Table.Td>
            <Table.Td>{s.dataset_name ?? <Text c="dimmed">seedless</Text>}</Table.Td>
            <Table.Td>{s.latest_version ?? '—'}</Table.Td>
            <Table.Td>{formatDate(s.updated_at)}</Table.Td>
          </Table.Tr>
        ))}
      </ListCard>
    </>
  );
}

export function NewSpecPage() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const datasets = useQuery({ queryKey: ['datasets'], queryFn: () => api.datasets.list({ limit: 200 }) });
  const [source, setSource] = useState<'dataset' | 'seedless'>('dataset');
  const [datasetId, setDatasetId] = useState<string | null>(params.get('dataset'));
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [objectives, setObjectives] = useState('');
  const [model, setModel] = useState<string | null>('openframer/statistical');
  const [distributions, setDistributions] = useState(true);
  const [conditionals, setConditionals] = useState(false);
  const [extrapolateValues, setExtrapolateValues] = useState(true);
  const [extrapolateAxes, setExtrapolateAxes] = useState(false);

  const create = useMutation({
    mutationFn: () => {
      const body: SpecCreateParams = {
        name: name.trim(),
        description,
        spec_generation_model_name: model ?? undefined,
        generate_distributions: distributions,
        generate_conditional_distributions: distributions && conditionals,
        extrapolate_axes: extrapolateAxes,
      };
      if (source === 'dataset') {
        body.dataset_id = datasetId ?? undefined;
        body.extrapolate_values = extrapolateValues;
      }
      if (objectives.trim()) body.generation_objectives = objectives.trim();
      return api.specs.create(body);
    },
    onSuccess: ({ id }) => {
      void queryClient.invalidateQueries({ queryKey: ['specs'] });
      navigate(`/specs/${id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };

  return (
    <>
      <PageHeader title="New spec" subtitle="Worked out from a seed dataset, or from objectives alone." />
      <Card withBorder maw={720}>
        <form onSubmit={submit}>
          <Stack>
            <SegmentedControl
              value={source}
              onChange={(v) => setSource(v as 'dataset' | 'seedless')}
              data={[
                { value: 'dataset', label: 'From a seed dataset' },
                { value: 'seedless', label: 'Seedless (objectives only)' },
              ]}
            />
            <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
            <TextInput
              label="Description"
              value={description}
              onChange={(e) => setDescription(e.currentTarget.value)}
            />
            {source === 'dataset' && (
              <Select
                label="Seed dataset"
                required
                searchable
                value={datasetId}
                onChange={setDatasetId}
                data={(datasets.data ?? []).map((d) => ({
                  value: d.id,
                  label: `${d.name} (${d.dataset_type})`,
                }))}
              />
            )}
            <Textarea
              label="Generation objectives"
              description={
                source === 'seedless'
                  ? 'Required: what the data should be.'
                  : 'Optional: guides the analysis.'
              }
              required={source === 'seedless'}
              autosize
              minRows={3}
              value={objectives}
              onChange={(e) => setObjectives(e.currentTarget.value)}
            />
            <ModelSelect
              stage="spec"
              label="Spec generation model"
              description="openframer/statistical works offline (tables); seedless specs need a language model."
              value={model}
              onChange={setModel}
            />
            <SimpleGrid cols={2}>
              <Checkbox
                label="Observed distributions"
                checked={distributions}
                onChange={(e) => setDistributions(e.currentTarget.checked)}
              />
              <Checkbox
                label="Conditional distributions"
                disabled={!distributions}
                checked={conditionals}
                onChange={(e) => setConditionals(e.currentTarget.checked)}
              />
              {source === 'dataset' && (
                <Checkbox
                  label="Extrapolate values"
                  checked={extrapolateValues}
                  onChange={(e) => setExtrapolateValues(e.currentTarget.checked)}
                />
              )}
              <Checkbox
                label="Extrapolate axes"
                checked={extrapolateAxes}
                onChange={(e) => setExtrapolateAxes(e.currentTarget.checked)}
              />
            </SimpleGrid>
            <ErrorAlert error={create.error} title="The spec was not created" />
            <Group>
              <Button type="submit" loading={create.isPending}>
                Create spec
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}

export function SpecDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const spec = useQuery({
    queryKey: ['specs', id],
    queryFn: () => api.specs.get(id, true),
    refetchInterval: (q) => (q.state.data?.status === 'PROCESSING' ? 1000 : false),
  });
  if (spec.error) return <ErrorAlert error={spec.error} />;
  if (!spec.data) return <Loader />;
  const s = spec.data;
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            {s.name} <StatusBadge status={s.status} />
          </Group>
        }
        subtitle={s.dataset_name ? `From dataset ${s.dataset_name} (${s.dataset_type})` : 'Seedless spec'}
        actions={
          <>
            <Button component={Link} to={`/runs/new?spec=${s.id}`} disabled={s.status !== 'SUCCEEDED'}>
              Generate samples
            </Button>
            <ConfirmButton
              label="Delete spec"
              question={`Delete ${s.name} and all its versions? Runs made from it must be deleted first.`}
              onConfirm={async () => {
                await api.specs.delete(s.id);
                await queryClient.invalidateQueries({ queryKey: ['specs'] });
                navigate('/specs');
              }}
            />
          </>
        }
      />
      {s.status === 'PROCESSING' && (
        <Group mb="md">
          <Loader size="xs" />
          <Text size="sm">Working out the spec…</Text>
        </Group>
      )}
      {s.error && <ErrorAlert error={new Error(s.error)} title="Spec generation failed" />}
      <Text size="sm" c="dimmed" mb="md">
        Version {s.latest_version ?? '—'} · cost {formatCost(s.total_cost)} · updated{' '}
        {formatDate(s.updated_at)}
      </Text>
      {s.content_yaml !== null && (
        <Tabs defaultValue="axes">
          <Tabs.List mb="md">
            <Tabs.Tab value="axes">Axes</Tabs.Tab>
            <Tabs.Tab value="yaml">Edit YAML</Tabs.Tab>
            <Tabs.Tab value="versions">Versions ({s.versions?.length ?? 0})</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="axes">
            <AxesView contentYaml={s.content_yaml} />
          </Tabs.Panel>
          <Tabs.Panel value="yaml">
            <YamlEditor specId={s.id} contentYaml={s.content_yaml} version={s.latest_version} />
          </Tabs.Panel>
          <Tabs.Panel value="versions">
            <Versions versions={s.versions ?? []} />
          </Tabs.Panel>
        </Tabs>
      )}
    </>
  );
}

function AxesView({ contentYaml }: { contentYaml: string }) {
  const axes = axesOf(contentYaml);
  if (axes.length === 0) return <Text c="dimmed">This spec has no axes of variation.</Text>;
  return (
    <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }}>
      {axes.map((axis) => (
        <Card withBorder key={axis.name}>
          <Title order={5}>{axis.name}</Title>
          {axis.description && (
            <Text size="xs" c="dimmed" mb="xs">
              {axis.description}
            </Text>
          )}
          {axis.conditionalOn.length > 0 && (
            <Badge variant="outline" size="xs" mb="xs">
              depends on {axis.conditionalOn.join(', ')}
            </Badge>
          )}
          <DistributionBars
            series={[
              { label: 'base distribution', color: 'var(--mantine-color-blue-6)', values: axis.distribution },
            ]}
          />
        </Card>
      ))}
    </SimpleGrid>
  );
}

export function YamlEditor({
  specId,
  contentYaml,
  version,
}: {
  specId: string;
  contentYaml: string;
  version: number | null;
}) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [text, setText] = useState(contentYaml);
  const save = useMutation({
    mutationFn: () => api.specs.update(specId, text),
    onSuccess: (spec) => {
      queryClient.setQueryData(['specs', specId], spec);
      void queryClient.invalidateQueries({ queryKey: ['specs', specId] });
      notifications.show({ color: 'green', message: `Saved as version ${spec.latest_version}` });
    },
  });
  const problems =
    save.error instanceof ApiError && save.error.status === 400 ? problemsOf(save.error.detail) : null;
  const lines = text.split('\n');
  return (
    <SimpleGrid cols={{ base: 1, lg: problems ? 2 : 1 }}>
      <Stack gap="xs">
        <Textarea
          label={`content_yaml (version ${version ?? '—'})`}
          aria-label="Spec YAML"
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          autosize
          minRows={16}
          maxRows={40}
          styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)', fontSize: 13 } }}
          spellCheck={false}
        />
        <Group>
          <Button onClick={() => save.mutate()} loading={save.isPending} disabled={text === contentYaml}>
            Save as a new version
          </Button>
          <Button variant="default" onClick={() => setText(contentYaml)} disabled={text === contentYaml}>
            Discard changes
          </Button>
        </Group>
        {save.error && !problems && <ErrorAlert error={save.error} />}
      </Stack>
      {problems && (
        <Card withBorder role="alert" aria-label="Spec problems" bg="var(--mantine-color-red-0)">
          <Text fw={600} c="red" mb="xs">
            {problems.length} problem{problems.length === 1 ? '' : 's'}: nothing was saved
          </Text>
          <List spacing="xs" size="sm">
            {problems.map((p, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: problems have no identity beyond their order
              <List.Item key={i}>
                {p.line !== null && (
                  <>
                    <Badge size="sm" color="red" variant="light" mr={6}>
                      line {p.line}
                    </Badge>
                    <Code>{lines[p.line - 1]?.trim() ?? ''}</Code>{' '}
                  </>
                )}
                {p.message}
              </List.Item>
            ))}
          </List>
        </Card>
      )}
    </SimpleGrid>
  );
}

function Versions({
  versions,
}: {
  versions: { version: number; created_at: string; content_yaml: string }[];
}) {
  const [shown, setShown] = useState<number | null>(versions.at(-1)?.version ?? null);
  const current = versions.find((v) => v.version === shown);
  return (
    <SimpleGrid cols={{ base: 1, md: 3 }}>
      <Stack gap={4}>
        {[...versions].reverse().map((v) => (
          <Button
            key={v.version}
            variant={v.version === shown ? 'light' : 'subtle'}
            justify="flex-start"
            onClick={() => setShown(v.version)}
          >
            Version {v.version} · {formatDate(v.created_at)}
          </Button>
        ))}
      </Stack>
      <Card withBorder style={{ gridColumn: 'span 2' }}>
        <Text component="pre" size="xs" style={{ whiteSpace: 'pre-wrap', margin: 0 }}>
          {current?.content_yaml ?? ''}
        </Text>
      </Card>
    </SimpleGrid>
  );
}
