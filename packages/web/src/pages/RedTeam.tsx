import {
  ActionIcon,
  Anchor,
  Badge,
  Button,
  Card,
  Checkbox,
  Fieldset,
  Group,
  Loader,
  MultiSelect,
  NumberInput,
  PasswordInput,
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
import type {
  RedTeamPrompt,
  RedTeamRun,
  RedTeamRunCreateParams,
  RedTeamSpec,
  RedTeamTarget,
} from '@openframer/sdk/types';
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
  const [target, setTarget] = useState<TargetFields>(NO_TARGET);
  const [graderModel, setGraderModel] = useState<string | null>(null);
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
      if (target.enabled) {
        body.target = targetBody(target);
        if (graderModel) body.grader_model = graderModel;
      }
      return api.redTeam.runs.create(body);
    },
    onSuccess: (run) => {
      // The key (and header values) are not kept in the page once sent: the API never returns them.
      setTarget(NO_TARGET);
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
          <TargetForm value={target} onChange={setTarget} />
          <ModelSelect
            stage="red_team"
            label="Grader model"
            description={
              target.enabled
                ? 'Reads each reply of the target and decides whether the attack succeeded'
                : 'Only with a target'
            }
            placeholder="the attacker model"
            clearable
            disabled={!target.enabled}
            value={target.enabled ? graderModel : null}
            onChange={setGraderModel}
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

/** The target form's state; numbers stay as typed until the request is built. */
export interface TargetFields {
  enabled: boolean;
  baseUrl: string;
  model: string;
  apiKey: string;
  headers: { name: string; value: string }[];
  systemPrompt: string;
  concurrency: number | string;
  timeoutSeconds: number | string;
}

const NO_TARGET: TargetFields = {
  enabled: false,
  baseUrl: '',
  model: '',
  apiKey: '',
  headers: [],
  systemPrompt: '',
  concurrency: '',
  timeoutSeconds: '',
};

/** The `target` of POST /red-team-runs/: empty optional fields left out, header rows without a name too. */
export function targetBody(t: TargetFields): RedTeamTarget {
  const body: RedTeamTarget = { base_url: t.baseUrl.trim(), model: t.model.trim() };
  if (t.apiKey) body.api_key = t.apiKey;
  const headers = t.headers.filter((h) => h.name.trim());
  if (headers.length) body.headers = Object.fromEntries(headers.map((h) => [h.name.trim(), h.value]));
  if (t.systemPrompt.trim()) body.system_prompt = t.systemPrompt;
  if (t.concurrency !== '') body.concurrency = Number(t.concurrency);
  if (t.timeoutSeconds !== '') body.timeout_ms = Math.round(Number(t.timeoutSeconds) * 1000);
  return body;
}

function TargetForm({ value, onChange }: { value: TargetFields; onChange: (t: TargetFields) => void }) {
  const set = (patch: Partial<TargetFields>) => onChange({ ...value, ...patch });
  const setHeader = (i: number, patch: Partial<{ name: string; value: string }>) =>
    set({ headers: value.headers.map((h, j) => (j === i ? { ...h, ...patch } : h)) });
  return (
    <Stack gap="xs">
      <Checkbox
        label="Send each prompt to a target and grade its reply"
        description="An OpenAI-compatible API of the application under test ({base URL}/chat/completions)"
        checked={value.enabled}
        onChange={(e) => set({ enabled: e.currentTarget.checked })}
      />
      {value.enabled && (
        <Fieldset legend="Target">
          <Stack gap="xs">
            <TextInput
              label="Base URL"
              placeholder="https://app.example.com/v1"
              required
              type="url"
              value={value.baseUrl}
              onChange={(e) => set({ baseUrl: e.currentTarget.value })}
            />
            <TextInput
              label="Target model"
              description="The model field sent to the target"
              required
              value={value.model}
              onChange={(e) => set({ model: e.currentTarget.value })}
            />
            <PasswordInput
              label="Target API key"
              description="Sent as a bearer token; stored encrypted and never shown again"
              autoComplete="new-password"
              value={value.apiKey}
              onChange={(e) => set({ apiKey: e.currentTarget.value })}
            />
            <div>
              <Text size="sm" fw={500}>
                Extra headers
              </Text>
              <Text size="xs" c="dimmed" mb={4}>
                Stored encrypted; only their names are shown afterwards.
              </Text>
              <Stack gap={4}>
                {value.headers.map((h, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity but their place
                  <Group key={i} gap="xs" wrap="nowrap" align="flex-end">
                    <TextInput
                      aria-label={`Header ${i + 1} name`}
                      placeholder="X-Tenant"
                      value={h.name}
                      onChange={(e) => setHeader(i, { name: e.currentTarget.value })}
                      style={{ flex: 1 }}
                    />
                    <PasswordInput
                      aria-label={`Header ${i + 1} value`}
                      placeholder="value"
                      autoComplete="new-password"
                      value={h.value}
                      onChange={(e) => setHeader(i, { value: e.currentTarget.value })}
                      style={{ flex: 1 }}
                    />
                    <ActionIcon
                      variant="subtle"
                      color="red"
                      size="lg"
                      aria-label={`Remove header ${i + 1}`}
                      onClick={() => set({ headers: value.headers.filter((_, j) => j !== i) })}
                    >
                      ×
                    </ActionIcon>
                  </Group>
                ))}
              </Stack>
              <Button
                size="compact-xs"
                variant="subtle"
                mt={4}
                onClick={() => set({ headers: [...value.headers, { name: '', value: '' }] })}
              >
                Add header
              </Button>
            </div>
            <Textarea
              label="System prompt"
              description="Sent before each prompt"
              autosize
              minRows={2}
              value={value.systemPrompt}
              onChange={(e) => set({ systemPrompt: e.currentTarget.value })}
            />
            <SimpleGrid cols={2}>
              <NumberInput
                label="Concurrency"
                placeholder="8"
                min={1}
                max={64}
                allowDecimal={false}
                value={value.concurrency}
                onChange={(v) => set({ concurrency: v })}
              />
              <NumberInput
                label="Timeout (seconds)"
                placeholder="60"
                min={1}
                max={600}
                value={value.timeoutSeconds}
                onChange={(v) => set({ timeoutSeconds: v })}
              />
            </SimpleGrid>
          </Stack>
        </Fieldset>
      )}
    </Stack>
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
      {r.target && <TargetCard run={r} target={r.target} />}
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
      <PromptsTable runId={id} total={r.progress.prompts_done} withTarget={r.target !== null} />
    </>
  );
}

function TargetCard({ run, target }: { run: RedTeamRun; target: NonNullable<RedTeamRun['target']> }) {
  return (
    <Card withBorder mb="md" aria-label="Target">
      <Title order={6} mb="xs">
        Target
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <div>
          <Text size="xs" c="dimmed">
            Base URL
          </Text>
          <Text size="sm" style={{ wordBreak: 'break-all' }}>
            {target.base_url}
          </Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            Model
          </Text>
          <Text size="sm">{target.model}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            API key
          </Text>
          <Text size="sm">{target.has_api_key ? 'set (not shown)' : 'none'}</Text>
        </div>
        <div>
          <Text size="xs" c="dimmed">
            Headers
          </Text>
          {target.header_names.length ? (
            <Group gap={4}>
              {target.header_names.map((n) => (
                <Badge key={n} size="sm" variant="outline">
                  {n}
                </Badge>
              ))}
            </Group>
          ) : (
            <Text size="sm">none</Text>
          )}
        </div>
      </SimpleGrid>
      <Text size="xs" c="dimmed" mt="xs">
        Graded by {run.grader_model ?? run.model_name}
        {target.concurrency ? ` · ${target.concurrency} in flight` : ''}
        {target.timeout_ms ? ` · timeout ${target.timeout_ms / 1000} s` : ''}
      </Text>
      {target.system_prompt && (
        <Text size="xs" mt={4} style={{ whiteSpace: 'pre-wrap' }} lineClamp={3}>
          System prompt: {target.system_prompt}
        </Text>
      )}
    </Card>
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

function PromptsTable({ runId, total, withTarget }: { runId: string; total: number; withTarget: boolean }) {
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
            {withTarget && <Table.Th>Target reply</Table.Th>}
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
              <Table.Td>
                {p.strategy}
                {p.language && (
                  <Badge size="xs" variant="light" color="gray" display="block" mt={2}>
                    {p.language}
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lineClamp={4}>
                  {p.adversarial_prompt}
                </Text>
              </Table.Td>
              {withTarget && (
                <Table.Td>
                  <TargetReply prompt={p} />
                </Table.Td>
              )}
              <Table.Td>
                <Grade prompt={p} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

function TargetReply({ prompt }: { prompt: RedTeamPrompt }) {
  if (prompt.target_error)
    return (
      <Text size="sm" c="red">
        No reply: {prompt.target_error}
      </Text>
    );
  if (prompt.target_response == null) return <Text c="dimmed">—</Text>;
  return (
    <Text size="sm" style={{ whiteSpace: 'pre-wrap' }} lineClamp={4}>
      {prompt.target_response}
    </Text>
  );
}

function Grade({ prompt }: { prompt: RedTeamPrompt }) {
  if (prompt.grade)
    return (
      <Stack gap={2}>
        <Badge color={prompt.grade.attack_succeeded ? 'red' : 'green'}>
          {prompt.grade.attack_succeeded ? 'attack succeeded' : 'resisted'}
        </Badge>
        <Text size="xs" c="dimmed" lineClamp={3}>
          {prompt.grade.reason}
        </Text>
      </Stack>
    );
  if (prompt.grade_error)
    return (
      <Text size="xs" c="orange">
        Not graded: {prompt.grade_error}
      </Text>
    );
  return <>—</>;
}
