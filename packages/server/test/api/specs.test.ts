import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { newId, nowIso } from '../../src/util.js';
import { folderOfFiles, readExample } from '../support/examples.js';
import { type Harness, startHarness } from '../support/harness.js';
import { file, multipart } from '../support/multipart.js';

let h: Harness;
let fake: FakeOpenAI;
let claimsId: string;
let ticketsId: string;

const specReply = {
  description: 'Customer support tickets about a consumer app',
  requirements: ['Begins with a subject line', 'Written in the first person by a customer'],
  data_property_variations: [
    {
      property_name: 'topic',
      property_description: 'What the ticket is about',
      values: [
        { value: 'refund', percent: 40 },
        { value: 'bug', percent: 35 },
        { value: 'feature_request', percent: 25 },
      ],
      conditional: null,
    },
  ],
};

beforeAll(async () => {
  fake = await startFakeOpenAI();
  h = await startHarness({ OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  const upload = async (entries: Parameters<typeof multipart>[0]) =>
    (
      await h.request({ method: 'POST', url: '/api/dataframer/seed-datasets/create/', ...multipart(entries) })
    ).json().id as string;
  claimsId = await upload([
    ['name', 'claims'],
    ['dataset_type', 'SINGLE_FILE'],
    ['files', file('insurance-claims.csv', readExample('insurance-claims.csv'))],
  ]);
  ticketsId = await upload([
    ['name', 'tickets'],
    ['dataset_type', 'MULTI_FILE'],
    ...folderOfFiles('support-tickets'),
  ]);
});
afterAll(async () => {
  await h?.close();
  await fake?.close();
});

const createSpec = (body: Record<string, unknown>, key?: string) =>
  h.request({ method: 'POST', url: '/api/dataframer/specs/', payload: body, key });
const getSpec = (id: string, query = '') =>
  h.request({ method: 'GET', url: `/api/dataframer/specs/${id}/${query}` });

async function settled(id: string) {
  await h.ctx.jobs.idle(20_000);
  return (await getSpec(id)).json();
}

describe('spec creation', () => {
  it('creates an offline spec from a table with openframer/statistical', async () => {
    const res = await createSpec({
      name: 'claims offline',
      dataset_id: claimsId,
      spec_generation_model_name: 'openframer/statistical',
    });
    expect(res.statusCode, res.body).toBe(202);
    const { id } = res.json();
    const processing = (await getSpec(id)).json();
    expect(['PROCESSING', 'SUCCEEDED']).toContain(processing.status);
    const spec = await settled(id);
    expect(spec).toMatchObject({
      status: 'SUCCEEDED',
      dataset_id: claimsId,
      dataset_name: 'claims',
      dataset_type: 'SINGLE_FILE',
      created_by_email: 'ana@acme.test',
      error: null,
      latest_version: 1,
      total_cost: 0,
      runtime_params: {
        spec_generation_model_name: 'openframer/statistical',
        generate_distributions: true,
        extrapolate_values: true,
        extrapolate_axes: false,
      },
    });
    expect(spec).not.toHaveProperty('versions');
    const doc = parseYaml(spec.content_yaml);
    const policy = doc.spec.data_property_variations.find(
      (p: { property_name: string }) => p.property_name === 'policy_type',
    );
    expect(policy.property_values.sort()).toEqual(['auto', 'health', 'home', 'life']);
    expect(Object.values<number>(policy.base_distributions).reduce((s, v) => s + v, 0)).toBe(100);
    expect(policy.base_distributions.auto).toBe(42); // 5 of 12 claims
    expect(doc.metadata.columns[0]).toBe('claim_id');
    expect(fake.requests.length).toBe(0);
  });

  it('creates a seeded spec with a model through the gateway, recording its calls and cost', async () => {
    fake.setHandler(() => ({ json: specReply, usage: { prompt_tokens: 1200, completion_tokens: 300 } }));
    const res = await createSpec({
      name: 'tickets spec',
      dataset_id: ticketsId,
      spec_generation_model_name: 'openai/gpt-4.1',
    });
    expect(res.statusCode, res.body).toBe(202);
    const spec = await settled(res.json().id);
    expect(spec.status, spec.error).toBe('SUCCEEDED');
    const content = parseYaml(spec.content_yaml).spec;
    expect(content.description).toBe(specReply.description);
    expect(content.data_property_variations[0].base_distributions).toEqual({
      refund: 40,
      bug: 35,
      feature_request: 25,
    });
    const request = fake.requests.at(-1)!;
    expect(request.body.response_format.type).toBe('json_schema');
    expect(JSON.stringify(request.body.messages)).toContain('blender (order #58213)');
    // gpt-4.1: $2 / M input, $8 / M output.
    expect(spec.total_cost).toBeCloseTo((1200 * 2 + 300 * 8) / 1e6, 8);
    const calls = await h.ctx.database.db
      .selectFrom('llm_calls')
      .selectAll()
      .where('resource_id', '=', spec.id)
      .execute();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      stage: 'spec',
      outcome: 'ok',
      input_tokens: 1200,
      output_tokens: 300,
      resource_type: 'spec',
    });
    fake.setHandler(undefined);
  });

  it('creates a seedless spec from objectives (dataset fields null, MULTI_FILE)', async () => {
    fake.setHandler(() => ({ json: specReply }));
    const res = await createSpec({
      name: 'reviews',
      generation_objectives: 'Generate realistic product reviews',
      spec_generation_model_name: 'openai/gpt-4.1',
    });
    const spec = await settled(res.json().id);
    expect(spec).toMatchObject({
      status: 'SUCCEEDED',
      dataset_id: null,
      dataset_name: null,
      dataset_type: 'MULTI_FILE',
      runtime_params: {
        spec_generation_model_name: 'openai/gpt-4.1',
        generation_objectives: 'Generate realistic product reviews',
      },
    });
    expect(JSON.stringify(fake.requests.at(-1)!.body.messages)).toContain(
      'Generate realistic product reviews',
    );
    fake.setHandler(undefined);
  });

  it('fails the spec with an actionable error when the model keeps answering badly', async () => {
    fake.setHandler(() => ({ content: '{"description": ' }));
    const res = await createSpec({
      name: 'broken',
      dataset_id: ticketsId,
      spec_generation_model_name: 'openai/gpt-4.1',
    });
    const spec = await settled(res.json().id);
    expect(spec.status).toBe('FAILED');
    expect(spec.error).toMatch(/^Spec generation failed: .*gpt-4\.1/);
    expect(spec.content_yaml).toBeNull();
    fake.setHandler(undefined);
  });

  it('rejects bad requests with 4xx naming the field', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ dataset_id: claimsId }, 400, /name/],
      [{ name: 'x' }, 400, /dataset_id|generation_objectives/],
      [{ name: 'x', dataset_id: 'nope' }, 400, /dataset_id/],
      [{ name: 'x', dataset_id: claimsId, spec_generation_model_name: 'acme/unknown' }, 400, /unknown model/],
      [
        {
          name: 'x',
          dataset_id: claimsId,
          generate_distributions: false,
          generate_conditional_distributions: true,
        },
        400,
        /generate_distributions/,
      ],
      [{ name: 'x', dataset_id: newId() }, 404, /Dataset not found/],
      [
        { name: 'x', generation_objectives: 'reviews', spec_generation_model_name: 'openframer/statistical' },
        400,
        /seedless/,
      ],
      [
        {
          name: 'claims offline',
          dataset_id: claimsId,
          spec_generation_model_name: 'openframer/statistical',
        },
        409,
        /already exists/,
      ],
      [{ name: 'x', dataset_id: claimsId, colour: 'red' }, 400, /colour/],
    ];
    for (const [body, status, detail] of cases) {
      const res = await createSpec(body);
      expect(res.statusCode, `${JSON.stringify(body)} -> ${res.body}`).toBe(status);
      expect(res.json().detail).toMatch(detail);
    }
  });

  it('says which variable to set when the model is not configured', async () => {
    const res = await createSpec({
      name: 'needs key',
      dataset_id: claimsId,
      spec_generation_model_name: 'anthropic/claude-sonnet-4-6',
    });
    // The harness routes every model through the fake gateway, so build one without it.
    expect(res.statusCode).toBe(202);
    const bare = await startHarness();
    try {
      const r = await bare.request({
        method: 'POST',
        url: '/api/dataframer/specs/',
        payload: {
          name: 'x',
          generation_objectives: 'reviews',
          spec_generation_model_name: 'anthropic/claude-sonnet-4-6',
        },
      });
      expect(r.statusCode).toBe(400);
      expect(r.json().detail).toContain('ANTHROPIC_API_KEY');
    } finally {
      await bare.close();
    }
    await h.ctx.jobs.idle(20_000);
  });
});

describe('spec editing and versions', () => {
  let specId: string;
  beforeAll(async () => {
    const res = await createSpec({
      name: 'editable',
      dataset_id: claimsId,
      spec_generation_model_name: 'openframer/statistical',
    });
    specId = res.json().id;
    await settled(specId);
  });

  it('PUT creates a new version, ignores metadata, and accepts the older dialect', async () => {
    const yaml = `specification:
  description: Claims for a regional insurer
  requirements: |
    - amounts in dollars
  data_property_variations:
    - axis_name: severity
      axis_description: How bad the loss is
      possible_values: [minor, major]
metadata:
  version: 99
  spec_id: forged
`;
    const res = await h.request({
      method: 'PUT',
      url: `/api/dataframer/specs/${specId}/`,
      payload: { content_yaml: yaml },
    });
    expect(res.statusCode, res.body).toBe(200);
    const spec = res.json();
    expect(spec.latest_version).toBe(2);
    const doc = parseYaml(spec.content_yaml);
    expect(doc.spec.description).toBe('Claims for a regional insurer');
    expect(doc.spec.data_property_variations[0]).toMatchObject({
      property_name: 'severity',
      property_values: ['minor', 'major'],
    });
    expect(doc.metadata.version).toBe(2);
    expect(doc.metadata.spec_id).toBe(specId);
    expect(doc.metadata.columns[0]).toBe('claim_id');

    const withVersions = (await getSpec(specId, '?include_versions=true')).json();
    expect(withVersions.versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(withVersions.versions[1].content_yaml).toBe(spec.content_yaml);
  });

  it('PUT with an invalid spec is a 400 naming the line and field, and changes nothing', async () => {
    const bad = `spec:
  description: x
  data_property_variations:
    - property_name: tone
      property_values: [calm, angry]
      base_distributions:
        calm: 60
        angry: 30
`;
    const res = await h.request({
      method: 'PUT',
      url: `/api/dataframer/specs/${specId}/`,
      payload: { content_yaml: bad },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(/line \d+/);
    expect(res.json().detail).toMatch(/100/);
    const syntax = await h.request({
      method: 'PUT',
      url: `/api/dataframer/specs/${specId}/`,
      payload: { content_yaml: 'spec: [unclosed' },
    });
    expect(syntax.statusCode).toBe(400);
    expect((await getSpec(specId)).json().latest_version).toBe(2);
  });

  it('lists specs, hides them from other companies, and guards deletion', async () => {
    const list = (await h.request({ method: 'GET', url: '/api/dataframer/specs/' })).json();
    expect(list.length).toBeGreaterThanOrEqual(5);
    expect(list[0].name).toBe('editable');
    expect(
      (await h.request({ method: 'GET', url: `/api/dataframer/specs/${specId}/`, key: h.keyB })).statusCode,
    ).toBe(404);
    expect((await h.request({ method: 'GET', url: '/api/dataframer/specs/', key: h.keyB })).json()).toEqual(
      [],
    );
    expect(
      (await h.request({ method: 'DELETE', url: `/api/dataframer/specs/${specId}/`, key: h.keyB }))
        .statusCode,
    ).toBe(404);

    // The dataset cannot go while specs use it.
    expect(
      (await h.request({ method: 'DELETE', url: `/api/dataframer/seed-datasets/${claimsId}/` })).statusCode,
    ).toBe(409);

    // A run using the spec blocks its deletion.
    const principal = (await h.ctx.services.auth.authenticate(h.keyA))!;
    const runId = newId();
    await h.ctx.database.db
      .insertInto('runs')
      .values({
        id: runId,
        company_id: principal.companyId,
        spec_id: specId,
        spec_version: 2,
        status: 'SUCCEEDED',
        number_of_samples: 1,
        samples_completed: 1,
        samples_failed: 0,
        total_cost: 0,
        runtime_params: '{}',
        error: null,
        created_by: principal.userId,
        created_by_email: principal.email,
        created_at: nowIso(),
        started_at: null,
        completed_at: null,
      })
      .execute();
    expect((await h.request({ method: 'DELETE', url: `/api/dataframer/specs/${specId}/` })).statusCode).toBe(
      409,
    );
    await h.ctx.database.db.deleteFrom('runs').where('id', '=', runId).execute();
    expect((await h.request({ method: 'DELETE', url: `/api/dataframer/specs/${specId}/` })).statusCode).toBe(
      204,
    );
    expect((await getSpec(specId)).statusCode).toBe(404);
  });
});

describe('configured models', () => {
  it('adds models and OpenAI-compatible providers from the config file, and uses them', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'openframer-config-'));
    const configFile = join(dir, 'openframer.yaml');
    await writeFile(
      configFile,
      `llm:
  custom_providers:
    local:
      base_url: ${fake.url}
  models:
    - id: local/tiny-model
      provider: local
      context_window: 8192
      pricing: { input: 0.5, output: 1 }
      supported_for: [spec, generation]
`,
    );
    const local = await startHarness({ OPENFRAMER_CONFIG_FILE: configFile });
    try {
      const models = (await local.request({ method: 'GET', url: '/api/dataframer/models/' })).json().models;
      expect(models.find((m: { id: string }) => m.id === 'local/tiny-model')).toMatchObject({
        provider: 'local',
        context_window: 8192,
        available: true,
      });
      fake.setHandler(() => ({ json: specReply }));
      const res = await local.request({
        method: 'POST',
        url: '/api/dataframer/specs/',
        payload: {
          name: 'local',
          generation_objectives: 'support tickets',
          spec_generation_model_name: 'local/tiny-model',
        },
      });
      expect(res.statusCode, res.body).toBe(202);
      await local.ctx.jobs.idle(20_000);
      const spec = (
        await local.request({ method: 'GET', url: `/api/dataframer/specs/${res.json().id}/` })
      ).json();
      expect(spec.status, spec.error).toBe('SUCCEEDED');
      expect(fake.requests.at(-1)!.body.model).toBe('tiny-model');
    } finally {
      fake.setHandler(undefined);
      await local.close();
    }
  });

  it('refuses to start with a broken config file, naming the file and field', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'openframer-config-'));
    const configFile = join(dir, 'bad.yaml');
    await writeFile(configFile, 'llm:\n  models:\n    - id: nomodel\n      provider: x\n');
    await expect(startHarness({ OPENFRAMER_CONFIG_FILE: configFile })).rejects.toThrow(
      /bad\.yaml[\s\S]*models\.0\.id/,
    );
  });
});
