import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface JobContext<P = unknown> {
  jobId: string;
  kind: string;
  payload: P;
  /** 1 on the first try; higher when the job is resumed after a crash or retried. */
  attempt: number;
  /** Aborted on cancel (reason `'canceled'`) or on shutdown (reason `'shutdown'`). */
  signal: AbortSignal;
}

export type JobHandler<P = unknown> = (ctx: JobContext<P>) => Promise<void>;

export interface EnqueueOptions {
  companyId?: string | null;
  /** How many times the job may be started before it is failed (crash recovery counts). */
  maxAttempts?: number;
  /** Enqueue inside the caller's transaction, so the job exists exactly when the caller's rows do. */
  db?: Kysely<Database>;
}

export interface JobRunnerStats {
  state: 'running' | 'stopped';
  kind: string;
  queued: number;
  running: number;
  workers: number;
}

/**
 * Executes background work (spec creation, runs, evaluations, ...). Implementations: the durable
 * in-process runner (default) and, for scale-out, a queue-backed one. Handlers are written once for both.
 */
export interface JobRunner {
  readonly kind: string;
  register<P>(kind: string, handler: JobHandler<P>): void;
  enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  /** Asks a job to stop: a queued job is canceled at once, a running one is aborted. */
  cancel(jobId: string): Promise<void>;
  start(): Promise<void>;
  /** Stops taking work, lets running jobs finish for up to `graceMs`, then aborts and requeues them. */
  stop(graceMs?: number): Promise<void>;
  stats(): Promise<JobRunnerStats>;
  /** Resolves when no job is queued or running (tests and the in-process CLI use it). */
  idle(timeoutMs?: number): Promise<void>;
}
