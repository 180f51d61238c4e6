import {
  Badge,
  Button,
  Card,
  Group,
  Loader,
  RingProgress,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  Title,
} from '@mantine/core';
import type { Evaluation, EvaluationChatMessage, EvaluationSummary, Run } from '@openframer/sdk/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useApi } from '../auth/AuthContext.tsx';
import { DistributionBars } from '../components/DistributionBars.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatCost, formatDate, formatPercent, isActive } from '../components/format.ts';
import { ModelSelect } from '../components/ModelSelect.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';

/** The evaluations of a run: start one, pick one, read it. */
export function Evaluations({ run }: { run: Run }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [model, setModel] = useState<string | null>('openframer/statistical');
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    queryKey: ['runs', run.id, 'evaluations'],
    queryFn: () => api.runs.evaluations(run.id),
    refetchInterval: (q) => (q.state.data?.some((e) => isActive(e.status)) ? 1000 : false),
  });
  const start = useMutation({
    mutationFn: () => api.runs.evaluate(run.id, model ?? undefined),
    onSuccess: (evaluation) => {
      setSelected(evaluation.id);
      void queryClient.invalidateQueries({ queryKey: ['runs', run.id, 'evaluations'] });
    },
  });
  const evaluations = list.data ?? [];
  const current = evaluations.find((e) => e.id === selected) ?? evaluations[0];
  return (
    <Card withBorder mb="md">
      <Group justify="space-between" mb="sm" align="flex-end">
        <Title order={4}>Evaluation</Title>
        <Group align="flex-end">
          <ModelSelect
            stage="evaluation"
            label="Evaluation model"
            value={model}
            onChange={setModel}
            w={300}
          />
          <Button
            onClick={() => start.mutate()}
            loading={start.isPending}
            disabled={run.samples_completed === 0}
          >
            Evaluate
          </Button>
        </Group>
      </Group>
      <ErrorAlert error={start.error ?? list.error} />
      {evaluations.length > 1 && (
        <Select
          label="Evaluations of this run"
          mb="sm"
          value={current?.id ?? null}
          onChange={setSelected}
          data={evaluations.map((e) => ({
            value: e.id,
            label: `${formatDate(e.created_at)} · ${e.evaluation_model} · ${e.status}`,
          }))}
        />
      )}
      {current ? <EvaluationView summary={current} /> : <Text c="dimmed">Not evaluated yet.</Text>}
    </Card>
  );
}

function EvaluationView({ summary }: { summary: EvaluationSummary }) {
  const api = useApi();
  const full = useQuery({
    queryKey: ['evaluations', summary.id, summary.status],
    queryFn: () => api.evaluations.get(summary.id),
    enabled: summary.status === 'SUCCEEDED',
  });
  if (isActive(summary.status))
    return (
      <Group>
        <Loader size="xs" /> <Text size="sm">Evaluating with {summary.evaluation_model}…</Text>
      </Group>
    );
  if (summary.status === 'FAILED')
    return <ErrorAlert error={new Error(summary.error_message ?? 'failed')} title="The evaluation failed" />;
  const e: EvaluationSummary | Evaluation = full.data ?? summary;
  const score = e.conformance_score;
  return (
    <Stack>
      <Group align="flex-start" wrap="nowrap">
        <RingProgress
          size={110}
          thickness={10}
          sections={[
            {
              value: score ?? 0,
              color: score === null ? 'gray' : score >= 80 ? 'green' : score >= 50 ? 'yellow' : 'red',
            },
          ]}
          label={
            <Text ta="center" fw={700} aria-label="Conformance score">
              {score === null ? '—' : Math.round(score)}
            </Text>
          }
        />
        <Stack gap={4} style={{ flex: 1 }}>
          <Group gap="xs">
            <StatusBadge status={e.status} />
            <Text size="xs" c="dimmed">
              {e.evaluation_model} · {formatCost(e.total_cost)} · {formatDate(e.completed_at)}
            </Text>
          </Group>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {e.conformance_explanation}
          </Text>
        </Stack>
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder bg="var(--mantine-color-green-0)">
          <Text fw={600} size="sm">
            Conformant areas
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {e.conformant_areas || '—'}
          </Text>
        </Card>
        <Card withBorder bg="var(--mantine-color-red-0)">
          <Text fw={600} size="sm">
            Non-conformant areas
          </Text>
          <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
            {e.non_conformant_areas || '—'}
          </Text>
        </Card>
      </SimpleGrid>
      {e.distribution_analysis && e.distribution_analysis.length > 0 && (
        <>
          <Title order={5}>Distributions: requested vs evaluated</Title>
          <SimpleGrid cols={{ base: 1, md: 2, lg: 3 }}>
            {e.distribution_analysis.map((d) => (
              <Card withBorder key={d.property_name}>
                <Group justify="space-between">
                  <Text fw={600}>{d.property_name}</Text>
                  {d.property_score !== null && (
                    <Badge variant="light">score {Math.round(d.property_score)}</Badge>
                  )}
                </Group>
                <Text size="xs" c="dimmed" mb="xs">
                  {d.total_samples_analyzed} of {d.total_samples} analysed · TVD{' '}
                  {d.tvd_requested_evaluated?.toFixed(2) ?? '—'} · agreement{' '}
                  {formatPercent(d.assignment_agreement)}
                </Text>
                <DistributionBars
                  scale={sumOf(d.requested_distributions) > 1.5 ? 100 : 1}
                  series={[
                    {
                      label: 'requested',
                      color: 'var(--mantine-color-blue-6)',
                      values: d.requested_distributions,
                    },
                    {
                      label: 'evaluated',
                      color: 'var(--mantine-color-teal-6)',
                      values: d.evaluated_distributions,
                    },
                  ]}
                />
              </Card>
            ))}
          </SimpleGrid>
        </>
      )}
      {e.quality && <QualityBlock quality={e.quality} />}
      {e.status === 'SUCCEEDED' && <EvaluationChat evaluationId={e.id} />}
    </Stack>
  );
}

const sumOf = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

function QualityBlock({ quality }: { quality: NonNullable<EvaluationSummary['quality']> }) {
  const rows: [string, string][] =
    quality.kind === 'table'
      ? [
          ['Rows (seed / synthetic)', `${quality.rows.seed} / ${quality.rows.synthetic}`],
          ['Fidelity, overall', formatPercent(quality.fidelity?.overall, 1)],
          ['Fidelity, columns', formatPercent(quality.fidelity?.univariate, 1)],
          ['Fidelity, column pairs', formatPercent(quality.fidelity?.bivariate, 1)],
          ['Rows identical to a seed row', formatPercent(quality.privacy?.identical_row_share, 1)],
          [
            'Distance to closest seed (share closer than seeds are to each other)',
            formatPercent(quality.privacy?.dcr_share, 1),
          ],
        ]
      : [
          ['Texts', String(quality.texts)],
          ['Exact duplicates', formatPercent(quality.diversity.exact_duplicate_rate, 1)],
          ['Near duplicates', formatPercent(quality.diversity.near_duplicate_rate, 1)],
          [
            'Distinct-1 / distinct-2',
            `${quality.diversity.distinct_1?.toFixed(2) ?? '—'} / ${quality.diversity.distinct_2?.toFixed(2) ?? '—'}`,
          ],
          ['Length similarity to seeds (1 − KS)', quality.length.ks_complement?.toFixed(2) ?? '—'],
          ['Exact copies of a seed', formatPercent(quality.seed_copy?.exact_seed_copy_rate, 1)],
        ];
  return (
    <Card withBorder>
      <Title order={5} mb="xs">
        Quality ({quality.kind})
      </Title>
      <Table>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Td>{label}</Table.Td>
              <Table.Td ta="right">{value}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Card>
  );
}

/** Chat with a model about the evaluation (GET/POST /evaluations/{id}/chat/); the server keeps the history. */
export function EvaluationChat({ evaluationId }: { evaluationId: string }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const key = ['evaluations', evaluationId, 'chat'];
  const history = useQuery({ queryKey: key, queryFn: () => api.evaluations.chatHistory(evaluationId) });
  const [message, setMessage] = useState('');
  const [model, setModel] = useState<string | null>(null);
  const send = useMutation({
    mutationFn: (text: string) =>
      api.evaluations.chat(evaluationId, { user_message: text, ...(model ? { chat_model: model } : {}) }),
    onSuccess: (turn) => {
      queryClient.setQueryData<EvaluationChatMessage[]>(key, (old) => [...(old ?? []), turn]);
      setMessage('');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (message.trim()) send.mutate(message.trim());
  };
  const turns = history.data ?? [];
  return (
    <Card withBorder>
      <Title order={5} mb="xs">
        Ask about this evaluation
      </Title>
      <ErrorAlert error={history.error} />
      <Stack gap="xs" mb="sm" aria-label="Chat" role="log">
        {turns.length === 0 && !send.isPending && (
          <Text size="sm" c="dimmed">
            No questions yet. The model sees the score, the explanation, the distributions, the quality and
            the samples that missed their assignment.
          </Text>
        )}
        {turns.map((t) => (
          <Stack key={t.id} gap={4}>
            <Card padding="xs" bg="var(--mantine-color-blue-0)" ml="xl">
              <Text size="xs" c="dimmed">
                {t.user_email} · {formatDate(t.created_at)}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {t.user_message}
              </Text>
            </Card>
            <Card padding="xs" withBorder mr="xl">
              <Text size="xs" c="dimmed">
                {t.chat_model}
              </Text>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {t.assistant_message}
              </Text>
            </Card>
          </Stack>
        ))}
        {send.isPending && (
          <Group gap="xs">
            <Loader size="xs" />
            <Text size="sm" c="dimmed">
              Thinking…
            </Text>
          </Group>
        )}
      </Stack>
      <form onSubmit={submit}>
        <Stack gap="xs">
          <Textarea
            label="Your question"
            placeholder="Why is the tone axis off?"
            autosize
            minRows={2}
            value={message}
            onChange={(e) => setMessage(e.currentTarget.value)}
          />
          <ErrorAlert error={send.error} title="The message was not answered" />
          <Group align="flex-end">
            <ModelSelect
              stage="chat"
              label="Chat model"
              placeholder="server default"
              clearable
              value={model}
              onChange={setModel}
              w={300}
            />
            <Button type="submit" loading={send.isPending} disabled={!message.trim()}>
              Send
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
