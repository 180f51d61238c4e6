import Dataframer, {
  BadRequestError,
  ConflictError,
  JobFailedError,
  type JobProgress,
  NotFoundError,
  type RedTeamPrompt,
  type RedTeamRun,
} from '@openframer/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { fakeAttacker, fakeTargetApp } from '../../../server/test/support/red-team.js';
import { startTestServer, type TestServer } from '../support.js';

// Real processes: the first start compiles the server's sources through tsx.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

const MODEL = 'deepseek-ai/DeepSeek-V3.1';
const MISSING = '00000000-0000-4000-8000-000000000000';

let attacker: FakeOpenAI;
let app: FakeOpenAI;
let t: TestServer;
let client: Dataframer;
let other: Dataframer;

const patientBot = {
  name: 'Patient Portal Bot',
  domain_description: 'Healthcare and medical information services',
  app_description:
    'A patient-facing chatbot that schedules appointments and answers general health questions',
  concerns: 'Should not provide medical diagnoses, prescription recommendations, or treatment advice',
};

beforeAll(async () => {
  // The attacker (and grader) model and the app under test are both fake OpenAI-compatible servers.
  attacker = await startFakeOpenAI({ handler: fakeAttacker() });
  app = await startFakeOpenAI({ handler: fakeTargetApp });
  t = await startTestServer({ OPENFRAMER_LLM_BASE_URL: attacker.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  client = new Dataframer({ apiKey: t.keyA, baseURL: t.url });
  other = new Dataframer({ apiKey: t.keyB, baseURL: t.url });
});
afterAll(async () => {
  await t?.close();
  await attacker?.close();
  await app?.close();
});

describe('red-team specs', () => {
  it('create (snake_case name), retrieve, list, update (PATCH), delete', async () => {
    const specs = client.dataframer.redTeamSpecs;
    const spec = await specs.create(patientBot);
    expect(spec).toMatchObject({
      name: 'patient_portal_bot',
      domain_description: patientBot.domain_description,
      concerns: patientBot.concerns,
      company_name: 'Acme Health',
    });
    expect(await specs.retrieve(spec.id)).toEqual(spec);
    expect((await specs.list()).map((s) => s.id)).toContain(spec.id);
    expect(await specs.list({ limit: 1, offset: 1000 })).toEqual([]);

    const changed = await specs.update(spec.id, { name: 'Patient Portal Bot V2', concerns: null });
    expect(changed).toMatchObject({
      name: 'patient_portal_bot_v2',
      concerns: null,
      app_description: patientBot.app_description,
    });

    await specs.delete(spec.id);
    await expect(specs.retrieve(spec.id)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('a duplicate snake_case name is a ConflictError; bad input a BadRequestError naming the field', async () => {
    const specs = client.dataframer.redTeamSpecs;
    await specs.create({ ...patientBot, name: 'Triage Bot' });
    const dup = await specs.create({ ...patientBot, name: 'triage-bot' }).catch((e: unknown) => e);
    expect(dup).toBeInstanceOf(ConflictError);
    expect((dup as ConflictError).detail).toContain('triage_bot');

    const empty = await specs.create({ ...patientBot, name: 'x', domain_description: '' }).catch((e) => e);
    expect(empty).toBeInstanceOf(BadRequestError);
    expect((empty as BadRequestError).detail).toContain('domain_description');
    const extra = await specs
      .create({ ...patientBot, name: 'y', colour: 'red' } as unknown as typeof patientBot)
      .catch((e) => e);
    expect(extra).toBeInstanceOf(BadRequestError);
    expect((extra as BadRequestError).detail).toContain('colour');
  });
});

describe('red-team runs', () => {
  let specId: string;
  let run: RedTeamRun;

  beforeAll(async () => {
    specId = (await client.dataframer.redTeamSpecs.create({ ...patientBot, name: 'sdk runs bot' })).id;
  });

  it('create → client.waitFor (polling /status/) → SUCCEEDED with exactly behaviours × prompts', async () => {
    const created = await client.dataframer.redTeamRuns.create({
      red_team_spec_id: specId,
      number_of_behaviors: 3,
      number_of_prompts_per_behavior: 4,
      model_name: MODEL,
      seed: 11,
    });
    expect(created).toMatchObject({ status: 'PENDING', spec_name: 'sdk_runs_bot', number_of_behaviors: 3 });
    const seen: JobProgress[] = [];
    run = await client.waitFor(created, { onProgress: (p) => seen.push(p), pollIntervalMs: 50 });
    expect(run).toMatchObject({
      id: created.id,
      status: 'SUCCEEDED',
      progress: { behaviors_done: 3, behaviors_total: 3, prompts_done: 12, prompts_total: 12 },
    });
    // The status view: results without the prompts map.
    expect(run.results_json?.behaviors).toHaveLength(3);
    expect(run.results_json?.behavior_to_enhanced_queries).toBeUndefined();
    expect(Object.values(run.results_json!.coverage.strategies).reduce((a, b) => a + b, 0)).toBe(12);
    expect(seen.at(-1)).toMatchObject({
      kind: 'red_team_run',
      id: created.id,
      status: 'SUCCEEDED',
      behaviors_done: 3,
      prompts_done: 12,
      prompts_total: 12,
    });

    const full = await client.dataframer.redTeamRuns.retrieve(run.id);
    expect(Object.values(full.results_json!.behavior_to_enhanced_queries!).flat()).toHaveLength(12);
    expect((await client.dataframer.redTeamRuns.status(run.id)).status).toBe('SUCCEEDED');
    expect((await client.dataframer.redTeamRuns.list()).map((r) => r.id)).toContain(run.id);
    // By id, through the resource and through client.waitFor.
    expect((await client.dataframer.redTeamRuns.waitFor(run.id)).id).toBe(run.id);
    expect((await client.waitFor({ red_team_run_id: run.id })).id).toBe(run.id);
  });

  it('prompts pages in order; iteratePrompts walks every page; export gives JSON Lines and CSV', async () => {
    const runs = client.dataframer.redTeamRuns;
    const page = await runs.prompts(run.id, { limit: 5, offset: 10 });
    expect(page).toHaveLength(2);
    expect(page[0]).toMatchObject({ behavior_index: 2, position: 2 });
    expect((await runs.prompts(run.id)).length).toBe(12);

    const all: RedTeamPrompt[] = [];
    for await (const prompt of runs.iteratePrompts(run.id, { pageSize: 5 })) all.push(prompt);
    expect(all).toHaveLength(12);
    expect(all.map((p) => [p.behavior_index, p.position])).toEqual(
      [0, 1, 2].flatMap((b) => [0, 1, 2, 3].map((p) => [b, p])),
    );
    expect(new Set(all.map((p) => p.query)).size).toBe(12);
    const rest: RedTeamPrompt[] = [];
    for await (const prompt of runs.iteratePrompts(run.id, { pageSize: 4, offset: 8 })) rest.push(prompt);
    expect(rest).toEqual(all.slice(8));

    const jsonl = await runs.export(run.id);
    const lines = jsonl.trim().split('\n');
    expect(lines).toHaveLength(12);
    expect(lines.map((l) => JSON.parse(l).query)).toEqual(all.map((p) => p.query));
    const csv = await runs.export(run.id, { format: 'csv' });
    const rows = csv.split('\r\n').filter(Boolean);
    expect(rows).toHaveLength(13);
    expect(rows[0]).toMatch(
      /^behavior_index,behavior,category,position,strategy,language,query,adversarial_prompt,/,
    );
  });

  it('grades a target: attack success overall in the results and a grade on each prompt', async () => {
    const created = await client.dataframer.redTeamRuns.create({
      spec_id: specId,
      number_of_behaviors: 2,
      number_of_prompts_per_behavior: 2,
      model_name: MODEL,
      strategies: ['role_play', 'rot13'],
      target: { base_url: app.url, model: 'patient-bot-v1', api_key: 'sk-sdk-target-secret' },
    });
    const graded = await client.dataframer.redTeamRuns.waitFor(created.id, { pollIntervalMs: 50 });
    expect(graded.results_json?.attack_success?.overall).toEqual({ graded: 4, succeeded: 2, rate: 0.5 });
    expect(graded.target).toMatchObject({ model: 'patient-bot-v1', has_api_key: true });
    expect(JSON.stringify(graded)).not.toContain('sk-sdk-target-secret');
    for await (const p of client.dataframer.redTeamRuns.iteratePrompts(created.id)) {
      expect(p.grade?.attack_succeeded).toBe(p.strategy === 'role_play');
    }
  });

  it('a run that fails throws JobFailedError with the server error; cancel; delete', async () => {
    attacker.setHandler(fakeAttacker({ stuckBehavior: 'Gives a diagnosis.' }));
    try {
      const stuck = await client.dataframer.redTeamRuns.create({
        red_team_spec_id: specId,
        number_of_behaviors: 3,
        number_of_prompts_per_behavior: 2,
        model_name: MODEL,
      });
      const err = await client.waitFor(stuck, { pollIntervalMs: 50 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(JobFailedError);
      const failed = err as JobFailedError;
      expect(failed).toMatchObject({ kind: 'red_team_run', id: stuck.id, status: 'FAILED' });
      expect(failed.jobError).toMatch(/number_of_behaviors/);
      expect(failed.message).toContain(failed.jobError!);
      expect((failed.job as RedTeamRun).status).toBe('FAILED');
    } finally {
      attacker.setHandler(fakeAttacker());
    }

    attacker.setLatency(150);
    try {
      const slow = await client.dataframer.redTeamRuns.create({
        red_team_spec_id: specId,
        number_of_behaviors: 10,
        number_of_prompts_per_behavior: 10,
        model_name: MODEL,
      });
      const waiting = client.dataframer.redTeamRuns
        .waitFor(slow.id, { pollIntervalMs: 50 })
        .catch((e: unknown) => e);
      const canceled = await client.dataframer.redTeamRuns.cancel(slow.id);
      expect(canceled.status).toBe('CANCELED');
      const err = await waiting;
      expect(err).toBeInstanceOf(JobFailedError);
      expect(err).toMatchObject({ kind: 'red_team_run', status: 'CANCELED' });
      await expect(client.dataframer.redTeamRuns.cancel(slow.id)).rejects.toBeInstanceOf(BadRequestError);
      await client.dataframer.redTeamRuns.delete(slow.id);
      await expect(client.dataframer.redTeamRuns.retrieve(slow.id)).rejects.toBeInstanceOf(NotFoundError);
    } finally {
      attacker.setLatency(0);
    }
  });

  it('bad run requests are BadRequestErrors naming the field; an unknown spec is a NotFoundError', async () => {
    const ok = { red_team_spec_id: specId, number_of_behaviors: 2, number_of_prompts_per_behavior: 2 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, number_of_behaviors: 0 }, 'number_of_behaviors'],
      [{ ...ok, categories: ['world_domination'] }, 'categories'],
      [{ ...ok, strategies: ['telepathy'] }, 'strategies'],
      [{ ...ok, model_name: 'nobody/no-model' }, 'model_name'],
      [{ ...ok, target: { base_url: 'ftp://example.test', model: 'm' } }, 'base_url'],
    ];
    for (const [body, field] of cases) {
      const err = await client.dataframer.redTeamRuns
        .create(body as unknown as Parameters<typeof client.dataframer.redTeamRuns.create>[0])
        .catch((e: unknown) => e);
      expect(err, JSON.stringify(body)).toBeInstanceOf(BadRequestError);
      // The field is named in `detail`, or in `errors` for problems the server lists per field.
      const { detail, errors } = err as BadRequestError;
      expect(`${detail} ${Object.keys(errors ?? {})}`, JSON.stringify(body)).toContain(field);
    }
    await expect(
      client.dataframer.redTeamRuns.create({ ...ok, red_team_spec_id: MISSING }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it("another company's key gets NotFoundError for every spec and run call", async () => {
    const checks = [
      () => other.dataframer.redTeamSpecs.retrieve(specId),
      () => other.dataframer.redTeamSpecs.update(specId, { concerns: 'x' }),
      () => other.dataframer.redTeamSpecs.delete(specId),
      () =>
        other.dataframer.redTeamRuns.create({
          ...{ red_team_spec_id: specId },
          number_of_behaviors: 1,
          number_of_prompts_per_behavior: 1,
        }),
      () => other.dataframer.redTeamRuns.retrieve(run.id),
      () => other.dataframer.redTeamRuns.status(run.id),
      () => other.dataframer.redTeamRuns.prompts(run.id),
      () => other.dataframer.redTeamRuns.export(run.id),
      () => other.dataframer.redTeamRuns.cancel(run.id),
      () => other.dataframer.redTeamRuns.delete(run.id),
      () => other.waitFor({ red_team_run_id: run.id }),
    ];
    for (const check of checks) await expect(check()).rejects.toBeInstanceOf(NotFoundError);
    expect(await other.dataframer.redTeamRuns.list()).toEqual([]);
    expect(await other.dataframer.redTeamSpecs.list()).toEqual([]);
    // Still there for its owner.
    expect((await client.dataframer.redTeamRuns.retrieve(run.id)).status).toBe('SUCCEEDED');
  });
});

describe('red-team taxonomy', () => {
  it('lists categories with OWASP ids, strategies with their kind, and the OWASP titles', async () => {
    const taxonomy = await client.dataframer.redTeamTaxonomy.retrieve();
    const ids = taxonomy.categories.map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['pii_leakage', 'prompt_injection', 'jailbreak']));
    expect(taxonomy.categories.find((c) => c.id === 'pii_leakage')?.owasp).toEqual(['LLM02']);
    expect(taxonomy.strategies.find((s) => s.id === 'base64')?.kind).toBe('transform');
    expect(taxonomy.owasp.LLM01).toMatch(/Prompt Injection/);
  });
});
