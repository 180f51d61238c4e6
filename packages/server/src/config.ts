import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Server configuration, read once from the environment (design.md §5). Every variable is optional. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://...` for PostgreSQL; undefined means SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  /** Where `syntax+schema+execute` and the `sql_execute` tool run SQL: PostgreSQL, else in-memory SQLite. */
  sqlExecute: { url: string | undefined; timeoutMs: number };
  /** `redis://...`: jobs are dispatched through BullMQ on this Redis (several instances share the work). */
  redisUrl: string | undefined;
  /** Namespace of our BullMQ keys in Redis, so several installations can share one Redis. */
  redisPrefix: string;
  /** The S3-compatible blob store; undefined means files under `dataDir/blobs`. */
  s3: S3Config | undefined;
  /** Secret for signing download URLs; when unset one is generated and kept in the database. */
  secretKey: string | undefined;
  /** Base URL put in signed download links; defaults to the address the server listens on. */
  publicUrl: string | undefined;
  apiKeyTtlDays: number;
  rotationsPerHourPerIp: number;
  jobConcurrency: number;
  /** Threads for anonymization's pattern and NER detection, shared by all runs; 0 runs it in the job's thread. */
  anonymizationThreads: number;
  logLevel: string;
  init:
    | {
        apiKey: string;
        userEmail: string;
        company: string;
      }
    | undefined;
  llm: { baseUrl: string | undefined; apiKey: string | undefined };
  /** The built web UI served at `/` (packages/web/dist unless OPENFRAMER_WEB_DIR says otherwise). */
  webDir: string;
}

export interface S3Config {
  bucket: string;
  /** e.g. `http://minio:9000`; undefined means AWS S3 of `region`. */
  endpoint: string | undefined;
  region: string;
  /** Undefined: the AWS SDK's default credential chain (environment, profile, instance role, ...). */
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** Key prefix inside the bucket, `''` or ending in `/`. */
  prefix: string;
  forcePathStyle: boolean;
}

const booleanText = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], 'must be true or false')
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  OPENFRAMER_HOST: z.string().min(1).default('127.0.0.1'),
  OPENFRAMER_PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  OPENFRAMER_DATA_DIR: z.string().min(1).default('./.openframer'),
  OPENFRAMER_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  OPENFRAMER_SQL_EXECUTE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  OPENFRAMER_SQL_EXECUTE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(2000),
  OPENFRAMER_REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  OPENFRAMER_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.{}-]+$/, 'letters, digits, _ . - { } only')
    .default('openframer'),
  OPENFRAMER_S3_BUCKET: z.string().min(3, 'must be at least 3 characters').optional(),
  OPENFRAMER_S3_ENDPOINT: z.url().optional(),
  OPENFRAMER_S3_REGION: z.string().min(1).default('us-east-1'),
  OPENFRAMER_S3_ACCESS_KEY_ID: z.string().optional(),
  OPENFRAMER_S3_SECRET_ACCESS_KEY: z.string().optional(),
  OPENFRAMER_S3_PREFIX: z.string().optional(),
  OPENFRAMER_S3_FORCE_PATH_STYLE: booleanText.optional(),
  OPENFRAMER_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  OPENFRAMER_PUBLIC_URL: z.url().optional(),
  OPENFRAMER_API_KEY_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  OPENFRAMER_ROTATIONS_PER_HOUR: z.coerce.number().int().min(1).default(5),
  OPENFRAMER_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  OPENFRAMER_ANONYMIZATION_THREADS: z.coerce
    .number()
    .int()
    .min(0)
    .max(64)
    // Each thread holds its own recognizers: about 50 MB, about 140 MB with the NER lexicons.
    .default(() => Math.min(4, availableParallelism())),
  OPENFRAMER_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  OPENFRAMER_INIT_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  OPENFRAMER_INIT_USER_EMAIL: z.email().optional(),
  OPENFRAMER_INIT_COMPANY: z.string().min(1).optional(),
  OPENFRAMER_LLM_BASE_URL: z.url().optional(),
  OPENFRAMER_LLM_API_KEY: z.string().optional(),
  OPENFRAMER_WEB_DIR: z.string().optional(),
});

/** Thrown for a bad environment so `main` can print it and exit 2 without a stack trace. */
export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  // An empty variable counts as unset, as it does for most twelve-factor apps.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const initParts = [e.OPENFRAMER_INIT_API_KEY, e.OPENFRAMER_INIT_USER_EMAIL, e.OPENFRAMER_INIT_COMPANY];
  const initCount = initParts.filter(Boolean).length;
  if (initCount > 0 && initCount < 3) {
    throw new ConfigError(
      'Invalid configuration:\n  OPENFRAMER_INIT_API_KEY, OPENFRAMER_INIT_USER_EMAIL and OPENFRAMER_INIT_COMPANY must be set together',
    );
  }
  if (Boolean(e.OPENFRAMER_S3_ACCESS_KEY_ID) !== Boolean(e.OPENFRAMER_S3_SECRET_ACCESS_KEY)) {
    throw new ConfigError(
      'Invalid configuration:\n  OPENFRAMER_S3_ACCESS_KEY_ID and OPENFRAMER_S3_SECRET_ACCESS_KEY must be set together',
    );
  }
  const s3Only = Object.keys(present).filter(
    (k) => k.startsWith('OPENFRAMER_S3_') && k !== 'OPENFRAMER_S3_BUCKET',
  );
  if (!e.OPENFRAMER_S3_BUCKET && s3Only.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${s3Only[0]} is set but OPENFRAMER_S3_BUCKET is not (the bucket selects the S3 blob store)`,
    );
  }
  return {
    host: e.OPENFRAMER_HOST,
    port: e.OPENFRAMER_PORT,
    dataDir: resolve(e.OPENFRAMER_DATA_DIR),
    databaseUrl: e.OPENFRAMER_DATABASE_URL,
    sqlExecute: { url: e.OPENFRAMER_SQL_EXECUTE_URL, timeoutMs: e.OPENFRAMER_SQL_EXECUTE_TIMEOUT_MS },
    redisUrl: e.OPENFRAMER_REDIS_URL,
    redisPrefix: e.OPENFRAMER_REDIS_PREFIX,
    s3: e.OPENFRAMER_S3_BUCKET
      ? {
          bucket: e.OPENFRAMER_S3_BUCKET,
          endpoint: e.OPENFRAMER_S3_ENDPOINT?.replace(/\/+$/, ''),
          region: e.OPENFRAMER_S3_REGION,
          credentials:
            e.OPENFRAMER_S3_ACCESS_KEY_ID && e.OPENFRAMER_S3_SECRET_ACCESS_KEY
              ? {
                  accessKeyId: e.OPENFRAMER_S3_ACCESS_KEY_ID,
                  secretAccessKey: e.OPENFRAMER_S3_SECRET_ACCESS_KEY,
                }
              : undefined,
          prefix: normalisePrefix(e.OPENFRAMER_S3_PREFIX),
          forcePathStyle: e.OPENFRAMER_S3_FORCE_PATH_STYLE ?? Boolean(e.OPENFRAMER_S3_ENDPOINT),
        }
      : undefined,
    secretKey: e.OPENFRAMER_SECRET_KEY,
    publicUrl: e.OPENFRAMER_PUBLIC_URL?.replace(/\/+$/, ''),
    apiKeyTtlDays: e.OPENFRAMER_API_KEY_TTL_DAYS,
    rotationsPerHourPerIp: e.OPENFRAMER_ROTATIONS_PER_HOUR,
    jobConcurrency: e.OPENFRAMER_JOB_CONCURRENCY,
    anonymizationThreads: e.OPENFRAMER_ANONYMIZATION_THREADS,
    logLevel: e.OPENFRAMER_LOG_LEVEL,
    init:
      initCount === 3
        ? {
            apiKey: e.OPENFRAMER_INIT_API_KEY!,
            userEmail: e.OPENFRAMER_INIT_USER_EMAIL!.toLowerCase(),
            company: e.OPENFRAMER_INIT_COMPANY!,
          }
        : undefined,
    llm: { baseUrl: e.OPENFRAMER_LLM_BASE_URL, apiKey: e.OPENFRAMER_LLM_API_KEY },
    webDir: e.OPENFRAMER_WEB_DIR
      ? resolve(e.OPENFRAMER_WEB_DIR)
      : fileURLToPath(new URL('../../web/dist', import.meta.url)),
  };
}

/** `a/b/` from `a/b`, `/a/b/` or `a//b`; `''` for none. */
function normalisePrefix(prefix: string | undefined): string {
  const parts = (prefix ?? '').split('/').filter(Boolean);
  return parts.length ? `${parts.join('/')}/` : '';
}
