import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { runToEnd, settledSpec, unzip } from '../support/api.js';
import { folderOfFiles, folderOfFolders, readExample } from '../support/examples.js';
import { type Harness, startHarness } from '../support/harness.js';
import { file, multipart } from '../support/multipart.js';
import { ticketsSpecReply, variedWriter } from '../support/writer.js';

let h: Harness;
let fake: FakeOpenAI;
const ids: Record<string, string> = {};

const post = (url: string, payload: unknown, key?: string) =>
  h.request({ method: 'POST', url, payload: payload as object, key });
const get = (url: string, key?: string) => h.request({ method: 'GET', url, key });

beforeAll(async () => {
  fake = await startFakeOpenAI({ handler: variedWriter });
  h = await startHarness({ OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  const upload = async (entries: Parameters<typeof multipart>[0]) => {
    const res = await h.request({
      method: 'POST',
      url: '/api/dataframer/seed-datasets/create/',
      ...multipart(entries),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };
  ids.claims = await upload([
    ['name', 'claims'],
    ['dataset_type', 'SINGLE_FILE'],
    ['files', file('insurance-claims.csv', readExample('insurance-claims.csv'))],
  ]);
  ids.tickets = await upload([
    ['name', 'tickets'],
    ['dataset_type', 'MULTI_FILE'],
    ...folderOfFiles('support-tickets'),
  ]);
  ids.patients = await upload([
    ['name', 'patients'],
    ['dataset_type', 'MULTI_FOLDER'],
    ...folderOfFolders('patient-records'),
  ]);
  ids.claimsSpec = await settledSpec(h, {
    name: 'claims offline',
    dataset_id: ids.claims,
    spec_generation_model_name: 'openframer/statistical',
  });
  fake.setHandler(() => ({
    json: ticketsSpecReply,
  }));
  ids.ticketsSpec = await settledSpec(h, {
    name: 'tickets',
    dataset_id: ids.tickets,
    spec_generation_model_name: 'openai/gpt-4.1',
  });
  ids.patientsSpec = await settledSpec(h, {
    name: 'patients',
    dataset_id: ids.patients,
    spec_generation_model_name: 'openai/gpt-4.1',
  });
  ids.seedlessSpec = await settledSpec(h, {
    name: 'reviews',
    generation_objectives: 'Short product reviews',
    spec_generation_model_name: 'openai/gpt-4.1',
  });
  fake.setHandler(variedWriter);
}, 120_000);

afterAll(async () => {
  await h?.close();
  await fake?.close();
});

describe('generation runs', () => {
  it('generates a table offline with openframer/statistical: one CSV with the seed columns, exact quotas', async () => {
    const run = await runToEnd(h, {
      spec_id: ids.claimsSpec,
      number_of_samples: 40,
      generation_model: 'openframer/statistical',
    });
    expect(run, run.error).toMatchObject({
      status: 'SUCCEEDED',
      samples_completed: 40,
      samples_failed: 0,
      total_cost: 0,
      dataset_id: ids.claims,
      dataset_name: 'claims',
      dataset_type: 'SINGLE_FILE',
      spec_name: 'claims offline',
      spec_version: 1,
      runtime_params: {
        number_of_samples: 40,
        generation_model: 'openframer/statistical',
        outline_model: 'openframer/statistical',
        revision_model: null,
        enable_revisions: false,
        seed_shuffling_level: 'none',
        filtering_types: ['format', 'seed_duplicate', 'sample_duplicate'],
      },
    });
    expect(run.generated_files).toHaveLength(1);
    expect(run.generated_files[0]).toMatchObject({ path: 'samples.csv', file_type: 'text/csv' });
    const link = (
      await get(`/api/dataframer/runs/${run.id}/files/${run.generated_files[0].id}/download/`)
    ).json();
    const url = new URL(link.download_url);
    const csv = (await h.request({ method: 'GET', url: url.pathname + url.search, key: null })).body;
    const lines = csv.trim().split(/\r?\n/);
    expect(lines[0]).toBe('claim_id,policy_type,claim_amount,region,status,days_to_settle,description');
    // The plan's policy_type quota (spec: auto 42, home 25, health 25, life 8 of 40) holds exactly.
    const spec = (await get(`/api/dataframer/specs/${ids.claimsSpec}/`)).json();
    expect(spec.content_yaml).toContain('policy_type');
    const samples = (await get(`/api/dataframer/runs/${run.id}/samples/?limit=1000`)).json();
    expect(samples.total_samples).toBe(40);
    const counts: Record<string, number> = {};
    for (const s of samples.samples) {
      expect(s.record.policy_type).toBe(s.assignment.policy_type);
      counts[s.record.policy_type] = (counts[s.record.policy_type] ?? 0) + 1;
    }
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(40);
  });

  it('generates documents with a model (MULTI_FILE): one file per sample, costs counted', async () => {
    fake.resetStats();
    const run = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 6,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    expect(run.status, run.error).toBe('SUCCEEDED');
    expect(run.samples_completed).toBe(6);
    expect(run.generated_files.map((f: { path: string }) => f.path)).toEqual([
      'sample_1.txt',
      'sample_2.txt',
      'sample_3.txt',
      'sample_4.txt',
      'sample_5.txt',
      'sample_6.txt',
    ]);
    expect(run.generated_files[0].file_type).toBe('text/plain');
    expect(run.total_cost).toBeGreaterThan(0);
    const calls = await h.ctx.database.db
      .selectFrom('llm_calls')
      .selectAll()
      .where('resource_id', '=', run.id)
      .execute();
    expect(calls.length).toBe(6);
    expect(calls.every((c) => c.stage === 'generation')).toBe(true);
  });

  it('generates folders (MULTI_FOLDER) with the seed file roles, and seedless documents', async () => {
    const folders = await runToEnd(h, {
      spec_id: ids.patientsSpec,
      number_of_samples: 3,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    expect(folders.status, folders.error).toBe('SUCCEEDED');
    const paths = folders.generated_files.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual([
      'sample_1/intake.txt',
      'sample_1/labs.json',
      'sample_2/intake.txt',
      'sample_2/labs.json',
      'sample_3/intake.txt',
      'sample_3/labs.json',
    ]);
    const seedless = await runToEnd(h, {
      spec_id: ids.seedlessSpec,
      number_of_samples: 2,
      generation_model: 'openai/gpt-4.1',
    });
    expect(seedless.status, seedless.error).toBe('SUCCEEDED');
    expect(seedless).toMatchObject({ dataset_id: null, dataset_name: null, dataset_type: 'MULTI_FILE' });
    expect(seedless.generated_files).toHaveLength(2);
  });

  it('survives a storm of 429, 500 and malformed replies: failures counted with reasons', async () => {
    let n = 0;
    fake.setHandler((body, ctx) => {
      n++;
      if (n % 5 === 1) return { status: 429, headers: { 'retry-after': '0' } };
      if (n % 5 === 2) return { status: 500 };
      return variedWriter(body, ctx);
    });
    const run = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 8,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    fake.setHandler(variedWriter);
    expect(run.status, run.error).toBe('SUCCEEDED');
    expect(run.samples_completed + run.samples_failed).toBe(8);
    expect(run.samples_completed).toBe(8);

    // A model whose every answer is unusable: every sample fails, each with its reason, and the run says so.
    fake.setHandler(() => ({ status: 400, error: 'context length exceeded' }));
    const failed = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 3,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    fake.setHandler(variedWriter);
    expect(failed.status).toBe('FAILED');
    expect(failed.samples_failed).toBe(3);
    expect(failed.error).toMatch(/all 3 samples failed.*context length exceeded/);
    const reasons = (await get(`/api/dataframer/runs/${failed.id}/samples/`))
      .json()
      .samples.map((s: { reason: string }) => s.reason);
    expect(reasons.every((r: string) => r.startsWith('error:'))).toBe(true);
  });

  it('filters duplicates of seeds and of other samples, counting them as failed with the filter named', async () => {
    const seedText = readExample('support-tickets/ticket-0193.txt').toString();
    let call = 0;
    fake.setHandler(() => {
      call++;
      // Every answer copies a seed: filtered, regenerated once, filtered again.
      return { content: call % 2 ? seedText : `${seedText}\n` };
    });
    const run = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 2,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    fake.setHandler(variedWriter);
    expect(run.samples_failed).toBe(2);
    const samples = (await get(`/api/dataframer/runs/${run.id}/samples/`)).json().samples;
    expect(samples[0].reason).toMatch(/^filtered: seed_duplicate/);
  });

  it('cancels a run within seconds and keeps what was done', async () => {
    fake.setLatency(400);
    const res = await post('/api/dataframer/runs/', {
      evaluate_after: false,
      spec_id: ids.ticketsSpec,
      number_of_samples: 200,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    const id = res.json().id;
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = (await get(`/api/dataframer/runs/${id}/`)).json();
      if (r.samples_completed >= 2) break;
      if (Date.now() > deadline) throw new Error(`run made no progress: ${JSON.stringify(r)}`);
      await new Promise((r2) => setTimeout(r2, 50));
    }
    const started = Date.now();
    const canceled = await post(`/api/dataframer/runs/${id}/cancel/`, {});
    expect(canceled.statusCode, canceled.body).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000);
    fake.setLatency(0);
    await h.ctx.jobs.idle(20_000);
    const run = (await get(`/api/dataframer/runs/${id}/`)).json();
    expect(run.status).toBe('CANCELED');
    expect(run.samples_completed).toBeGreaterThanOrEqual(2);
    expect(run.samples_completed).toBeLessThan(200);
    expect(run.generated_files).toHaveLength(run.samples_completed);
    const again = await post(`/api/dataframer/runs/${id}/cancel/`, {});
    expect(again.statusCode).toBe(400);
    expect(again.json().detail).toMatch(/already CANCELED/);
  });

  it('builds the ZIP on demand (202 then 200) with metadata sidecars', async () => {
    const run = (await get('/api/dataframer/runs/'))
      .json()
      .find(
        (r: { status: string; dataset_type: string }) =>
          r.status === 'SUCCEEDED' && r.dataset_type === 'MULTI_FOLDER',
      );
    const first = await get(`/api/dataframer/runs/${run.id}/files/download/`);
    expect(first.statusCode).toBe(202);
    let ready = first;
    for (let i = 0; i < 100 && ready.statusCode === 202; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ready = await get(`/api/dataframer/runs/${run.id}/files/download/`);
    }
    expect(ready.statusCode, ready.body).toBe(200);
    const { download_url, size_bytes } = ready.json();
    const url = new URL(download_url);
    const zipRes = await h.request({ method: 'GET', url: url.pathname + url.search, key: null });
    expect(zipRes.rawPayload.length).toBe(size_bytes);
    const entries = await unzip(zipRes.rawPayload);
    expect(entries.has('sample_1/intake.txt')).toBe(true);
    expect(JSON.parse(entries.get('sample_1/labs.json.metadata')!)).toMatchObject({
      sample_index: 0,
      status: 'completed',
    });
    expect(JSON.parse(entries.get('top_level.metadata')!)).toMatchObject({
      run_id: run.id,
      samples_completed: 3,
    });
  });

  it('lists samples by finish order and by index, and streams progress as server-sent events', async () => {
    const run = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 5,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    const page = (await get(`/api/dataframer/runs/${run.id}/samples/?limit=2&offset=1`)).json();
    expect(page).toMatchObject({ total_samples: 5, offset: 1, returned_count: 2 });
    const byIndex = (await post(`/api/dataframer/runs/${run.id}/samples/`, { indices: [0, 4, 9] })).json();
    expect(byIndex.sample_statuses).toEqual(['completed', 'completed', 'out_of_range']);
    expect(byIndex.samples[2]).toBeNull();
    expect(byIndex.samples[0].files[0].content.length).toBeGreaterThan(20);

    const events = await h.request({ method: 'GET', url: `/api/dataframer/runs/${run.id}/events/` });
    expect(events.headers['content-type']).toContain('text/event-stream');
    expect(events.body).toContain('event: progress');
    expect(events.body).toMatch(/event: done\ndata: \{"status":"SUCCEEDED","samples_completed":5/);
  });

  it('deals the plan by quota: marginals match the spec exactly', async () => {
    const run = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 10,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    const samples = (await get(`/api/dataframer/runs/${run.id}/samples/`)).json().samples;
    const counts: Record<string, number> = {};
    for (const s of samples) counts[s.assignment.topic] = (counts[s.assignment.topic] ?? 0) + 1;
    // The spec asks refund 50, bug 30, feature 20.
    expect(counts).toEqual({ refund: 5, bug: 3, feature: 2 });
    // The assigned value reaches the prompt of its sample.
    const prompts = fake
      .chatRequests()
      .slice(-10)
      .map((r) => JSON.stringify(r.body.messages));
    expect(prompts.every((p) => /topic.{0,20}(refund|bug|feature)/.test(p))).toBe(true);
  });

  it('keeps the prompt prefix fixed with seed_shuffling_level none, and varies it per sample with sample', async () => {
    const systemPrompts = async (level: string) => {
      const before = fake.chatRequests().length;
      const run = await runToEnd(h, {
        spec_id: ids.ticketsSpec,
        number_of_samples: 4,
        generation_model: 'openai/gpt-4.1',
        skip_outline: true,
        seed_shuffling_level: level,
        max_examples_in_prompt: 2,
      });
      expect(run.status, run.error).toBe('SUCCEEDED');
      return fake
        .chatRequests()
        .slice(before)
        .map((r) => r.body.messages.find((m: { role: string }) => m.role === 'system')?.content as string);
    };
    const none = await systemPrompts('none');
    expect(new Set(none).size).toBe(1);
    const perSample = await systemPrompts('sample');
    expect(new Set(perSample).size).toBeGreaterThan(1);
  });

  it('revises a sample the critique finds wanting, and records the revision', async () => {
    let critiques = 0;
    fake.setHandler((body, ctx) => {
      if (body.response_format?.json_schema?.name === 'critique') {
        critiques++;
        return {
          json:
            critiques === 1
              ? { conformant: false, issues: ['the topic is not clear'] }
              : { conformant: true, issues: [] },
        };
      }
      return variedWriter(body, ctx);
    });
    const run = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 1,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
      enable_revisions: true,
      max_revision_cycles: 2,
    });
    fake.setHandler(variedWriter);
    expect(run.status, run.error).toBe('SUCCEEDED');
    expect(run.runtime_params).toMatchObject({
      enable_revisions: true,
      revision_model: 'openai/gpt-4.1',
      max_revision_cycles: 2,
      revision_types: ['requirements', 'properties', 'realism', 'format'],
    });
    const sample = (await get(`/api/dataframer/runs/${run.id}/samples/`)).json().samples[0];
    expect(sample.revisions).toBe(1);
    expect(critiques).toBe(2);
  });

  it('evaluates a run when it succeeds, unless asked not to', async () => {
    const run = await runToEnd(h, {
      spec_id: ids.claimsSpec,
      number_of_samples: 20,
      generation_model: 'openframer/statistical',
      evaluate_after: true,
    });
    expect(run.status).toBe('SUCCEEDED');
    await h.ctx.jobs.idle(30_000);
    const evaluations = (await get(`/api/dataframer/runs/${run.id}/evaluations/`)).json();
    expect(evaluations).toHaveLength(1);
    expect(evaluations[0]).toMatchObject({
      run_id: run.id,
      status: 'SUCCEEDED',
      evaluation_model: 'openframer/statistical',
    });
    const quiet = await runToEnd(h, {
      spec_id: ids.claimsSpec,
      number_of_samples: 5,
      generation_model: 'openframer/statistical',
    });
    expect(quiet.runtime_params.evaluate_after).toBe(false);
    await h.ctx.jobs.idle(30_000);
    expect((await get(`/api/dataframer/runs/${quiet.id}/evaluations/`)).json()).toEqual([]);
  });

  it('rejects bad run requests with 4xx naming the field', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ spec_id: ids.ticketsSpec }, 400, /number_of_samples/],
      [{ spec_id: ids.ticketsSpec, number_of_samples: 0 }, 400, /number_of_samples/],
      [{ spec_id: ids.ticketsSpec, number_of_samples: 20_001 }, 400, /number_of_samples/],
      [
        { spec_id: ids.ticketsSpec, number_of_samples: 1, generation_model: 'acme/unknown' },
        400,
        /generation_model.*unknown model/,
      ],
      [
        {
          spec_id: ids.ticketsSpec,
          number_of_samples: 1,
          generation_model: 'anthropic/claude-sonnet-4-6',
          max_revision_cycles: 2,
        },
        400,
        /max_revision_cycles/,
      ],
      [
        {
          spec_id: ids.ticketsSpec,
          number_of_samples: 1,
          generation_model: 'openai/gpt-4.1',
          generation_thinking_budget: 4000,
        },
        400,
        /not a thinking model/,
      ],
      [
        {
          spec_id: ids.ticketsSpec,
          number_of_samples: 1,
          generation_model: 'openai/gpt-4.1',
          filtering_types: ['vibes'],
        },
        400,
        /filtering type "vibes"/,
      ],
      [
        {
          spec_id: ids.ticketsSpec,
          number_of_samples: 1,
          generation_model: 'openai/gpt-4.1',
          seed_shuffling_level: 'chaos',
        },
        400,
        /seed_shuffling_level/,
      ],
      [
        {
          spec_id: ids.ticketsSpec,
          number_of_samples: 1,
          generation_model: 'openai/gpt-4.1',
          tools: ['web_search'],
        },
        400,
        /tools/,
      ],
      [
        {
          spec_id: ids.ticketsSpec,
          number_of_samples: 1,
          generation_model: 'openai/gpt-4.1',
          spec_version: 7,
        },
        400,
        /spec_version 7/,
      ],
      [
        {
          spec_id: ids.ticketsSpec,
          number_of_samples: 1,
          generation_model: 'openai/gpt-4.1',
          sql_validation_level: 'syntax',
        },
        400,
        /sql_validation_level/,
      ],
      [
        {
          spec_id: ids.claimsSpec,
          number_of_samples: 1,
          generation_model: 'openframer/statistical',
          enable_revisions: true,
        },
        400,
        /enable_revisions/,
      ],
      [{ spec_id: '00000000-0000-4000-8000-000000000000', number_of_samples: 1 }, 404, /Spec not found/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await post('/api/dataframer/runs/', body);
      expect(res.statusCode, `${JSON.stringify(body)} -> ${res.body}`).toBe(status);
      expect(res.json().detail).toMatch(detail);
    }
  });

  it('keeps runs to their company and deletes a run with its files', async () => {
    const run = (await get('/api/dataframer/runs/')).json()[0];
    expect((await get(`/api/dataframer/runs/${run.id}/`, h.keyB)).statusCode).toBe(404);
    expect((await get('/api/dataframer/runs/', h.keyB)).json()).toEqual([]);
    expect(
      (await h.request({ method: 'DELETE', url: `/api/dataframer/runs/${run.id}/`, key: h.keyB })).statusCode,
    ).toBe(404);
    const before = await h.ctx.blobs.count(`runs/${run.id}`);
    expect(before).toBeGreaterThan(0);
    expect((await h.request({ method: 'DELETE', url: `/api/dataframer/runs/${run.id}/` })).statusCode).toBe(
      204,
    );
    expect(await h.ctx.blobs.count(`runs/${run.id}`)).toBe(0);
    expect((await get(`/api/dataframer/runs/${run.id}/`)).statusCode).toBe(404);
  });
});
