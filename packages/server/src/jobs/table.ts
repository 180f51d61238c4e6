import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/index.js';
import type { JobTable } from '../db/schema.js';
import { newId, nowIso } from '../util.js';
import type { EnqueueOptions, JobHandler, JobRunner, JobRunnerStats } from './runner.js';

export interface JobLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TableJobRunnerOptions {
  /** Jobs this process runs at once. */
  concurrency: number;
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is taken to be orphaned and is requeued. */
  staleMs?: number;
  log?: JobLog;
}

type JobRow = Selectable<JobTable>;
type Outcome = 'succeeded' | 'failed' | 'canceled' | 'queued';

interface Active {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * What every runner shares: the `jobs` table is the source of truth. A job is claimed by compare-and-set
 * on its status, so two workers (threads, processes or machines) never run the same job; the owner
 * heartbeats its row and reads the cancel flag with the heartbeat; a job left `running` by a process that
 * is gone (dead pid on this host, or a stale heartbeat) is requeued; shutdown requeues interrupted jobs
 * without counting an attempt. Subclasses only decide how a process learns that there is work: polling
 * the table (LocalJobRunner) or a queue (BullMqJobRunner).
 */
export abstract class TableJobRunner implements JobRunner {
  abstract readonly kind: string;
  protected readonly handlers = new Map<string, JobHandler>();
  protected readonly active = new Map<string, Active>();
  /** `host:pid:random`, stored in `locked_by` of the jobs this runner holds. */
  readonly workerId = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
  protected readonly heartbeatMs: number;
  protected readonly staleMs: number;
  protected running = false;
  protected lastRecovery = 0;
  /** Set when shutdown has drained: a job claimed from now on is aborted at once (and requeued). */
  private aborting = false;
  private heartbeatTimer: NodeJS.Timeout | undefined;

  constructor(
    protected readonly db: Kysely<Database>,
    protected readonly options: TableJobRunnerOptions,
  ) {
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.staleMs = options.staleMs ?? 30_000;
  }

  abstract enqueue(kind: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  abstract start(): Promise<void>;
  abstract stop(graceMs?: number): Promise<void>;

  register<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler);
  }

  async cancel(jobId: string): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: 'canceled', finished_at: nowIso(), cancel_requested: 1 })
      .where('id', '=', jobId)
      .where('status', '=', 'queued')
      .execute();
    await this.db
      .updateTable('jobs')
      .set({ cancel_requested: 1 })
      .where('id', '=', jobId)
      .where('status', '=', 'running')
      .execute();
    this.abortLocal(jobId, 'canceled');
  }

  async stats(): Promise<JobRunnerStats> {
    const { queued, running } = await this.counts();
    return {
      state: this.running ? 'running' : 'stopped',
      kind: this.kind,
      queued,
      running,
      workers: this.options.concurrency,
    };
  }

  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.counts();
      if (s.queued === 0 && s.running === 0 && this.active.size === 0) return;
      if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Queued and running jobs in the table (every instance's). */
  protected async counts(): Promise<{ queued: number; running: number }> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['queued', 'running'])
      .groupBy('status')
      .execute();
    const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return { queued: count('queued'), running: count('running') };
  }

  /** Inserts the job's row, inside the caller's transaction when one is given. */
  protected async insertJob(kind: string, payload: unknown, options: EnqueueOptions): Promise<string> {
    const id = newId();
    await (options.db ?? this.db)
      .insertInto('jobs')
      .values({
        id,
        kind,
        company_id: options.companyId ?? null,
        payload: JSON.stringify(payload ?? null),
        status: 'queued',
        attempts: 0,
        max_attempts: options.maxAttempts ?? 3,
        error: null,
        cancel_requested: 0,
        locked_by: null,
        heartbeat_at: null,
        created_at: nowIso(),
        started_at: null,
        finished_at: null,
      })
      .execute();
    return id;
  }

  /** Kinds this runner has handlers for (it claims no other). */
  protected kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** Begins the heartbeat and forgets an earlier shutdown (a runner may be started again). */
  protected startHeartbeat(): void {
    this.aborting = false;
    liveWorkers.add(this.workerId);
    this.heartbeatTimer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeatTimer.unref();
  }

  protected stopHeartbeat(): void {
    liveWorkers.delete(this.workerId);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  protected abortLocal(jobId: string, reason: 'canceled' | 'shutdown'): void {
    this.active.get(jobId)?.controller.abort(reason);
  }

  /**
   * Claims a queued row by compare-and-set on its status and starts its handler. Returns the execution
   * (its `done` settles when the outcome is recorded), or undefined when another worker was first.
   */
  protected async claim(row: JobRow): Promise<Active | undefined> {
    if (!this.handlers.has(row.kind)) return undefined;
    const now = nowIso();
    const result = await this.db
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: this.workerId,
        attempts: row.attempts + 1,
        heartbeat_at: now,
        started_at: row.started_at ?? now,
      })
      .where('id', '=', row.id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return undefined;
    return this.execute(row.id, row.kind, row.payload, row.attempts + 1, row.max_attempts);
  }

  /** Claims the job with this id if it is queued and of a kind we handle. */
  protected async claimById(jobId: string): Promise<Active | undefined> {
    const row = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', jobId)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    return row && this.running ? this.claim(row) : undefined;
  }

  /** Claims the oldest queued job of a kind we handle; false when there was none to take. */
  protected async claimOldest(): Promise<boolean> {
    const kinds = this.kinds();
    if (kinds.length === 0) return false;
    const candidate = await this.db
      .selectFrom('jobs')
      .selectAll()
      .where('status', '=', 'queued')
      .where('kind', 'in', kinds)
      .orderBy('created_at')
      .limit(1)
      .executeTakeFirst();
    if (!candidate) return false;
    // Lost the race: there may be more, so report that there was work.
    await this.claim(candidate);
    return true;
  }

  /** Called when a job of this runner has finished, with what became of its row. */
  protected onJobFinished(_jobId: string, _outcome: Outcome): void {}

  private execute(
    jobId: string,
    kind: string,
    payloadText: string,
    attempt: number,
    maxAttempts: number,
  ): Active {
    const handler = this.handlers.get(kind)!;
    const controller = new AbortController();
    // Every model call in flight listens to the job's signal (and removes its listener when done): a run
    // with 32 calls at once is normal, not the leak Node's default warning at 10 listeners is meant to catch.
    setMaxListeners(0, controller.signal);
    if (this.aborting) controller.abort('shutdown');
    let outcome: Outcome = 'succeeded';
    const done = (async () => {
      let error: string | null = null;
      const interrupted = (): Outcome => (controller.signal.reason === 'shutdown' ? 'queued' : 'canceled');
      try {
        if (attempt > maxAttempts) {
          throw new Error(`the job was started ${maxAttempts} times without finishing; giving up`);
        }
        if (controller.signal.aborted) {
          outcome = interrupted();
        } else {
          await handler({
            jobId,
            kind,
            payload: JSON.parse(payloadText),
            attempt,
            signal: controller.signal,
          });
          if (controller.signal.aborted) outcome = interrupted();
        }
      } catch (err) {
        if (controller.signal.aborted) {
          outcome = interrupted();
        } else {
          outcome = 'failed';
          error = err instanceof Error ? err.message : String(err);
          this.options.log?.error({ jobId, kind, err }, 'job failed');
        }
      }
      const finished = outcome === 'queued' ? null : nowIso();
      await this.db
        .updateTable('jobs')
        .set((eb) => ({
          status: outcome,
          error,
          finished_at: finished,
          locked_by: null,
          // An interrupted shutdown is not a failed attempt.
          attempts: outcome === 'queued' ? eb('attempts', '-', 1) : eb.ref('attempts'),
        }))
        .where('id', '=', jobId)
        .execute()
        .catch((err) => this.options.log?.error({ jobId, err }, 'could not record job outcome'));
    })().finally(() => {
      this.active.delete(jobId);
      this.onJobFinished(jobId, outcome);
    });
    const active = { controller, done };
    this.active.set(jobId, active);
    return active;
  }

  /**
   * Lets running jobs finish for up to `graceMs`, then aborts them (reason `'shutdown'`: their rows go
   * back to `queued`) and waits for them to record that. Call after the subclass stopped claiming.
   */
  protected async drain(graceMs: number): Promise<void> {
    const settled = async () => {
      while (this.active.size > 0) await Promise.all([...this.active.values()].map((a) => a.done));
    };
    let timer: NodeJS.Timeout | undefined;
    const graceful = await Promise.race([
      settled().then(() => true),
      new Promise<boolean>((r) => {
        timer = setTimeout(() => r(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    // From now on a job still being claimed (a queue message in flight) is aborted as soon as it starts.
    this.aborting = true;
    if (!graceful) {
      for (const id of this.active.keys()) this.abortLocal(id, 'shutdown');
      await settled();
    }
  }

  /** Heartbeat for our jobs, and cancel requests made by another process (e.g. another API instance). */
  private async beat(): Promise<void> {
    if (this.active.size === 0) return;
    const ids = [...this.active.keys()];
    try {
      await this.db.updateTable('jobs').set({ heartbeat_at: nowIso() }).where('id', 'in', ids).execute();
      const canceled = await this.db
        .selectFrom('jobs')
        .select('id')
        .where('id', 'in', ids)
        .where('cancel_requested', '=', 1)
        .execute();
      for (const { id } of canceled) this.abortLocal(id, 'canceled');
    } catch (err) {
      this.options.log?.error({ err }, 'job heartbeat failed');
    }
  }

  /**
   * Requeues jobs left `running` by a process that is gone: dead on this host, or silent for too long.
   * Returns the ids requeued.
   */
  protected async recoverOrphans(): Promise<string[]> {
    this.lastRecovery = Date.now();
    const rows = await this.db
      .selectFrom('jobs')
      .select(['id', 'locked_by', 'heartbeat_at'])
      .where('status', '=', 'running')
      .execute();
    const staleBefore = nowIso(new Date(Date.now() - this.staleMs));
    const orphaned = rows.filter(
      (r) =>
        r.locked_by !== this.workerId && (ownerIsDead(r.locked_by) || (r.heartbeat_at ?? '') < staleBefore),
    );
    const requeued: string[] = [];
    for (const row of orphaned) {
      // Only if unchanged since we looked: its owner did not finish it or beat in between.
      let update = this.db
        .updateTable('jobs')
        .set({ status: 'queued', locked_by: null })
        .where('id', '=', row.id)
        .where('status', '=', 'running');
      update =
        row.locked_by === null
          ? update.where('locked_by', 'is', null)
          : update.where('locked_by', '=', row.locked_by);
      update =
        row.heartbeat_at === null
          ? update.where('heartbeat_at', 'is', null)
          : update.where('heartbeat_at', '=', row.heartbeat_at);
      const result = await update.executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) requeued.push(row.id);
    }
    if (requeued.length)
      this.options.log?.info({ count: requeued.length }, 'requeued jobs left running by a stopped process');
    return requeued;
  }
}

/** Worker ids of the runners started in this process (several may share it, e.g. in tests). */
const liveWorkers = new Set<string>();

/** Whether the process named in `locked_by` is known to be gone (only decidable on this host). */
function ownerIsDead(lockedBy: string | null): boolean {
  if (!lockedBy) return true;
  const [host, pid] = lockedBy.split(':');
  if (host !== hostname()) return false;
  // Our pid but no runner of ours: an earlier incarnation of this process (pid 1 in a container).
  if (Number(pid) === process.pid) return !liveWorkers.has(lockedBy);
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
