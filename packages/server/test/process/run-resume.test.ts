import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { openDatabase } from '../../src/db/index.js';
import { readExample } from '../support/examples.js';
import { callApi, spawnServer, until } from '../support/process.js';
import { variedWriter } from '../support/writer.js';

let dataDir: string;
let fake: FakeOpenAI;
const KEY = 'k'.repeat(64);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'openframer-resume-run-'));
  fake = await startFakeOpenAI({ handler: variedWriter });
});
afterAll(async () => {
  await fake?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const env = () => ({
  OPENFRAMER_DATA_DIR: dataDir,
  OPENFRAMER_LLM_BASE_URL: fake.url,
  OPENFRAMER_LLM_API_KEY: 'fake',
  OPENFRAMER_INIT_API_KEY: KEY,
  OPENFRAMER_INIT_USER_EMAIL: 'ops@acme.test',
  OPENFRAMER_INIT_COMPANY: 'Acme',
});

const call = (base: string, path: string, init: RequestInit = {}) => callApi(base, KEY, path, init);

it('a run killed mid-way (SIGKILL) resumes at the next start to exactly N samples, without redoing finished ones', async () => {
  const N = 24;
  let server = await spawnServer(env());
  try {
    const form = new FormData();
    form.set('name', 'tickets');
    form.set('dataset_type', 'MULTI_FILE');
    for (const name of ['ticket-0193.txt', 'ticket-0207.txt', 'ticket-0211.md']) {
      form.append('files', new Blob([readExample(`support-tickets/${name}`)]), name);
    }
    const dataset = await call(server.url, '/api/dataframer/seed-datasets/create/', {
      method: 'POST',
      body: form,
    });
    expect(dataset.status).toBe(201);
    const json = { 'content-type': 'application/json' };
    const spec = await call(server.url, '/api/dataframer/specs/', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 't',
        dataset_id: dataset.body.id,
        spec_generation_model_name: 'openai/gpt-4.1',
      }),
    });
    await until(
      () => call(server.url, `/api/dataframer/specs/${spec.body.id}/`),
      (r) => r.body.status === 'SUCCEEDED',
    );

    fake.setLatency(250);
    const run = await call(server.url, '/api/dataframer/runs/', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        spec_id: spec.body.id,
        number_of_samples: N,
        generation_model: 'openai/gpt-4.1',
        skip_outline: true,
        evaluate_after: false,
      }),
    });
    expect(run.status).toBe(202);
    await until(
      () => call(server.url, `/api/dataframer/runs/${run.body.id}/`),
      (r) => r.body.samples_completed >= 6,
    );
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));

    // What was finished before the kill, read from the database while no server runs.
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    const rows = await database.db
      .selectFrom('run_samples')
      .select(['idx', 'output'])
      .where('run_id', '=', run.body.id)
      .where('status', '=', 'completed')
      .execute();
    await database.close();
    const doneBefore = new Map<number, string>(
      rows.map((r) => [r.idx, (JSON.parse(r.output!) as { files: { content: string }[] }).files[0]!.content]),
    );
    expect(doneBefore.size).toBeGreaterThanOrEqual(6);
    expect(doneBefore.size).toBeLessThan(N);
    const callsBefore = fake.chatRequests().length;
    fake.setLatency(0);
    server = await spawnServer(env());

    const final = await until(
      () => call(server.url, `/api/dataframer/runs/${run.body.id}/`),
      (r) => ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(r.body.status),
    );
    expect(final.body.status, final.body.error).toBe('SUCCEEDED');
    expect(final.body.samples_completed + final.body.samples_failed).toBe(N);
    expect(final.body.samples_completed).toBe(N);
    expect(final.body.generated_files).toHaveLength(N);
    // Only the samples left were generated after the restart: one call each (no outline, no filters hit).
    expect(fake.chatRequests().length - callsBefore).toBe(N - doneBefore.size);
    const after = await call(server.url, `/api/dataframer/runs/${run.body.id}/samples/?limit=1000`);
    for (const s of after.body.samples as { sample_index: number; files: { content: string }[] }[]) {
      if (doneBefore.has(s.sample_index)) expect(s.files[0]!.content).toBe(doneBefore.get(s.sample_index));
    }
  } finally {
    await server.stop();
  }
}, 120_000);
