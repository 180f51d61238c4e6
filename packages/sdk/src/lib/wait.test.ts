import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { json, scriptedServer } from '../../test/support/scripted-server.js';
import { Dataframer } from '../client.js';
import { APIUserAbortError, DataframerError, JobFailedError } from '../core/errors.js';
import type { JobProgress } from './wait.js';

type Scripted = Awaited<ReturnType<typeof scriptedServer>>;
let server: Scripted | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const RUN_ID = '11111111-2222-3333-4444-555555555555';
const snapshot = (status: string, done: number, error: string | null = null) => ({
  status,
  samples_completed: done,
  samples_failed: 0,
  number_of_samples: 3,
  total_cost: 0,
  error,
});
const run = (status: string, done: number, error: string | null = null) => ({
  id: RUN_ID,
  spec_id: 'spec',
  ...snapshot(status, done, error),
  generated_files: [],
});

function sse(res: ServerResponse, events: [string, unknown][]) {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  // Split across writes mid-event, as a network would, to exercise the parser's buffering.
  const text = events
    .map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    .join(': ping\n\n');
  const half = Math.floor(text.length / 2);
  res.write(text.slice(0, half));
  setTimeout(() => res.end(text.slice(half)), 20);
}

const clientFor = (s: Scripted) => new Dataframer({ apiKey: 'k', baseURL: s.url, maxRetries: 0 });

describe('waitFor on a run', () => {
  it('follows the event stream, reports each change once, and resolves with the final run', async () => {
    server = await scriptedServer((req, res) => {
      if (req.url.endsWith('/events/')) {
        return sse(res, [
          ['progress', snapshot('PROCESSING', 1)],
          ['progress', snapshot('PROCESSING', 2)],
          ['progress', snapshot('SUCCEEDED', 3)],
          ['done', snapshot('SUCCEEDED', 3)],
        ]);
      }
      json(res, 200, run('SUCCEEDED', 3));
    });
    const seen: JobProgress[] = [];
    const final = await clientFor(server).waitFor({ run_id: RUN_ID }, { onProgress: (p) => seen.push(p) });
    expect(final.status).toBe('SUCCEEDED');
    expect(seen.map((p) => (p.kind === 'run' ? p.samples_completed : -1))).toEqual([1, 2, 3]);
    expect(server.requests.map((r) => r.headers.accept)).toEqual(['text/event-stream', 'application/json']);
  });

  it('polls when the server has no event stream (404), until the run ends', async () => {
    let polls = 0;
    server = await scriptedServer((req, res) => {
      if (req.url.endsWith('/events/')) return json(res, 404, { detail: 'Not found' });
      polls++;
      json(res, 200, polls < 3 ? run('PROCESSING', polls) : run('SUCCEEDED', 3));
    });
    const seen: JobProgress[] = [];
    const final = await clientFor(server).dataframer.runs.waitFor(RUN_ID, {
      pollIntervalMs: 10,
      onProgress: (p) => seen.push(p),
    });
    expect(final.status).toBe('SUCCEEDED');
    expect(polls).toBe(3);
    expect(seen.map((p) => p.status)).toEqual(['PROCESSING', 'PROCESSING', 'SUCCEEDED']);
  });

  it('throws JobFailedError with the run and its error when the run FAILED', async () => {
    server = await scriptedServer((req, res) => {
      if (req.url.endsWith('/events/'))
        return sse(res, [['done', snapshot('FAILED', 1, 'the model is gone')]]);
      json(res, 200, run('FAILED', 1, 'the model is gone'));
    });
    const err = await clientFor(server)
      .waitFor({ run_id: RUN_ID })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JobFailedError);
    expect(err).toMatchObject({ kind: 'run', id: RUN_ID, status: 'FAILED', jobError: 'the model is gone' });
    expect((err as JobFailedError).job).toMatchObject({ id: RUN_ID, samples_completed: 1 });
  });

  it('stops waiting on abort with APIUserAbortError', async () => {
    server = await scriptedServer((req, res) => {
      if (req.url.endsWith('/events/')) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(`event: progress\ndata: ${JSON.stringify(snapshot('PROCESSING', 1))}\n\n`);
        return; // and never more
      }
      json(res, 200, run('PROCESSING', 1));
    });
    const controller = new AbortController();
    const waiting = clientFor(server).waitFor(
      { run_id: RUN_ID },
      {
        signal: controller.signal,
        onProgress: () => controller.abort(),
      },
    );
    await expect(waiting).rejects.toBeInstanceOf(APIUserAbortError);
  });
});

describe('waitFor on a spec', () => {
  it('polls the spec until SUCCEEDED, knowing it is a spec from what specs.create returned', async () => {
    let polls = 0;
    server = await scriptedServer((req, res) => {
      if (req.method === 'POST') return json(res, 202, { id: 'spec-1' });
      polls++;
      json(res, 200, {
        id: 'spec-1',
        status: polls < 2 ? 'PROCESSING' : 'SUCCEEDED',
        total_cost: 0,
        error: null,
        content_yaml: polls < 2 ? null : 'spec: {}',
        latest_version: polls < 2 ? null : 1,
      });
    });
    const client = clientFor(server);
    const created = await client.dataframer.specs.create({ name: 'x', generation_objectives: 'y' });
    expect(created).toEqual({ id: 'spec-1' });
    const spec = await client.waitFor(created, { pollIntervalMs: 10 });
    expect(spec.content_yaml).toBe('spec: {}');
    expect(
      server.requests
        .filter((r) => r.method === 'GET')
        .every((r) => r.url === '/api/dataframer/specs/spec-1/'),
    ).toBe(true);
  });

  it('throws JobFailedError for a FAILED spec', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 200, {
        id: 'spec-2',
        status: 'FAILED',
        total_cost: 0,
        error: 'insufficient data',
        latest_version: null,
      }),
    );
    await expect(clientFor(server).waitFor({ spec_id: 'spec-2' })).rejects.toMatchObject({
      name: 'JobFailedError',
      kind: 'spec',
      jobError: 'insufficient data',
    });
  });

  it('refuses a bare {id}, which could be either', async () => {
    server = await scriptedServer((_req, res) => json(res, 200, {}));
    await expect(clientFor(server).waitFor({ id: 'x' } as never)).rejects.toBeInstanceOf(DataframerError);
  });
});

describe('waitFor on an evaluation or an anonymization run', () => {
  it('polls an evaluation lean (include_samples=false), then fetches it whole; an evaluation is not its run', async () => {
    let polls = 0;
    server = await scriptedServer((req, res) => {
      if (req.method === 'POST') {
        return json(res, 201, { id: 'ev-1', run_id: RUN_ID, status: 'PENDING', conformance_score: null });
      }
      polls++;
      json(res, 200, {
        id: 'ev-1',
        run_id: RUN_ID,
        status: polls < 2 ? 'PROCESSING' : 'SUCCEEDED',
        conformance_score: polls < 2 ? null : 87,
        total_cost: 0,
        error_message: null,
        sample_classifications: req.url?.includes('include_samples=false') ? [] : [{ sample_index: 0 }],
      });
    });
    const client = clientFor(server);
    const created = await client.dataframer.evaluations.create({ run_id: RUN_ID });
    const seen: JobProgress[] = [];
    const evaluation = await client.waitFor(created, { pollIntervalMs: 10, onProgress: (p) => seen.push(p) });
    expect(evaluation).toMatchObject({ id: 'ev-1', conformance_score: 87 });
    expect(evaluation.sample_classifications).toHaveLength(1);
    expect(seen.map((p) => [p.kind, p.status])).toEqual([
      ['evaluation', 'PROCESSING'],
      ['evaluation', 'SUCCEEDED'],
    ]);
    const gets = server.requests.filter((r) => r.method === 'GET').map((r) => r.url);
    expect(gets.at(-1)).toBe('/api/dataframer/evaluations/ev-1/');
    expect(
      gets.slice(0, -1).every((u) => u === '/api/dataframer/evaluations/ev-1/?include_samples=false'),
    ).toBe(true);
  });

  it('throws JobFailedError for a FAILED anonymization run, with the reason from its results', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 200, {
        id: 'an-1',
        status: 'FAILED',
        anonymized_files: [],
        results: { entity_summary: {}, samples_processed: 0, error: 'no readable files' },
      }),
    );
    await expect(clientFor(server).waitFor({ anonymization_run_id: 'an-1' })).rejects.toMatchObject({
      name: 'JobFailedError',
      kind: 'anonymization_run',
      jobError: 'no readable files',
    });
  });
});

describe('waitFor on a red-team run', () => {
  const redTeamRun = (status: string, done: number, error: string | null = null) => ({
    id: 'rt-1',
    red_team_spec_id: 'spec-1',
    number_of_behaviors: 2,
    number_of_prompts_per_behavior: 3,
    status,
    error,
    total_cost: 0.01 * done,
    progress: { behaviors_done: done, behaviors_total: 2, prompts_done: done * 3, prompts_total: 6 },
    results_json: null,
  });

  it('polls /status/ (no event stream), reports counters, and knows a run the list returned', async () => {
    let polls = 0;
    server = await scriptedServer((req, res) => {
      if (req.url === '/api/dataframer/red-team-runs/') return json(res, 200, [redTeamRun('PENDING', 0)]);
      polls++;
      json(res, 200, redTeamRun(polls < 3 ? 'PROCESSING' : 'SUCCEEDED', Math.min(polls - 1, 2)));
    });
    const client = clientFor(server);
    // Untagged (from list, not create): recognised by its fields.
    const [listed] = await client.dataframer.redTeamRuns.list();
    const seen: JobProgress[] = [];
    const run = await client.waitFor(listed!, { pollIntervalMs: 10, onProgress: (p) => seen.push(p) });
    expect(run.status).toBe('SUCCEEDED');
    expect(seen).toEqual([
      expect.objectContaining({
        kind: 'red_team_run',
        status: 'PROCESSING',
        behaviors_done: 0,
        prompts_done: 0,
      }),
      expect.objectContaining({
        kind: 'red_team_run',
        status: 'PROCESSING',
        behaviors_done: 1,
        prompts_done: 3,
      }),
      expect.objectContaining({ status: 'SUCCEEDED', behaviors_done: 2, prompts_total: 6, total_cost: 0.02 }),
    ]);
    const gets = server.requests.slice(1).map((r) => r.url);
    expect(gets.every((u) => u === '/api/dataframer/red-team-runs/rt-1/status/')).toBe(true);
  });

  it('throws JobFailedError with the run and its error when FAILED, and when CANCELED', async () => {
    for (const [status, error] of [
      ['FAILED', 'Only 1 distinct behaviours of the 2 requested'],
      ['CANCELED', null],
    ] as const) {
      server = await scriptedServer((_req, res) => json(res, 200, redTeamRun(status, 1, error)));
      await expect(clientFor(server).waitFor({ red_team_run_id: 'rt-1' })).rejects.toMatchObject({
        name: 'JobFailedError',
        kind: 'red_team_run',
        status,
        jobError: error,
        job: { id: 'rt-1', status },
      });
      await server.close();
      server = undefined;
    }
  });
});
