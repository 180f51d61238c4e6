import {
  Accordion,
  Anchor,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Progress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
} from '@mantine/core';
import type { RunCreateParams, RunSummary } from '@openframer/sdk/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { useApi } from '../auth/AuthContext.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatCost, formatDate, isActive } from '../components/format.ts';
import { ListCard } from '../components/ListCard.tsx';
import { ModelSelect } from '../components/ModelSelect.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';

export function RunProgress({
  run,
}: {
  run: Pick<RunSummary, 'samples_completed' | 'samples_failed' | 'number_of_samples'>;
}) {
  const total = Math.max(1, run.number_of_samples);
  return (
    <Stack gap={2}>
      <Progress.Root size="md" aria-label="Run progress">
        <Progress.Section value={(run.samples_completed / total) * 100} color="green" />
        <Progress.Section value={(run.samples_failed / total) * 100} color="red" />
      </Progress.Root>
      <Text size="xs" c="dimmed">
        {run.samples_completed} of {run.number_of_samples} samples
        {run.samples_failed > 0 ? `, ${run.samples_failed} failed` : ''}
      </Text>
    </Stack>
  );
}

export function RunsPage() {
  const api = useApi();
  const runs = useQuery({
    queryKey: ['runs'],
    queryFn: () => api.runs.list({ limit: 200 }),
    refetchInterval: (q) => (q.state.data?.some((r) => isActive(r.status)) ? 2000 : false),
  });
  return (
    <>
      <PageHeader
        title="Runs"
        subtitle="Generation runs: samples made from a spec."
        actions={
          <Button component={Link} to="/runs/new">
            New run
          </Button>
        }
      />
      <ListCard
        query={runs}
        empty="No runs yet."
        errorAbove
        head={
          <>
            <Table.Th>Run</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th w={240}>Progress</Table.Th>
            <Table.Th>Cost</Table.Th>
            <Table.Th>Created</Table.Th>
          </>
        }
      >
        {runs.data?.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td>
              <Anchor component={Link} to={`/runs/${r.id}`}>
                {r.spec_name} v{r.spec_version}
              </Anchor>
              <Text size="xs" c="dimmed">
                {r.id.slice(0, 8)}
              </Text>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={r.status} />
            </Table.Td>
            <Table.Td>
              <RunProgress run={r} />
            </Table.Td>
            <Table.Td>{formatCost(r.total_cost)}</Table.Td>
            <Table.Td>{formatDate(r.created_at)}</Table.Td>
          </Table.Tr>
        ))}
      </ListCard>
    </>
  );
}

const SHUFFLING = ['none', 'sample', 'field', 'prompt'] as const;

export function NewRunPage() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const specs = useQuery({ queryKey: ['specs'], queryFn: () => api.specs.list({ limit: 200 }) });
  const [specId, setSpecId] = useState<string | null>(params.get('spec'));
  const spec = useQuery({
    queryKey: ['specs', specId],
    queryFn: () => api.specs.get(specId!, true),
    enabled: Boolean(specId),
  });
  const [version, setVersion] = useState<string | null>(null);
  const [samples, setSamples] = useState<number | string>(100);
  const [generationModel, setGenerationModel] = useState<string | null>('openframer/statistical');
  const [evaluateAfter, setEvaluateAfter] = useState(true);
  const [outlineModel, setOutlineModel] = useState<string | null>(null);
  const [enableRevisions, setEnableRevisions] = useState(false);
  const [revisionModel, setRevisionModel] = useState<string | null>(null);
  const [maxRevisionCycles, setMaxRevisionCycles] = useState<number | string>('');
  const [shuffling, setShuffling] = useState<string | null>(null);
  const [maxExamples, setMaxExamples] = useState<number | string>('');
  const [skipOutline, setSkipOutline] = useState(false);
  const [unified, setUnified] = useState(false);

  const create = useMutation({
    mutationFn: () => {
      const body: RunCreateParams = {
        spec_id: specId ?? '',
        number_of_samples: Number(samples),
        evaluate_after: evaluateAfter,
      };
      if (version) body.spec_version = Number(version);
      if (generationModel) body.generation_model = generationModel;
      if (outlineModel) body.outline_model = outlineModel;
      if (enableRevisions) {
        body.enable_revisions = true;
        if (revisionModel) body.revision_model = revisionModel;
        if (maxRevisionCycles !== '') body.max_revision_cycles = Number(maxRevisionCycles);
      }
      if (shuffling) body.seed_shuffling_level = shuffling as (typeof SHUFFLING)[number];
      if (maxExamples !== '') body.max_examples_in_prompt = Number(maxExamples);
      if (skipOutline) body.skip_outline = true;
      if (unified) body.unified_multifield = true;
      return api.runs.create(body);
    },
    onSuccess: ({ id }) => {
      void queryClient.invalidateQueries({ queryKey: ['runs'] });
      navigate(`/runs/${id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const versions = spec.data?.versions ?? [];

  return (
    <>
      <PageHeader title="New run" subtitle="Generate samples that follow a spec." />
      <Card withBorder maw={760}>
        <form onSubmit={submit}>
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label="Spec"
                required
                searchable
                value={specId}
                onChange={(v) => {
                  setSpecId(v);
                  setVersion(null);
                }}
                data={(specs.data ?? [])
                  .filter((s) => s.status === 'SUCCEEDED')
                  .map((s) => ({ value: s.id, label: s.name }))}
              />
              <Select
                label="Version"
                placeholder={spec.data?.latest_version ? `latest (${spec.data.latest_version})` : 'latest'}
                clearable
                value={version}
                onChange={setVersion}
                data={versions.map((v) => ({ value: String(v.version), label: `version ${v.version}` }))}
              />
              <NumberInput
                label="Number of samples"
                required
                min={1}
                max={20000}
                value={samples}
                onChange={setSamples}
              />
              <ModelSelect
                stage="generation"
                label="Generation model"
                value={generationModel}
                onChange={setGenerationModel}
              />
            </SimpleGrid>
            <Checkbox
              label="Evaluate when it finishes"
              checked={evaluateAfter}
              onChange={(e) => setEvaluateAfter(e.currentTarget.checked)}
            />
            <Accordion variant="contained">
              <Accordion.Item value="advanced">
                <Accordion.Control>Advanced parameters</Accordion.Control>
                <Accordion.Panel>
                  <SimpleGrid cols={{ base: 1, sm: 2 }}>
                    <ModelSelect
                      stage="generation"
                      label="Outline model"
                      clearable
                      placeholder="the generation model"
                      value={outlineModel}
                      onChange={setOutlineModel}
                    />
                    <Select
                      label="Seed shuffling"
                      clearable
                      placeholder="server default"
                      data={[...SHUFFLING]}
                      value={shuffling}
                      onChange={setShuffling}
                    />
                    <NumberInput
                      label="Max examples in prompt"
                      min={1}
                      max={200}
                      value={maxExamples}
                      onChange={setMaxExamples}
                    />
                    <Stack gap={6} pt="lg">
                      <Checkbox
                        label="Skip the outline step"
                        checked={skipOutline}
                        onChange={(e) => setSkipOutline(e.currentTarget.checked)}
                      />
                      <Checkbox
                        label="Unified multi-field generation"
                        checked={unified}
                        onChange={(e) => setUnified(e.currentTarget.checked)}
                      />
                      <Checkbox
                        label="Enable revisions"
                        checked={enableRevisions}
                        onChange={(e) => setEnableRevisions(e.currentTarget.checked)}
                      />
                    </Stack>
                    {enableRevisions && (
                      <>
                        <ModelSelect
                          stage="generation"
                          label="Revision model"
                          clearable
                          value={revisionModel}
                          onChange={setRevisionModel}
                        />
                        <NumberInput
                          label="Max revision cycles"
                          min={1}
                          max={5}
                          value={maxRevisionCycles}
                          onChange={setMaxRevisionCycles}
                        />
                      </>
                    )}
                  </SimpleGrid>
                </Accordion.Panel>
              </Accordion.Item>
            </Accordion>
            <ErrorAlert error={create.error} title="The run was not started" />
            <Group>
              <Button type="submit" loading={create.isPending} disabled={!specId}>
                Start run
              </Button>
            </Group>
          </Stack>
        </form>
      </Card>
    </>
  );
}
