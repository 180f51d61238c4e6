import { hostname } from 'node:os';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import { newId, nowIso } from '../util.js';
import type { EnqueueOptions, JobHandler, JobRunner, JobRunnerStats } from './runner.js';

export interface LocalJobRunnerOptions {
  concurrency: number;
  pollMs?: number;
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is taken to be orphaned and is requeued. */
  staleMs?: number;
  log?: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}

interface Active {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The default runner: jobs are rows in the `jobs` table, claimed by this process and executed in it.
 * Durable: a job that was running when its process died is found at the next start (its owner is gone
 * or its heartbeat stale) and runs again, so handlers must be idempotent (they resume from their rows).
 */
export class LocalJobRunner implements JobRunner {
  readonly kind = 'local';
  private readonly handlers = new Map<string, JobHandler>();
  private readonly active = new Map<string, Active>();
  private readonly workerId = `${hostname()}:${process.pid}:${newId().slice(0, 8)}`;
  private readonly pollMs: number;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private repoll = false;
  private lastRecovery = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: LocalJobRunnerOptions,
  ) {
    this.pollMs = options.pollMs ?? 250;
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
    this.staleMs = options.staleMs ?? 30_000;
  }

  register<P>(kind: string, handler: JobHandler<P>): void {
    this.handlers.set(kind, handler as JobHandler);
  }

  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
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
    // Inside a transaction the row is not visible yet; the next poll tick picks it up after commit.
    if (!options.db) this.wake();
    else setTimeout(() => this.wake(), 0);
    return id;
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
    this.active.get(jobId)?.controller.abort('canceled');
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.recoverOrphans();
    this.heartbeatTimer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeatTimer.unref();
    this.schedule(0);
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    const all = [...this.active.values()].map((a) => a.done);
    const graceful = await Promise.race([
      Promise.all(all).then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), graceMs).unref()),
    ]);
    if (!graceful) {
      for (const a of this.active.values()) a.controller.abort('shutdown');
      await Promise.all(all);
    }
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
  }

  async stats(): Promise<JobRunnerStats> {
    const rows = await this.db
      .selectFrom('jobs')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('status', 'in', ['queued', 'running'])
      .groupBy('status')
      .execute();
    const count = (s: string) => Number(rows.find((r) => r.status === s)?.n ?? 0);
    return {
      state: this.running ? 'running' : 'stopped',
      kind: this.kind,
      queued: count('queued'),
      running: count('running'),
      workers: this.options.concurrency,
    };
  }

  async idle(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await this.stats();
      if (s.queued === 0 && s.running === 0 && this.active.size === 0) return;
      if (Date.now() > deadline) throw new Error(`jobs still pending after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private wake(): void {
    if (!this.running) return;
    if (this.polling) this.repoll = true;
    else this.schedule(0);
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
        const again = this.repoll;
        this.repoll = false;
        this.schedule(again ? 0 : this.pollMs);
      });
    }, delay);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      // Another instance may have died holding jobs: look for stale ones now and then.
      if (Date.now() - this.lastRecovery > this.staleMs) await this.recoverOrphans();
      while (this.running && this.active.size < this.options.concurrency) {
        const claimed = await this.claimNext();
        if (!claimed) return;
      }
    } catch (err) {
      this.options.log?.error({ err }, 'job poll failed');
    }
  }

  private async claimNext(): Promise<boolean> {
    const kinds = [...this.handlers.keys()];
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
    const now = nowIso();
    // Compare-and-set on status, so two workers never run the same job (portable: no SKIP LOCKED).
    const result = await this.db
      .updateTable('jobs')
      .set({
        status: 'running',
        locked_by: this.workerId,
        attempts: candidate.attempts + 1,
        heartbeat_at: now,
        started_at: candidate.started_at ?? now,
      })
      .where('id', '=', candidate.id)
      .where('status', '=', 'queued')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return true;
    this.execute(
      candidate.id,
      candidate.kind,
      candidate.payload,
      candidate.attempts + 1,
      candidate.max_attempts,
    );
    return true;
  }

  private execute(
    jobId: string,
    kind: string,
    payloadText: string,
    attempt: number,
    maxAttempts: number,
  ): void {
    const handler = this.handlers.get(kind)!;
    const controller = new AbortController();
    const done = (async () => {
      let status: 'succeeded' | 'failed' | 'canceled' | 'queued' = 'succeeded';
      let error: string | null = null;
      try {
        if (attempt > maxAttempts) {
          throw new Error(`the job was started ${maxAttempts} times without finishing; giving up`);
        }
        await handler({ jobId, kind, payload: JSON.parse(payloadText), attempt, signal: controller.signal });
        if (controller.signal.aborted)
          status = controller.signal.reason === 'shutdown' ? 'queued' : 'canceled';
      } catch (err) {
        if (controller.signal.aborted) {
          status = controller.signal.reason === 'shutdown' ? 'queued' : 'canceled';
        } else {
          status = 'failed';
          error = err instanceof Error ? err.message : String(err);
          this.options.log?.error({ jobId, kind, err }, 'job failed');
        }
      }
      const finished = status === 'queued' ? null : nowIso();
      await this.db
        .updateTable('jobs')
        .set((eb) => ({
          status,
          error,
          finished_at: finished,
          locked_by: null,
          // An interrupted shutdown is not a failed attempt.
          attempts: status === 'queued' ? eb('attempts', '-', 1) : eb.ref('attempts'),
        }))
        .where('id', '=', jobId)
        .execute()
        .catch((err) => this.options.log?.error({ jobId, err }, 'could not record job outcome'));
    })().finally(() => {
      this.active.delete(jobId);
      this.wake();
    });
    this.active.set(jobId, { controller, done });
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
      for (const { id } of canceled) this.active.get(id)?.controller.abort('canceled');
    } catch (err) {
      this.options.log?.error({ err }, 'job heartbeat failed');
    }
  }

  /** Requeues jobs left `running` by a process that is gone: dead on this host, or silent for too long. */
  private async recoverOrphans(): Promise<void> {
    this.lastRecovery = Date.now();
    const rows = await this.db
      .selectFrom('jobs')
      .select(['id', 'locked_by', 'heartbeat_at'])
      .where('status', '=', 'running')
      .execute();
    const staleBefore = nowIso(new Date(Date.now() - this.staleMs));
    const orphaned = rows.filter(
      (r) =>
        r.locked_by !== this.workerId &&
        (this.ownerIsDead(r.locked_by) || (r.heartbeat_at ?? '') < staleBefore),
    );
    for (const row of orphaned) {
      await this.db
        .updateTable('jobs')
        .set({ status: 'queued', locked_by: null })
        .where('id', '=', row.id)
        .where('status', '=', 'running')
        .execute();
    }
    if (orphaned.length)
      this.options.log?.info({ count: orphaned.length }, 'requeued jobs left running by a stopped process');
  }

  private ownerIsDead(lockedBy: string | null): boolean {
    if (!lockedBy) return true;
    const [host, pid] = lockedBy.split(':');
    if (host !== hostname()) return false;
    // Same pid but another worker id: an earlier incarnation of this process (pid 1 in a container).
    if (Number(pid) === process.pid) return true;
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ESRCH';
    }
  }
}
