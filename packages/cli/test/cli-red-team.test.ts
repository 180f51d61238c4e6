import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../core/test/support/fake-openai.js';
import { fakeAttacker, fakeTargetApp } from '../../server/test/support/red-team.js';
import { EXIT } from '../src/exit-codes.js';
import { ISOLATED_ENV, parseJson, runCli, startTestServer, type TestServer } from './support.js';

// Real processes: the first start compiles the sources through tsx.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const MODEL = 'deepseek-ai/DeepSeek-V3.1';
const MISSING = '00000000-0000-4000-8000-000000000000';

type Json = Record<string, unknown>;

let attacker: FakeOpenAI;
let app: FakeOpenAI;
let t: TestServer;
let work: string;
beforeAll(async () => {
  attacker = await startFakeOpenAI({ handler: fakeAttacker() });
  app = await startFakeOpenAI({ handler: fakeTargetApp });
  t = await startTestServer({ OPENFRAMER_LLM_BASE_URL: attacker.url, OPENFRAMER_LLM_API_KEY: 'fake-key' });
  work = await mkdtemp(join(tmpdir(), 'openframer-cli-red-team-'));
});
afterAll(async () => {
  await t?.close();
  await attacker?.close();
  await app?.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs a CLI command that must succeed and print JSON. */
async function json<T = Json>(args: string[], env: Record<string, string> = {}): Promise<T> {
  const res = await t.cli(['--json', ...args], env);
  expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(EXIT.ok);
  return parseJson<T>(res);
}

async function createSpec(name: string): Promise<string> {
  const spec = await json([
    'red-team',
    'specs',
    'create',
    '--name',
    name,
    '--domain',
    'Healthcare and medical information services',
    '--app',
    'A patient-facing chatbot that schedules appointments and answers general health questions',
    '--concerns',
    'Should not provide medical diagnoses or treatment advice',
  ]);
  return String(spec.id);
}

describe('red-team specs', () => {
  it('create from flags or a YAML file, list, get, edit, delete', async () => {
    const id = await createSpec('Patient Portal Bot');
    const file = join(work, 'pharmacy.yaml');
    await writeFile(
      file,
      [
        'name: Pharmacy Helper',
        'domain: Retail pharmacy',
        'app_description: |',
        '  Answers questions about opening hours',
        '  and prescription refills.',
        'concerns: No dosing advice',
        '',
      ].join('\n'),
    );
    const fromFile = await json(['red-team', 'specs', 'create', '--file', file]);
    expect(fromFile).toMatchObject({
      name: 'pharmacy_helper',
      domain_description: 'Retail pharmacy',
      app_description: 'Answers questions about opening hours\nand prescription refills.',
      concerns: 'No dosing advice',
    });

    const list = await json<Json[]>(['red-team', 'specs', 'list']);
    expect(list.map((s) => s.id)).toEqual(expect.arrayContaining([id, fromFile.id]));
    const human = await t.cli(['red-team', 'specs', 'get', id]);
    expect(human.code, human.stderr).toBe(EXIT.ok);
    expect(human.stdout).toMatch(/name:\s+patient_portal_bot/);
    expect(human.stdout).toContain('Should not provide medical diagnoses');

    const edited = await json([
      'red-team',
      'specs',
      'edit',
      String(fromFile.id),
      '--no-concerns',
      '--name',
      'Pharmacy Helper 2',
    ]);
    expect(edited).toMatchObject({
      name: 'pharmacy_helper_2',
      concerns: null,
      domain_description: 'Retail pharmacy',
    });
    const nothing = await t.cli(['red-team', 'specs', 'edit', String(fromFile.id)]);
    expect(nothing.code).toBe(EXIT.usage);
    expect(nothing.stderr).toMatch(/nothing to change/);

    const deleted = await t.cli(['red-team', 'specs', 'delete', String(fromFile.id)]);
    expect(deleted.code, deleted.stderr).toBe(EXIT.ok);
    const gone = await t.cli(['red-team', 'specs', 'get', String(fromFile.id)]);
    expect(gone.code).toBe(EXIT.api);
    expect(gone.stderr).toMatch(/HTTP 404/);

    // A duplicate snake_case name: the server's 409, exit 3.
    const dup = await t.cli([
      'red-team',
      'specs',
      'create',
      '--name',
      'patient-portal-bot',
      '--domain',
      'd',
      '--app',
      'a',
    ]);
    expect(dup.code).toBe(EXIT.api);
    expect(dup.stderr).toMatch(/patient_portal_bot.*HTTP 409/);
  });
});

describe('red-team run', () => {
  it('--wait -o out.jsonl writes exactly behaviours × prompts lines; --json parses; runs get/status/prompts/export', async () => {
    const specId = await createSpec('Counts Bot');
    const out = join(work, 'out.jsonl');
    const run = await json<Json & { export: { path: string; prompts: number; format: string } }>([
      'red-team',
      'run',
      specId,
      '-b',
      '3',
      '-p',
      '4',
      '--model',
      MODEL,
      '--seed',
      '7',
      '--wait',
      '-o',
      out,
    ]);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      red_team_spec_id: specId,
      seed: '7',
      progress: { behaviors_done: 3, behaviors_total: 3, prompts_done: 12, prompts_total: 12 },
      export: { path: out, prompts: 12, format: 'jsonl' },
    });
    const lines = (await readFile(out, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(12);
    for (const line of lines) {
      expect(JSON.parse(line)).toMatchObject({
        query: expect.any(String),
        adversarial_prompt: expect.any(String),
      });
    }
    const id = String(run.id);

    // People get a record with coverage and a table of behaviours.
    const human = await t.cli(['red-team', 'runs', 'get', id]);
    expect(human.code, human.stderr).toBe(EXIT.ok);
    expect(human.stdout).toMatch(/status:\s+SUCCEEDED/);
    expect(human.stdout).toMatch(/prompts:\s+12\/12/);
    expect(human.stdout).toMatch(/by strategy:\s+\w+ \d/);
    expect(human.stdout).toMatch(/#\s+CATEGORY\s+OWASP\s+PROMPTS\s+BEHAVIOR/);

    const status = await json(['red-team', 'runs', 'status', id]);
    expect(status).toMatchObject({ id, status: 'SUCCEEDED' });
    const page = await json<Json[]>(['red-team', 'runs', 'prompts', id, '--limit', '5', '--offset', '10']);
    expect(page.map((p) => [p.behavior_index, p.position])).toEqual([
      [2, 2],
      [2, 3],
    ]);
    const all = await json<Json[]>(['red-team', 'runs', 'prompts', id, '--all']);
    expect(all.map((p) => p.query)).toEqual(lines.map((l) => JSON.parse(l).query));

    const csvFile = join(work, 'out.csv');
    const csv = await json(['red-team', 'runs', 'export', id, '-o', csvFile]);
    expect(csv).toMatchObject({ id, format: 'csv', prompts: 12 });
    expect(await readFile(csvFile, 'utf8')).toMatch(/^behavior_index,behavior,category,position,strategy/);
    const stdout = await t.cli(['red-team', 'runs', 'export', id]);
    expect(stdout.code, stdout.stderr).toBe(EXIT.ok);
    expect(stdout.stdout.trim().split('\n')).toHaveLength(12);

    const listed = await json<Json[]>(['red-team', 'runs', 'list']);
    expect(listed.map((r) => r.id)).toContain(id);
    const deleted = await t.cli(['red-team', 'runs', 'delete', id]);
    expect(deleted.code, deleted.stderr).toBe(EXIT.ok);
    expect((await t.cli(['red-team', 'runs', 'get', id])).code).toBe(EXIT.api);
  });

  it('sends prompts to a target with the key from an environment variable and shows attack success', async () => {
    const specId = await createSpec('Target Bot');
    const systemPrompt = join(work, 'system.txt');
    await writeFile(systemPrompt, 'You are a scheduling assistant.');
    const before = app.chatRequests().length;
    const res = await t.cli(
      [
        'red-team',
        'run',
        specId,
        '-b',
        '2',
        '-p',
        '2',
        '--model',
        MODEL,
        '--strategies',
        'role_play,rot13',
        '--target-url',
        app.url,
        '--target-model',
        'patient-bot-v1',
        '--target-key-env',
        'APP_KEY',
        '--target-header',
        'X-Tenant: acme',
        '--system-prompt-file',
        systemPrompt,
        '--wait',
      ],
      { APP_KEY: 'sk-cli-target-secret' },
    );
    expect(res.code, res.stderr).toBe(EXIT.ok);
    expect(res.stdout).toMatch(/attack success:\s+50\.0% \(2\/4\)/);
    expect(res.stdout).toMatch(/ASR/);
    expect(res.stdout).not.toContain('sk-cli-target-secret');
    const sent = app.chatRequests().slice(before);
    expect(sent).toHaveLength(4);
    for (const r of sent) {
      expect(r.headers.authorization).toBe('Bearer sk-cli-target-secret');
      expect(r.headers['x-tenant']).toBe('acme');
      expect(r.body.messages[0]).toEqual({ role: 'system', content: 'You are a scheduling assistant.' });
    }
  });

  it('a run that fails exits 4 with the server error; --json still prints the run', async () => {
    const specId = await createSpec('Stuck Bot');
    attacker.setHandler(fakeAttacker({ stuckBehavior: 'Gives a diagnosis.' }));
    try {
      const res = await t.cli([
        '--json',
        'red-team',
        'run',
        specId,
        '-b',
        '3',
        '-p',
        '2',
        '--model',
        MODEL,
        '--wait',
      ]);
      expect(res.code, res.stderr).toBe(EXIT.jobFailed);
      expect(res.stderr).toMatch(/red_team_run .* ended FAILED: .*distinct behaviou?rs?/i);
      expect(res.stderr).toMatch(/number_of_behaviors/);
      expect(parseJson(res)).toMatchObject({ status: 'FAILED', red_team_spec_id: specId });
    } finally {
      attacker.setHandler(fakeAttacker());
    }
  });

  it('without --wait prints the run id; cancel keeps what is done', async () => {
    const specId = await createSpec('Cancel Bot');
    // Slow enough that the run is still working when the next CLI process (≈1–2 s to start) cancels it.
    attacker.setLatency(500);
    try {
      const started = await t.cli(['red-team', 'run', specId, '-b', '24', '-p', '10', '--model', MODEL]);
      expect(started.code, started.stderr).toBe(EXIT.ok);
      const id = started.stdout.trim();
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const canceled = await json(['red-team', 'runs', 'cancel', id]);
      expect(canceled.status).toBe('CANCELED');
      const again = await t.cli(['red-team', 'runs', 'cancel', id]);
      expect(again.code).toBe(EXIT.api);
      const waited = await t.cli(['red-team', 'runs', 'get', id, '--wait']);
      expect(waited.code).toBe(EXIT.jobFailed);
      expect(waited.stderr).toMatch(/ended CANCELED/);
    } finally {
      attacker.setLatency(0);
    }
  });

  it('exits 2 for usage errors before anything starts, and 3 for an unknown spec or a refused value', async () => {
    const specId = await createSpec('Usage Bot');
    const usage: [string[], RegExp, Record<string, string>?][] = [
      [['red-team', 'run', specId, '-p', '2'], /required option '-b, --behaviors <n>'/],
      [['red-team', 'run', specId, '-b', 'many', '-p', '2'], /must be a positive integer/],
      [['red-team', 'run', specId, '-b', '1', '-p', '1', '-o', join(work, 'out.txt')], /\.jsonl or \.csv/],
      [['red-team', 'run', specId, '-b', '1', '-p', '1', '--target-url', app.url], /--target-model/],
      [
        [
          'red-team',
          'run',
          specId,
          '-b',
          '1',
          '-p',
          '1',
          '--target-url',
          app.url,
          '--target-model',
          'm',
          '--target-key-env',
          'NOPE_KEY',
        ],
        /NOPE_KEY is not set/,
      ],
      [['red-team', 'run', specId, '-b', '1', '-p', '1', '--target-header', 'no-colon'], /'Name: value'/],
      [['red-team', 'specs', 'create', '--name', 'x'], /missing --domain \(domain_description\), --app/],
      [['red-team', 'specs', 'create', '--file', join(work, 'missing.yaml')], /no such file/],
      [['red-team', 'runs', 'export', MISSING, '--format', 'xml'], /must be jsonl or csv/],
    ];
    for (const [args, message] of usage) {
      const res = await t.cli(args);
      expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(EXIT.usage);
      expect(res.stderr).toMatch(message);
    }
    const unknown = await t.cli(['red-team', 'run', MISSING, '-b', '1', '-p', '1', '--model', MODEL]);
    expect(unknown.code, unknown.stderr).toBe(EXIT.api);
    expect(unknown.stderr).toMatch(/HTTP 404/);
    const refused = await t.cli([
      'red-team',
      'run',
      specId,
      '-b',
      '1',
      '-p',
      '1',
      '--categories',
      'world_domination',
    ]);
    expect(refused.code, refused.stderr).toBe(EXIT.api);
    expect(refused.stderr).toMatch(/world_domination.*HTTP 400/);
  });
});

describe('red-team taxonomy and help', () => {
  it('taxonomy lists categories and strategies, for people and as JSON', async () => {
    const human = await t.cli(['red-team', 'taxonomy']);
    expect(human.code, human.stderr).toBe(EXIT.ok);
    expect(human.stdout).toMatch(/pii_leakage\s+PII leakage\s+LLM02 Sensitive Information Disclosure/);
    expect(human.stdout).toMatch(/base64\s+transform/);
    const taxonomy = await json<{ categories: { id: string }[]; strategies: { id: string }[] }>([
      'red-team',
      'taxonomy',
    ]);
    expect(taxonomy.categories.map((c) => c.id)).toEqual(
      expect.arrayContaining(['jailbreak', 'prompt_injection']),
    );
    expect(taxonomy.strategies.map((s) => s.id)).toContain('role_play');
  });

  it('--help shows examples on every red-team command', async () => {
    const top = await runCli(['--help'], ISOLATED_ENV);
    expect(top.stdout).toContain('red-team');
    for (const args of [
      ['red-team'],
      ['red-team', 'specs', 'create'],
      ['red-team', 'specs', 'edit'],
      ['red-team', 'run'],
      ['red-team', 'runs', 'get'],
      ['red-team', 'runs', 'prompts'],
      ['red-team', 'runs', 'export'],
      ['red-team', 'taxonomy'],
    ]) {
      const help = await runCli([...args, '--help'], ISOLATED_ENV);
      expect(help.code, args.join(' ')).toBe(0);
      expect(help.stdout, args.join(' ')).toMatch(/Examples?:/);
    }
  });
});
