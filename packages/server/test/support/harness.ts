import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, createContext } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { AppContext } from '../../src/context.js';
import { createPostgresDatabase } from './databases.js';

export interface Harness {
  app: FastifyInstance;
  ctx: AppContext;
  dataDir: string;
  dialect: 'sqlite' | 'postgres';
  /** API keys of two companies, to check tenancy. */
  keyA: string;
  keyB: string;
  request(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
  /** Counts what is stored, to prove a failed upload left nothing behind. */
  footprint(): Promise<{ datasets: number; files: number; blobs: number; tmp: number }>;
  close(): Promise<void>;
}

/**
 * Starts an app on a fresh database of the dialect the test project asks for (OPENFRAMER_TEST_DB).
 * `env` adds server variables, e.g. a bucket from `startFakeS3().env()` (support/s3.ts) for an S3 blob
 * store, or OPENFRAMER_REDIS_URL with a unique OPENFRAMER_REDIS_PREFIX (support/redis.ts) for BullMQ.
 */
export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  const dialect = process.env.OPENFRAMER_TEST_DB === 'postgres' ? 'postgres' : 'sqlite';
  const dataDir = await mkdtemp(join(tmpdir(), 'openframer-test-'));
  const pgdb = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
  const config = loadConfig({
    OPENFRAMER_DATA_DIR: dataDir,
    OPENFRAMER_PORT: '0',
    OPENFRAMER_LOG_LEVEL: 'silent',
    ...(pgdb ? { OPENFRAMER_DATABASE_URL: pgdb.url } : {}),
    ...env,
  });
  // Only what the test passes: no provider keys leak in from the machine.
  let ctx: AppContext;
  try {
    ctx = await createContext(config, env);
  } catch (err) {
    await pgdb?.drop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const app = await buildApp(ctx, { logger: false });
  await ctx.jobs.start();
  const keyA = (
    await ctx.services.auth.createKey({ company: 'Acme Health', email: 'ana@acme.test', origin: 'cli' })
  ).api_key;
  const keyB = (
    await ctx.services.auth.createKey({ company: 'Beta Insurance', email: 'bo@beta.test', origin: 'cli' })
  ).api_key;
  const harness: Harness = {
    app,
    ctx,
    dataDir,
    dialect,
    keyA,
    keyB,
    request({ key, ...options }) {
      const headers = { ...(options.headers ?? {}) } as Record<string, string>;
      const useKey = key === undefined ? keyA : key;
      if (useKey !== null) headers.authorization = `Bearer ${useKey}`;
      return app.inject({ ...options, headers });
    },
    async footprint() {
      const datasets = await ctx.database.db
        .selectFrom('datasets')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const files = await ctx.database.db
        .selectFrom('dataset_files')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const tmp = await readdir(join(dataDir, 'tmp')).catch(() => []);
      return {
        datasets: Number(datasets.n),
        files: Number(files.n),
        blobs: await ctx.blobs.count(),
        tmp: tmp.length,
      };
    },
    async close() {
      await app.close();
      await ctx.jobs.stop(1000);
      await ctx.blobs.close?.();
      await ctx.sqlExecutor.close();
      await ctx.detectionPool?.close();
      await ctx.database.close();
      await pgdb?.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return harness;
}
