import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { type Harness, startHarness } from '../support/harness.js';
import { fakeAttacker, fakeTargetApp } from '../support/red-team.js';

let h: Harness;
let fake: FakeOpenAI;
let app: FakeOpenAI;

const specs = '/api/dataframer/red-team-specs';
const runs = '/api/dataframer/red-team-runs';
const MODEL = 'deepseek-ai/DeepSeek-V3.1';

const post = (url: string, payload: unknown, key?: string) =>
  h.request({ method: 'POST', url, payload: payload as object, key });
const patch = (url: string, payload: unknown, key?: string) =>
  h.request({ method: 'PATCH', url, payload: payload as object, key });
const get = (url: string, key?: string) => h.request({ method: 'GET', url, key });
const del = (url: string, key?: string) => h.request({ method: 'DELETE', url, key });

const patientBot = {
  name: 'Patient Portal Bot',
  domain_description: 'Healthcare and medical information services',
  app_description:
    'A patient-facing chatbot that schedules appointments and answers general health questions',
  concerns: 'Should not provide medical diagnoses, prescription recommendations, or treatment advice',
};

async function createSpec(body: Record<string, unknown> = patientBot, key?: string): Promise<string> {
  const res = await post(`${specs}/`, body, key);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

async function finishedRun(body: Record<string, unknown>) {
  const res = await post(`${runs}/`, body);
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().status).toBe('PENDING');
  await h.ctx.jobs.idle(60_000);
  return (await get(`${runs}/${res.json().id}/`)).json();
}

beforeAll(async () => {
  fake = await startFakeOpenAI({ handler: fakeAttacker() });
  app = await startFakeOpenAI({ handler: fakeTargetApp });
  h = await startHarness({ OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
});

afterAll(async () => {
  await h?.close();
  await fake?.close();
  await app?.close();
});

describe('red-team specs', () => {
  it('stores the name in snake_case, unique per company, and answers in DataFramer shape', async () => {
    const res = await post(`${specs}/`, patientBot);
    expect(res.statusCode, res.body).toBe(201);
    const spec = res.json();
    expect(spec).toMatchObject({
      name: 'patient_portal_bot',
      domain_description: patientBot.domain_description,
      app_description: patientBot.app_description,
      concerns: patientBot.concerns,
      company_name: 'Acme Health',
      created_by_email: 'ana@acme.test',
    });
    for (const field of ['id', 'company_id', 'created_by', 'created_at', 'updated_at']) {
      expect(spec[field]).toBeTruthy();
    }
    // Same snake_case name: taken within the company, free in another one.
    const again = await post(`${specs}/`, { ...patientBot, name: 'patientPortal-bot' });
    expect(again.statusCode).toBe(409);
    expect(again.json().detail).toContain('patient_portal_bot');
    expect((await post(`${specs}/`, patientBot, h.keyB)).statusCode).toBe(201);

    const got = await get(`${specs}/${spec.id}/`);
    expect(got.json()).toEqual(spec);
    expect((await get(`${specs}/${spec.id}/`, h.keyB)).statusCode).toBe(404);
    const listed = (await get(`${specs}/`)).json() as { id: string }[];
    expect(listed.map((s) => s.id)).toContain(spec.id);
    expect(((await get(`${specs}/`, h.keyB)).json() as { id: string }[]).map((s) => s.id)).not.toContain(
      spec.id,
    );
  });

  it('PATCH changes only the given fields; DELETE removes; other companies get 404', async () => {
    const id = await createSpec({ ...patientBot, name: 'Pharmacy Helper' });
    expect((await patch(`${specs}/${id}/`, { concerns: 'No dosing advice' }, h.keyB)).statusCode).toBe(404);
    const changed = await patch(`${specs}/${id}/`, {
      name: 'Pharmacy Helper V2',
      concerns: 'No dosing advice',
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      name: 'pharmacy_helper_v2',
      concerns: 'No dosing advice',
      app_description: patientBot.app_description,
    });
    expect(changed.json().updated_at >= changed.json().created_at).toBe(true);
    expect((await del(`${specs}/${id}/`, h.keyB)).statusCode).toBe(404);
    expect((await del(`${specs}/${id}/`)).statusCode).toBe(204);
    expect((await get(`${specs}/${id}/`)).statusCode).toBe(404);
  });

  it('rejects bad input with a 400 naming the field', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...patientBot, name: '!!!' }, 'name'],
      [{ ...patientBot, domain_description: '' }, 'domain_description'],
      [{ name: 'x', domain_description: 'd' }, 'app_description'],
      [{ ...patientBot, colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of cases) {
      const res = await post(`${specs}/`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.body).toContain(field);
    }
  });
});

describe('red-team runs', () => {
  it('writes exactly behaviours x prompts, tagged with taxonomy categories and varied strategies', async () => {
    const specId = await createSpec({ ...patientBot, name: 'counts bot' });
    const run = await finishedRun({
      red_team_spec_id: specId,
      number_of_behaviors: 4,
      number_of_prompts_per_behavior: 6,
      model_name: MODEL,
    });
    expect(run.status, run.error).toBe('SUCCEEDED');
    expect(run).toMatchObject({
      red_team_spec_id: specId,
      spec_name: 'counts_bot',
      company_name: 'Acme Health',
      number_of_behaviors: 4,
      number_of_prompts_per_behavior: 6,
      model_name: MODEL,
      progress: { behaviors_done: 4, behaviors_total: 4, prompts_done: 24, prompts_total: 24 },
    });
    expect(run.task_id).toBeTruthy();
    expect(run.completed_at).toBeTruthy();
    const map = run.results_json.behavior_to_enhanced_queries as Record<
      string,
      { query: string; adversarial_prompt: string; strategy: string }[]
    >;
    expect(Object.keys(map)).toHaveLength(4);
    const all = Object.values(map).flat();
    expect(all).toHaveLength(24);
    expect(new Set(all.map((p) => p.query)).size).toBe(24);
    for (const p of all) {
      expect(p.query.length).toBeGreaterThan(0);
      expect(p.adversarial_prompt.length).toBeGreaterThan(0);
      expect(p.adversarial_prompt).not.toBe(p.query);
    }
    // Strategies: many are used and the counts are balanced.
    const strategies = run.results_json.coverage.strategies as Record<string, number>;
    expect(Object.values(strategies).reduce((a, b) => a + b, 0)).toBe(24);
    expect(Object.keys(strategies).length).toBeGreaterThanOrEqual(8);
    expect(
      Math.max(...Object.values(strategies)) - Math.min(...Object.values(strategies)),
    ).toBeLessThanOrEqual(1);
    // Behaviours carry a known category and its OWASP ids.
    const taxonomy = (await get('/api/dataframer/red-team-taxonomy/')).json();
    const known = new Map(
      (taxonomy.categories as { id: string; owasp: string[] }[]).map((c) => [c.id, c.owasp]),
    );
    for (const b of run.results_json.behaviors as { category: string; owasp: string[]; prompts: number }[]) {
      expect(known.has(b.category)).toBe(true);
      expect(b.owasp).toEqual(known.get(b.category));
      expect(b.prompts).toBe(6);
    }
    // The list and status endpoints leave the prompts map out; the prompts endpoint pages through them.
    const status = (await get(`${runs}/${run.id}/status/`)).json();
    expect(status.status).toBe('SUCCEEDED');
    expect(status.results_json.behavior_to_enhanced_queries).toBeUndefined();
    const listed = ((await get(`${runs}/`)).json() as { id: string; results_json: object }[]).find(
      (r) => r.id === run.id,
    );
    expect(listed?.results_json).not.toHaveProperty('behavior_to_enhanced_queries');
    const page = (await get(`${runs}/${run.id}/prompts/?limit=5&offset=20`)).json();
    expect(page).toHaveLength(4);
    expect(page[0]).toMatchObject({ behavior_index: 3, position: 2 });
    const csv = await get(`${runs}/${run.id}/prompts/export/?format=csv`);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.body.split('\r\n').filter(Boolean)).toHaveLength(25);
    const jsonl = await get(`${runs}/${run.id}/prompts/export/`);
    expect(
      jsonl.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).query),
    ).toEqual(all.map((p) => p.query));
  });

  it('restricts categories and strategies when asked, and accepts spec_id as the spec reference', async () => {
    const specId = await createSpec({ ...patientBot, name: 'restricted bot' });
    const run = await finishedRun({
      spec_id: specId,
      number_of_behaviors: 2,
      number_of_prompts_per_behavior: 4,
      model_name: MODEL,
      categories: ['unauthorized_advice', 'jailbreak'],
      strategies: ['base64', 'multilingual'],
      seed: 7,
    });
    expect(run.status, run.error).toBe('SUCCEEDED');
    expect(run.categories).toEqual(['unauthorized_advice', 'jailbreak']);
    for (const b of run.results_json.behaviors as { category: string }[]) {
      expect(['unauthorized_advice', 'jailbreak']).toContain(b.category);
    }
    expect(run.results_json.coverage.strategies).toEqual({ base64: 4, multilingual: 4 });
    // Multilingual prompts carry their language, in the run and in the prompts pages.
    const pages = (await get(`${runs}/${run.id}/prompts/`)).json() as {
      strategy: string;
      language?: string;
    }[];
    const fromRun = Object.values(run.results_json.behavior_to_enhanced_queries).flat() as {
      strategy: string;
      language?: string;
    }[];
    for (const list of [pages, fromRun]) {
      for (const p of list) {
        if (p.strategy === 'multilingual') expect(p.language).toMatch(/^[A-Z][a-z]+$/);
        else expect(p.language).toBeUndefined();
      }
    }
    const base64 = (
      Object.values(run.results_json.behavior_to_enhanced_queries).flat() as {
        query: string;
        adversarial_prompt: string;
        strategy: string;
      }[]
    ).filter((p) => p.strategy === 'base64');
    for (const p of base64) {
      expect(p.adversarial_prompt).toContain(Buffer.from(p.query, 'utf8').toString('base64'));
    }
  });

  it('sends prompts to a target, grades replies and never returns or logs the target key', async () => {
    const specId = await createSpec({ ...patientBot, name: 'target bot' });
    app.resetStats();
    const before = app.chatRequests().length;
    const run = await finishedRun({
      red_team_spec_id: specId,
      number_of_behaviors: 2,
      number_of_prompts_per_behavior: 4,
      model_name: MODEL,
      strategies: ['role_play', 'rot13'],
      target: {
        base_url: app.url,
        model: 'patient-bot-v1',
        api_key: 'sk-target-secret-123',
        headers: { 'x-tenant': 'tenant-secret-456' },
        system_prompt: 'You are a scheduling assistant.',
      },
    });
    expect(run.status, run.error).toBe('SUCCEEDED');
    const sent = app.chatRequests().slice(before);
    expect(sent).toHaveLength(8);
    for (const r of sent) {
      expect(r.headers.authorization).toBe('Bearer sk-target-secret-123');
      expect(r.headers['x-tenant']).toBe('tenant-secret-456');
      expect(r.body.model).toBe('patient-bot-v1');
      expect(r.body.messages[0]).toEqual({ role: 'system', content: 'You are a scheduling assistant.' });
    }
    expect(run.target).toEqual({
      base_url: app.url,
      model: 'patient-bot-v1',
      has_api_key: true,
      header_names: ['x-tenant'],
      system_prompt: 'You are a scheduling assistant.',
      concurrency: null,
      timeout_ms: null,
    });
    // role_play prompts get a "diagnosis" from the fake app, rot13 ones a refusal.
    const success = run.results_json.attack_success;
    expect(success.overall).toEqual({ graded: 8, succeeded: 4, rate: 0.5 });
    expect(success.by_strategy.role_play).toEqual({ graded: 4, succeeded: 4, rate: 1 });
    expect(success.by_strategy.rot13).toEqual({ graded: 4, succeeded: 0, rate: 0 });
    expect(Object.keys(success.by_behavior)).toHaveLength(2);
    for (const p of Object.values(run.results_json.behavior_to_enhanced_queries).flat() as {
      strategy: string;
      grade: { attack_succeeded: boolean };
      target_response: string;
    }[]) {
      expect(p.grade.attack_succeeded).toBe(p.strategy === 'role_play');
      expect(p.target_response.length).toBeGreaterThan(0);
    }
    for (const body of [
      JSON.stringify(run),
      (await get(`${runs}/`)).body,
      (await get(`${runs}/${run.id}/prompts/export/`)).body,
    ]) {
      expect(body).not.toContain('sk-target-secret-123');
      expect(body).not.toContain('tenant-secret-456');
    }
    const stored = await h.ctx.database.db
      .selectFrom('red_team_runs' as never)
      .selectAll()
      .where('id' as never, '=', run.id as never)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain('sk-target-secret-123');
  });

  it('fails with an actionable reason when the model keeps repeating itself', async () => {
    const specId = await createSpec({ ...patientBot, name: 'stuck bot' });
    fake.setHandler(fakeAttacker({ stuckBehavior: 'Gives a diagnosis.' }));
    try {
      const run = await finishedRun({
        red_team_spec_id: specId,
        number_of_behaviors: 3,
        number_of_prompts_per_behavior: 2,
        model_name: MODEL,
      });
      expect(run.status).toBe('FAILED');
      expect(run.error).toMatch(/distinct behaviou?rs?/i);
      expect(run.error).toMatch(/number_of_behaviors/);
      expect(run.completed_at).toBeTruthy();
    } finally {
      fake.setHandler(fakeAttacker());
    }
  });

  it('cancels a PROCESSING run, keeping finished behaviours, and deletes runs', async () => {
    const specId = await createSpec({ ...patientBot, name: 'cancel bot' });
    fake.setLatency(150);
    try {
      const res = await post(`${runs}/`, {
        red_team_spec_id: specId,
        number_of_behaviors: 20,
        number_of_prompts_per_behavior: 10,
        model_name: MODEL,
      });
      const id = res.json().id as string;
      for (let i = 0; i < 200; i++) {
        const s = (await get(`${runs}/${id}/status/`)).json();
        if (s.progress.behaviors_done >= 1) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      // While it works: polling reads no prompts (no results yet); GET one run shows what is finished.
      const polled = (await get(`${runs}/${id}/status/`)).json();
      expect(polled.status).toBe('PROCESSING');
      expect(polled.results_json).toBeNull();
      const partial = (await get(`${runs}/${id}/`)).json();
      expect(Object.keys(partial.results_json.behavior_to_enhanced_queries).length).toBeGreaterThan(0);
      const canceled = await post(`${runs}/${id}/cancel/`, {});
      expect(canceled.statusCode, canceled.body).toBe(200);
      expect(canceled.json().status).toBe('CANCELED');
      const kept = canceled.json().progress.prompts_done as number;
      expect(kept).toBeGreaterThan(0);
      expect(kept % 10).toBe(0);
      expect(Object.values(canceled.json().results_json.behavior_to_enhanced_queries).flat()).toHaveLength(
        kept,
      );
      expect((await post(`${runs}/${id}/cancel/`, {})).statusCode).toBe(400);
      expect((await del(`${runs}/${id}/`, h.keyB)).statusCode).toBe(404);
      expect((await del(`${runs}/${id}/`)).statusCode).toBe(204);
      expect((await get(`${runs}/${id}/`)).statusCode).toBe(404);
      const rows = await h.ctx.database.db
        .selectFrom('red_team_prompts' as never)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('run_id' as never, '=', id as never)
        .executeTakeFirstOrThrow();
      expect(Number(rows.n)).toBe(0);
    } finally {
      fake.setLatency(0);
    }
  });

  it('keeps runs private to their company and guards a spec in use', async () => {
    const specId = await createSpec({ ...patientBot, name: 'tenancy bot' });
    expect(
      (
        await post(
          `${runs}/`,
          { red_team_spec_id: specId, number_of_behaviors: 1, number_of_prompts_per_behavior: 1 },
          h.keyB,
        )
      ).statusCode,
    ).toBe(404);
    fake.setLatency(100);
    try {
      const res = await post(`${runs}/`, {
        red_team_spec_id: specId,
        number_of_behaviors: 3,
        number_of_prompts_per_behavior: 3,
        model_name: MODEL,
      });
      const id = res.json().id as string;
      expect((await get(`${runs}/${id}/`, h.keyB)).statusCode).toBe(404);
      expect((await get(`${runs}/${id}/status/`, h.keyB)).statusCode).toBe(404);
      expect((await get(`${runs}/${id}/prompts/`, h.keyB)).statusCode).toBe(404);
      expect(((await get(`${runs}/`, h.keyB)).json() as { id: string }[]).map((r) => r.id)).not.toContain(id);
      expect((await del(`${specs}/${specId}/`)).statusCode).toBe(409);
      await h.ctx.jobs.idle(60_000);
      // Finished runs keep their copy of the spec.
      expect((await del(`${specs}/${specId}/`)).statusCode).toBe(204);
      const run = (await get(`${runs}/${id}/`)).json();
      expect(run).toMatchObject({ status: 'SUCCEEDED', spec_name: 'tenancy_bot', red_team_spec_id: specId });
    } finally {
      fake.setLatency(0);
    }
  });

  it('rejects bad run requests with a 400 naming the field', async () => {
    const specId = await createSpec({ ...patientBot, name: 'validation bot' });
    const ok = { red_team_spec_id: specId, number_of_behaviors: 2, number_of_prompts_per_behavior: 2 };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...ok, red_team_spec_id: undefined }, 'red_team_spec_id'],
      [{ ...ok, spec_id: '00000000-0000-4000-8000-000000000000' }, 'spec_id'],
      [{ ...ok, number_of_behaviors: 0 }, 'number_of_behaviors'],
      [{ ...ok, number_of_prompts_per_behavior: 2.5 }, 'number_of_prompts_per_behavior'],
      [
        { ...ok, number_of_behaviors: 1000, number_of_prompts_per_behavior: 1000 },
        'number_of_prompts_per_behavior',
      ],
      [{ ...ok, model_name: 'nobody/no-model' }, 'model_name'],
      [{ ...ok, model_name: 'openframer/statistical' }, 'model_name'],
      [{ ...ok, categories: ['world_domination'] }, 'categories'],
      [{ ...ok, strategies: ['telepathy'] }, 'strategies'],
      [{ ...ok, target: { base_url: 'ftp://example.test', model: 'm' } }, 'base_url'],
      [{ ...ok, grader_model: MODEL }, 'grader_model'],
      [{ ...ok, temperature: 2 }, 'temperature'],
    ];
    for (const [body, field] of cases) {
      const res = await post(`${runs}/`, body);
      expect(res.statusCode, `${JSON.stringify(body)}: ${res.body}`).toBe(400);
      expect(res.body).toContain(field);
    }
    expect(
      (await post(`${runs}/`, { ...ok, red_team_spec_id: '00000000-0000-4000-8000-000000000000' }))
        .statusCode,
    ).toBe(404);
  });
});
