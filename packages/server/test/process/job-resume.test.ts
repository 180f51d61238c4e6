import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/index.js';
import { LocalJobRunner } from '../../src/jobs/local.js';
import { REPO_ROOT } from '../support/process.js';

let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'openframer-resume-'));
});
afterAll(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const WORKER = new URL('../support/job-worker.ts', import.meta.url).pathname;

it('a job running when its process is killed (SIGKILL) runs again at the next start', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, dataDir], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  const deadline = Date.now() + 20_000;
  while (!out.includes('started')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`worker did not start the job: ${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const jobId = /job (\S+)/.exec(out)![1]!;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));

  const database = await openDatabase({ databaseUrl: undefined, dataDir });
  try {
    const left = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(left.status).toBe('running');
    const runner = new LocalJobRunner(database.db, { concurrency: 1, pollMs: 10 });
    const resumed: { attempt: number; payload: unknown }[] = [];
    runner.register('long-task', async ({ attempt, payload }) => {
      resumed.push({ attempt, payload });
    });
    await runner.start();
    await runner.idle(10_000);
    await runner.stop();
    expect(resumed).toEqual([{ attempt: 2, payload: { rows: 1000 } }]);
    const row = await database.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', jobId)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'succeeded', attempts: 2 });
  } finally {
    await database.close();
  }
});
