import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  Progress,
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
import type { RedTeamRun, RedTeamRunCreateParams, RedTeamSpec } from '@openframer/sdk/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { saveResponse } from '../api/client.ts';
import { useApi } from '../auth/AuthContext.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { DistributionBars } from '../components/DistributionBars.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatCost, formatDate, formatPercent, isActive } from '../components/format.ts';
import { ModelSelect } from '../components/ModelSelect.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';

export function RedTeamPage() {
  const api = useApi();
  const specs = useQuery({
    queryKey: ['red-team', 'specs'],
    queryFn: () => api.redTeam.specs.list({ limit: 200 }),
  });
  const runs = useQuery({
    queryKey: ['red-team', 'runs'],
    queryFn: () => api.redTeam.runs.list({ limit: 200 }),
    refetchInterval: (q) => (q.state.data?.some((r) => isActive(r.status)) ? 2000 : false),
  });
  return (
    <>
      <PageHeader
        title="Red teaming"
        subtitle="Adversarial prompts for an LLM application, by behaviour and attack strategy."
      />
      <Tabs defaultValue="specs">
        <Tabs.List mb="md">
          <Tabs.Tab value="specs">Specs</Tabs.Tab>
          <Tabs.Tab value="runs">Runs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="specs">
          <SpecForm />
          <Card withBorder mt="md">
            <ErrorAlert error={specs.error} />
            {specs.data?.length === 0 && <Text c="dimmed">No red-team specs yet.</Text>}
            <Table striped highlightOnHover>
              <Table.Tbody>
                {specs.data?.map((s) => (
                  <Table.Tr key={s.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/red-team/specs/${s.id}`}>
                        {s.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" lineClamp={1}>
                        {s.domain_description}
                      </Text>
                    </Table.Td>
                    <Table.Td>{formatDate(s.updated_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </Tabs.Panel>
        <Tabs.Panel value="runs">
          <Card withBorder>
            <ErrorAlert error={runs.error} />
            {runs.data?.length === 0 && <Text c="dimmed">No red-team runs yet: start one from a spec.</Text>}
            <Table striped highlightOnHover>
              <Table.Tbody>
                {runs.data?.map((r) => (
                  <Table.Tr key={r.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/red-team/runs/${r.id}`}>
                        {r.spec_name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {r.number_of_behaviors} × {r.number_of_prompts_per_behavior} · {r.model_name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={r.status} />
                    </Table.Td>
                    <Table.Td w={200}>
                      <PromptProgress run={r} />
                    </Table.Td>
                    <Table.Td>{formatDate(r.created_at)}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
        </Tabs.Panel>
      </Tabs>
    </>
  );
}

function PromptProgress({ run }: { run: RedTeamRun }) {
  const p = run.progress;
  const share = p.prompts_total ? (p.prompts_done / p.prompts_total) * 100 : 0;
  return (
    <Stack gap={2}>
      <Progress value={share} aria-label="Prompts written" />
      <Text size="xs" c="dimmed">
        {p.prompts_done} of {p.prompts_total} prompts · {p.behaviors_done} of {p.behaviors_total} behaviours
      </Text>
    </Stack>
  );
}

/** Create a spec, or edit one when given. */
function SpecForm({ spec, onSaved }: { spec?: RedTeamSpec; onSaved?: (s: RedTeamSpec) => void }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [name, setName] = useState(spec?.name ?? '');
  const [domain, setDomain] = useState(spec?.domain_description ?? '');
  const [app, setApp] = useState(spec?.app_description ?? '');
  const [concerns, setConcerns] = useState(spec?.concerns ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = { name, domain_description: domain, app_description: app, concerns: concerns || null };
      return spec ? api.redTeam.specs.update(spec.id, body) : api.redTeam.specs.create(body);
    },
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: ['red-team', 'specs'] });
      notifications.show({ color: 'green', message: `Spec ${saved.name} saved` });
      if (!spec) {
        setName('');
        setDomain('');
        setApp('');
        setConcerns('');
      }
      onSaved?.(saved);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <Card withBorder>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <Text fw={600}>{spec ? 'Edit spec' : 'New spec'}</Text>
          <TextInput
            label="Name"
            description="Stored in snake_case"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <Textarea
            label="Domain"
            required
            autosize
            minRows={2}
            value={domain}
            onChange={(e) => setDomain(e.currentTarget.value)}
          />
          <Textarea
            label="The application under test"
            required
            autosize
            minRows={2}
            value={app}
            onChange={(e) => setApp(e.currentTarget.value)}
          />
          <Textarea
            label="Concerns"
            autosize
            minRows={2}
            value={concerns}
            onChange={(e) => setConcerns(e.currentTarget.value)}
          />
          <ErrorAlert error={save.error} title="The spec was not saved" />
          <Group>
            <Button type="submit" loading={save.isPending}>
              {spec ? 'Save' : 'Create spec'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function RedTeamSpecPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const spec = useQuery({ queryKey: ['red-team', 'specs', id], queryFn: () => api.redTeam.specs.get(id) });
  if (spec.error) return <ErrorAlert error={spec.error} />;
  if (!spec.data) return <Loader />;
  return (
    <>
      <PageHeader
        title={spec.data.name}
        subtitle={`Red-team spec · updated ${formatDate(spec.data.updated_at)}`}
        actions={
          <ConfirmButton
            label="Delete spec"
            question="Delete this red-team spec? Its finished runs keep their copy."
            onConfirm={async () => {
              await api.redTeam.specs.delete(id);
              await queryClient.invalidateQueries({ queryKey: ['red-team', 'specs'] });
              navigate('/red-team');
            }}
          />
        }
      />
      <SimpleGrid cols={{ base: 1, lg: 2 }}>
        <SpecForm
          key={spec.data.updated_at}
          spec={spec.data}
          onSaved={(s) => queryClient.setQueryData(['red-team', 'specs', id], s)}
        />
        <StartRun specId={id} />
      </SimpleGrid>
    </>
  );
}

function StartRun({ specId }: { specId: string }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const taxonomy = useQuery({
    queryKey: ['red-team', 'taxonomy'],
    queryFn: () => api.redTeam.taxonomy(),
    staleTime: Infinity,
  });
  const [behaviors, setBehaviors] = useState<number | string>(5);
  const [prompts, setPrompts] = useState<number | string>(4);
  const [model, setModel] = useState<string | null>(null);
  const [categories, setCategories] = useState<string[]>([]);
  const [strategies, setStrategies] = useState<string[]>([]);
  const start = useMutation({
    mutationFn: () => {
      const body: RedTeamRunCreateParams = {
        red_team_spec_id: specId,
        number_of_behaviors: Number(behaviors),
        number_of_prompts_per_behavior: Number(prompts),
      };
      if (model) body.model_name = model;
      if (categories.length) body.categories = categories;
      if (strategies.length) body.strategies = strategies;
      return api.redTeam.runs.create(body);
    },
    onSuccess: (run) => {
      void queryClient.invalidateQueries({ queryKey: ['red-team', 'runs'] });
      navigate(`/red-team/runs/${run.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    start.mutate();
  };
  return (
    <Card withBorder>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <Text fw={600}>Start a run</Text>
          <SimpleGrid cols={2}>
            <NumberInput
              label="Behaviours"
              min={1}
              max={1000}
              required
              value={behaviors}
              onChange={setBehaviors}
            />
            <NumberInput
              label="Prompts per behaviour"
              min={1}
              max={1000}
              required
              value={prompts}
              onChange={setPrompts}
            />
          </SimpleGrid>
          <ModelSelect
            stage="red_team"
            label="Attacker model"
            placeholder="server default"
            clearable
            value={model}
            onChange={setModel}
          />
          <MultiSelect
            label="Categories"
            placeholder="all"
            searchable
            data={(taxonomy.data?.categories ?? []).map((c) => ({
              value: c.id,
              label: `${c.name} (${c.owasp.join(', ')})`,
            }))}
            value={categories}
            onChange={setCategories}
          />
          <MultiSelect
            label="Attack strategies"
            placeholder="all"
            searchable
            data={(taxonomy.data?.strategies ?? []).map((s) => ({
              value: s.id,
              label: `${s.name} (${s.kind})`,
            }))}
            value={strategies}
            onChange={setStrategies}
          />
          <ErrorAlert error={start.error ?? taxonomy.error} title="The run was not started" />
          <Group>
            <Button type="submit" loading={start.isPending}>
              Start run
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export const PROMPTS_PAGE = 25;

export function RedTeamRunPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const run = useQuery({
    queryKey: ['red-team', 'runs', id],
    queryFn: () => api.redTeam.runs.get(id),
    refetchInterval: (q) => (isActive(q.state.data?.status) ? 1000 : false),
  });
  if (run.error) return <ErrorAlert error={run.error} />;
  if (!run.data) return <Loader />;
  const r = run.data;
  const results = r.results_json;
  const exportAs = async (format: 'jsonl' | 'csv') => {
    setError(null);
    try {
      await saveResponse(await api.redTeam.runs.export(id, format), `red-team-${id}.${format}`);
    } catch (err) {
      setError(err);
    }
  };
  const cancel = async () => {
    setError(null);
    try {
      queryClient.setQueryData(['red-team', 'runs', id], await api.redTeam.runs.cancel(id));
    } catch (err) {
      setError(err);
    }
  };
  const success = results?.attack_success;
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            Red-team run of {r.spec_name} <StatusBadge status={r.status} />
          </Group>
        }
        subtitle={`${r.number_of_behaviors} behaviours × ${r.number_of_prompts_per_behavior} prompts · ${r.model_name} · ${formatCost(r.total_cost)}`}
        actions={
          <>
            {isActive(r.status) && (
              <Button color="orange" variant="light" onClick={cancel}>
                Cancel run
              </Button>
            )}
            <Button variant="default" onClick={() => exportAs('jsonl')}>
              Export JSONL
            </Button>
            <Button variant="default" onClick={() => exportAs('csv')}>
              Export CSV
            </Button>
            <ConfirmButton
              label="Delete run"
              question="Delete this red-team run and its prompts?"
              onConfirm={async () => {
                await api.redTeam.runs.delete(id);
                await queryClient.invalidateQueries({ queryKey: ['red-team', 'runs'] });
                navigate('/red-team');
              }}
            />
          </>
        }
      />
      <ErrorAlert error={error} />
      {r.error && <ErrorAlert error={new Error(r.error)} title="The run failed" />}
      <Card withBorder mb="md">
        <PromptProgress run={r} />
      </Card>
      {results && (
        <SimpleGrid cols={{ base: 1, md: 3 }} mb="md">
          <Card withBorder>
            <Title order={6} mb="xs">
              Categories
            </Title>
            <Coverage counts={results.coverage.categories} />
          </Card>
          <Card withBorder>
            <Title order={6} mb="xs">
              Strategies
            </Title>
            <Coverage counts={results.coverage.strategies} />
          </Card>
          <Card withBorder>
            <Title order={6} mb="xs">
              OWASP LLM Top 10
            </Title>
            <Coverage counts={results.coverage.owasp} />
          </Card>
        </SimpleGrid>
      )}
      {success && (
        <Card withBorder mb="md">
          <Title order={5}>
            Attack success: {formatPercent(success.overall.rate, 1)} ({success.overall.succeeded} of{' '}
            {success.overall.graded} graded)
          </Title>
          {success.target_errors > 0 && (
            <Text size="sm" c="orange">
              {success.target_errors} prompts got no reply from the target.
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, md: 2 }} mt="xs">
            <Rates title="By category" rates={success.by_category} />
            <Rates title="By strategy" rates={success.by_strategy} />
          </SimpleGrid>
        </Card>
      )}
      <PromptsTable runId={id} total={r.progress.prompts_done} />
    </>
  );
}

function Coverage({ counts }: { counts: Record<string, number> }) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  if (total === 0) return <Text c="dimmed">—</Text>;
  return (
    <DistributionBars
      scale={1}
      series={[
        {
          label: 'prompts',
          color: 'var(--mantine-color-indigo-6)',
          values: Object.fromEntries(Object.entries(counts).map(([k, v]) => [`${k} (${v})`, v / total])),
        },
      ]}
    />
  );
}

function Rates({
  title,
  rates,
}: {
  title: string;
  rates: Record<string, { graded: number; rate: number | null; succeeded: number }>;
}) {
  return (
    <div>
      <Text fw={600} size="sm" mb={4}>
        {title}
      </Text>
      <DistributionBars
        scale={1}
        series={[
          {
            label: 'attack success',
            color: 'var(--mantine-color-red-6)',
            values: Object.fromEntries(
              Object.entries(rates).map(([k, v]) => [`${k} (${v.succeeded}/${v.graded})`, v.rate ?? 0]),
            ),
          },
        ]}
      />
    </div>
  );
}

function PromptsTable({ runId, total }: { runId: string; total: number }) {
  const api = useApi();
  const [page, setPage] = useState(0);
  const prompts = useQuery({
    queryKey: ['red-team', 'runs', runId, 'prompts', page, total],
    queryFn: () => api.redTeam.runs.prompts(runId, { limit: PROMPTS_PAGE, offset: page * PROMPTS_PAGE }),
    placeholderData: (previous) => previous,
  });
  const rows = prompts.data ?? [];
  const pages = Math.max(1, Math.ceil(total / PROMPTS_PAGE));
  return (
    <Card withBorder>
      <Group justify="space-between" mb="xs">
        <Title order={5}>Prompts</Title>
        <Group gap="xs">
          <Button size="xs" variant="default" disabled={page === 0} onClick={() => setPage((p) => p - 1)}>
            Previous
          </Button>
          <Text size="sm" aria-label="Page">
            Page {page + 1} of {pages}
          </Text>
          <Button
            size="xs"
            variant="default"
            disabled={rows.length < PROMPTS_PAGE}
            onClick={() => setPage((p) => p + 1)}
          >
            Next
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={prompts.error} />
      <Table striped fz="sm" aria-label="Prompts">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Behaviour</Table.Th>
            <Table.Th>Strategy</Table.Th>
            <Table.Th>Prompt</Table.Th>
            <Table.Th>Graded</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((p) => (
            <Table.Tr key={`${p.behavior_index}-${p.position}`}>
              <Table.Td>
                <Text size="xs">{p.behavior}</Text>
                <Badge size="xs" variant="outline">
                  {p.category}
                </Badge>
              </Table.Td>
              <Table.Td>{p.strategy}</Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lineClamp={4}>
                  {p.adversarial_prompt}
                </Text>
              </Table.Td>
              <Table.Td>
                {p.grade ? (
                  <Badge color={p.grade.attack_succeeded ? 'red' : 'green'} title={p.grade.reason}>
                    {p.grade.attack_succeeded ? 'attack succeeded' : 'resisted'}
                  </Badge>
                ) : (
                  '—'
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}
