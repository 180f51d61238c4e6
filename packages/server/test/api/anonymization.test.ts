import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../../core/test/support/fake-openai.js';
import type { AnonymizationService } from '../../src/services/anonymization.js';
import { unzip } from '../support/api.js';
import { folderOfFolders } from '../support/examples.js';
import { type Harness, startHarness } from '../support/harness.js';
import { file, multipart } from '../support/multipart.js';

const FIXTURES = new URL('../../../core/test/fixtures/anonymization/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, FIXTURES));

const base = '/api/dataframer/anonymization-runs';
/** The properties of the seed's AnonymizationRun schema (shared/seeds/004), in its order. */
const SEED_PROPERTIES = [
  'id',
  'status',
  'dataset_id',
  'dataset_name',
  'pii_types',
  'detection_method',
  'llm_model_name',
  'created_by_email',
  'duration_seconds',
  'results',
  'anonymized_files',
  'completed_at',
  'created_at',
];

let h: Harness;
let fake: FakeOpenAI;
let service: AnonymizationService;
const ids: Record<string, string> = {};

const post = (url: string, payload: unknown, key?: string) =>
  h.request({ method: 'POST', url, payload: payload as object, key });
const get = (url: string, key?: string) => h.request({ method: 'GET', url, key });

async function upload(entries: Parameters<typeof multipart>[0]): Promise<string> {
  const res = await h.request({
    method: 'POST',
    url: '/api/dataframer/seed-datasets/create/',
    ...multipart(entries),
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

/** Creates a run, waits for its job, returns the finished run. */
async function runToEnd(body: Record<string, unknown>) {
  const res = await post(`${base}/`, body);
  expect(res.statusCode, res.body).toBe(201);
  await h.ctx.jobs.idle(60_000);
  const run = await get(`${base}/${res.json().id}/`);
  expect(run.statusCode, run.body).toBe(200);
  return run.json();
}

/** Follows a signed link through the app (the link's origin is the configured public URL). */
async function follow(link: string) {
  const url = new URL(link);
  return h.request({ method: 'GET', url: `${url.pathname}${url.search}`, key: null });
}

/** Answers structured PII requests like a model would: names and emails, some with wrong offsets, one made up. */
function fakeDetector(body: { messages: { role: string; content: unknown }[] }) {
  const user = body.messages.filter((m) => m.role === 'user').at(-1);
  const content = typeof user?.content === 'string' ? user.content : JSON.stringify(user?.content ?? '');
  const text = /<<<\n([\s\S]*)\n>>>/.exec(content)?.[1] ?? '';
  const entities: { text: string; label: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(/[\w.+-]+@[\w-]+\.[\w.]+/g))
    entities.push({ text: m[0], label: 'email', start: m.index, end: m.index + m[0].length });
  // Offsets off by a few characters: the server must find the name by its text.
  for (const m of text.matchAll(/\b(?:John Smith|Maria Garcia)\b/g))
    entities.push({ text: m[0], label: 'first_name', start: m.index + 3, end: m.index + 3 + m[0].length });
  entities.push({ text: 'Zed Zebra', label: 'first_name', start: 0, end: 9 });
  return { json: { entities } };
}

beforeAll(async () => {
  fake = await startFakeOpenAI({ handler: fakeDetector });
  h = await startHarness({ OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  service = h.ctx.services.anonymization;

  ids.patients = await upload([
    ['name', 'patients'],
    ['dataset_type', 'SINGLE_FILE'],
    ['files', file('patients.csv', fixture('patients.csv'))],
  ]);
  ids.notes = await upload([
    ['name', 'notes'],
    ['dataset_type', 'MULTI_FILE'],
    ['files', file('intake.txt', fixture('intake.txt'))],
    ['files', file('messages.jsonl', fixture('messages.jsonl'))],
    ['files', file('patients.json', fixture('patients.json'))],
  ]);
  ids.records = await upload([
    ['name', 'patient records'],
    ['dataset_type', 'MULTI_FOLDER'],
    ...folderOfFolders('patient-records'),
  ]);
});

afterAll(async () => {
  await h?.close();
  await fake?.close();
});

describe('POST /anonymization-runs/', () => {
  it('creates a PENDING run shaped like the seed schema', async () => {
    const res = await post(`${base}/`, {
      dataset_id: ids.patients,
      pii_types: ['first_name', 'last_name', 'email', 'phone_number', 'date_of_birth', 'city'],
      detection_method: 'aimon_pii_m1',
      threshold: 0.3,
    });
    expect(res.statusCode, res.body).toBe(201);
    const run = res.json();
    expect(Object.keys(run)).toEqual(SEED_PROPERTIES);
    expect(run).toMatchObject({
      status: 'PENDING',
      dataset_id: ids.patients,
      dataset_name: 'patients',
      detection_method: 'aimon_pii_m1',
      llm_model_name: null,
      created_by_email: 'ana@acme.test',
      duration_seconds: null,
      results: null,
      anonymized_files: [],
      completed_at: null,
    });
    await h.ctx.jobs.idle(60_000);
  });

  it('rejects unknown pii_types, naming them (400)', async () => {
    const res = await post(`${base}/`, {
      dataset_id: ids.patients,
      pii_types: ['email', 'favourite_colour', 'PERSON'],
      detection_method: 'heuristics',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().detail).toMatch(
      /unknown pii_types: "favourite_colour", "person"; known labels are first_name, last_name/,
    );
    expect(res.json().errors.pii_types).toHaveLength(1);
  });

  it('rejects other bad input with the field named (400)', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ dataset_id: ids.patients, pii_types: ['email'] }, /detection_method/],
      [{ dataset_id: ids.patients, pii_types: ['email'], detection_method: 'magic' }, /detection_method/],
      [{ dataset_id: ids.patients, pii_types: [], detection_method: 'heuristics' }, /pii_types/],
      [{ dataset_id: ids.patients, pii_types: ['email'], detection_method: 'llm' }, /give llm_model_name/],
      [
        {
          dataset_id: ids.patients,
          pii_types: ['email'],
          detection_method: 'llm',
          llm_model_name: 'nobody/nothing',
        },
        /unknown model "nobody\/nothing"/,
      ],
      [
        {
          dataset_id: ids.patients,
          pii_types: ['email'],
          detection_method: 'heuristics',
          mask_config: { email: 'SHRED' },
        },
        /mask_config.email: "SHRED" is not an operator/,
      ],
      [
        {
          dataset_id: ids.patients,
          pii_types: ['email'],
          detection_method: 'heuristics',
          mask_config: { email: { type: 'MASK', keeplast: 2 } },
        },
        /mask_config\.email.*keeplast/,
      ],
      [
        { dataset_id: ids.patients, pii_types: ['email'], detection_method: 'heuristics', threshold: 1.5 },
        /threshold/,
      ],
      [
        { dataset_id: 'nope', pii_types: ['email'], detection_method: 'heuristics' },
        /dataset_id must be a UUID/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await post(`${base}/`, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json().detail).toMatch(message);
    }
  });

  it("is 404 for another company's dataset", async () => {
    const res = await post(
      `${base}/`,
      { dataset_id: ids.patients, pii_types: ['email'], detection_method: 'heuristics' },
      h.keyB,
    );
    expect(res.statusCode).toBe(404);
  });
});

describe('a finished run', () => {
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected freely in tests
  let run: Record<string, any>;

  beforeAll(async () => {
    run = await runToEnd({
      dataset_id: ids.patients,
      pii_types: ['first_name', 'last_name', 'email', 'phone_number', 'date_of_birth', 'city'],
      detection_method: 'ner+heuristics',
      mask_config: {
        first_name: 'REPLACE',
        last_name: 'REPLACE',
        email: 'REPLACE',
        phone_number: { type: 'MASK', keep_last: 4 },
      },
    });
  });

  it('reports results as the seed schema has them', () => {
    expect(run.status).toBe('SUCCEEDED');
    expect(Object.keys(run)).toEqual(SEED_PROPERTIES);
    expect(Object.keys(run.results).sort()).toEqual([
      'entities_found',
      'entity_summary',
      'samples_processed',
    ]);
    expect(run.results.samples_processed).toBe(5);
    expect(run.results.entity_summary).toMatchObject({
      first_name: expect.any(Number),
      email: expect.any(Number),
    });
    expect(run.results.entity_summary.email).toBeGreaterThanOrEqual(6);
    const total = Object.values(run.results.entity_summary as Record<string, number>).reduce(
      (a, b) => a + b,
      0,
    );
    expect(run.results.entities_found).toHaveLength(total);
    for (const e of run.results.entities_found) {
      expect(Object.keys(e).sort()).toEqual(['end', 'label', 'score', 'start']);
      expect(e.end).toBeGreaterThan(e.start);
      expect(e.score).toBeGreaterThanOrEqual(0.3);
    }
    expect(run.anonymized_files).toEqual([
      {
        id: expect.any(String),
        path: 'patients.csv',
        size_in_bytes: expect.any(Number),
        content_type: 'text/csv',
      },
    ]);
    expect(Number.isInteger(run.duration_seconds)).toBe(true);
    expect(run.completed_at).toEqual(expect.any(String));
  });

  it('serves the file by id (both paths), with the same columns and rows and no original PII', async () => {
    const fileId = run.anonymized_files[0].id;
    const a = await get(`${base}/${run.id}/files/${fileId}/download/`);
    const b = await get(`${base}/${run.id}/download-file/?file_id=${fileId}`);
    expect(a.statusCode, a.body).toBe(200);
    expect(b.statusCode, b.body).toBe(200);
    expect(a.json()).toMatchObject({
      path: 'patients.csv',
      size_bytes: run.anonymized_files[0].size_in_bytes,
    });
    const body = await follow(b.json().download_url);
    expect(body.statusCode).toBe(200);
    expect(body.headers['content-type']).toMatch(/text\/csv/);
    const before = parse(fixture('patients.csv')) as string[][];
    const after = parse(body.body) as string[][];
    expect(after[0]).toEqual(before[0]);
    expect(after).toHaveLength(before.length);
    expect(body.body).not.toMatch(/ana\.lopez@example\.org|Dmitri|Okafor|\(617\) 555-0134/);
    // MASK keeps the last four digits; the id column was not asked for and stays.
    expect(after[1]![4]).toMatch(/^\(\*\*\*\) \*\*\*-0134$/);
    expect(after[1]![0]).toBe('P-10021');
    // The same patient twice: the same fakes.
    expect(after[5]!.slice(1, 4)).toEqual(after[1]!.slice(1, 4));
  });

  it('is 404 for an unknown file and for another company', async () => {
    expect(
      (await get(`${base}/${run.id}/files/00000000-0000-4000-8000-000000000000/download/`)).statusCode,
    ).toBe(404);
    expect((await get(`${base}/${run.id}/`, h.keyB)).statusCode).toBe(404);
    expect(
      (await get(`${base}/${run.id}/download-file/?file_id=${run.anonymized_files[0].id}`, h.keyB))
        .statusCode,
    ).toBe(404);
    expect((await get(`${base}/${run.id}/files/download/`, h.keyB)).statusCode).toBe(404);
    expect((await post(`${base}/${run.id}/create-dataset/`, { name: 'stolen' }, h.keyB)).statusCode).toBe(
      404,
    );
    expect((await h.request({ method: 'DELETE', url: `${base}/${run.id}/`, key: h.keyB })).statusCode).toBe(
      404,
    );
    const listB = await get(`${base}/`, h.keyB);
    expect(listB.json()).toEqual([]);
  });

  it('lists runs newest first, without entities_found', async () => {
    // biome-ignore lint/suspicious/noExplicitAny: response bodies are inspected freely in tests
    const list = (await get(`${base}/`)).json() as Record<string, any>[];
    expect(list.length).toBeGreaterThanOrEqual(2);
    expect(list[0]!.id).toBe(run.id);
    expect(list[0]!.results.entities_found).toBeUndefined();
    expect(list[0]!.results.entity_summary).toEqual(run.results.entity_summary);
  });

  it('turns the anonymized files into a new seed dataset in one call', async () => {
    const res = await post(`${base}/${run.id}/create-dataset/`, { name: 'patients (anonymized)' });
    expect(res.statusCode, res.body).toBe(201);
    const dataset = res.json();
    expect(dataset).toMatchObject({
      name: 'patients (anonymized)',
      dataset_type: 'SINGLE_FILE',
      file_count: 1,
    });
    expect(dataset.files[0]).toMatchObject({ path: 'patients.csv', file_type: 'csv', record_count: 5 });
    const again = await post(`${base}/${run.id}/create-dataset/`, { name: 'patients (anonymized)' });
    expect(again.statusCode).toBe(409);
  });
});

describe('files of several kinds', () => {
  it('keeps folders, builds a ZIP, and makes a MULTI_FOLDER dataset', async () => {
    const run = await runToEnd({
      dataset_id: ids.records,
      pii_types: [
        'first_name',
        'last_name',
        'date_of_birth',
        'phone_number',
        'email',
        'medical_record_number',
      ],
      detection_method: 'aimon_pii_m1',
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(run.anonymized_files.map((f: { path: string }) => f.path)).toEqual([
      'patient_001/intake.txt',
      'patient_001/labs.json',
      'patient_002/intake.txt',
      'patient_002/labs.json',
      'patient_003/intake.txt',
      'patient_003/labs.json',
    ]);
    const first = await get(`${base}/${run.id}/files/download/`);
    expect(first.statusCode, first.body).toBe(202);
    await service.zipSettled(run.id);
    const ready = await get(`${base}/${run.id}/files/download/`);
    expect(ready.statusCode, ready.body).toBe(200);
    const zip = await follow(ready.json().download_url);
    const entries = await unzip(zip.rawPayload);
    expect([...entries.keys()].sort()).toEqual(run.anonymized_files.map((f: { path: string }) => f.path));
    const dataset = (
      await post(`${base}/${run.id}/create-dataset/`, { name: 'records (anonymized)' })
    ).json();
    expect(dataset.dataset_type).toBe('MULTI_FOLDER');
    expect(dataset.folder_count).toBe(3);
  });

  it('counts every entity in entity_summary and reports the first 10,000 of the run in entities_found', async () => {
    const table = (rows: number, from: number) =>
      `email,ssn\n${Array.from({ length: rows }, (_, i) => `user${from + i}@example.com,${String(123450000 + from + i).replace(/^(\d{3})(\d{2})/, '$1-$2-')}`).join('\n')}\n`;
    const id = await upload([
      ['name', 'large tables'],
      ['dataset_type', 'MULTI_FILE'],
      ['files', file('a.csv', table(6_000, 0))],
      ['files', file('b.csv', table(100, 6_000))],
    ]);
    const run = await runToEnd({
      dataset_id: id,
      pii_types: ['email', 'ssn'],
      detection_method: 'heuristics',
    });
    expect(run.status, JSON.stringify(run.results.error)).toBe('SUCCEEDED');
    expect(run.results.entity_summary).toEqual({ email: 6_100, ssn: 6_100 });
    // In file order: a.csv's emails, then the first 4,000 of its SSNs; nothing of b.csv.
    const found = run.results.entities_found as { label: string; start: number; end: number }[];
    expect(found).toHaveLength(10_000);
    expect(found.slice(0, 6_000).every((e) => e.label === 'email')).toBe(true);
    expect(found.slice(6_000).every((e) => e.label === 'ssn' && e.start === 0 && e.end === 11)).toBe(true);
  });
  it('anonymizes text, JSON and JSON Lines in one run, and reports bad files per file', async () => {
    // A stored file that went bad (binary bytes): the run goes on with the others and says which one.
    const detail = (await get(`/api/dataframer/seed-datasets/${ids.notes}/`)).json();
    const original = detail.files.find((f: { path: string }) => f.path === 'patients.json');
    const row = await h.ctx.database.db
      .selectFrom('dataset_files')
      .select('blob_key')
      .where('id', '=', original.id)
      .executeTakeFirstOrThrow();
    const keep = await h.ctx.blobs.get(row.blob_key);
    const chunks: Buffer[] = [];
    for await (const c of keep) chunks.push(c as Buffer);
    await h.ctx.blobs.put(row.blob_key, Buffer.from([0x7b, 0x00, 0xff, 0xfe]));
    try {
      const run = await runToEnd({
        dataset_id: ids.notes,
        pii_types: [
          'first_name',
          'last_name',
          'email',
          'phone_number',
          'ssn',
          'credit_card_number',
          'date_of_birth',
        ],
        detection_method: 'ner+heuristics',
      });
      expect(run.status).toBe('SUCCEEDED');
      expect(run.anonymized_files.map((f: { path: string }) => f.path)).toEqual([
        'intake.txt',
        'messages.jsonl',
      ]);
      expect(run.results.error).toBe(
        '1 of 3 files could not be anonymized: patients.json: a binary file, not text (NUL byte at offset 1)',
      );
      expect(run.results.samples_processed).toBe(4);
      const jsonl = run.anonymized_files.find((f: { path: string }) => f.path === 'messages.jsonl');
      const link = (await get(`${base}/${run.id}/download-file/?file_id=${jsonl.id}`)).json();
      const text = (await follow(link.download_url)).body;
      expect(text).toContain('"text":"Any update? My SSN is [SSN] if you need it."');
      expect(text).not.toContain('4111 1111 1111 1111');
    } finally {
      await h.ctx.blobs.put(row.blob_key, Buffer.concat(chunks));
    }
  });

  it('fails the run when no file can be anonymized', async () => {
    const id = await upload([
      ['name', 'one note'],
      ['dataset_type', 'SINGLE_FILE'],
      ['files', file('one.csv', 'name,email\nAna,ana@example.org\nBo,bo@example.org\n')],
    ]);
    const row = await h.ctx.database.db
      .selectFrom('dataset_files')
      .select('blob_key')
      .where('dataset_id', '=', id)
      .executeTakeFirstOrThrow();
    await h.ctx.blobs.put(row.blob_key, Buffer.from([0xc3, 0x28, 0x41]));
    const run = await runToEnd({ dataset_id: id, pii_types: ['email'], detection_method: 'heuristics' });
    expect(run.status).toBe('FAILED');
    expect(run.results.error).toMatch(/^1 of 1 file could not be anonymized: one.csv: not valid UTF-8/);
    expect(run.anonymized_files).toEqual([]);
    const zip = await post(`${base}/${run.id}/create-dataset/`, { name: 'nothing' });
    expect(zip.statusCode).toBe(409);
  });
});

describe('the llm method', () => {
  it('uses the model through the gateway and verifies its spans against the text', async () => {
    const before = fake.chatRequests().length;
    const run = await runToEnd({
      dataset_id: ids.notes,
      pii_types: ['first_name', 'email'],
      detection_method: 'llm',
      llm_model_name: 'anthropic/claude-haiku-4-5',
    });
    expect(run.status, JSON.stringify(run.results)).toBe('SUCCEEDED');
    expect(run.llm_model_name).toBe('anthropic/claude-haiku-4-5');
    expect(fake.chatRequests().length).toBeGreaterThan(before);
    const intake = run.anonymized_files.find((f: { path: string }) => f.path === 'intake.txt');
    const text = (
      await follow((await get(`${base}/${run.id}/download-file/?file_id=${intake.id}`)).json().download_url)
    ).body;
    // Names re-located by their text despite wrong offsets; emails at their offsets; the made-up name is nowhere.
    expect(text).toContain('Patient: [FIRST_NAME]');
    expect(text).toContain('Dr. [FIRST_NAME] for a follow-up');
    expect(text).toContain('Email: [EMAIL]');
    expect(text).not.toMatch(/John Smith|Maria Garcia|john\.smith@example\.com/);
    // Spans from the model score 0.85; a column typed by the vote scores its share of the vote.
    expect(run.results.entities_found.some((e: { score: number }) => e.score === 0.85)).toBe(true);
    expect(run.results.entity_summary).toEqual({ first_name: expect.any(Number), email: expect.any(Number) });
    const calls = await h.ctx.database.db
      .selectFrom('llm_calls')
      .select(['stage', 'resource_type'])
      .where('resource_id', '=', run.id)
      .execute();
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.stage === 'anonymization' && c.resource_type === 'anonymization_run')).toBe(
      true,
    );
  });

  it('fails the run with the reason when the model cannot be reached', async () => {
    fake.setHandler(() => ({ status: 400, error: 'model is not available' }));
    try {
      const run = await runToEnd({
        dataset_id: ids.patients,
        pii_types: ['email'],
        detection_method: 'llm+heuristics',
        llm_model_name: 'anthropic/claude-haiku-4-5',
      });
      expect(run.status).toBe('FAILED');
      expect(run.results).toMatchObject({ samples_processed: 0, entities_found: [], entity_summary: {} });
      expect(run.results.error).toMatch(/model is not available|400/);
    } finally {
      fake.setHandler(fakeDetector);
    }
  });
});

describe('detection threads (OPENFRAMER_ANONYMIZATION_THREADS)', () => {
  it('write the same files and results as detection in the job thread', async () => {
    const single = await startHarness({ OPENFRAMER_ANONYMIZATION_THREADS: '0' });
    try {
      expect(single.ctx.detectionPool).toBeUndefined();
      expect(h.ctx.detectionPool?.size).toBeGreaterThan(0);
      const notes = Array.from(
        { length: 800 },
        (_, i) =>
          `Visit ${i}: Maria Garcia (maria${i}@example.com, 555-201-${String(i).padStart(4, '0')}) lives at ${10 + i} Oak Street.`,
      ).join('\n');
      const table = `id,name,email,note\n${Array.from({ length: 800 }, (_, i) => `${i},John Smith,j${i}@example.com,"Call 555-301-${String(i).padStart(4, '0')} after ${(i % 12) + 1} pm"`).join('\n')}\n`;
      const entries: Parameters<typeof multipart>[0] = [
        ['name', 'threads'],
        ['dataset_type', 'MULTI_FILE'],
        ['files', file('notes.txt', notes)],
        ['files', file('table.csv', table)],
        ['files', file('intake.txt', fixture('intake.txt'))],
        ['files', file('messages.jsonl', fixture('messages.jsonl'))],
      ];
      const outcomes = [];
      for (const harness of [h, single]) {
        const created = await harness.request({
          method: 'POST',
          url: '/api/dataframer/seed-datasets/create/',
          ...multipart(entries),
        });
        expect(created.statusCode, created.body).toBe(201);
        const res = await harness.request({
          method: 'POST',
          url: `${base}/`,
          payload: {
            dataset_id: created.json().id,
            pii_types: ['first_name', 'last_name', 'email', 'phone_number', 'street_address', 'date'],
            detection_method: 'ner+heuristics',
            mask_config: { email: { type: 'MASK', keep_last: 4 } },
          },
        });
        expect(res.statusCode, res.body).toBe(201);
        await harness.ctx.jobs.idle(60_000);
        const run = (await harness.request({ method: 'GET', url: `${base}/${res.json().id}/` })).json();
        expect(run.status, JSON.stringify(run.results)).toBe('SUCCEEDED');
        const contents: Record<string, string> = {};
        for (const f of run.anonymized_files as { id: string; path: string }[]) {
          const link = (
            await harness.request({ method: 'GET', url: `${base}/${run.id}/download-file/?file_id=${f.id}` })
          ).json();
          const url = new URL(link.download_url);
          contents[f.path] = (
            await harness.request({ method: 'GET', url: `${url.pathname}${url.search}`, key: null })
          ).body;
        }
        outcomes.push({ results: run.results, contents });
      }
      const [threaded, alone] = outcomes;
      expect(Object.keys(threaded!.contents).sort()).toEqual([
        'intake.txt',
        'messages.jsonl',
        'notes.txt',
        'table.csv',
      ]);
      expect(threaded!.contents).toEqual(alone!.contents);
      expect(threaded!.results).toEqual(alone!.results);
      expect(threaded!.contents['notes.txt']).not.toContain('maria7@example.com');
      expect(threaded!.results.entity_summary.email).toBeGreaterThan(1_600);
      // The run's detection went through the threads (still up: they stop after 30 s without work).
      expect(h.ctx.detectionPool!.threads).toBeGreaterThan(0);
    } finally {
      await single.close();
    }
  });
});

describe('DELETE /anonymization-runs/{id}/', () => {
  it('deletes the run and its files', async () => {
    const run = await runToEnd({
      dataset_id: ids.patients,
      pii_types: ['email'],
      detection_method: 'heuristics',
    });
    const blobs = await h.ctx.blobs.count(`anonymizations/${run.id}`);
    expect(blobs).toBe(1);
    const res = await h.request({ method: 'DELETE', url: `${base}/${run.id}/` });
    expect(res.statusCode).toBe(204);
    expect((await get(`${base}/${run.id}/`)).statusCode).toBe(404);
    expect(await h.ctx.blobs.count(`anonymizations/${run.id}`)).toBe(0);
  });
});

describe('OpenAPI', () => {
  it('documents AnonymizationRun as the seed does, from the same schema', async () => {
    const doc = (await get('/api/schema/', null as unknown as string)).json();
    const schema = doc.components.schemas.AnonymizationRun;
    expect(Object.keys(schema.properties)).toEqual(SEED_PROPERTIES);
    const op = doc.paths['/api/dataframer/anonymization-runs/{run_id}/'].get;
    expect(op.operationId).toBe('api_dataframer_anonymization_runs_retrieve');
    expect(op.tags).toEqual(['DataFramer - Data Anonymization']);
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['200', '401', '404']));
    expect(schema.properties.status.enum).toEqual(['PENDING', 'PROCESSING', 'SUCCEEDED', 'FAILED']);
  });
});
