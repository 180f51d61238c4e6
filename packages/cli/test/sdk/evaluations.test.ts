import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dataframer, { BadRequestError, type JobProgress, NotFoundError } from '@openframer/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { example, startTestServer, type TestServer } from '../support.js';

// Real processes: the first start compiles the server's sources through tsx.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const CONTACTS = new URL('../fixtures/contacts.csv', import.meta.url).pathname;

let fake: FakeOpenAI;
let t: TestServer;
let client: Dataframer;
let other: Dataframer;
let runId: string;
const dirs: string[] = [];

beforeAll(async () => {
  // Only the evaluation chat calls a model; everything else runs on the offline statistical engine.
  fake = await startFakeOpenAI();
  t = await startTestServer({ OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  client = new Dataframer({ apiKey: t.keyA, baseURL: t.url });
  other = new Dataframer({ apiKey: t.keyB, baseURL: t.url });
  const dataset = await client.dataframer.seedDatasets.createFromPath(example('insurance-claims.csv'));
  const spec = await client.waitFor(
    await client.dataframer.specs.create({
      name: 'claims-eval-spec',
      dataset_id: dataset.id,
      spec_generation_model_name: 'openframer/statistical',
    }),
    { pollIntervalMs: 100 },
  );
  const run = await client.waitFor(
    await client.dataframer.runs.create({
      spec_id: spec.id,
      number_of_samples: 30,
      generation_model: 'openframer/statistical',
    }),
  );
  runId = run.id;
});
afterAll(async () => {
  await t?.close();
  await fake?.close();
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('evaluations', () => {
  let evaluationId: string;

  it('create → waitFor (the returned object) → retrieve, list, runs.evaluations', async () => {
    const created = await client.dataframer.evaluations.create({
      run_id: runId,
      evaluation_model: 'openframer/statistical',
    });
    evaluationId = created.id;
    expect(created).toMatchObject({ run_id: runId, evaluation_model: 'openframer/statistical' });
    const seen: JobProgress[] = [];
    const done = await client.waitFor(created, { onProgress: (p) => seen.push(p), pollIntervalMs: 100 });
    expect(done).toMatchObject({ id: evaluationId, status: 'SUCCEEDED' });
    expect(done.conformance_score).toEqual(expect.any(Number));
    expect(Array.isArray(done.sample_classifications)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ kind: 'evaluation', id: evaluationId, status: 'SUCCEEDED' });

    const byId = await client.waitFor({ evaluation_id: evaluationId });
    expect(byId.id).toBe(evaluationId);

    const lean = await client.dataframer.evaluations.retrieve(evaluationId, { include_samples: false });
    expect(lean.status).toBe('SUCCEEDED');
    expect(lean.sample_classifications).toEqual([]);

    expect((await client.dataframer.evaluations.list()).map((e) => e.id)).toContain(evaluationId);
    // The run may have been evaluated once on its own as well.
    const forRun = await client.dataframer.evaluations.list({ run_id: runId });
    expect(forRun.map((e) => e.id)).toContain(evaluationId);
    expect(forRun.every((e) => e.run_id === runId)).toBe(true);
    expect((await client.dataframer.runs.evaluations.list(runId)).map((e) => e.id)).toEqual(
      forRun.map((e) => e.id),
    );
    // Another company sees none of it.
    await expect(other.dataframer.evaluations.retrieve(evaluationId)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('runs.evaluations.create evaluates the run in the path; a bad run id is a 4xx', async () => {
    const created = await client.dataframer.runs.evaluations.create(runId, {
      evaluation_model: 'openframer/statistical',
    });
    expect(created.run_id).toBe(runId);
    const done = await client.dataframer.evaluations.waitFor(created.id, { pollIntervalMs: 100 });
    expect(done.status).toBe('SUCCEEDED');
    const listed = (await client.dataframer.runs.evaluations.list(runId)).map((e) => e.id);
    expect(listed[0]).toBe(created.id);
    expect(listed).toContain(evaluationId);
    await client.dataframer.evaluations.delete(created.id);
    await expect(client.dataframer.evaluations.retrieve(created.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(client.dataframer.evaluations.create({ run_id: 'not-a-uuid' })).rejects.toBeInstanceOf(
      BadRequestError,
    );
  });

  it('chat.send asks the model and chat.history keeps the turns', async () => {
    expect(await client.dataframer.evaluations.chat.history(evaluationId)).toEqual([]);
    fake.reply({ content: 'The claim amounts follow the seeds closely.' });
    const turn = await client.dataframer.evaluations.chat.send(evaluationId, {
      user_message: 'How close are the claim amounts?',
    });
    expect(turn).toMatchObject({
      evaluation_id: evaluationId,
      user_message: 'How close are the claim amounts?',
      assistant_message: 'The claim amounts follow the seeds closely.',
    });
    expect((await client.dataframer.evaluations.chat.history(evaluationId)).map((m) => m.id)).toEqual([
      turn.id,
    ]);
    await expect(
      client.dataframer.evaluations.chat.send(evaluationId, { user_message: '   ' }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});

describe('human labels', () => {
  it('runs.humanLabels.create/list, humanLabels.retrieve/update/delete', async () => {
    const label = await client.dataframer.runs.humanLabels.create(runId, {
      file_identifier: 'samples.csv',
      sample_identifier: '3',
      labels: { realistic: false, note: 'amount too round' },
    });
    expect(label).toMatchObject({ run_id: runId, file_identifier: 'samples.csv', sample_identifier: '3' });
    expect((await client.dataframer.runs.humanLabels.list(runId)).map((l) => l.id)).toEqual([label.id]);
    expect(await client.dataframer.runs.humanLabels.list(runId, { sample_identifier: '4' })).toEqual([]);
    expect(await client.dataframer.humanLabels.retrieve(label.id)).toMatchObject({ labels: label.labels });

    const updated = await client.dataframer.humanLabels.update(label.id, { labels: { realistic: true } });
    expect(updated.labels).toEqual({ realistic: true });
    expect(updated.file_identifier).toBe('samples.csv');

    await expect(other.dataframer.humanLabels.retrieve(label.id)).rejects.toBeInstanceOf(NotFoundError);
    await client.dataframer.humanLabels.delete(label.id);
    await expect(client.dataframer.humanLabels.retrieve(label.id)).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('anonymization runs', () => {
  it('create → waitFor → downloadTo, fileDownloadLink, createDataset, list, delete', async () => {
    const dataset = await client.dataframer.seedDatasets.createFromPath(CONTACTS, { name: 'contacts' });
    const created = await client.dataframer.anonymizationRuns.create({
      dataset_id: dataset.id,
      pii_types: ['email', 'phone_number'],
      detection_method: 'heuristics',
      mask_config: { email: 'REDACT', phone_number: 'MASK' },
    });
    expect(created).toMatchObject({ dataset_id: dataset.id, detection_method: 'heuristics' });
    const seen: JobProgress[] = [];
    const run = await client.waitFor(created, { onProgress: (p) => seen.push(p), pollIntervalMs: 100 });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.results?.entity_summary.email).toBeGreaterThanOrEqual(3);
    expect(run.results?.entity_summary.phone_number).toBeGreaterThanOrEqual(3);
    expect(run.anonymized_files).toHaveLength(1);
    expect(seen.at(-1)).toMatchObject({ kind: 'anonymization_run', id: run.id, status: 'SUCCEEDED' });
    expect((await client.waitFor({ anonymization_run_id: run.id })).id).toBe(run.id);

    const dir = join(tmpdir(), `openframer-anon-${Math.random().toString(36).slice(2)}`);
    dirs.push(dir);
    const downloaded = await client.dataframer.anonymizationRuns.downloadTo(run.id, dir, {
      pollIntervalMs: 100,
    });
    expect(downloaded.files).toHaveLength(1);
    const text = await readFile(join(downloaded.directory, downloaded.files[0]!), 'utf8');
    expect(text).toContain('Ana Diaz');
    expect(text).not.toContain('ana.diaz@example.com');
    expect(text).not.toContain('555-0187');

    const link = await client.dataframer.anonymizationRuns.fileDownloadLink(
      run.id,
      run.anonymized_files[0]!.id,
    );
    const res = await fetch(link.download_url);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(text);

    const clean = await client.dataframer.anonymizationRuns.createDataset(run.id, { name: 'contacts-clean' });
    expect(clean).toMatchObject({ name: 'contacts-clean', dataset_type: 'SINGLE_FILE' });

    expect((await client.dataframer.anonymizationRuns.list()).map((r) => r.id)).toContain(run.id);
    await expect(other.dataframer.anonymizationRuns.retrieve(run.id)).rejects.toBeInstanceOf(NotFoundError);
    await client.dataframer.anonymizationRuns.delete(run.id);
    await expect(client.dataframer.anonymizationRuns.retrieve(run.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses an empty pii_types list with a BadRequestError', async () => {
    const [dataset] = await client.dataframer.seedDatasets.list();
    await expect(
      client.dataframer.anonymizationRuns.create({
        dataset_id: dataset!.id,
        pii_types: [],
        detection_method: 'heuristics',
      }),
    ).rejects.toBeInstanceOf(BadRequestError);
  });
});
