import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import type { EvaluationService } from '../../src/services/evaluations.js';
import { runToEnd, settledSpec } from '../support/api.js';
import { folderOfFiles, readExample } from '../support/examples.js';
import { type Harness, startHarness } from '../support/harness.js';
import { file, multipart } from '../support/multipart.js';
import { ticketsSpecReply, variedWriter } from '../support/writer.js';

let h: Harness;
let fake: FakeOpenAI;
let evaluations: EvaluationService;
const ids: Record<string, string> = {};
/** sample_<n> -> assignment, for the fake classifier. */
const plan = new Map<string, Record<string, string>>();

const post = (url: string, payload: unknown, key?: string) =>
  h.request({ method: 'POST', url, payload: payload as object, key });
const put = (url: string, payload: unknown, key?: string) =>
  h.request({ method: 'PUT', url, payload: payload as object, key });
const get = (url: string, key?: string) => h.request({ method: 'GET', url, key });
const del = (url: string, key?: string) => h.request({ method: 'DELETE', url, key });

async function evaluated(url: string, body: Record<string, unknown>) {
  const res = await post(url, body);
  expect(res.statusCode, res.body).toBe(201);
  expect(res.json().status).toBe('PENDING');
  await h.ctx.jobs.idle(60_000);
  return (await get(`/api/dataframer/evaluations/${res.json().id}/`)).json();
}

/**
 * The fake evaluation model: classifies each sample as the value it was assigned, except that `feature`
 * tickets read as `bug`; writes a fixed summary; answers chat with a sentence.
 */
function evaluator(body: ChatBody, ctx: Parameters<typeof variedWriter>[1]) {
  const format = body.response_format?.json_schema;
  if (format?.name === 'sample_classifications') {
    const sampleIds = Object.keys(format.schema.properties);
    return {
      json: Object.fromEntries(
        sampleIds.map((id) => {
          const topic = plan.get(id)?.topic ?? 'refund';
          return [id, { classifications: { topic: topic === 'feature' ? 'bug' : topic } }];
        }),
      ),
    };
  }
  if (format?.name === 'evaluation_summary') {
    return {
      json: {
        conformance_explanation: 'Score 80: feature tickets read as bugs (agreement 80%, TVD 0.2).',
        conformant_areas: 'refund and bug tickets match their assignments.',
        non_conformant_areas: 'topic: feature requested 20%, evaluated 0%.',
      },
    };
  }
  if (!format) return { content: 'Feature tickets were classified as bugs; make feature requests explicit.' };
  return variedWriter(body, ctx);
}

beforeAll(async () => {
  fake = await startFakeOpenAI({ handler: variedWriter });
  h = await startHarness({ OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  evaluations = h.ctx.services.evaluations;

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
  fake.setHandler(variedWriter);
  const tickets = await runToEnd(h, {
    spec_id: ids.ticketsSpec,
    number_of_samples: 10,
    generation_model: 'openai/gpt-4.1',
    skip_outline: true,
  });
  expect(tickets.status, tickets.error).toBe('SUCCEEDED');
  ids.ticketsRun = tickets.id;
  const samples = (await get(`/api/dataframer/runs/${tickets.id}/samples/`)).json().samples;
  for (const s of samples) plan.set(`sample_${s.sample_index + 1}`, s.assignment);
  const claims = await runToEnd(h, {
    spec_id: ids.claimsSpec,
    number_of_samples: 30,
    generation_model: 'openframer/statistical',
  });
  expect(claims.status, claims.error).toBe('SUCCEEDED');
  ids.claimsRun = claims.id;
  fake.setHandler(evaluator);
}, 180_000);

afterAll(async () => {
  await h?.close();
  await fake?.close();
});

describe('evaluations', () => {
  it('classifies a document run with the model, compares with the plan and scores the disagreement', async () => {
    const before = fake.chatRequests().length;
    const ev = await evaluated('/api/dataframer/evaluations/', {
      run_id: ids.ticketsRun,
      evaluation_model: 'openai/gpt-4.1',
    });
    ids.ticketsEval = ev.id;
    expect(ev, ev.error_message).toMatchObject({
      run_id: ids.ticketsRun,
      status: 'SUCCEEDED',
      status_display: 'Succeeded',
      evaluation_model: 'openai/gpt-4.1',
      error_message: null,
      created_by_email: 'ana@acme.test',
      // The plan deals topic 5 / 3 / 2; the two feature tickets read as bug: 50 × 0.8 + 50 × (1 − 0.2).
      conformance_score: 80,
      conformance_explanation: 'Score 80: feature tickets read as bugs (agreement 80%, TVD 0.2).',
      non_conformant_areas: 'topic: feature requested 20%, evaluated 0%.',
    });
    expect(ev.distribution_analysis).toEqual([
      {
        property_name: 'topic',
        total_samples: 10,
        total_samples_analyzed: 10,
        requested_distributions: { refund: 50, bug: 30, feature: 20 },
        expected_distributions: { refund: 50, bug: 30, feature: 20 },
        evaluated_distributions: { refund: 50, bug: 50, feature: 0 },
        assignment_agreement: 0.8,
        tvd_requested_evaluated: 0.2,
        tvd_expected_evaluated: 0.2,
        chi_square_p_value: expect.any(Number),
        property_score: 80,
      },
    ]);
    expect(ev.sample_classifications).toHaveLength(10);
    const feature = ev.sample_classifications.find(
      (c: { assignment: { topic: string } }) => c.assignment.topic === 'feature',
    );
    expect(feature).toMatchObject({
      evaluation_id: ev.id,
      sample_identifier: `sample_${feature.sample_index + 1}`,
      classifications: { topic: 'bug' },
      sub_file_classifications: null,
    });
    expect(ev.quality).toMatchObject({ kind: 'text', texts: 10, seed_copy: { exact_seed_copy_rate: 0 } });
    expect(ev.quality.diversity.distinct_1).toBeGreaterThan(0);
    expect(ev.trace).toMatchObject({
      classifier: 'model',
      batches: 1,
      summary_by_model: true,
      origin: 'api',
    });
    expect(ev.duration_seconds).toBeGreaterThanOrEqual(0);

    // One batch of 10 and one summary, both at the evaluation stage and charged to the evaluation.
    const requests = fake.chatRequests().slice(before);
    expect(requests.map((r) => r.body.response_format?.json_schema?.name)).toEqual([
      'sample_classifications',
      'evaluation_summary',
    ]);
    const calls = await h.ctx.database.db
      .selectFrom('llm_calls')
      .selectAll()
      .where('resource_type', '=', 'evaluation')
      .where('resource_id', '=', ev.id)
      .execute();
    expect(calls).toHaveLength(2);
    expect(calls.every((c) => c.stage === 'evaluation' && c.company_id !== null)).toBe(true);
    expect(ev.total_cost).toBeGreaterThan(0);
  });

  it('evaluates a table offline with openframer/statistical: column values, fidelity and privacy', async () => {
    const before = fake.chatRequests().length;
    const ev = await evaluated(`/api/dataframer/runs/${ids.claimsRun}/evaluations/`, {
      evaluation_model: 'openframer/statistical',
    });
    expect(ev.status, ev.error_message).toBe('SUCCEEDED');
    expect(fake.chatRequests().length).toBe(before);
    expect(ev.total_cost).toBe(0);
    expect(ev.trace.classifier).toBe('column_values');
    // The offline generator writes the planned value into its column, so every named column agrees.
    const policy = ev.distribution_analysis.find(
      (a: { property_name: string }) => a.property_name === 'policy_type',
    );
    expect(policy).toMatchObject({ total_samples: 30, total_samples_analyzed: 30, assignment_agreement: 1 });
    expect(policy.expected_distributions).toEqual(policy.evaluated_distributions);
    expect(ev.conformance_score).toBeGreaterThan(50);
    expect(ev.conformance_explanation).toMatch(/^Conformance score [\d.]+\/100/);
    expect(ev.sample_classifications[0].classifications.policy_type).toBe(
      ev.sample_classifications[0].assignment.policy_type,
    );
    expect(ev.quality).toMatchObject({ kind: 'table', rows: { synthetic: 30, seed: 12 } });
    expect(ev.quality.fidelity.univariate).toBeGreaterThan(0);
    expect(ev.quality.privacy.identical_row_share).toBeGreaterThanOrEqual(0);
    expect(ev.quality.columns.map((c: { column: string }) => c.column)).toContain('claim_amount');

    const forRun = (await get(`/api/dataframer/runs/${ids.claimsRun}/evaluations/`)).json();
    expect(forRun.map((e: { id: string }) => e.id)).toEqual([ev.id]);
    expect(forRun[0].sample_classifications).toBeUndefined();
    const lean = (await get(`/api/dataframer/evaluations/${ev.id}/?include_samples=false`)).json();
    expect(lean.sample_classifications).toEqual([]);
  });

  it('rejects evaluations of runs that did not succeed and unknown models', async () => {
    fake.setHandler(() => ({ status: 400, error: 'context length exceeded' }));
    const failed = await runToEnd(h, {
      spec_id: ids.ticketsSpec,
      number_of_samples: 2,
      generation_model: 'openai/gpt-4.1',
      skip_outline: true,
    });
    fake.setHandler(evaluator);
    expect(failed.status).toBe('FAILED');
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ run_id: failed.id }, 400, /the run is FAILED; only a SUCCEEDED run can be evaluated/],
      [{ run_id: ids.ticketsRun, evaluation_model: 'acme/unknown' }, 400, /evaluation_model: unknown model/],
      [{ run_id: 'not-a-uuid' }, 400, /run_id must be a UUID/],
      [{ run_id: ids.ticketsRun, extra: 1 }, 400, /extra|unrecognized/i],
      [{ run_id: '00000000-0000-4000-8000-000000000000' }, 404, /Run not found/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await post('/api/dataframer/evaluations/', body);
      expect(res.statusCode, `${JSON.stringify(body)} -> ${res.body}`).toBe(status);
      expect(res.json().detail).toMatch(detail);
    }
    const viaRun = await post(`/api/dataframer/runs/${failed.id}/evaluations/`, {});
    expect(viaRun.statusCode).toBe(400);
  });

  it('chats about an evaluation, keeping the history and sending it back to the model', async () => {
    const url = `/api/dataframer/evaluations/${ids.ticketsEval}/chat/`;
    const before = fake.chatRequests().length;
    const first = await post(url, { user_message: 'Why is the score 80?', chat_model: 'openai/gpt-4.1' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      evaluation_id: ids.ticketsEval,
      user_message: 'Why is the score 80?',
      assistant_message: 'Feature tickets were classified as bugs; make feature requests explicit.',
      chat_model: 'openai/gpt-4.1',
      user_email: 'ana@acme.test',
    });
    expect(first.json().created_at).toEqual(expect.any(String));
    // The default chat model.
    const second = await post(url, { user_message: 'How do I fix it?' });
    expect(second.statusCode, second.body).toBe(200);
    expect(second.json().chat_model).toBe('anthropic/claude-sonnet-4-6');

    const [call1, call2] = fake.chatRequests().slice(before);
    const system = call1!.body.messages.find((m: { role: string }) => m.role === 'system').content as string;
    expect(system).toContain('"conformance_score": 80');
    expect(system).toContain('samples_disagreeing_with_their_assignment');
    const turns = call2!.body.messages
      .filter((m: { role: string }) => m.role !== 'system')
      .map((m: { role: string; content: string }) => [m.role, m.content]);
    expect(turns).toEqual([
      ['user', 'Why is the score 80?'],
      ['assistant', 'Feature tickets were classified as bugs; make feature requests explicit.'],
      ['user', 'How do I fix it?'],
    ]);
    const history = (await get(url)).json();
    expect(history.map((m: { user_message: string }) => m.user_message)).toEqual([
      'Why is the score 80?',
      'How do I fix it?',
    ]);
    await h.ctx.accounting.flush();
    const chatCalls = await h.ctx.database.db
      .selectFrom('llm_calls')
      .select('stage')
      .where('resource_type', '=', 'evaluation_chat')
      .where('resource_id', '=', ids.ticketsEval!)
      .execute();
    expect(chatCalls.map((c) => c.stage)).toEqual(['chat', 'chat']);

    for (const [body, detail] of [
      [{ user_message: '' }, /user_message/],
      [
        { user_message: 'hi', chat_model: 'deepseek-ai/DeepSeek-V3.1' },
        /chat_model: .* cannot be used for chat/,
      ],
      [{ user_message: 'hi', chat_model: 'openframer/statistical' }, /chat_model/],
      [{ user_message: 'hi', chat_model: 'acme/unknown' }, /chat_model: unknown model/],
    ] as const) {
      const res = await post(url, body);
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().detail).toMatch(detail);
    }
  });

  it('labels generated files: create, list, get, replace, delete', async () => {
    const base = `/api/dataframer/runs/${ids.ticketsRun}/human-labels/`;
    const created = await post(base, {
      file_identifier: 'sample_01.txt',
      labels: { realistic: true, topic: 'refund', notes: ['typo in line 2'] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const label = created.json();
    expect(label).toMatchObject({
      run_id: ids.ticketsRun,
      file_identifier: 'sample_01.txt',
      sample_identifier: null,
      labels: { realistic: true, topic: 'refund', notes: ['typo in line 2'] },
      created_by_email: 'ana@acme.test',
      updated_by_email: 'ana@acme.test',
    });
    const row = await post(`/api/dataframer/runs/${ids.claimsRun}/human-labels/`, {
      file_identifier: 'samples.csv',
      sample_identifier: 'sample_3',
      labels: { plausible: false },
    });
    expect(row.statusCode, row.body).toBe(201);

    const list = (await get(base)).json();
    expect(list.map((l: { id: string }) => l.id)).toEqual([label.id]);
    expect((await get(`${base}?file_identifier=sample_02.txt`)).json()).toEqual([]);
    expect((await get(`/api/dataframer/human-labels/${label.id}/`)).json()).toEqual(label);

    const replaced = await put(`/api/dataframer/human-labels/${label.id}/`, { labels: { realistic: false } });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json()).toMatchObject({ labels: { realistic: false }, file_identifier: 'sample_01.txt' });
    expect(replaced.json().updated_at >= label.updated_at).toBe(true);

    const bad: [string, Record<string, unknown>, number, RegExp][] = [
      [base, { file_identifier: 'nope.txt', labels: {} }, 400, /not a generated file or folder of the run/],
      [base, { file_identifier: 'sample_01.txt' }, 400, /labels/],
      [base, { file_identifier: 'sample_01.txt', labels: [1, 2] }, 400, /labels/],
      [base, { file_identifier: '', labels: {} }, 400, /file_identifier/],
      [base, { file_identifier: 'sample_01.txt', labels: { big: 'x'.repeat(70_000) } }, 413, /labels/],
    ];
    for (const [url, body, status, detail] of bad) {
      const res = await post(url, body);
      expect(res.statusCode, `${JSON.stringify(body).slice(0, 80)} -> ${res.body}`).toBe(status);
      expect(res.json().detail).toMatch(detail);
    }

    expect((await del(`/api/dataframer/human-labels/${label.id}/`)).statusCode).toBe(204);
    expect((await get(`/api/dataframer/human-labels/${label.id}/`)).statusCode).toBe(404);
  });

  it("keeps evaluations, chat and labels to their company: another company's are 404s", async () => {
    const label = (
      await post(`/api/dataframer/runs/${ids.ticketsRun}/human-labels/`, {
        file_identifier: 'sample_02.txt',
        labels: { ok: true },
      })
    ).json();
    const B = h.keyB;
    const evalUrl = `/api/dataframer/evaluations/${ids.ticketsEval}/`;
    const labelUrl = `/api/dataframer/human-labels/${label.id}/`;
    const notFound = [
      await get(evalUrl, B),
      await del(evalUrl, B),
      await get(`${evalUrl}chat/`, B),
      await post(`${evalUrl}chat/`, { user_message: 'hello' }, B),
      await post('/api/dataframer/evaluations/', { run_id: ids.ticketsRun }, B),
      await post(`/api/dataframer/runs/${ids.ticketsRun}/evaluations/`, {}, B),
      await get(`/api/dataframer/runs/${ids.ticketsRun}/evaluations/`, B),
      await post(
        `/api/dataframer/runs/${ids.ticketsRun}/human-labels/`,
        { file_identifier: 'x', labels: {} },
        B,
      ),
      await get(`/api/dataframer/runs/${ids.ticketsRun}/human-labels/`, B),
      await get(labelUrl, B),
      await put(labelUrl, { labels: {} }, B),
      await del(labelUrl, B),
    ];
    expect(notFound.map((r) => r.statusCode)).toEqual(notFound.map(() => 404));
    expect((await get('/api/dataframer/evaluations/', B)).json()).toEqual([]);
    // Still there for their owner.
    expect((await get(evalUrl)).statusCode).toBe(200);
    expect((await get(labelUrl)).json().labels).toEqual({ ok: true });
    expect((await get(`${evalUrl}chat/`)).json()).toHaveLength(2);
  });

  it('starts one automatic evaluation when a run succeeds, unless the run says evaluate_after: false', async () => {
    const db = h.ctx.database.db;
    // The runs of this file were created with evaluate_after: false; lift that to test the default.
    const allowAuto = async (runId: string) => {
      const row = await db
        .selectFrom('runs')
        .select('runtime_params')
        .where('id', '=', runId)
        .executeTakeFirstOrThrow();
      const { evaluate_after: _off, ...params } = JSON.parse(row.runtime_params) as Record<string, unknown>;
      await db
        .updateTable('runs')
        .set({ runtime_params: JSON.stringify(params) })
        .where('id', '=', runId)
        .execute();
    };
    expect(await evaluations.startForRun(ids.claimsRun!)).toBeUndefined();
    await allowAuto(ids.claimsRun!);
    await allowAuto(ids.ticketsRun!);
    const auto = await evaluations.startForRun(ids.claimsRun!);
    expect(auto).toBeDefined();
    expect(await evaluations.startForRun(ids.claimsRun!)).toEqual(auto);
    await h.ctx.jobs.idle(30_000);
    const ev = (await get(`/api/dataframer/evaluations/${auto!.id}/`)).json();
    // A run generated offline is evaluated offline.
    expect(ev).toMatchObject({
      status: 'SUCCEEDED',
      evaluation_model: 'openframer/statistical',
      created_by_email: 'ana@acme.test',
      trace: { origin: 'auto' },
    });

    const run = await db
      .selectFrom('runs')
      .select('runtime_params')
      .where('id', '=', ids.ticketsRun!)
      .executeTakeFirstOrThrow();
    await db
      .updateTable('runs')
      .set({ runtime_params: JSON.stringify({ ...JSON.parse(run.runtime_params), evaluate_after: false }) })
      .where('id', '=', ids.ticketsRun!)
      .execute();
    expect(await evaluations.startForRun(ids.ticketsRun!)).toBeUndefined();
    await db
      .updateTable('runs')
      .set({ runtime_params: run.runtime_params })
      .where('id', '=', ids.ticketsRun!)
      .execute();
    // A language-model run gets the default evaluation model when it is configured (here, through the gateway).
    const llmAuto = await evaluations.startForRun(ids.ticketsRun!);
    await h.ctx.jobs.idle(30_000);
    const llmEv = (await get(`/api/dataframer/evaluations/${llmAuto!.id}/`)).json();
    expect(llmEv).toMatchObject({ status: 'SUCCEEDED', evaluation_model: 'gemini/gemini-3-pro-preview' });
    expect(llmEv.conformance_score).toBe(80);
  });

  it('documents the endpoints in the OpenAPI schema', async () => {
    const schema = (await get('/api/schema/')).json();
    for (const path of [
      '/api/dataframer/evaluations/',
      '/api/dataframer/evaluations/{evaluation_id}/',
      '/api/dataframer/evaluations/{evaluation_id}/chat/',
      '/api/dataframer/runs/{run_id}/evaluations/',
      '/api/dataframer/runs/{run_id}/human-labels/',
      '/api/dataframer/human-labels/{label_id}/',
    ]) {
      expect(schema.paths[path], path).toBeDefined();
    }
    expect(Object.keys(schema.components.schemas)).toEqual(
      expect.arrayContaining(['Evaluation', 'DistributionAnalysis', 'SampleClassification', 'HumanLabel']),
    );
  });

  it('lists and deletes evaluations; deleting a run takes its evaluations and labels with it', async () => {
    const all = (await get('/api/dataframer/evaluations/')).json();
    expect(all.length).toBeGreaterThanOrEqual(4);
    expect(all[0].created_at >= all[all.length - 1].created_at).toBe(true);
    const onlyClaims = (await get(`/api/dataframer/evaluations/?run_id=${ids.claimsRun}`)).json();
    expect(onlyClaims.every((e: { run_id: string }) => e.run_id === ids.claimsRun)).toBe(true);

    const victim = onlyClaims[0].id;
    expect((await del(`/api/dataframer/evaluations/${victim}/`)).statusCode).toBe(204);
    expect((await get(`/api/dataframer/evaluations/${victim}/`)).statusCode).toBe(404);

    expect((await del(`/api/dataframer/runs/${ids.ticketsRun}/`)).statusCode).toBe(204);
    expect((await get(`/api/dataframer/evaluations/${ids.ticketsEval}/`)).statusCode).toBe(404);
    const db = h.ctx.database.db;
    const left = await db
      .selectFrom('human_labels' as never)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('run_id' as never, '=', ids.ticketsRun as never)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
  });
});
