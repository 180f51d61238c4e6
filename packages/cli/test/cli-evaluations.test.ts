import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { EXIT } from '../src/exit-codes.js';
import { example, parseJson, startTestServer, type TestServer } from './support.js';

// Real processes: the first start compiles the sources through tsx.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const CONTACTS = new URL('./fixtures/contacts.csv', import.meta.url).pathname;

type Json = Record<string, unknown>;

let t: TestServer;
let work: string;
beforeAll(async () => {
  t = await startTestServer();
  work = await mkdtemp(join(tmpdir(), 'openframer-cli-eval-'));
});
afterAll(async () => {
  await t?.close();
  await rm(work, { recursive: true, force: true });
});

/** Runs a CLI command that must succeed and print JSON. */
async function json<T = Json>(args: string[]): Promise<T> {
  const res = await t.cli(['--json', ...args]);
  expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(EXIT.ok);
  return parseJson<T>(res);
}

describe('evaluations', () => {
  it('create --wait --json evaluates a run; get --json shows it; a missing one exits 3', async () => {
    const dataset = await json(['datasets', 'create', example('insurance-claims.csv'), '--name', 'claims']);
    const spec = await json([
      'specs',
      'create',
      '--name',
      'claims-spec',
      '--dataset',
      String(dataset.id),
      '--model',
      'openframer/statistical',
      '--wait',
    ]);
    expect(spec.status).toBe('SUCCEEDED');
    const run = await json([
      'runs',
      'create',
      '--spec',
      String(spec.id),
      '-n',
      '20',
      '--model',
      'openframer/statistical',
      '--wait',
    ]);
    expect(run.status).toBe('SUCCEEDED');

    const evaluation = await json([
      'evaluations',
      'create',
      '--run',
      String(run.id),
      '--model',
      'openframer/statistical',
      '--wait',
    ]);
    expect(evaluation).toMatchObject({ run_id: run.id, status: 'SUCCEEDED' });
    expect(evaluation.conformance_score).toEqual(expect.any(Number));

    const got = await json(['evaluations', 'get', String(evaluation.id)]);
    expect(got).toMatchObject({ id: evaluation.id, status: 'SUCCEEDED' });

    // Without --wait: the PENDING evaluation at once; the plain output is its id.
    const started = await t.cli([
      'evaluations',
      'create',
      '--run',
      String(run.id),
      '--model',
      'openframer/statistical',
    ]);
    expect(started.code, started.stderr).toBe(EXIT.ok);
    expect(started.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
    const human = await t.cli(['evaluations', 'get', started.stdout.trim(), '--wait']);
    expect(human.code, human.stderr).toBe(EXIT.ok);
    expect(human.stdout).toMatch(/status:\s+SUCCEEDED/);

    const missing = await t.cli(['evaluations', 'get', '00000000-0000-4000-8000-000000000000']);
    expect(missing.code).toBe(EXIT.api);
    expect(missing.stderr).toMatch(/HTTP 404/);
    const noRun = await t.cli(['evaluations', 'create']);
    expect(noRun.code).toBe(EXIT.usage);
    expect(noRun.stderr).toMatch(/required option '--run <id>'/);
  });
});

describe('anonymize', () => {
  it('--wait -o --json anonymizes a dataset and downloads the files', async () => {
    const dataset = await json(['datasets', 'create', CONTACTS, '--name', 'contacts']);
    const out = join(work, 'clean');
    const run = await json<Json & { download: { directory: string; files: string[] } }>([
      'anonymize',
      String(dataset.id),
      '--pii-types',
      'email,phone_number',
      '--method',
      'heuristics',
      '--threshold',
      '0.3',
      '--mask',
      'email=redact',
      '--mask',
      'phone_number=MASK',
      '--wait',
      '-o',
      out,
    ]);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      dataset_id: dataset.id,
      pii_types: ['email', 'phone_number'],
      detection_method: 'heuristics',
    });
    expect(run.download.directory).toBe(out);
    expect(run.download.files).toHaveLength(1);
    const text = await readFile(join(out, run.download.files[0]!), 'utf8');
    expect(text).toContain('Bo Chen');
    expect(text).not.toMatch(/@example\.(com|org|net)/);
  });

  it('exits 2 for a bad threshold or mask, and 3 when the server refuses the method', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const bad: [string[], RegExp][] = [
      [
        ['anonymize', id, '--pii-types', 'email', '--method', 'heuristics', '--threshold', '2'],
        /from 0 to 1/,
      ],
      [
        ['anonymize', id, '--pii-types', 'email', '--method', 'heuristics', '--mask', 'email'],
        /TYPE=OPERATOR/,
      ],
      [['anonymize', id, '--method', 'heuristics'], /required option '--pii-types <types>'/],
    ];
    for (const [args, message] of bad) {
      const res = await t.cli(args);
      expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(EXIT.usage);
      expect(res.stderr).toMatch(message);
    }
    const refused = await t.cli(['anonymize', id, '--pii-types', 'email', '--method', 'guesswork']);
    expect(refused.code, refused.stderr).toBe(EXIT.api);
    expect(refused.stderr).toMatch(/HTTP 400/);
  });
});
