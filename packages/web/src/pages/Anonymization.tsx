import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import type { AnonymizationRun, AnonymizationRunCreateParams } from '@openframer/sdk/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { waitForZip } from '../api/client.ts';
import { useApi } from '../auth/AuthContext.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { DistributionBars } from '../components/DistributionBars.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatBytes, formatDate, isActive } from '../components/format.ts';
import { ListCard } from '../components/ListCard.tsx';
import { ModelSelect } from '../components/ModelSelect.tsx';
import { NameDescriptionFields } from '../components/NameDescriptionFields.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { StatusBadge } from '../components/StatusBadge.tsx';
import { useOpenLink } from '../components/useOpenLink.ts';

/** The labels the server detects (docs/anonymization.md). */
export const PII_TYPES = [
  'first_name',
  'last_name',
  'email',
  'phone_number',
  'ssn',
  'credit_card_number',
  'iban',
  'street_address',
  'city',
  'state',
  'country',
  'postal_code',
  'date',
  'date_of_birth',
  'age',
  'ipv4',
  'ipv6',
  'url',
  'medical_record_number',
  'api_key',
  'password',
  'organization',
];

type DetectionMethod = AnonymizationRunCreateParams['detection_method'];
const METHODS: { value: DetectionMethod; label: string }[] = [
  { value: 'aimon_pii_m1', label: 'aimon_pii_m1 — best offline combination (NER + patterns)' },
  { value: 'heuristics', label: 'heuristics — pattern recognizers with validation' },
  { value: 'ner', label: 'ner — names of people, places, organisations' },
  { value: 'ner+heuristics', label: 'ner+heuristics' },
  { value: 'llm', label: 'llm — a language model finds the spans' },
  { value: 'llm+heuristics', label: 'llm+heuristics' },
  { value: 'all', label: 'all — LLM, NER and patterns' },
];
const OPERATORS = ['REDACT', 'REPLACE', 'MASK', 'HASH', 'KEEP'];

export function AnonymizationPage() {
  const api = useApi();
  const runs = useQuery({
    queryKey: ['anonymization'],
    queryFn: () => api.anonymization.list({ limit: 200 }),
    refetchInterval: (q) => (q.state.data?.some((r) => isActive(r.status)) ? 2000 : false),
  });
  return (
    <>
      <PageHeader title="Anonymization" subtitle="Find PII/PHI in a seed dataset and mask it." />
      <CreateAnonymization />
      <ListCard
        mt="lg"
        query={runs}
        empty="No anonymization runs yet."
        head={
          <>
            <Table.Th>Dataset</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Method</Table.Th>
            <Table.Th>Entities</Table.Th>
            <Table.Th>Created</Table.Th>
          </>
        }
      >
        {runs.data?.map((r) => (
          <Table.Tr key={r.id}>
            <Table.Td>
              <Anchor component={Link} to={`/anonymization/${r.id}`}>
                {r.dataset_name ?? r.id.slice(0, 8)}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <StatusBadge status={r.status} />
            </Table.Td>
            <Table.Td>{r.detection_method}</Table.Td>
            <Table.Td>
              {r.results ? Object.values(r.results.entity_summary).reduce((a, b) => a + b, 0) : '—'}
            </Table.Td>
            <Table.Td>{formatDate(r.created_at)}</Table.Td>
          </Table.Tr>
        ))}
      </ListCard>
    </>
  );
}

function CreateAnonymization() {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [params] = useSearchParams();
  const datasets = useQuery({ queryKey: ['datasets'], queryFn: () => api.datasets.list({ limit: 200 }) });
  const [datasetId, setDatasetId] = useState<string | null>(params.get('dataset'));
  const [piiTypes, setPiiTypes] = useState<string[]>([
    'first_name',
    'last_name',
    'email',
    'phone_number',
    'ssn',
  ]);
  const [method, setMethod] = useState<DetectionMethod>('aimon_pii_m1');
  const [threshold, setThreshold] = useState<number | string>(0.3);
  const [llmModel, setLlmModel] = useState<string | null>(null);
  const [masks, setMasks] = useState<Record<string, string>>({});

  const create = useMutation({
    mutationFn: () => {
      const maskConfig = Object.fromEntries(
        Object.entries(masks).filter(([k, v]) => v && piiTypes.includes(k)),
      );
      const body: AnonymizationRunCreateParams = {
        dataset_id: datasetId ?? '',
        pii_types: piiTypes,
        detection_method: method,
        threshold: Number(threshold),
      };
      if (Object.keys(maskConfig).length > 0) body.mask_config = maskConfig;
      if (method.includes('llm') || method === 'all') body.llm_model_name = llmModel;
      return api.anonymization.create(body);
    },
    onSuccess: (run) => {
      void queryClient.invalidateQueries({ queryKey: ['anonymization'] });
      navigate(`/anonymization/${run.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const usesLlm = method.includes('llm') || method === 'all';

  return (
    <Card withBorder>
      <form onSubmit={submit}>
        <Stack>
          <SimpleGrid cols={{ base: 1, md: 2 }}>
            <Select
              label="Seed dataset"
              required
              searchable
              value={datasetId}
              onChange={setDatasetId}
              data={(datasets.data ?? []).map((d) => ({ value: d.id, label: d.name }))}
            />
            <Select
              label="Detection method"
              value={method}
              onChange={(v) => v && setMethod(v as DetectionMethod)}
              data={METHODS}
              allowDeselect={false}
            />
            <MultiSelect
              label="PII/PHI types"
              required
              searchable
              data={PII_TYPES}
              value={piiTypes}
              onChange={setPiiTypes}
            />
            <NumberInput
              label="Threshold"
              description="Entities scoring below this are left alone; lower finds more."
              min={0}
              max={1}
              step={0.05}
              decimalScale={2}
              value={threshold}
              onChange={setThreshold}
            />
            {usesLlm && (
              <ModelSelect
                stage="anonymization"
                label="LLM model"
                required
                value={llmModel}
                onChange={setLlmModel}
              />
            )}
          </SimpleGrid>
          {piiTypes.length > 0 && (
            <div>
              <Text size="sm" fw={500}>
                Masking per type
              </Text>
              <Text size="xs" c="dimmed" mb="xs">
                Unset types are redacted.
              </Text>
              <SimpleGrid cols={{ base: 2, sm: 3, lg: 5 }}>
                {piiTypes.map((t) => (
                  <Select
                    key={t}
                    size="xs"
                    label={t}
                    placeholder="REDACT"
                    clearable
                    data={OPERATORS}
                    value={masks[t] ?? null}
                    onChange={(v) => setMasks((m) => ({ ...m, [t]: v ?? '' }))}
                  />
                ))}
              </SimpleGrid>
            </div>
          )}
          <ErrorAlert error={create.error} title="The run was not started" />
          <Group>
            <Button type="submit" loading={create.isPending} disabled={!datasetId || piiTypes.length === 0}>
              Anonymize
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}

export function AnonymizationDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const run = useQuery({
    queryKey: ['anonymization', id],
    queryFn: () => api.anonymization.get(id),
    refetchInterval: (q) => (isActive(q.state.data?.status) ? 1000 : false),
  });
  const { linkError, open } = useOpenLink();
  const [zipping, setZipping] = useState(false);
  if (run.error) return <ErrorAlert error={run.error} />;
  if (!run.data) return <Loader />;
  const r = run.data;
  const hasFiles = r.anonymized_files.length > 0;
  const downloadZip = async () => {
    setZipping(true);
    await open(() => waitForZip(() => api.anonymization.zip(r.id)));
    setZipping(false);
  };
  const summary = r.results?.entity_summary ?? {};
  const total = Object.values(summary).reduce((a, b) => a + b, 0);
  const download = (fileId: string) =>
    open(async () => (await api.anonymization.fileLink(r.id, fileId)).download_url);
  return (
    <>
      <PageHeader
        title={
          <Group gap="sm">
            Anonymization of {r.dataset_name ?? 'a deleted dataset'} <StatusBadge status={r.status} />
          </Group>
        }
        subtitle={`${r.detection_method}${r.llm_model_name ? ` with ${r.llm_model_name}` : ''} · ${formatDate(r.created_at)}`}
        actions={
          <>
            {r.status === 'SUCCEEDED' && hasFiles && <MakeDataset run={r} />}
            <Button variant="default" onClick={downloadZip} loading={zipping} disabled={!hasFiles}>
              Download ZIP
            </Button>
            <ConfirmButton
              label="Delete run"
              question="Delete this anonymization run and its files?"
              onConfirm={async () => {
                await api.anonymization.delete(r.id);
                await queryClient.invalidateQueries({ queryKey: ['anonymization'] });
                navigate('/anonymization');
              }}
            />
          </>
        }
      />
      {isActive(r.status) && (
        <Group mb="md">
          <Loader size="xs" />
          <Text size="sm">Detecting and masking…</Text>
        </Group>
      )}
      {r.results?.error && (
        <ErrorAlert
          error={new Error(r.results.error)}
          title={r.status === 'FAILED' ? 'The run failed' : 'Some files were not anonymized'}
        />
      )}
      <Group gap={4} mb="md">
        {r.pii_types.map((t) => (
          <Badge key={t} variant="outline" size="sm">
            {t}
          </Badge>
        ))}
      </Group>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Card withBorder>
          <Title order={5} mb="xs">
            Entities found: {total} in {r.results?.samples_processed ?? 0} samples
          </Title>
          {total > 0 ? (
            <DistributionBars
              scale={1}
              series={[
                {
                  label: 'share of entities',
                  color: 'var(--mantine-color-grape-6)',
                  values: Object.fromEntries(
                    Object.entries(summary).map(([k, v]) => [`${k} (${v})`, v / total]),
                  ),
                },
              ]}
            />
          ) : (
            <Text c="dimmed" size="sm">
              None.
            </Text>
          )}
        </Card>
        <Card withBorder>
          <Title order={5} mb="xs">
            Anonymized files
          </Title>
          <ErrorAlert error={linkError} />
          <Table>
            <Table.Tbody>
              {r.anonymized_files.map((f) => (
                <Table.Tr key={f.id}>
                  <Table.Td>{f.path}</Table.Td>
                  <Table.Td>{formatBytes(f.size_in_bytes)}</Table.Td>
                  <Table.Td>
                    <Button size="compact-xs" variant="subtle" onClick={() => download(f.id)}>
                      Download
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Card>
      </SimpleGrid>
    </>
  );
}

/** A new seed dataset of the anonymized files (POST /anonymization-runs/{id}/create-dataset/), then opens it. */
function MakeDataset({ run }: { run: AnonymizationRun }) {
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(`${run.dataset_name ?? 'dataset'}_anonymized`);
  const [description, setDescription] = useState('');
  const create = useMutation({
    mutationFn: () =>
      api.anonymization.createDataset(run.id, {
        name: name.trim(),
        ...(description.trim() ? { description } : {}),
      }),
    onSuccess: (dataset) => {
      void queryClient.invalidateQueries({ queryKey: ['datasets'] });
      navigate(`/datasets/${dataset.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <>
      <Button onClick={() => setOpen(true)}>Make a seed dataset from these files</Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="A seed dataset of the anonymized files">
        <form onSubmit={submit}>
          <Stack gap="xs">
            <Text size="sm" c="dimmed">
              Same type, folders and file names as {run.dataset_name ?? 'the original'}; the original is left
              as it is.
            </Text>
            <NameDescriptionFields
              name={name}
              description={description}
              onName={setName}
              onDescription={setDescription}
            />
            <ErrorAlert error={create.error} title="The dataset was not made" />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
                Make dataset
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
