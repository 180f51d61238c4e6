import { type Job, Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import { nowIso } from '../util.js';
import type { EnqueueOptions, JobRunnerStats } from './runner.js';
import { TableJobRunner, type TableJobRunnerOptions } from './table.js';

export interface BullMqJobRunnerOptions extends TableJobRunnerOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://...` */
  redisUrl: string;
  /** Namespace of BullMQ's keys in Redis (several installations or test files can share one Redis). */
  prefix?: string;
  queueName?: string;
  /**
   * How often each instance looks for queued rows that have no BullMQ job (their enqueuer died between
   * commit and dispatch, or Redis was away) and for orphaned running rows.
   */
  sweepMs?: number;
  /** How long start waits for Redis before failing. */
  connectTimeoutMs?: number;
}

interface Dispatch {
  /** The `jobs` row; the BullMQ job carries nothing else (the row is the source of truth). */
  id: string;
}

/**
 * The scale-out runner. The `jobs` table stays the source of truth exactly as for LocalJobRunner (claim
 * by compare-and-set, heartbeat, cancel flag, orphan recovery: the shared TableJobRunner); BullMQ on
 * Redis is only how instances learn that there is work. Each queued row gets a BullMQ job whose id is
 * the row id (so dispatching twice is harmless); any instance's worker may take it, claims the row and
 * runs the handler, holding one of its `concurrency` slots until the handler ends. A BullMQ job whose
 * row is no longer queued is dropped. Cancel sets the row flag and is published on a Redis channel, so
 * the owner aborts at once (the heartbeat still reads the flag if the message is lost).
 */
export class BullMqJobRunner extends TableJobRunner {
  readonly kind = 'bullmq';
  private readonly redisUrl: string;
  private readonly prefix: string;
  private readonly queueName: string;
  private readonly sweepMs: number;
  private readonly connectTimeoutMs: number;
  private readonly cancelChannel: string;
  private queue: Queue<Dispatch> | undefined;
  private worker: Worker<Dispatch> | undefined;
  /** Commands (ping, publish); not in subscriber mode. */
  private commands: Redis | undefined;
  private subscriber: Redis | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweeping: Promise<void> | undefined;
  /** Dispatches under way (enqueue returns before its BullMQ job is added). */
  private readonly pending = new Set<Promise<void>>();
  /** Rows our shutdown put back to `queued`: dispatched again once our worker is closed. */
  private readonly requeued = new Set<string>();
  private redisDown = false;
  /** Set by stop: dispatches still waiting for a commit give up (any instance's sweep takes over). */
  private stopping = false;

  constructor(db: Kysely<Database>, options: BullMqJobRunnerOptions) {
    super(db, options);
    this.redisUrl = options.redisUrl;
    this.prefix = options.prefix ?? 'openframer';
    this.queueName = options.queueName ?? 'jobs';
    this.sweepMs = options.sweepMs ?? 5_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    this.cancelChannel = `${this.prefix}:${this.queueName}:cancel`;
  }

  /** Redis host and port, for messages (never the password). */
  get redisHost(): string {
    try {
      return new URL(this.redisUrl).host;
    } catch {
      return 'the configured address';
    }
  }

  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const id = await this.insertJob(kind, payload, options);
    // In the caller's transaction the row is not visible until commit: dispatch once it is.
    this.track(options.db ? this.dispatchWhenVisible(id) : this.dispatch([id]));
    return id;
  }

  override async cancel(jobId: string): Promise<void> {
    await super.cancel(jobId);
    // The owner may be another instance: tell it now (its heartbeat would see the flag in a few seconds).
    try {
      await withTimeout(this.commandClient().publish(this.cancelChannel, jobId), 2_000, 'publish timed out');
    } catch (err) {
      this.options.log?.error({ jobId, err }, 'could not publish a job cancel; the heartbeat will carry it');
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    try {
      await withTimeout(
        this.commandClient().ping(),
        this.connectTimeoutMs,
        `did not answer within ${this.connectTimeoutMs} ms`,
      ).catch((err: Error) => {
        throw new Error(`Redis at ${this.redisHost} is not reachable: ${err.message}`);
      });
      this.subscriber = this.connect({ maxRetriesPerRequest: null });
      this.subscriber.on('message', (_channel: string, jobId: string) => this.abortLocal(jobId, 'canceled'));
      await this.subscriber.subscribe(this.cancelChannel);
    } catch (err) {
      await this.closeConnections();
      throw err;
    }
    this.running = true;
    this.stopping = false;
    this.requeued.clear();
    await this.recoverOrphans();
    this.startHeartbeat();
    this.worker = new Worker<Dispatch>(this.queueName, (job) => this.process(job), {
      connection: { url: this.redisUrl },
      prefix: this.prefix,
      concurrency: this.options.concurrency,
      name: this.workerId,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    this.worker.on('error', (err) => this.queueError(err));
    // Rows queued while no instance was running (or whose dispatch was lost) get their BullMQ job now.
    await this.sweep(true);
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep(false).finally(() => {
        this.sweeping = undefined;
      });
    }, this.sweepMs);
    this.sweepTimer.unref();
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.sweeping;
    if (this.worker) {
      // Takes no more BullMQ jobs, and resolves once every processor (so every handler) has returned.
      const closing = this.worker.close();
      await this.drain(graceMs);
      await closing.catch((err) => this.queueError(err));
      this.worker = undefined;
    }
    this.stopHeartbeat();
    // Jobs our shutdown interrupted are queued again: another instance may take them at once.
    if (this.requeued.size) {
      this.track(this.dispatch([...this.requeued]));
      this.requeued.clear();
    }
    await withTimeout(Promise.all([...this.pending]), 5_000, 'dispatches still pending').catch(() => {});
    await this.closeConnections();
  }

  /** The table's counts, once Redis has answered a ping (health shows an unreachable Redis as an error). */
  override async stats(): Promise<JobRunnerStats> {
    const stats = await super.stats();
    if (!this.running) return stats;
    const client = this.commandClient();
    if (client.status !== 'ready') {
      throw new Error(
        `bullmq runner: Redis at ${this.redisHost} is not reachable (connection ${client.status})`,
      );
    }
    await withTimeout(client.ping(), 2_000, 'no answer to a ping within 2000 ms').catch((err: Error) => {
      throw new Error(`bullmq runner: Redis at ${this.redisHost} is not reachable (${err.message})`);
    });
    return stats;
  }

  protected override onJobFinished(jobId: string, outcome: string): void {
    if (outcome === 'queued') this.requeued.add(jobId);
  }

  /** The BullMQ processor: claim the row (or find it taken) and hold the slot until the handler ends. */
  private async process(job: Job<Dispatch>): Promise<void> {
    const active = await this.claimById(job.data.id);
    if (active) await active.done;
  }

  /** Adds a BullMQ job for each row; a row that already has one keeps it (the job id is the row id). */
  private async dispatch(ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.queueClient().addBulk(ids.map((id) => ({ name: 'job', data: { id }, opts: { jobId: id } })));
  }

  /** Waits for the row to become visible (its transaction committed), then dispatches it. */
  private async dispatchWhenVisible(id: string): Promise<void> {
    let delay = 5;
    for (
      let waited = 0;
      waited < 30_000 && !this.stopping;
      waited += delay, delay = Math.min(delay * 2, 1_000)
    ) {
      const row = await this.db.selectFrom('jobs').select('status').where('id', '=', id).executeTakeFirst();
      if (row) {
        if (row.status === 'queued') await this.dispatch([id]);
        return;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
    // Rolled back, or a very long transaction: the sweep dispatches the row if it ever commits.
  }

  /**
   * The fallback that makes dispatch reliable: requeues orphans now and then, and gives every queued row
   * of a kind we handle a BullMQ job (a no-op for rows that have one). `all` includes rows just enqueued.
   */
  private async sweep(all: boolean): Promise<void> {
    try {
      if (Date.now() - this.lastRecovery > this.staleMs) await this.recoverOrphans();
      const kinds = this.kinds();
      if (kinds.length === 0) return;
      let query = this.db
        .selectFrom('jobs')
        .select('id')
        .where('status', '=', 'queued')
        .where('kind', 'in', kinds);
      // Rows younger than this are still being dispatched by their enqueuer.
      if (!all) query = query.where('created_at', '<', nowIso(new Date(Date.now() - 1_000)));
      const rows = await query.orderBy('created_at').limit(1_000).execute();
      await this.dispatch(rows.map((r) => r.id));
    } catch (err) {
      this.options.log?.error({ err }, 'job sweep failed');
    }
  }

  private track(task: Promise<void>): void {
    const tracked = task
      .catch((err) => this.options.log?.error({ err }, 'could not dispatch a job; the sweep will retry'))
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  private queueClient(): Queue<Dispatch> {
    if (!this.queue) {
      this.queue = new Queue<Dispatch>(this.queueName, {
        connection: { url: this.redisUrl },
        prefix: this.prefix,
        defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
      });
      this.queue.on('error', (err) => this.queueError(err));
    }
    return this.queue;
  }

  private commandClient(): Redis {
    this.commands ??= this.connect({ maxRetriesPerRequest: 2 });
    return this.commands;
  }

  private connect(options: { maxRetriesPerRequest: number | null }): Redis {
    const client = new Redis(this.redisUrl, { ...options, connectionName: `openframer:${this.workerId}` });
    client.on('error', (err: Error) => this.redisError(err));
    client.on('ready', () => {
      if (this.redisDown) this.options.log?.info({ redis: this.redisHost }, 'Redis is reachable again');
      this.redisDown = false;
    });
    return client;
  }

  /** Logs the first error of an outage (the clients retry and would repeat it every few seconds). */
  private redisError(err: unknown): void {
    if (this.redisDown) return;
    this.redisDown = true;
    this.options.log?.error(
      { err, redis: this.redisHost },
      'Redis error (jobs are dispatched again once it is back)',
    );
  }

  /** BullMQ's own errors, unless they are the outage already reported. */
  private queueError(err: unknown): void {
    if (!this.redisDown) this.options.log?.error({ err, redis: this.redisHost }, 'BullMQ error');
  }

  private async closeConnections(): Promise<void> {
    const queue = this.queue;
    const clients = [this.commands, this.subscriber];
    this.queue = undefined;
    this.commands = undefined;
    this.subscriber = undefined;
    if (queue) await withTimeout(queue.close(), 2_000, 'queue close timed out').catch(() => {});
    for (const client of clients) {
      if (!client) continue;
      await withTimeout(client.quit(), 1_000, 'quit timed out').catch(() => client.disconnect());
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
