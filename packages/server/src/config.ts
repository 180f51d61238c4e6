import { resolve } from 'node:path';
import { z } from 'zod';

/** Server configuration, read once from the environment (design.md §5). Every variable is optional. */
export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  /** `postgres://...` for PostgreSQL; undefined means SQLite in `dataDir`. */
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  /** Secret for signing download URLs; when unset one is generated and kept in the database. */
  secretKey: string | undefined;
  /** Base URL put in signed download links; defaults to the address the server listens on. */
  publicUrl: string | undefined;
  apiKeyTtlDays: number;
  rotationsPerHourPerIp: number;
  jobConcurrency: number;
  logLevel: string;
  init:
    | {
        apiKey: string;
        userEmail: string;
        company: string;
      }
    | undefined;
  llm: { baseUrl: string | undefined; apiKey: string | undefined };
}

const envSchema = z.object({
  OPENFRAMER_HOST: z.string().min(1).default('127.0.0.1'),
  OPENFRAMER_PORT: z.coerce.number().int().min(0).max(65535).default(8000),
  OPENFRAMER_DATA_DIR: z.string().min(1).default('./.openframer'),
  OPENFRAMER_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  OPENFRAMER_REDIS_URL: z.string().optional(),
  OPENFRAMER_SECRET_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  OPENFRAMER_PUBLIC_URL: z.url().optional(),
  OPENFRAMER_API_KEY_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(365),
  OPENFRAMER_ROTATIONS_PER_HOUR: z.coerce.number().int().min(1).default(5),
  OPENFRAMER_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  OPENFRAMER_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
  OPENFRAMER_INIT_API_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  OPENFRAMER_INIT_USER_EMAIL: z.email().optional(),
  OPENFRAMER_INIT_COMPANY: z.string().min(1).optional(),
  OPENFRAMER_LLM_BASE_URL: z.url().optional(),
  OPENFRAMER_LLM_API_KEY: z.string().optional(),
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
  return {
    host: e.OPENFRAMER_HOST,
    port: e.OPENFRAMER_PORT,
    dataDir: resolve(e.OPENFRAMER_DATA_DIR),
    databaseUrl: e.OPENFRAMER_DATABASE_URL,
    redisUrl: e.OPENFRAMER_REDIS_URL,
    secretKey: e.OPENFRAMER_SECRET_KEY,
    publicUrl: e.OPENFRAMER_PUBLIC_URL?.replace(/\/+$/, ''),
    apiKeyTtlDays: e.OPENFRAMER_API_KEY_TTL_DAYS,
    rotationsPerHourPerIp: e.OPENFRAMER_ROTATIONS_PER_HOUR,
    jobConcurrency: e.OPENFRAMER_JOB_CONCURRENCY,
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
  };
}
