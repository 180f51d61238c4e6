import type { Kysely } from 'kysely';
import type { Database } from '../db/index.js';
import type { EnqueueOptions } from './runner.js';
import { TableJobRunner, type TableJobRunnerOptions } from './table.js';

export interface LocalJobRunnerOptions extends TableJobRunnerOptions {
  pollMs?: number;
}

/**
 * The default runner: jobs are rows in the `jobs` table, found by polling it, claimed by this process
 * and executed in it. Durable: a job that was running when its process died is found at the next start
 * (its owner is gone or its heartbeat stale) and runs again, so handlers must be idempotent (they resume
 * from their rows). Several processes on one database share the work (claims are compare-and-set).
 */
export class LocalJobRunner extends TableJobRunner {
  readonly kind = 'local';
  private readonly pollMs: number;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private repoll = false;

  constructor(db: Kysely<Database>, options: LocalJobRunnerOptions) {
    super(db, options);
    this.pollMs = options.pollMs ?? 250;
  }

  async enqueue(kind: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    const id = await this.insertJob(kind, payload, options);
    // Inside a transaction the row is not visible yet; the next poll tick picks it up after commit.
    if (!options.db) this.wake();
    else setTimeout(() => this.wake(), 0);
    return id;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    await this.recoverOrphans();
    this.startHeartbeat();
    this.schedule(0);
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.polling;
    await this.drain(graceMs);
    this.stopHeartbeat();
  }

  protected override onJobFinished(): void {
    this.wake();
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
        if (!(await this.claimOldest())) return;
      }
    } catch (err) {
      this.options.log?.error({ err }, 'job poll failed');
    }
  }
}
