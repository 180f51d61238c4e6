import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import { runToEnd, settledSpec } from '../support/api.js';
import { type Harness, startHarness } from '../support/harness.js';
import { file, multipart } from '../support/multipart.js';
import { uniqueText, variedWriter } from '../support/writer.js';

let h: Harness;
let fake: FakeOpenAI;
let specId: string;

const DDL =
  'CREATE TABLE patients (id INTEGER PRIMARY KEY, name TEXT, born DATE); CREATE TABLE visits (id INTEGER PRIMARY KEY, patient_id INTEGER, reason TEXT);';
const SEED = [
  'question,schema_ddl,sql',
  `How many patients are there?,"${DDL}",SELECT count(*) FROM patients`,
  `List visit reasons,"${DDL}",SELECT reason FROM visits`,
  `Patients with visits,"${DDL}",SELECT p.name FROM patients p JOIN visits v ON v.patient_id = p.id`,
  `Born after 1990,"${DDL}",SELECT name FROM patients WHERE born > '1990-01-01'`,
].join('\n');

/** The `sql` the fake model writes for record n: every third one names a column the schema lacks. */
const sqlFor = (n: number, allBad: boolean) =>
  allBad || n % 3 === 2 ? 'SELECT diagnosis FROM visits' : `SELECT name FROM patients WHERE id = ${n}`;

/** A record writer for the text-to-SQL table; `useCalculator` makes one calculator call before each record. */
function sqlWriter(options: { useCalculator: boolean; allBad?: boolean }) {
  let records = 0;
  return (body: ChatBody, ctx: Parameters<typeof variedWriter>[1]) => {
    const props = body.response_format?.json_schema?.schema?.properties ?? {};
    if (!('sql' in props)) return variedWriter(body, ctx);
    const last = body.messages.at(-1);
    if (options.useCalculator && last.role !== 'tool') {
      return {
        body: {
          id: `c${ctx.index}`,
          object: 'chat.completion',
          created: 0,
          model: body.model,
          choices: [
            {
              index: 0,
              finish_reason: 'tool_calls',
              message: {
                role: 'assistant',
                content: null,
                tool_calls: [
                  {
                    id: `call_${ctx.index}`,
                    type: 'function',
                    function: {
                      name: 'calculator',
                      arguments: JSON.stringify({ expression: '2025 - (1987)' }),
                    },
                  },
                ],
              },
            },
          ],
          usage: { prompt_tokens: 50, completion_tokens: 5, total_tokens: 55 },
        },
      };
    }
    const n = records++;
    const answer = options.useCalculator ? ` (age ${JSON.stringify(last.content)})` : '';
    return {
      json: {
        question: `${uniqueText(n, 8)}${answer}`,
        schema_ddl: DDL,
        sql: sqlFor(n, options.allBad ?? false),
      },
    };
  };
}

beforeAll(async () => {
  fake = await startFakeOpenAI({ handler: variedWriter });
  h = await startHarness({ OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  const upload = await h.request({
    method: 'POST',
    url: '/api/dataframer/seed-datasets/create/',
    ...multipart([
      ['name', 'text-to-sql'],
      ['dataset_type', 'SINGLE_FILE'],
      ['files', file('text-to-sql.csv', SEED)],
    ]),
  });
  expect(upload.statusCode, upload.body).toBe(201);
  specId = await settledSpec(h, {
    name: 'sql',
    dataset_id: upload.json().id,
    spec_generation_model_name: 'openframer/statistical',
  });
  const spec = (await h.request({ method: 'GET', url: `/api/dataframer/specs/${specId}/` })).json();
  const doc = parseYaml(spec.content_yaml);
  doc.spec.selected_sql_schema_column = 'schema_ddl';
  doc.spec.selected_sql_query_columns = ['sql'];
  const put = await h.request({
    method: 'PUT',
    url: `/api/dataframer/specs/${specId}/`,
    payload: { content_yaml: toYaml({ spec: doc.spec }) },
  });
  expect(put.statusCode, put.body).toBe(200);
});

afterAll(async () => {
  await h?.close();
  await fake?.close();
});

describe('SQL execution and tools in runs', () => {
  it('syntax+schema+execute runs each sample SQL against its schema; SQL that does not run is regenerated', async () => {
    fake.setHandler(sqlWriter({ useCalculator: false }));
    const before = fake.chatRequests().length;
    const run = await runToEnd(h, {
      spec_id: specId,
      number_of_samples: 6,
      generation_model: 'openai/gpt-4.1',
      sql_validation_level: 'syntax+schema+execute',
    });
    expect(run.status, run.error).toBe('SUCCEEDED');
    expect(run.runtime_params.sql_validation_level).toBe('syntax+schema+execute');
    expect(run.samples_completed + run.samples_failed).toBe(6);
    // Every third record had SQL naming a missing column: those were rejected and written again.
    const records = fake
      .chatRequests()
      .slice(before)
      .filter((r) => 'sql' in (r.body.response_format?.json_schema?.schema?.properties ?? {}));
    expect(records.length).toBeGreaterThan(6);
    const samples = (
      await h.request({ method: 'GET', url: `/api/dataframer/runs/${run.id}/samples/?limit=100` })
    ).json();
    expect(samples.samples.length).toBe(run.samples_completed);
    for (const s of samples.samples as { record: { sql: string } }[]) {
      expect(s.record.sql).toMatch(/^SELECT name FROM patients WHERE id = \d+$/);
    }
  });

  it('a sample whose SQL never runs fails with the engine error as its reason', async () => {
    fake.setHandler(sqlWriter({ useCalculator: false, allBad: true }));
    const run = await runToEnd(h, {
      spec_id: specId,
      number_of_samples: 2,
      generation_model: 'openai/gpt-4.1',
      sql_validation_level: 'syntax+schema+execute',
    });
    expect(run.samples_failed).toBe(2);
    const failures = await h.ctx.database.db
      .selectFrom('run_samples')
      .select('reason')
      .where('run_id', '=', run.id)
      .where('status', '=', 'failed')
      .execute();
    expect(failures).toHaveLength(2);
    for (const f of failures)
      expect(f.reason).toMatch(/failed to execute: SQLite: no such column: diagnosis/);
  });

  it('offers the requested tools to the model and sends their answers back', async () => {
    fake.setHandler(sqlWriter({ useCalculator: true }));
    const before = fake.chatRequests().length;
    const run = await runToEnd(h, {
      spec_id: specId,
      number_of_samples: 2,
      generation_model: 'openai/gpt-4.1',
      tools: ['calculator', 'sql_execute'],
    });
    expect(run.status, run.error).toBe('SUCCEEDED');
    expect(run.runtime_params.tools).toEqual(['calculator', 'sql_execute']);
    const requests = fake.chatRequests().slice(before);
    const offered = requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name);
    expect(offered.sort()).toEqual(['calculator', 'sql_execute']);
    const toolAnswers = requests
      .map((r) => r.body.messages.at(-1))
      .filter((m: { role: string }) => m.role === 'tool');
    expect(toolAnswers.length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(toolAnswers[0].content)).toContain('38');
  });

  it('rejects unknown tools and tools with the offline model, naming the field', async () => {
    for (const [body, detail] of [
      [{ generation_model: 'openai/gpt-4.1', tools: ['web_search'] }, /tools: unknown tool "web_search"/],
      [
        { generation_model: 'openframer/statistical', tools: ['calculator'] },
        /tools: openframer\/statistical/,
      ],
    ] as const) {
      const res = await h.request({
        method: 'POST',
        url: '/api/dataframer/runs/',
        payload: { spec_id: specId, number_of_samples: 1, ...body },
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json().detail).toMatch(detail);
    }
  });
});
