import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { openDatabase } from '../../src/db/index.js';
import { callApi, spawnServer, until } from '../support/process.js';
import { fakeAttacker } from '../support/red-team.js';

let dataDir: string;
let fake: FakeOpenAI;
const KEY = 'r'.repeat(64);

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'openframer-resume-red-team-'));
  fake = await startFakeOpenAI({ handler: fakeAttacker() });
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
const json = { 'content-type': 'application/json' };

/** Which kind of red-team call a recorded request was, by its JSON Schema. */
const stageOf = (body: { response_format?: { json_schema?: { schema?: { properties?: object } } } }) =>
  Object.keys(body.response_format?.json_schema?.schema?.properties ?? {}).join(',');

it('a red-team run killed mid-way (SIGKILL) resumes to exactly behaviours x prompts, keeping finished behaviours', async () => {
  // More behaviours than the pipeline works on at once (8), so some are surely unfinished at the kill.
  const [B, P] = [16, 3];
  let server = await spawnServer(env());
  try {
    const spec = await call(server.url, '/api/dataframer/red-team-specs/', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        name: 'Clinic bot',
        domain_description: 'Healthcare',
        app_description: 'Books appointments',
        concerns: 'No diagnoses',
      }),
    });
    expect(spec.status).toBe(201);
    fake.setLatency(200);
    const run = await call(server.url, '/api/dataframer/red-team-runs/', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        red_team_spec_id: spec.body.id,
        number_of_behaviors: B,
        number_of_prompts_per_behavior: P,
        model_name: 'deepseek-ai/DeepSeek-V3.1',
      }),
    });
    expect(run.status).toBe(201);
    await until(
      () => call(server.url, `/api/dataframer/red-team-runs/${run.body.id}/status/`),
      (r) => r.body.progress.behaviors_done >= 1,
    );
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));

    // What was finished before the kill, read from the database while no server runs.
    const database = await openDatabase({ databaseUrl: undefined, dataDir });
    const rows = await database.db
      .selectFrom('red_team_prompts' as never)
      .select(['behavior_index', 'position', 'adversarial_prompt'] as never[])
      .where('run_id' as never, '=', run.body.id as never)
      .execute();
    await database.close();
    const before = new Map(
      (rows as { behavior_index: number; position: number; adversarial_prompt: string }[]).map((r) => [
        `${r.behavior_index}/${r.position}`,
        r.adversarial_prompt,
      ]),
    );
    expect(before.size).toBeGreaterThanOrEqual(P);
    expect(before.size).toBeLessThan(B * P);
    const requestsBefore = fake.chatRequests().length;
    fake.setLatency(0);
    server = await spawnServer(env());

    const final = await until(
      () => call(server.url, `/api/dataframer/red-team-runs/${run.body.id}/`),
      (r) => ['SUCCEEDED', 'FAILED', 'CANCELED'].includes(r.body.status),
    );
    expect(final.body.status, final.body.error).toBe('SUCCEEDED');
    expect(final.body.progress).toMatchObject({ behaviors_done: B, prompts_done: B * P });
    const prompts = Object.values(final.body.results_json.behavior_to_enhanced_queries).flat();
    expect(prompts).toHaveLength(B * P);
    // The behaviours were listed once, before the kill; finished behaviours were not written again.
    const listedBefore = fake.chatRequests().slice(0, requestsBefore);
    expect(listedBefore.filter((r) => stageOf(r.body) === 'behaviors').length).toBeGreaterThan(0);
    const after = fake.chatRequests().slice(requestsBefore);
    expect(after.filter((r) => stageOf(r.body) === 'behaviors')).toHaveLength(0);
    const page = await call(server.url, `/api/dataframer/red-team-runs/${run.body.id}/prompts/?limit=1000`);
    for (const p of page.body as { behavior_index: number; position: number; adversarial_prompt: string }[]) {
      const key = `${p.behavior_index}/${p.position}`;
      if (before.has(key)) expect(p.adversarial_prompt).toBe(before.get(key));
    }
  } finally {
    await server.stop();
  }
}, 120_000);
