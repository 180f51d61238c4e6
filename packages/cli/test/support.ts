import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthService, loadConfig, openDatabase } from '@openframer/server';
import { REPO_ROOT, runCli, type ServerProcess, spawnServer } from '../../server/test/support/process.js';

export { REPO_ROOT, runCli };

/**
 * Blanks every variable that would point the CLI or SDK at another server, or give the server a model
 * provider, so the tests behave the same on a developer's machine (empty counts as unset everywhere).
 */
export const ISOLATED_ENV: Record<string, string> = Object.fromEntries(
  [
    'OPENFRAMER_BASE_URL',
    'DATAFRAMER_BASE_URL',
    'OPENFRAMER_API_KEY',
    'DATAFRAMER_API_KEY',
    'OPENFRAMER_PUBLIC_URL',
    'OPENFRAMER_DATABASE_URL',
    'OPENFRAMER_CONFIG_FILE',
    'OPENFRAMER_LLM_BASE_URL',
    'OPENFRAMER_LLM_API_KEY',
    'ANTHROPIC_API_KEY',
    'OPENAI_API_KEY',
    'GEMINI_API_KEY',
    'GOOGLE_GENERATIVE_AI_API_KEY',
    'TOGETHER_API_KEY',
    'DATABRICKS_TOKEN',
    'DATABRICKS_HOST',
    'VISUAL',
    'EDITOR',
  ].map((name) => [name, '']),
);

export const example = (name: string) => join(REPO_ROOT, 'examples', name);

export interface TestServer {
  server: ServerProcess;
  url: string;
  dataDir: string;
  /** Keys of two companies, to check tenancy. */
  keyA: string;
  keyB: string;
  /** Environment for a CLI run against this server with key A (or the key given). */
  env(key?: string): Record<string, string>;
  /** Runs the CLI against this server. */
  cli(args: string[], extraEnv?: Record<string, string>): ReturnType<typeof runCli>;
  close(): Promise<void>;
}

/**
 * `openframer serve` as a real process on a fresh data dir, with a key for each of two companies.
 * `serverEnv` adds variables for the server alone (e.g. OPENFRAMER_LLM_BASE_URL of a fake model server).
 */
export async function startTestServer(serverEnv: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'openframer-cli-'));
  const config = loadConfig({ OPENFRAMER_DATA_DIR: dataDir, OPENFRAMER_LOG_LEVEL: 'silent' });
  const database = await openDatabase(config);
  let keyA: string;
  let keyB: string;
  try {
    const auth = new AuthService(database.db, config);
    keyA = (await auth.createKey({ company: 'Acme Health', email: 'ana@acme.test', origin: 'cli' })).api_key;
    keyB = (await auth.createKey({ company: 'Beta Insurance', email: 'bo@beta.test', origin: 'cli' }))
      .api_key;
  } finally {
    await database.close();
  }
  // At info level: spawnServer waits for the "listening on" line.
  const server = await spawnServer({ ...ISOLATED_ENV, ...serverEnv, OPENFRAMER_DATA_DIR: dataDir });
  const env = (key = keyA) => ({ ...ISOLATED_ENV, OPENFRAMER_BASE_URL: server.url, OPENFRAMER_API_KEY: key });
  return {
    server,
    url: server.url,
    dataDir,
    keyA,
    keyB,
    env,
    cli: (args, extraEnv = {}) => runCli(args, { ...env(), ...extraEnv }),
    async close() {
      await server.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The JSON a `--json` command printed, with a readable failure when it is not JSON. */
export function parseJson<T = Record<string, unknown>>(res: {
  stdout: string;
  stderr: string;
  code: number | null;
}): T {
  try {
    return JSON.parse(res.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout (exit ${res.code}):\n${res.stdout}\nstderr:\n${res.stderr}`);
  }
}
