import type { Dataframer } from '../client.js';
import { APIUserAbortError, DataframerError, JobFailedError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import type {
  AnonymizationRun,
  AnonymizationStatus,
  Evaluation,
  EvaluationStatus,
  EvaluationSummary,
  RedTeamRun,
  RedTeamRunProgress,
  Run,
  RunProgress,
  RunSummary,
  Spec,
  SpecStatus,
} from '../types.js';
import { type JobKind, type RunHandle, type SpecHandle, taggedKind } from './jobs.js';

export const DEFAULT_POLL_INTERVAL_MS = 1000;

/**
 * A snapshot handed to `onProgress`: a run's or red-team run's counters, or the status of a spec, evaluation
 * or anonymization run.
 */
export type JobProgress =
  | ({ kind: 'run'; id: string } & RunProgress)
  | { kind: 'spec'; id: string; status: SpecStatus; total_cost: number | null; error: string | null }
  | {
      kind: 'evaluation';
      id: string;
      status: EvaluationStatus;
      total_cost: number | null;
      error: string | null;
    }
  | { kind: 'anonymization_run'; id: string; status: AnonymizationStatus; error: string | null }
  | ({ kind: 'red_team_run'; id: string } & RedTeamRunProgress);

export interface WaitOptions {
  /** Called on every change: each SSE `progress` event, or each poll that saw something new. */
  onProgress?: (progress: JobProgress) => void;
  /** Stops waiting (the job itself keeps running) with APIUserAbortError. */
  signal?: AbortSignal;
  /** How often to poll when polling (specs always; runs when the event stream is unavailable). Default 1 s. */
  pollIntervalMs?: number;
  /** Runs only: `false` skips the event stream and polls from the start. Default true. */
  stream?: boolean;
}

/** Anything that names a run or a spec. */
export type RunTarget = Run | RunSummary | RunHandle | { run_id: string };
export type SpecTarget = Spec | SpecHandle | { spec_id: string };
export type EvaluationTarget = Evaluation | EvaluationSummary | { evaluation_id: string };
export type AnonymizationRunTarget = AnonymizationRun | { anonymization_run_id: string };
export type RedTeamRunTarget = RedTeamRun | { red_team_run_id: string };
/** Anything `client.waitFor` can follow. */
export type JobTarget = RunTarget | SpecTarget | EvaluationTarget | AnonymizationRunTarget | RedTeamRunTarget;

const RUN_TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELED']);

export function resolveTarget(target: JobTarget): { kind: JobKind; id: string } {
  const t = target as Record<string, unknown>;
  if (typeof t.evaluation_id === 'string') return { kind: 'evaluation', id: t.evaluation_id };
  if (typeof t.anonymization_run_id === 'string')
    return { kind: 'anonymization_run', id: t.anonymization_run_id };
  if (typeof t.red_team_run_id === 'string') return { kind: 'red_team_run', id: t.red_team_run_id };
  if (typeof t.id === 'string') {
    const tagged = taggedKind(target);
    if (tagged) return { kind: tagged, id: t.id };
    // Before `run_id`: an evaluation names its run too.
    if ('conformance_score' in t) return { kind: 'evaluation', id: t.id };
    if ('anonymized_files' in t) return { kind: 'anonymization_run', id: t.id };
    if ('number_of_prompts_per_behavior' in t) return { kind: 'red_team_run', id: t.id };
  }
  if (typeof t.run_id === 'string') return { kind: 'run', id: t.run_id };
  if (typeof t.id === 'string') {
    if ('samples_completed' in t) return { kind: 'run', id: t.id };
    if ('latest_version' in t || 'content_yaml' in t) return { kind: 'spec', id: t.id };
  } else if (typeof t.spec_id === 'string') {
    return { kind: 'spec', id: t.spec_id };
  }
  throw new DataframerError(
    'waitFor needs a run, spec, evaluation, anonymization run or red-team run (as returned by the SDK), or { run_id } / { spec_id } / { evaluation_id } / { anonymization_run_id } / { red_team_run_id }; a bare { id } does not say which',
  );
}

function progressOfRun(run: Run): RunProgress {
  const { status, samples_completed, samples_failed, number_of_samples, total_cost, error } = run;
  return { status, samples_completed, samples_failed, number_of_samples, total_cost, error };
}

/** Calls `onProgress` only when a snapshot differs from the last one. */
function reporter<T>(onProgress: ((p: T) => void) | undefined) {
  let last = '';
  return (p: T) => {
    const text = JSON.stringify(p);
    if (text === last) return;
    last = text;
    onProgress?.(p);
  };
}

/**
 * Follows a run to its end through `GET /runs/{id}/events/` (server-sent events); if the stream cannot be
 * opened or ends early (an older server, DataFramer's hosted API, a proxy that buffers), polls instead.
 * Resolves with the final Run when SUCCEEDED; throws JobFailedError when FAILED or CANCELED.
 */
export async function waitForRun(client: Dataframer, runId: string, options: WaitOptions = {}): Promise<Run> {
  const { signal } = options;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const report = reporter<RunProgress>((p) => options.onProgress?.({ kind: 'run', id: runId, ...p }));
  if (options.stream !== false) {
    try {
      for await (const event of client.dataframer.runs.events(runId, { signal })) {
        report(event.data);
        if (event.event === 'done' || RUN_TERMINAL.has(event.data.status)) break;
      }
    } catch (err) {
      // Any failure of the stream falls back to polling, which reports real problems (404, 401) itself.
      if (err instanceof APIUserAbortError) throw err;
    }
  }
  for (;;) {
    const run = await client.dataframer.runs.retrieve(runId, { signal });
    report(progressOfRun(run));
    if (run.status === 'SUCCEEDED') return run;
    if (run.status === 'FAILED' || run.status === 'CANCELED') {
      throw new JobFailedError('run', runId, run.status, run.error, run);
    }
    await sleep(interval, signal);
  }
}

/** Polls a spec until it leaves PROCESSING. Resolves with the Spec when SUCCEEDED; throws JobFailedError when FAILED. */
export async function waitForSpec(
  client: Dataframer,
  specId: string,
  options: WaitOptions = {},
): Promise<Spec> {
  const { signal } = options;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const report = reporter<JobProgress>(options.onProgress);
  for (;;) {
    const spec = await client.dataframer.specs.retrieve(specId, {}, { signal });
    report({ kind: 'spec', id: specId, status: spec.status, total_cost: spec.total_cost, error: spec.error });
    if (spec.status === 'SUCCEEDED') return spec;
    if (spec.status === 'FAILED') throw new JobFailedError('spec', specId, 'FAILED', spec.error, spec);
    await sleep(interval, signal);
  }
}

/**
 * Polls an evaluation until it leaves PENDING/PROCESSING (without sample classifications while polling).
 * Resolves with the whole Evaluation when SUCCEEDED; throws JobFailedError when FAILED.
 */
export async function waitForEvaluation(
  client: Dataframer,
  evaluationId: string,
  options: WaitOptions = {},
): Promise<Evaluation> {
  const { signal } = options;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const report = reporter<JobProgress>(options.onProgress);
  const evaluations = client.dataframer.evaluations;
  for (;;) {
    const ev = await evaluations.retrieve(evaluationId, { include_samples: false }, { signal });
    report({
      kind: 'evaluation',
      id: evaluationId,
      status: ev.status,
      total_cost: ev.total_cost,
      error: ev.error_message,
    });
    if (ev.status === 'SUCCEEDED') return evaluations.retrieve(evaluationId, {}, { signal });
    if (ev.status === 'FAILED') {
      throw new JobFailedError('evaluation', evaluationId, 'FAILED', ev.error_message, ev);
    }
    await sleep(interval, signal);
  }
}

/** Polls an anonymization run until it is SUCCEEDED (resolves with it) or FAILED (throws JobFailedError). */
export async function waitForAnonymizationRun(
  client: Dataframer,
  runId: string,
  options: WaitOptions = {},
): Promise<AnonymizationRun> {
  const { signal } = options;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const report = reporter<JobProgress>(options.onProgress);
  for (;;) {
    const run = await client.dataframer.anonymizationRuns.retrieve(runId, { signal });
    const error = run.results?.error ?? null;
    report({ kind: 'anonymization_run', id: runId, status: run.status, error });
    if (run.status === 'SUCCEEDED') return run;
    if (run.status === 'FAILED') throw new JobFailedError('anonymization_run', runId, 'FAILED', error, run);
    await sleep(interval, signal);
  }
}

/**
 * Polls a red-team run's `/status/` until it is SUCCEEDED (resolves with it), or FAILED or CANCELED (throws
 * JobFailedError with the run's `error`). There is no event stream for red-team runs. The run resolved with
 * is the status view: `results_json` without `behavior_to_enhanced_queries` (a run may hold thousands of
 * prompts); read them with `redTeamRuns.prompts`, `iteratePrompts` or `export`, or `retrieve` the run.
 */
export async function waitForRedTeamRun(
  client: Dataframer,
  runId: string,
  options: WaitOptions = {},
): Promise<RedTeamRun> {
  const { signal } = options;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  const report = reporter<JobProgress>(options.onProgress);
  for (;;) {
    const run = await client.dataframer.redTeamRuns.status(runId, { signal });
    report({
      kind: 'red_team_run',
      id: runId,
      status: run.status,
      ...run.progress,
      total_cost: run.total_cost,
      error: run.error,
    });
    if (run.status === 'SUCCEEDED') return run;
    if (run.status === 'FAILED' || run.status === 'CANCELED') {
      throw new JobFailedError('red_team_run', runId, run.status, run.error, run);
    }
    await sleep(interval, signal);
  }
}
