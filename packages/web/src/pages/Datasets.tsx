import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Loader,
  Modal,
  Select,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { Dropzone } from '@mantine/dropzone';
import { notifications } from '@mantine/notifications';
import type { DatasetType, SeedDataset } from '@openframer/sdk/types';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, type FormEvent, type ReactNode, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useApi } from '../auth/AuthContext.tsx';
import { ConfirmButton } from '../components/Confirm.tsx';
import { ErrorAlert } from '../components/ErrorAlert.tsx';
import { formatBytes, formatDate } from '../components/format.ts';
import { ListCard } from '../components/ListCard.tsx';
import { NameDescriptionFields } from '../components/NameDescriptionFields.tsx';
import { PageHeader } from '../components/PageHeader.tsx';
import { useOpenLink } from '../components/useOpenLink.ts';
import { chosenFile, planUpload, type UploadPlan, uploadForm } from './upload-plan.ts';

const TYPES: DatasetType[] = ['SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER'];

export function DatasetsPage() {
  const api = useApi();
  const datasets = useQuery({ queryKey: ['datasets'], queryFn: () => api.datasets.list({ limit: 200 }) });
  return (
    <>
      <PageHeader title="Seed datasets" subtitle="The real examples everything else learns from." />
      <UploadCard />
      <ListCard
        mt="lg"
        query={datasets}
        empty="No datasets yet: upload one above."
        head={
          <>
            <Table.Th>Name</Table.Th>
            <Table.Th>Type</Table.Th>
            <Table.Th>Files</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>Created</Table.Th>
          </>
        }
      >
        {datasets.data?.map((d) => (
          <Table.Tr key={d.id}>
            <Table.Td>
              <Anchor component={Link} to={`/datasets/${d.id}`}>
                {d.name}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Badge variant="outline">{d.dataset_type}</Badge>
            </Table.Td>
            <Table.Td>
              {d.file_count}
              {d.folder_count > 0 ? ` in ${d.folder_count} folders` : ''}
            </Table.Td>
            <Table.Td>{formatBytes(d.total_size_bytes)}</Table.Td>
            <Table.Td>{formatDate(d.created_at)}</Table.Td>
          </Table.Tr>
        ))}
      </ListCard>
    </>
  );
}

function UploadCard() {
  const api = useApi();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const folderInput = useRef<HTMLInputElement>(null);
  const [plan, setPlan] = useState<UploadPlan | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [datasetType, setDatasetType] = useState<DatasetType | null>(null);

  useEffect(() => {
    // React has no typed prop for folder picking; the attribute is what browsers read.
    folderInput.current?.setAttribute('webkitdirectory', '');
  }, []);

  const choose = (files: File[]) => {
    const next = planUpload(files.map(chosenFile));
    setPlan(next);
    if (next.kind !== 'invalid') {
      setName((current) => current || next.name);
      setDatasetType(next.kind === 'files' ? next.datasetType : null);
    }
  };

  const upload = useMutation({
    mutationFn: async () => {
      if (!plan || plan.kind === 'invalid') throw new Error('Choose files first.');
      const form = uploadForm(plan, {
        name: name.trim(),
        description,
        datasetType: datasetType ?? undefined,
      });
      return plan.kind === 'zip' ? api.datasets.createFromZip(form) : api.datasets.create(form);
    },
    onSuccess: (dataset) => {
      notifications.show({ color: 'green', message: `Dataset ${dataset.name} created` });
      void queryClient.invalidateQueries({ queryKey: ['datasets'] });
      navigate(`/datasets/${dataset.id}`);
    },
  });

  return (
    <Card withBorder>
      <Text fw={600} mb="sm">
        Upload
      </Text>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Stack gap="xs">
          <Dropzone onDrop={choose} multiple aria-label="Drop files here">
            <Stack align="center" gap={4} py="md">
              <Text>Drop a table, several files, folders of files, or a ZIP</Text>
              <Text size="xs" c="dimmed">
                CSV, JSON, JSONL, TXT, MD, PDF. Or click to choose files.
              </Text>
            </Stack>
          </Dropzone>
          <Group>
            <Button variant="default" size="xs" onClick={() => folderInput.current?.click()}>
              Choose a folder…
            </Button>
            <input
              ref={folderInput}
              type="file"
              multiple
              hidden
              data-testid="folder-input"
              onChange={(e: ChangeEvent<HTMLInputElement>) => choose([...(e.currentTarget.files ?? [])])}
            />
          </Group>
          {plan && <PlanSummary plan={plan} />}
        </Stack>
        <Stack gap="xs">
          <TextInput label="Name" required value={name} onChange={(e) => setName(e.currentTarget.value)} />
          <Textarea
            label="Description"
            autosize
            minRows={2}
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
          {plan?.kind === 'files' && (
            <Select
              label="Dataset type"
              description="Worked out from the files; change it if it guessed wrong."
              data={TYPES}
              value={datasetType}
              onChange={(v) => setDatasetType(v as DatasetType | null)}
              allowDeselect={false}
            />
          )}
          <ErrorAlert error={upload.error} title="Upload refused" />
          <Button
            onClick={() => upload.mutate()}
            loading={upload.isPending}
            disabled={!plan || plan.kind === 'invalid' || !name.trim()}
          >
            Upload
          </Button>
        </Stack>
      </SimpleGrid>
    </Card>
  );
}

function PlanSummary({ plan }: { plan: UploadPlan }) {
  if (plan.kind === 'invalid')
    return <ErrorAlert error={new Error(plan.message)} title="These files cannot be uploaded" />;
  if (plan.kind === 'zip')
    return (
      <Text size="sm">
        ZIP archive <b>{plan.file.name}</b> ({formatBytes(plan.file.size)}): the server works out the type
        from its layout.
      </Text>
    );
  const folders = new Set(plan.files.map((f) => f.folder).filter(Boolean));
  const size = plan.files.reduce((sum, f) => sum + f.file.size, 0);
  return (
    <Text size="sm" data-testid="upload-plan">
      {plan.datasetType}: {plan.files.length} file{plan.files.length === 1 ? '' : 's'}
      {folders.size > 0 ? ` in ${folders.size} folders` : ''}, {formatBytes(size)}
    </Text>
  );
}

export function DatasetDetailPage() {
  const { id = '' } = useParams();
  const api = useApi();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const dataset = useQuery({ queryKey: ['datasets', id], queryFn: () => api.datasets.get(id) });
  const { linkError, open } = useOpenLink();
  if (dataset.error) return <ErrorAlert error={dataset.error} />;
  if (!dataset.data) return <Loader />;
  const d = dataset.data;
  const compat = d.short_sample_compatibility;
  const download = (fileId: string) =>
    open(async () => (await api.datasets.fileLink(d.id, fileId)).download_url);
  return (
    <>
      <PageHeader
        title={d.name}
        subtitle={d.description || undefined}
        actions={
          <>
            <Button component={Link} to={`/specs/new?dataset=${d.id}`}>
              Create a spec
            </Button>
            <Button component={Link} to={`/anonymization?dataset=${d.id}`} variant="default">
              Anonymize
            </Button>
            <EditDataset dataset={d} />
            <ConfirmButton
              label="Delete dataset"
              question={`Delete ${d.name} and its ${d.file_count} files? Specs made from it must be deleted first.`}
              onConfirm={async () => {
                await api.datasets.delete(d.id);
                await queryClient.invalidateQueries({ queryKey: ['datasets'] });
                navigate('/datasets');
              }}
            />
          </>
        }
      />
      <SimpleGrid cols={{ base: 1, sm: 4 }} mb="md">
        <Stat label="Type" value={d.dataset_type} />
        <Stat
          label="Files"
          value={`${d.file_count}${d.folder_count ? ` in ${d.folder_count} folders` : ''}`}
        />
        <Stat label="Size" value={formatBytes(d.total_size_bytes)} />
        <Stat label="Created" value={`${formatDate(d.created_at)} by ${d.created_by_email}`} />
      </SimpleGrid>
      <Card withBorder mb="md">
        <Text fw={600}>Sample length compatibility</Text>
        <Group gap="xs" my={4}>
          <Badge color={compat.is_short_samples_compatible ? 'green' : 'gray'}>
            short samples: {compat.is_short_samples_compatible ? 'yes' : 'no'}
          </Badge>
          <Badge color={compat.is_long_samples_compatible ? 'green' : 'gray'}>
            long samples: {compat.is_long_samples_compatible ? 'yes' : 'no'}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {compat.reason}
        </Text>
      </Card>
      <Card withBorder>
        <ErrorAlert error={linkError} />
        <Table striped>
          <Table.Thead>
            <Table.Tr>
              {d.dataset_type === 'MULTI_FOLDER' && <Table.Th>Folder</Table.Th>}
              <Table.Th>File</Table.Th>
              <Table.Th>Type</Table.Th>
              <Table.Th>Size</Table.Th>
              <Table.Th>Records</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {d.files.map((f) => (
              <Table.Tr key={f.id}>
                {d.dataset_type === 'MULTI_FOLDER' && <Table.Td>{f.folder}</Table.Td>}
                <Table.Td>
                  {f.name}
                  {f.columns && (
                    <Text size="xs" c="dimmed">
                      columns: {f.columns.join(', ')}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>{f.file_type}</Table.Td>
                <Table.Td>{formatBytes(f.size_bytes)}</Table.Td>
                <Table.Td>{f.record_count ?? '—'}</Table.Td>
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
    </>
  );
}

/** Rename or describe a dataset (PATCH /seed-datasets/{id}/). */
function EditDataset({ dataset }: { dataset: SeedDataset }) {
  const api = useApi();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [name, setName] = useState(dataset.name);
  const [description, setDescription] = useState(dataset.description ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body: { name?: string; description?: string } = {};
      if (name.trim() !== dataset.name) body.name = name.trim();
      if (description !== (dataset.description ?? '')) body.description = description;
      return api.datasets.update(dataset.id, body);
    },
    onSuccess: (saved) => {
      queryClient.setQueryData(['datasets', dataset.id], saved);
      void queryClient.invalidateQueries({ queryKey: ['datasets'], exact: true });
      setOpen(false);
    },
  });
  const openForm = () => {
    setName(dataset.name);
    setDescription(dataset.description ?? '');
    save.reset();
    setOpen(true);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <>
      <Button variant="default" onClick={openForm}>
        Edit
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title="Edit dataset">
        <form onSubmit={submit}>
          <Stack gap="xs">
            <NameDescriptionFields
              name={name}
              description={description}
              onName={setName}
              onDescription={setDescription}
            />
            <ErrorAlert error={save.error} title="The dataset was not saved" />
            <Group justify="flex-end">
              <Button variant="default" onClick={() => setOpen(false)}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!name.trim()}>
                Save
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}

export function Stat({ label, value }: { label: string; value: ReactNode }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Text fw={500}>{value}</Text>
    </Card>
  );
}
