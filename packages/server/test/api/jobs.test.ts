import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalJobRunner } from '../../src/jobs/local.js';
import { nowIso } from '../../src/util.js';
import { type Harness, startHarness } from '../support/harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // The harness runner has no handlers; these tests use runners of their own on the same database.
  await h.ctx.jobs.stop(0);
});
afterAll(async () => {
  await h?.close();
});

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

describe('LocalJobRunner', () => {
  it('runs a job with its payload, and records success and failure', async () => {
    const runner = new LocalJobRunner(h.ctx.database.db, { concurrency: 2, pollMs: 20 });
    const seen: unknown[] = [];
    runner.register<{ n: number }>('double', async ({ payload }) => {
      seen.push(payload.n * 2);
    });
    runner.register('explode', async () => {
      throw new Error('the seed file vanished');
    });
    await runner.start();
    const ok = await runner.enqueue('double', { n: 21 });
    const bad = await runner.enqueue('explode', {});
    await runner.idle();
    expect(seen).toEqual([42]);
    expect(await jobRow(ok)).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(await jobRow(bad)).toMatchObject({ status: 'failed', error: 'the seed file vanished' });
    await runner.stop();
  });

  it('never runs more jobs at once than its concurrency', async () => {
    const runner = new LocalJobRunner(h.ctx.database.db, { concurrency: 2, pollMs: 10 });
    let running = 0;
    let peak = 0;
    runner.register('slow', async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
    });
    await runner.start();
    for (let i = 0; i < 6; i++) await runner.enqueue('slow', { i });
    await runner.idle();
    expect(peak).toBe(2);
    await runner.stop();
  });

  it('cancels a queued job before it runs, and aborts a running one', async () => {
    const runner = new LocalJobRunner(h.ctx.database.db, { concurrency: 1, pollMs: 10 });
    let started = 0;
    runner.register('wait', async ({ signal }) => {
      started++;
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    });
    await runner.start();
    const first = await runner.enqueue('wait', {});
    const second = await runner.enqueue('wait', {});
    await waitFor(
      () => jobRow(first),
      (r) => r.status === 'running',
    );
    await runner.cancel(second);
    expect((await jobRow(second)).status).toBe('canceled');
    await runner.cancel(first);
    await waitFor(
      () => jobRow(first),
      (r) => r.status === 'canceled',
    );
    expect(started).toBe(1);
    await runner.stop();
  });

  it('requeues a job whose process died and runs it again', async () => {
    const db = h.ctx.database.db;
    // A job left "running" by a process on this host that no longer exists.
    await db
      .insertInto('jobs')
      .values({
        id: '00000000-0000-4000-8000-000000000001',
        kind: 'resume',
        company_id: null,
        payload: JSON.stringify({ done: 3 }),
        status: 'running',
        attempts: 1,
        max_attempts: 3,
        error: null,
        cancel_requested: 0,
        locked_by: `${hostname()}:2147483646:deadbeef`,
        heartbeat_at: nowIso(),
        created_at: nowIso(),
        started_at: nowIso(),
        finished_at: null,
      })
      .execute();
    // And one from another host whose heartbeat is fresh: it must be left alone.
    await db
      .insertInto('jobs')
      .values({
        id: '00000000-0000-4000-8000-000000000002',
        kind: 'resume',
        company_id: null,
        payload: '{}',
        status: 'running',
        attempts: 1,
        max_attempts: 3,
        error: null,
        cancel_requested: 0,
        locked_by: 'other-host:123:abcd',
        heartbeat_at: nowIso(),
        created_at: nowIso(),
        started_at: nowIso(),
        finished_at: null,
      })
      .execute();
    const attempts: number[] = [];
    const runner = new LocalJobRunner(db, { concurrency: 1, pollMs: 10 });
    runner.register('resume', async ({ attempt }) => {
      attempts.push(attempt);
    });
    await runner.start();
    await waitFor(
      () => jobRow('00000000-0000-4000-8000-000000000001'),
      (r) => r.status === 'succeeded',
    );
    expect(attempts).toEqual([2]);
    expect((await jobRow('00000000-0000-4000-8000-000000000002')).status).toBe('running');
    await runner.stop();
    await db.deleteFrom('jobs').where('id', '=', '00000000-0000-4000-8000-000000000002').execute();
  });

  it('requeues interrupted jobs on shutdown without counting an attempt', async () => {
    const runner = new LocalJobRunner(h.ctx.database.db, { concurrency: 1, pollMs: 10 });
    runner.register('forever', async ({ signal }) => {
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
    });
    await runner.start();
    const id = await runner.enqueue('forever', {});
    await waitFor(
      () => jobRow(id),
      (r) => r.status === 'running',
    );
    await runner.stop(0);
    expect(await jobRow(id)).toMatchObject({ status: 'queued', attempts: 0, locked_by: null });
    await h.ctx.database.db.deleteFrom('jobs').where('id', '=', id).execute();
  });

  it('gives up on a job that keeps dying', async () => {
    const runner = new LocalJobRunner(h.ctx.database.db, { concurrency: 1, pollMs: 10 });
    let ran = false;
    runner.register('doomed', async () => {
      ran = true;
    });
    const id = await runner.enqueue('doomed', {}, { maxAttempts: 2 });
    await h.ctx.database.db.updateTable('jobs').set({ attempts: 2 }).where('id', '=', id).execute();
    await runner.start();
    const row = await waitFor(
      () => jobRow(id),
      (r) => r.status === 'failed',
    );
    expect(row.error).toMatch(/started 2 times/);
    expect(ran).toBe(false);
    await runner.stop();
  });
});
