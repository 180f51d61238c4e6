import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Dataframer from '@openframer/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import yazl from 'yazl';
import { EXIT } from '../src/exit-codes.js';
import { example, ISOLATED_ENV, parseJson, runCli, startTestServer, type TestServer } from './support.js';

// Real processes: the first start compiles the sources through tsx.
vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

const FAKE_EDITOR = new URL('./fixtures/fake-editor.mjs', import.meta.url).pathname;

let t: TestServer;
let work: string;
beforeAll(async () => {
  t = await startTestServer();
  work = await mkdtemp(join(tmpdir(), 'openframer-cli-work-'));
});
afterAll(async () => {
  await t?.close();
  await rm(work, { recursive: true, force: true });
});

type Json = Record<string, unknown>;

describe('help and usage errors (exit 2)', () => {
  it('--help lists the commands, the exit codes and an example, everywhere', async () => {
    const top = await runCli(['--help'], ISOLATED_ENV);
    expect(top.code).toBe(0);
    for (const name of [
      'serve',
      'keys',
      'datasets',
      'specs',
      'runs',
      'evaluations',
      'anonymize',
      'models',
      'generate',
      'Exit codes',
    ]) {
      expect(top.stdout).toContain(name);
    }
    for (const args of [
      ['datasets', 'create'],
      ['specs', 'edit'],
      ['runs', 'create'],
      ['evaluations', 'create'],
      ['anonymize'],
      ['generate'],
      ['keys', 'rotate'],
    ]) {
      const help = await runCli([...args, '--help'], ISOLATED_ENV);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Examples?:/);
    }
  });

  it('exits 2 for a missing option, a bad number, an unknown command, a missing path and no API key', async () => {
    const cases: [string[], RegExp][] = [
      [['runs', 'create', '--spec', 'x'], /required option '-n, --samples <n>'/],
      [['runs', 'create', '--spec', 'x', '-n', 'many'], /must be a positive integer/],
      [['nonsense'], /unknown command/],
      [['datasets', 'create', join(work, 'missing.csv')], /no such file or folder/],
      [['generate', 'examples/insurance-claims.csv', '-n', '0', '-o', 'out'], /positive integer/],
    ];
    for (const [args, message] of cases) {
      const res = await t.cli(args);
      expect(res.code, `${args.join(' ')}\n${res.stderr}`).toBe(EXIT.usage);
      expect(res.stderr).toMatch(message);
    }
    const noKey = await runCli(['datasets', 'list'], { ...ISOLATED_ENV, OPENFRAMER_BASE_URL: t.url });
    expect(noKey.code).toBe(EXIT.usage);
    expect(noKey.stderr).toMatch(/no API key.*OPENFRAMER_API_KEY/);
  });
});

describe('datasets', () => {
  it('creates from a file, a folder of files, a folder of folders and a zip (--json), then lists, gets and deletes', async () => {
    const zip = new yazl.ZipFile();
    for (const name of await readdir(example('support-tickets'))) {
      zip.addBuffer(await readFile(join(example('support-tickets'), name)), name);
    }
    zip.end();
    const chunks: Buffer[] = [];
    for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
    const zipPath = join(work, 'tickets.zip');
    await writeFile(zipPath, Buffer.concat(chunks));

    const layouts: [string, string, string][] = [
      [example('insurance-claims.csv'), 'cli-claims', 'SINGLE_FILE'],
      [example('support-tickets'), 'cli-tickets', 'MULTI_FILE'],
      [example('patient-records'), 'cli-patients', 'MULTI_FOLDER'],
      [zipPath, 'cli-zip', 'MULTI_FILE'],
    ];
    const ids: string[] = [];
    for (const [path, name, type] of layouts) {
      const res = await t.cli([
        '--json',
        'datasets',
        'create',
        path,
        '--name',
        name,
        '--description',
        'from the CLI',
      ]);
      expect(res.code, res.stderr).toBe(0);
      expect(parseJson(res)).toMatchObject({ name, dataset_type: type, description: 'from the CLI' });
      ids.push(parseJson(res).id as string);
    }

    const list = await t.cli(['datasets', 'list', '--json']);
    expect(parseJson<Json[]>(list).map((d) => d.id)).toEqual(expect.arrayContaining(ids));
    const human = await t.cli(['datasets', 'list']);
    expect(human.stdout).toMatch(/^ID\s+NAME\s+DATASET_TYPE/);
    expect(human.stdout).toContain('cli-patients');

    const got = await t.cli(['datasets', 'get', ids[0]!]);
    expect(got.code).toBe(0);
    expect(got.stdout).toContain('insurance-claims.csv');

    const deleted = await t.cli(['--json', 'datasets', 'delete', ids[3]!]);
    expect(parseJson(deleted)).toEqual({ id: ids[3], deleted: true });
    const gone = await t.cli(['datasets', 'get', ids[3]!]);
    expect(gone.code).toBe(EXIT.api);
    expect(gone.stderr).toMatch(/not found.*\(HTTP 404\)/i);
  });

  it("another company's dataset is a 404 (exit 3)", async () => {
    const mine = parseJson(
      await t.cli(['--json', 'datasets', 'create', example('insurance-claims.csv'), '--name', 'private']),
    );
    const theirs = await t.cli(['datasets', 'get', mine.id as string], { OPENFRAMER_API_KEY: t.keyB });
    expect(theirs.code).toBe(EXIT.api);
    const dup = await t.cli(['datasets', 'create', example('insurance-claims.csv'), '--name', 'private']);
    expect(dup.code).toBe(EXIT.api);
    expect(dup.stderr).toMatch(/HTTP 409/);
  });
});

describe('models', () => {
  it('lists the catalog, with the offline engine available', async () => {
    const res = await t.cli(['--json', 'models', '--available']);
    const { models } = parseJson<{ models: Json[] }>(res);
    expect(models.map((m) => m.id)).toEqual(['openframer/statistical']);
    const human = await t.cli(['models']);
    expect(human.stdout).toMatch(/openframer\/statistical\s+openframer\s+\S+\s+yes/);
  });
});

describe('specs and runs', () => {
  let datasetId: string;
  let specId: string;

  beforeAll(async () => {
    const res = await t.cli([
      '--json',
      'datasets',
      'create',
      example('insurance-claims.csv'),
      '--name',
      'flow',
    ]);
    datasetId = parseJson(res).id as string;
  });

  it('specs create --wait shows progress on stderr and prints the spec; get, list', async () => {
    const res = await t.cli(
      [
        '--json',
        'specs',
        'create',
        '--dataset',
        datasetId,
        '--name',
        'flow-spec',
        '--model',
        'openframer/statistical',
        '--wait',
      ],
      { OPENFRAMER_PROGRESS_INTERVAL_MS: '0' },
    );
    expect(res.code, res.stderr).toBe(0);
    const spec = parseJson(res);
    specId = spec.id as string;
    expect(spec).toMatchObject({ status: 'SUCCEEDED', latest_version: 1 });
    expect(res.stderr).toMatch(new RegExp(`spec ${specId.slice(0, 8)} SUCCEEDED`));

    const yaml = await t.cli(['specs', 'get', specId, '--yaml']);
    expect(yaml.stdout.startsWith('spec:')).toBe(true);
    const list = await t.cli(['--json', 'specs', 'list']);
    expect(parseJson<Json[]>(list).map((s) => s.id)).toContain(specId);
    const noWait = await t.cli([
      'specs',
      'create',
      '--dataset',
      datasetId,
      '--name',
      'later',
      '--model',
      'openframer/statistical',
    ]);
    expect(noWait.stdout.trim()).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('specs edit: saves the edit; reopens with the server’s complaint when it refuses; gives up on no change', async () => {
    const original = (await t.cli(['specs', 'get', specId, '--yaml'])).stdout;
    const edited = original.replace(/description: .*/, 'description: Insurance claims, reviewed');
    const broken = 'spec:\n  description: broken\n  data_property_variations: 7\n';

    const session = async (steps: string[]) => {
      const dir = await mkdtemp(join(work, 'editor-'));
      for (const [i, step] of steps.entries()) await writeFile(join(dir, `step-${i + 1}.yaml`), step);
      const res = await t.cli(['--json', 'specs', 'edit', specId], {
        EDITOR: `"${process.execPath}" "${FAKE_EDITOR}"`,
        FAKE_EDITOR_DIR: dir,
      });
      const seen = async (n: number) => readFile(join(dir, `seen-${n}.yaml`), 'utf8');
      return { res, seen, opened: Number(await readFile(join(dir, 'count'), 'utf8')) };
    };

    // Broken first, then fixed: two editor sessions, the second showing why the first was refused.
    const fixed = await session([broken, edited]);
    expect(fixed.res.code, fixed.res.stderr).toBe(0);
    expect(fixed.opened).toBe(2);
    expect(await fixed.seen(1)).toBe(original);
    const second = await fixed.seen(2);
    expect(second.startsWith(broken)).toBe(true);
    expect(second).toMatch(/# ---- openframer: the server refused this version ----\n# .*spec/);
    expect(parseJson(fixed.res)).toMatchObject({ latest_version: 2 });
    expect((await t.cli(['specs', 'get', specId, '--yaml'])).stdout).toContain('Insurance claims, reviewed');

    // Broken, then left as it was: the refusal stands (exit 3), nothing saved.
    const givenUp = await session([broken]);
    expect(givenUp.res.code).toBe(EXIT.api);
    expect(givenUp.opened).toBe(2);
    expect(givenUp.res.stderr).toMatch(/HTTP 400/);

    // Nothing changed at all: exit 0, no new version.
    const untouched = await session([]);
    expect(untouched.res.code).toBe(0);
    expect(untouched.res.stderr).toContain('no changes');
    expect(parseJson(untouched.res)).toMatchObject({ latest_version: 2 });
  });

  it('runs create --wait -o downloads the outputs; get, list, download', async () => {
    const out = join(work, 'run-out');
    const res = await t.cli(
      [
        '--json',
        'runs',
        'create',
        '--spec',
        specId,
        '-n',
        '50',
        '--model',
        'openframer/statistical',
        '--wait',
        '-o',
        out,
      ],
      { OPENFRAMER_PROGRESS_INTERVAL_MS: '0' },
    );
    expect(res.code, res.stderr).toBe(0);
    const run = parseJson(res);
    expect(run).toMatchObject({
      status: 'SUCCEEDED',
      samples_completed: 50,
      download: { files: expect.any(Array) },
    });
    expect(res.stderr).toMatch(/run [0-9a-f]{8} SUCCEEDED · 50\/50 done · 0 failed/);
    expect(existsSync(join(out, 'samples.csv'))).toBe(true);

    const runId = run.id as string;
    expect((await t.cli(['runs', 'get', runId])).stdout).toMatch(/status:\s+SUCCEEDED/);
    expect(parseJson<Json[]>(await t.cli(['--json', 'runs', 'list'])).map((r) => r.id)).toContain(runId);

    const again = join(work, 'download-again');
    const downloaded = await t.cli(['runs', 'download', runId, '-o', again]);
    expect(downloaded.code, downloaded.stderr).toBe(0);
    expect(downloaded.stdout.trim().split('\n').at(-1)).toBe(again);
    expect(await readFile(join(again, 'samples.csv'), 'utf8')).toBe(
      await readFile(join(out, 'samples.csv'), 'utf8'),
    );
  });

  it('a canceled run: waiting on it exits 4 (--json still prints the run); canceling again exits 3', async () => {
    // Created and canceled from here, milliseconds apart, so the cancel lands before the offline engine
    // (which is fast) can finish; a CLI process between the two would take too long to start.
    const client = new Dataframer({ apiKey: t.keyA, baseURL: t.url });
    const { id: runId } = await client.dataframer.runs.create({
      spec_id: specId,
      number_of_samples: 20_000,
      generation_model: 'openframer/statistical',
    });
    expect((await client.dataframer.runs.cancel(runId)).status).toBe('CANCELED');

    const waited = await t.cli(['--json', 'runs', 'get', runId, '--wait']);
    expect(waited.code).toBe(EXIT.jobFailed);
    expect(waited.stderr).toMatch(/ended CANCELED/);
    expect(parseJson(waited)).toMatchObject({ id: runId, status: 'CANCELED' });
    const again = await t.cli(['runs', 'cancel', runId]);
    expect(again.code).toBe(EXIT.api);
    expect(again.stderr).toMatch(/already CANCELED.*\(HTTP 400\)/);
  });

  it('a run that fails exits 4 with the reason', async () => {
    const patients = parseJson(
      await t.cli(['--json', 'datasets', 'create', example('patient-records'), '--name', 'patients-fail']),
    );
    const spec = parseJson(
      await t.cli([
        '--json',
        'specs',
        'create',
        '--dataset',
        patients.id as string,
        '--name',
        'patients-fail',
        '--model',
        'openframer/statistical',
        '--wait',
      ]),
    );
    // The offline engine writes text documents only; these folders hold JSON, so every sample fails.
    const res = await t.cli([
      'runs',
      'create',
      '--spec',
      spec.id as string,
      '-n',
      '2',
      '--model',
      'openframer/statistical',
      '--wait',
    ]);
    expect(res.code).toBe(EXIT.jobFailed);
    expect(res.stderr).toMatch(/ended FAILED: .*need a language model/);
  });
});

describe('keys rotate', () => {
  it('prints the new key alone; the old key then fails with exit 3', async () => {
    const rotated = await t.cli(['keys', 'rotate'], { OPENFRAMER_API_KEY: t.keyB });
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toMatch(/^[0-9a-f]{64}\n$/);
    const old = await t.cli(['datasets', 'list'], { OPENFRAMER_API_KEY: t.keyB });
    expect(old.code).toBe(EXIT.api);
    expect(old.stderr).toMatch(/HTTP 401/);
    const fresh = await t.cli(['datasets', 'list'], { OPENFRAMER_API_KEY: rotated.stdout.trim() });
    expect(fresh.code).toBe(0);
  });
});

describe('generate', () => {
  it('runs the whole chain against a server given by --base-url', async () => {
    const out = join(work, 'gen-remote');
    const res = await runCli(
      [
        '--base-url',
        t.url,
        '--api-key',
        t.keyA,
        '--json',
        'generate',
        example('support-tickets'),
        '-n',
        '3',
        '-o',
        out,
      ],
      ISOLATED_ENV,
    );
    expect(res.code, res.stderr).toBe(0);
    const summary = parseJson(res);
    expect(summary).toMatchObject({
      server: t.url,
      models: { spec: 'openframer/statistical', generation: 'openframer/statistical' },
      samples_completed: 3,
      directory: out,
    });
    expect((await readdir(out)).filter((f) => f.endsWith('.txt'))).toHaveLength(3);
  });

  it('runs in-process and offline when no server URL is set, printing the output folder last', async () => {
    const dataDir = join(work, 'embedded');
    const out = join(work, 'quickstart-out');
    await mkdir(dataDir);
    const res = await runCli(['generate', example('insurance-claims.csv'), '-n', '200', '-o', out], {
      ...ISOLATED_ENV,
      OPENFRAMER_DATA_DIR: dataDir,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim().split('\n').at(-1)).toBe(out);
    expect(res.stderr).toContain('openframer/statistical');
    expect(res.stderr).toMatch(/200\/200 done/);
    const csv = await readFile(join(out, 'samples.csv'), 'utf8');
    expect(csv.startsWith('claim_id,policy_type,claim_amount,region,status,days_to_settle,description')).toBe(
      true,
    );
    // The embedded server kept its data where it was told to.
    expect(existsSync(join(dataDir, 'openframer.db'))).toBe(true);
  });
});
