import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dataframer, {
  AuthenticationError,
  BadRequestError,
  ConflictError,
  type JobProgress,
  NotFoundError,
  type RunEvent,
} from '@openframer/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yazl from 'yazl';
import { example, startTestServer, type TestServer } from '../support.js';

// Real processes: the first start compiles the server's sources through tsx.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let t: TestServer;
let client: Dataframer;
let other: Dataframer;
const dirs: string[] = [];

beforeAll(async () => {
  t = await startTestServer();
  client = new Dataframer({ apiKey: t.keyA, baseURL: t.url });
  other = new Dataframer({ apiKey: t.keyB, baseURL: t.url });
});
afterAll(async () => {
  await t?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = join(tmpdir(), `openframer-sdk-${Math.random().toString(36).slice(2)}`);
  dirs.push(dir);
  return dir;
}

/** A ZIP of the support tickets, built the way a user's "compress this folder" would. */
async function ticketsZip(): Promise<string> {
  const dir = await tempDir();
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const zip = new yazl.ZipFile();
  for (const name of await readdir(example('support-tickets'))) {
    zip.addBuffer(await readFile(join(example('support-tickets'), name)), `support-tickets/${name}`);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const path = join(dir, 'tickets.zip');
  await writeFile(path, Buffer.concat(chunks));
  return path;
}

describe('platform endpoints', () => {
  it('health.check needs no key', async () => {
    const anonymous = new Dataframer({ apiKey: null, baseURL: t.url });
    const health = await anonymous.dataframer.health.check();
    expect(health.status).toBe('ok');
    expect(health.database.dialect).toBe('sqlite');
  });

  it('models.list reports the offline engine as available', async () => {
    const { models } = await client.dataframer.models.list();
    const statistical = models.find((m) => m.id === 'openframer/statistical');
    expect(statistical).toMatchObject({ available: true, offline: true });
    // No provider key reaches the test server.
    expect(models.filter((m) => m.available && !m.offline)).toEqual([]);
  });

  it('a wrong key is an AuthenticationError with the status and detail', async () => {
    const wrong = new Dataframer({ apiKey: 'f'.repeat(64), baseURL: t.url });
    const err = await wrong.dataframer.seedDatasets.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toBeInstanceOf(Dataframer.APIError);
    expect((err as AuthenticationError).status).toBe(401);
    expect((err as AuthenticationError).detail).toEqual(expect.any(String));
  });
});

describe('seed datasets', () => {
  it('createFromPath uploads a table as SINGLE_FILE, and the dataset can be read, renamed and downloaded', async () => {
    const dataset = await client.dataframer.seedDatasets.createFromPath(example('insurance-claims.csv'), {
      name: 'claims-sdk',
      description: 'Insurance claims',
    });
    expect(dataset).toMatchObject({ name: 'claims-sdk', dataset_type: 'SINGLE_FILE', file_count: 1 });
    const file = dataset.files[0]!;
    expect(file).toMatchObject({ path: 'insurance-claims.csv', file_type: 'csv', record_count: 12 });

    const got = await client.dataframer.seedDatasets.retrieve(dataset.id);
    expect(got.files.map((f) => f.id)).toEqual([file.id]);
    const list = await client.dataframer.seedDatasets.list({ limit: 10 });
    expect(list.map((d) => d.id)).toContain(dataset.id);

    const renamed = await client.dataframer.seedDatasets.update(dataset.id, { description: 'Claims, 2024' });
    expect(renamed.description).toBe('Claims, 2024');

    const original = await readFile(example('insurance-claims.csv'), 'utf8');
    const content = await client.dataframer.seedDatasets.fileContent(dataset.id, file.id);
    expect(await content.text()).toBe(original);
    const link = await client.dataframer.seedDatasets.fileDownloadLink(dataset.id, file.id);
    expect(link.size_bytes).toBe(Buffer.byteLength(original));
    // Signed links need no key.
    expect(await (await fetch(link.download_url)).text()).toBe(original);

    await client.dataframer.seedDatasets.delete(dataset.id);
    await expect(client.dataframer.seedDatasets.retrieve(dataset.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('createFromPath makes MULTI_FILE from a folder of files and MULTI_FOLDER from a folder of folders', async () => {
    const files = await client.dataframer.seedDatasets.createFromPath(example('support-tickets'));
    expect(files).toMatchObject({ name: 'support-tickets', dataset_type: 'MULTI_FILE', file_count: 3 });
    const folders = await client.dataframer.seedDatasets.createFromPath(example('patient-records'));
    expect(folders).toMatchObject({ name: 'patient-records', dataset_type: 'MULTI_FOLDER', folder_count: 3 });
    expect(folders.files.map((f) => f.path).sort()).toContain('patient_001/intake.txt');
  });

  it('createFromPath sends a .zip to create-from-zip, where the server reads the layout', async () => {
    const dataset = await client.dataframer.seedDatasets.createFromPath(await ticketsZip(), {
      name: 'tickets-zip',
    });
    expect(dataset).toMatchObject({ name: 'tickets-zip', dataset_type: 'MULTI_FILE', file_count: 3 });
  });

  it('create takes File objects; a duplicate name is a ConflictError, a bad type a BadRequestError with detail', async () => {
    const csv = new File(['a,b\n1,2\n3,4\n'], 'small.csv', { type: 'text/csv' });
    const created = await client.dataframer.seedDatasets.create({
      name: 'small',
      dataset_type: 'SINGLE_FILE',
      files: [csv],
    });
    expect(created.files[0]!.record_count).toBe(2);
    const dup = await client.dataframer.seedDatasets
      .create({ name: 'small', dataset_type: 'SINGLE_FILE', files: [csv] })
      .catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ConflictError);
    expect((dup as ConflictError).status).toBe(409);
    const bad = await client.dataframer.seedDatasets
      .create({ name: 'bad', dataset_type: 'MULTI_FILE', files: [csv] })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).detail).toMatch(/file/i);
  });
});

describe('specs, runs and downloads', () => {
  let datasetId: string;
  let specId: string;
  let runId: string;

  beforeAll(async () => {
    datasetId = (
      await client.dataframer.seedDatasets.createFromPath(example('insurance-claims.csv'), {
        name: 'claims-flow',
      })
    ).id;
  });

  it('creates a spec offline and waitFor resolves with the SUCCEEDED spec', async () => {
    const created = await client.dataframer.specs.create({
      name: 'claims-spec',
      dataset_id: datasetId,
      spec_generation_model_name: 'openframer/statistical',
    });
    const seen: JobProgress[] = [];
    const spec = await client.waitFor(created, { onProgress: (p) => seen.push(p), pollIntervalMs: 100 });
    specId = spec.id;
    expect(spec.status).toBe('SUCCEEDED');
    expect(spec.content_yaml).toContain('data_property_variations');
    expect(seen.at(-1)).toMatchObject({ kind: 'spec', id: specId, status: 'SUCCEEDED' });
  });

  it('retrieves with versions, lists, updates (a new version) and refuses a bad YAML with a BadRequestError', async () => {
    const spec = await client.dataframer.specs.retrieve(specId, { include_versions: true });
    expect(spec.versions).toHaveLength(1);
    expect((await client.dataframer.specs.retrieve(specId)).versions).toBeUndefined();
    expect((await client.dataframer.specs.list()).map((s) => s.id)).toContain(specId);

    const yaml = spec.content_yaml!;
    const updated = await client.dataframer.specs.update(specId, {
      content_yaml: yaml.replace(/description: .*/, 'description: Insurance claims, edited'),
    });
    expect(updated.latest_version).toBe(2);

    const err = await client.dataframer.specs
      .update(specId, { content_yaml: 'spec:\n  data_property_variations: 7\n' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).detail).toMatch(/spec/i);
  });

  it('runs: create, follow the event stream, list, retrieve and read samples', async () => {
    const created = await client.dataframer.runs.create({
      spec_id: specId,
      number_of_samples: 40,
      generation_model: 'openframer/statistical',
    });
    runId = created.id;
    const events: RunEvent[] = [];
    for await (const event of client.dataframer.runs.events(runId)) events.push(event);
    expect(events.at(-1)).toMatchObject({
      event: 'done',
      data: { status: 'SUCCEEDED', samples_completed: 40 },
    });
    expect(events.filter((e) => e.event === 'progress').length).toBeGreaterThan(0);

    const run = await client.waitFor(created);
    expect(run).toMatchObject({ id: runId, status: 'SUCCEEDED', samples_completed: 40 });
    expect(run.generated_files.map((f) => f.path)).toContain('samples.csv');
    expect((await client.dataframer.runs.list()).map((r) => r.id)).toContain(runId);

    const page = await client.dataframer.runs.samples.list(runId, { limit: 5, offset: 2 });
    expect(page).toMatchObject({ total_samples: 40, offset: 2, returned_count: 5 });
    const byIndex = await client.dataframer.runs.samples.retrieveByIndices(runId, { indices: [0, 39, 40] });
    expect(byIndex.sample_statuses).toEqual(['completed', 'completed', 'out_of_range']);
    expect(byIndex.samples[2]).toBeNull();
  });

  it('waitFor reports progress through SSE, and by polling when the stream is off', async () => {
    const created = await client.dataframer.runs.create({
      spec_id: specId,
      number_of_samples: 30,
      generation_model: 'openframer/statistical',
    });
    const streamed: JobProgress[] = [];
    const run = await client.waitFor(created, { onProgress: (p) => streamed.push(p) });
    expect(run.status).toBe('SUCCEEDED');
    expect(streamed.at(-1)).toMatchObject({ kind: 'run', status: 'SUCCEEDED', samples_completed: 30 });

    const polled: JobProgress[] = [];
    const again = await client.dataframer.runs.waitFor(created.id, {
      stream: false,
      onProgress: (p) => polled.push(p),
    });
    expect(again.id).toBe(created.id);
    expect(polled).toHaveLength(1);
    await client.dataframer.runs.delete(created.id);
    await expect(client.dataframer.runs.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('files: the ZIP link (202 then 200), one file link, and downloadTo extracts the outputs', async () => {
    // The first ask starts building the ZIP (202); waitForZip asks again until the link is ready.
    expect(await client.dataframer.runs.files.download(runId)).toMatchObject({ status: 'building' });
    const zip = await client.dataframer.runs.files.waitForZip(runId, { pollIntervalMs: 50 });
    expect(zip.size_bytes).toBeGreaterThan(0);
    const run = await client.dataframer.runs.retrieve(runId);
    const samples = run.generated_files.find((f) => f.path === 'samples.csv')!;
    const link = await client.dataframer.runs.files.downloadFile(runId, samples.id);
    const csv = await (await fetch(link.download_url)).text();
    expect(csv.split(/\r?\n/)[0]).toBe(
      'claim_id,policy_type,claim_amount,region,status,days_to_settle,description',
    );

    const dir = await tempDir();
    const downloaded = await client.dataframer.runs.downloadTo(runId, dir);
    expect(downloaded.files).toContain('samples.csv');
    expect(await readFile(join(dir, 'samples.csv'), 'utf8')).toBe(csv);
    // Nothing but the outputs is left behind.
    expect((await readdir(dir)).some((n) => n.startsWith('.openframer-download'))).toBe(false);
  });

  it('cancel of a finished run is a BadRequestError; deleting a spec a run uses is a ConflictError', async () => {
    await expect(client.dataframer.runs.cancel(runId)).rejects.toBeInstanceOf(BadRequestError);
    await expect(client.dataframer.specs.delete(specId)).rejects.toBeInstanceOf(ConflictError);
    await expect(client.dataframer.seedDatasets.delete(datasetId)).rejects.toBeInstanceOf(ConflictError);
  });

  it("another company's ids are NotFoundErrors everywhere", async () => {
    // Thunks, so each rejection is awaited as it happens.
    const checks = [
      () => other.dataframer.seedDatasets.retrieve(datasetId),
      () => other.dataframer.seedDatasets.delete(datasetId),
      () => other.dataframer.specs.retrieve(specId),
      () => other.dataframer.specs.update(specId, { content_yaml: 'spec: {}' }),
      () => other.dataframer.runs.retrieve(runId),
      () => other.dataframer.runs.cancel(runId),
      () => other.dataframer.runs.samples.list(runId),
      () => other.dataframer.runs.files.download(runId),
      () => other.dataframer.runs.create({ spec_id: specId, number_of_samples: 1 }),
      () => other.waitFor({ run_id: runId }),
    ];
    for (const check of checks) await expect(check()).rejects.toBeInstanceOf(NotFoundError);
    expect(await other.dataframer.runs.list()).toEqual([]);
    expect(await other.dataframer.specs.list()).toEqual([]);
  });

  it('deletes a run, then its spec', async () => {
    await client.dataframer.runs.delete(runId);
    await client.dataframer.specs.delete(specId);
    await expect(client.dataframer.specs.retrieve(specId)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('api keys', () => {
  it('rotate returns a new key; the old one is an AuthenticationError from then on', async () => {
    const rotating = new Dataframer({ apiKey: t.keyB, baseURL: t.url });
    const rotated = await rotating.apiKeys.rotate();
    expect(rotated.api_key).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.masked_key.startsWith(rotated.api_key.slice(0, 4))).toBe(true);
    await expect(rotating.dataframer.runs.list()).rejects.toBeInstanceOf(AuthenticationError);
    expect(await rotating.withOptions({ apiKey: rotated.api_key }).dataframer.runs.list()).toEqual([]);
  });
});
