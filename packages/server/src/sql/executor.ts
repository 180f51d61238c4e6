import { Worker } from 'node:worker_threads';
import type { SqlExecutor } from '@openframer/core';
import pg from 'pg';

/** How long one sample's SQL may run before it counts as failing (a query on empty tables is instant). */
export const DEFAULT_SQL_TIMEOUT_MS = 2000;

type Outcome = { ok: true } | { ok: false; error: string };

interface Pending {
  resolve(outcome: Outcome): void;
  timer: NodeJS.Timeout;
}

/**
 * `syntax+schema+execute` on SQLite: each sample's DDL is loaded into a new, empty in-memory database and its
 * SQL is run there, in a worker thread that is terminated (and replaced) when a query runs past the timeout.
 * Requests run one at a time per worker, on a small pool.
 */
export class SqliteSqlExecutor implements SqlExecutor {
  private readonly workers: (Worker | undefined)[];
  private readonly queues: Promise<unknown>[];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private turn = 0;

  constructor(private readonly options: { timeoutMs?: number; workers?: number } = {}) {
    const size = Math.max(1, options.workers ?? 2);
    this.workers = Array.from({ length: size }, () => undefined);
    this.queues = Array.from({ length: size }, () => Promise.resolve());
  }

  execute(input: { schema: string | null; query: string; signal?: AbortSignal }): Promise<Outcome> {
    const slot = this.turn++ % this.workers.length;
    const run = this.queues[slot]!.then(() => this.runOn(slot, input));
    this.queues[slot] = run.catch(() => undefined);
    return run;
  }

  private worker(slot: number): Worker {
    const existing = this.workers[slot];
    if (existing) return existing;
    const worker = new Worker(new URL('./sqlite-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (msg: { id: number; ok: boolean; stage?: string; error?: string }) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      clearTimeout(p.timer);
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve({ ok: true });
      else
        p.resolve({
          ok: false,
          error:
            msg.stage === 'schema'
              ? `its schema does not load in SQLite: ${msg.error}`
              : `SQLite: ${msg.error}`,
        });
    });
    worker.on('error', () => {
      if (this.workers[slot] === worker) this.workers[slot] = undefined;
    });
    worker.on('exit', () => {
      if (this.workers[slot] === worker) this.workers[slot] = undefined;
    });
    this.workers[slot] = worker;
    return worker;
  }

  private runOn(
    slot: number,
    input: { schema: string | null; query: string; signal?: AbortSignal },
  ): Promise<Outcome> {
    input.signal?.throwIfAborted();
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
    const worker = this.worker(slot);
    const id = this.nextId++;
    return new Promise<Outcome>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        // The query is still running inside SQLite; only ending the thread stops it.
        this.workers[slot] = undefined;
        void worker.terminate();
        resolve({ ok: false, error: `ran longer than ${timeoutMs} ms on empty tables (SQLite)` });
      }, timeoutMs);
      this.pending.set(id, { resolve, timer });
      worker.postMessage({ id, schema: input.schema, query: input.query });
    });
  }

  async close(): Promise<void> {
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    await Promise.all(this.workers.map((w) => w?.terminate()));
    this.workers.fill(undefined);
  }
}

/**
 * `syntax+schema+execute` on PostgreSQL (`OPENFRAMER_SQL_EXECUTE_URL`): each sample runs in its own
 * transaction, in a fresh schema first on the search path, with a statement timeout, and is rolled back.
 * Point it at a throwaway database and a role without rights elsewhere: the SQL is the model's.
 */
export class PostgresSqlExecutor implements SqlExecutor {
  private readonly pool: pg.Pool;

  constructor(
    url: string,
    private readonly options: { timeoutMs?: number; connections?: number } = {},
  ) {
    this.pool = new pg.Pool({ connectionString: url, max: options.connections ?? 4 });
    // An idle client's error (server restart) must not crash the process; the next checkout reconnects.
    this.pool.on('error', () => undefined);
  }

  async execute(input: { schema: string | null; query: string; signal?: AbortSignal }): Promise<Outcome> {
    input.signal?.throwIfAborted();
    const timeoutMs = this.options.timeoutMs ?? DEFAULT_SQL_TIMEOUT_MS;
    const client = await this.pool.connect();
    const scratch = `openframer_sql_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL statement_timeout = ${Math.round(timeoutMs)}`);
      await client.query(`CREATE SCHEMA ${scratch}`);
      await client.query(`SET LOCAL search_path = ${scratch}`);
      if (input.schema) {
        try {
          await client.query(input.schema);
        } catch (err) {
          return { ok: false, error: `its schema does not load in PostgreSQL: ${messageOf(err)}` };
        }
      }
      await client.query(input.query);
      return { ok: true };
    } catch (err) {
      return { ok: false, error: `PostgreSQL: ${messageOf(err)}` };
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
