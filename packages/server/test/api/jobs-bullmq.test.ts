import { hostname } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BullMqJobRunner, type BullMqJobRunnerOptions } from '../../src/jobs/bullmq.js';
import { newId, nowIso } from '../../src/util.js';
import { type Harness, startHarness } from '../support/harness.js';
import { checkRedis, deleteRedisPrefix, TEST_REDIS_URL, uniqueRedisPrefix } from '../support/redis.js';

// One key prefix for this file (and database dialect): test files sharing the Redis never interfere.
const prefix = uniqueRedisPrefix(process.env.OPENFRAMER_TEST_DB ?? 'db');
let h: Harness;
const runners: BullMqJobRunner[] = [];

beforeAll(async () => {
  await checkRedis();
  h = await startHarness();
  // The harness runner has no handlers; these tests use runners of their own on the same database.
  await h.ctx.jobs.stop(0);
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop(0)));
});
afterAll(async () => {
  await h?.close();
  await deleteRedisPrefix(prefix);
});

let queues = 0;
/** A runner on its own BullMQ queue (unless `queueName` says otherwise), stopped after the test. */
function runner(options: Partial<BullMqJobRunnerOptions> = {}): BullMqJobRunner {
  const r = new BullMqJobRunner(h.ctx.database.db, {
    concurrency: 1,
    redisUrl: TEST_REDIS_URL,
    prefix,
    queueName: `q${++queues}`,
    heartbeatMs: 50,
    sweepMs: 200,
    ...options,
  });
  runners.push(r);
  return r;
}

const jobRow = (id: string) =>
  h.ctx.database.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function waitFor<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const untilAborted = (signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve());
  });

function runningRow(id: string, kind: string, lockedBy: string) {
  return {
    id,
    kind,
    company_id: null,
    payload: JSON.stringify({ done: 3 }),
    status: 'running',
    attempts: 1,
    max_attempts: 3,
    error: null,
    cancel_requested: 0,
    locked_by: lockedBy,
    heartbeat_at: nowIso(),
    created_at: nowIso(),
    started_at: nowIso(),
    finished_at: null,
  };
}

describe('BullMqJobRunner', () => {
  it('runs a job with its payload, and records success and failure', async () => {
    const r = runner({ concurrency: 2 });
    const seen: unknown[] = [];
    r.register<{ n: number }>('double', async ({ payload, attempt }) => {
      seen.push({ value: payload.n * 2, attempt });
    });
    r.register('explode', async () => {
      throw new Error('the seed file vanished');
    });
    await r.start();
    const ok = await r.enqueue('double', { n: 21 });
    const bad = await r.enqueue('explode', {});
    await r.idle();
    expect(seen).toEqual([{ value: 42, attempt: 1 }]);
    expect(await jobRow(ok)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      error: null,
      locked_by: null,
    });
    expect(await jobRow(bad)).toMatchObject({ status: 'failed', error: 'the seed file vanished' });
    expect(await r.stats()).toMatchObject({ state: 'running', kind: 'bullmq', workers: 2 });
  });

  it('never runs more jobs at once than its concurrency', async () => {
    const r = runner({ concurrency: 2 });
    let running = 0;
    let peak = 0;
    r.register('slow', async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((res) => setTimeout(res, 40));
      running--;
    });
    await r.start();
    for (let i = 0; i < 6; i++) await r.enqueue('slow', { i });
    await r.idle();
    expect(peak).toBe(2);
  });

  it('cancels a queued job before it runs, and aborts a running one', async () => {
    const r = runner({ concurrency: 1 });
    let started = 0;
    r.register('wait', async ({ signal }) => {
      started++;
      await untilAborted(signal);
    });
    await r.start();
    const first = await r.enqueue('wait', {});
    const second = await r.enqueue('wait', {});
    await waitFor(
      () => jobRow(first),
      (row) => row.status === 'running',
    );
    await r.cancel(second);
    expect((await jobRow(second)).status).toBe('canceled');
    await r.cancel(first);
    await waitFor(
      () => jobRow(first),
      (row) => row.status === 'canceled',
    );
    // The second job's BullMQ message is taken after the first ends, and dropped: its row is canceled.
    await new Promise((res) => setTimeout(res, 300));
    expect(started).toBe(1);
    expect((await jobRow(second)).status).toBe('canceled');
  });

  it('aborts a running job at once when another instance cancels it (published, not polled)', async () => {
    const queueName = `shared${++queues}`;
    // Heartbeats far apart: only the published cancel can stop the job within the test's time.
    const owner = runner({ queueName, heartbeatMs: 60_000 });
    const other = runner({ queueName, heartbeatMs: 60_000 });
    let abortedAt = 0;
    owner.register('long', async ({ signal }) => {
      await untilAborted(signal);
      abortedAt = Date.now();
    });
    await owner.start();
    await other.start();
    const id = await owner.enqueue('long', {});
    await waitFor(
      () => jobRow(id),
      (row) => row.status === 'running',
    );
    const asked = Date.now();
    await other.cancel(id);
    const row = await waitFor(
      () => jobRow(id),
      (r) => r.status === 'canceled',
      5_000,
    );
    expect(row.locked_by).toBeNull();
    expect(abortedAt - asked).toBeLessThan(2_000);
  });

  it('requeues a job whose process died and runs it again, leaving live owners alone', async () => {
    const db = h.ctx.database.db;
    const dead = newId();
    const alive = newId();
    // A job left "running" by a process on this host that no longer exists (and with no BullMQ job).
    await db
      .insertInto('jobs')
      .values(runningRow(dead, 'resume', `${hostname()}:2147483646:deadbeef`))
      .execute();
    // And one from another host whose heartbeat is fresh: it must be left alone.
    await db
      .insertInto('jobs')
      .values(runningRow(alive, 'resume', 'other-host:123:abcd'))
      .execute();
    const attempts: number[] = [];
    const r = runner();
    r.register<{ done: number }>('resume', async ({ attempt, payload }) => {
      attempts.push(attempt, payload.done);
    });
    await r.start();
    await waitFor(
      () => jobRow(dead),
      (row) => row.status === 'succeeded',
    );
    expect(attempts).toEqual([2, 3]);
    expect((await jobRow(alive)).status).toBe('running');
    await db.deleteFrom('jobs').where('id', '=', alive).execute();
  });

  it('requeues interrupted jobs on shutdown without counting an attempt, and another instance takes them', async () => {
    const queueName = `handover${++queues}`;
    const first = runner({ queueName });
    let runs = 0;
    first.register('forever', async ({ signal }) => {
      runs++;
      await untilAborted(signal);
    });
    await first.start();
    const id = await first.enqueue('forever', {});
    await waitFor(
      () => jobRow(id),
      (row) => row.status === 'running',
    );
    await first.stop(0);
    expect(await jobRow(id)).toMatchObject({ status: 'queued', attempts: 0, locked_by: null });
    expect(runs).toBe(1);

    // The next instance on the same queue takes it (its BullMQ job was added again at shutdown).
    const second = runner({ queueName, sweepMs: 60_000 });
    const attempts: number[] = [];
    second.register('forever', async ({ attempt }) => {
      attempts.push(attempt);
    });
    await second.start();
    await waitFor(
      () => jobRow(id),
      (row) => row.status === 'succeeded',
    );
    expect(attempts).toEqual([1]);
  });

  it('gives up on a job that keeps dying', async () => {
    const r = runner();
    let ran = false;
    r.register('doomed', async () => {
      ran = true;
    });
    const id = await r.enqueue('doomed', {}, { maxAttempts: 2 });
    await h.ctx.database.db.updateTable('jobs').set({ attempts: 2 }).where('id', '=', id).execute();
    await r.start();
    const row = await waitFor(
      () => jobRow(id),
      (x) => x.status === 'failed',
    );
    expect(row.error).toMatch(/started 2 times/);
    expect(ran).toBe(false);
  });

  it('dispatches a job enqueued in a transaction once it commits, and never one rolled back', async () => {
    // No sweep in the test's time: the dispatch after commit alone must deliver the job.
    const r = runner({ sweepMs: 60_000 });
    const ran: string[] = [];
    r.register<{ label: string }>('tx', async ({ payload }) => {
      ran.push(payload.label);
    });
    await r.start();
    const committed = await h.ctx.database.db
      .transaction()
      .execute(async (trx) => r.enqueue('tx', { label: 'committed' }, { db: trx }));
    let rolledBack = '';
    await expect(
      h.ctx.database.db.transaction().execute(async (trx) => {
        rolledBack = await r.enqueue('tx', { label: 'rolled back' }, { db: trx });
        throw new Error('the caller failed after enqueueing');
      }),
    ).rejects.toThrow(/caller failed/);
    await waitFor(
      () => jobRow(committed),
      (row) => row.status === 'succeeded',
    );
    expect(ran).toEqual(['committed']);
    expect(
      await h.ctx.database.db.selectFrom('jobs').select('id').where('id', '=', rolledBack).executeTakeFirst(),
    ).toBeUndefined();
  });

  it('the sweep dispatches a queued row that has no BullMQ job (its enqueuer died before dispatch)', async () => {
    const id = newId();
    await h.ctx.database.db
      .insertInto('jobs')
      .values({
        ...runningRow(id, 'orphan-queued', 'x'),
        status: 'queued',
        attempts: 0,
        locked_by: null,
        heartbeat_at: null,
        started_at: null,
        created_at: nowIso(new Date(Date.now() - 10_000)),
      })
      .execute();
    const r = runner({ sweepMs: 100 });
    let ran = 0;
    r.register('orphan-queued', async () => {
      ran++;
    });
    await r.start();
    await waitFor(
      () => jobRow(id),
      (row) => row.status === 'succeeded',
    );
    // Later sweeps find nothing more to do: it ran once.
    await new Promise((res) => setTimeout(res, 400));
    expect(ran).toBe(1);
  });

  it('two runners sharing Redis and the database run each job exactly once', async () => {
    const queueName = `pair${++queues}`;
    const a = runner({ queueName, concurrency: 3 });
    const b = runner({ queueName, concurrency: 3 });
    const runsById = new Map<string, number>();
    const byRunner = { a: 0, b: 0 };
    for (const [name, r] of [
      ['a', a],
      ['b', b],
    ] as const) {
      r.register<{ i: number }>('shared', async ({ jobId }) => {
        runsById.set(jobId, (runsById.get(jobId) ?? 0) + 1);
        byRunner[name]++;
        await new Promise((res) => setTimeout(res, 5 + Math.random() * 15));
      });
    }
    await a.start();
    await b.start();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await (i % 2 ? a : b).enqueue('shared', { i }));
    await a.idle(20_000);
    expect([...runsById.keys()].sort()).toEqual([...ids].sort());
    expect([...runsById.values()].every((n) => n === 1)).toBe(true);
    expect(byRunner.a + byRunner.b).toBe(40);
    const rows = await h.ctx.database.db.selectFrom('jobs').selectAll().where('id', 'in', ids).execute();
    expect(rows.every((row) => row.status === 'succeeded' && row.attempts === 1)).toBe(true);
  });

  it('reports Redis as unreachable in its stats (so health shows it) once the connection is gone', async () => {
    const r = runner();
    await r.start();
    expect(await r.stats()).toMatchObject({ kind: 'bullmq', state: 'running' });
    (r as unknown as { commands: { disconnect(): void } }).commands.disconnect();
    await expect(r.stats()).rejects.toThrow(/bullmq runner: Redis at 127\.0\.0\.1:\d+ is not reachable/);
  });

  it('refuses to start when Redis is not reachable, naming the address but not the password', async () => {
    const r = runner({ redisUrl: 'redis://:hunter2@127.0.0.1:1', connectTimeoutMs: 500 });
    await expect(r.start()).rejects.toThrow(/Redis at 127\.0\.0\.1:1 is not reachable/);
    await expect(r.start()).rejects.not.toThrow(/hunter2/);
  });
});

describe('a server with OPENFRAMER_REDIS_URL', () => {
  it('runs its jobs through BullMQ and shows the runner and Redis in health', async () => {
    const server = await startHarness({
      OPENFRAMER_REDIS_URL: TEST_REDIS_URL,
      OPENFRAMER_REDIS_PREFIX: prefix,
    });
    try {
      expect(server.ctx.jobs.kind).toBe('bullmq');
      const health = await server.request({ method: 'GET', url: '/api/dataframer/health/', key: null });
      expect(health.statusCode).toBe(200);
      expect(health.json().jobs).toMatchObject({ status: 'ok', state: 'running', kind: 'bullmq' });
      const done: string[] = [];
      server.ctx.jobs.register<{ note: string }>('health-probe', async ({ payload }) => {
        done.push(payload.note);
      });
      await server.ctx.jobs.enqueue('health-probe', { note: 'through redis' });
      await server.ctx.jobs.idle();
      expect(done).toEqual(['through redis']);
    } finally {
      await server.close();
    }
  });
});
