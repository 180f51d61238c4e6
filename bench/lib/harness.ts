/**
 * Shared plumbing for the benchmarks: start the OpenFramer server as a child process on a free port with a
 * fresh data dir, wait for health, stop it, read /proc, and print goals in plain lines.
 * Every request goes to 127.0.0.1 only.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI_BIN = join(REPO_ROOT, 'packages', 'cli', 'bin', 'openframer.js');

/** The server's own convention (packages/core/src/datasets/limits.ts): 1 MB = 1024 * 1024 bytes. */
export const MB = 1024 * 1024;

export const API_KEY = 'bench-key-0123456789abcdefghijklmnopqrstuvwxyz';
export const USER_EMAIL = 'bench@example.com';

export interface RunningServer {
  pid: number;
  port: number;
  baseUrl: string;
  apiKey: string;
  dataDir: string;
  child: ChildProcess;
  /** SIGTERM, wait for exit (SIGKILL after a grace period), then remove the data dir. Idempotent. */
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return await new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePort(port));
    });
  });
}

const running = new Set<RunningServer>();

/** Kill any server still running when the benchmark exits early (error, Ctrl-C, time limit). */
function killLeftovers(): void {
  for (const s of running) {
    try {
      s.child.kill('SIGKILL');
    } catch {
      // already gone
    }
    rmSync(s.dataDir, { recursive: true, force: true });
  }
  running.clear();
}
process.once('exit', killLeftovers);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killLeftovers();
    process.exit(130);
  });
}

export interface StartOptions {
  /** Extra node flags for the server process, e.g. `['--cpu-prof', '--cpu-prof-dir=/tmp/prof']`. */
  execArgv?: string[];
  startTimeoutMs?: number;
  /** Extra environment for the server (e.g. OPENFRAMER_LLM_BASE_URL pointing at a fake provider). */
  env?: Record<string, string>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(os.tmpdir(), 'openframer-bench-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OPENFRAMER_DATA_DIR: dataDir,
    OPENFRAMER_PORT: String(port),
    OPENFRAMER_HOST: '127.0.0.1',
    OPENFRAMER_LOG_LEVEL: 'warn',
    OPENFRAMER_INIT_API_KEY: API_KEY,
    OPENFRAMER_INIT_USER_EMAIL: USER_EMAIL,
    OPENFRAMER_INIT_COMPANY: 'Bench Co',
    ...options.env,
    NODE_ENV: 'production',
  };
  // Never point the benchmark at a real database or queue that happens to be configured in the shell.
  delete env.OPENFRAMER_DATABASE_URL;
  delete env.OPENFRAMER_REDIS_URL;

  // `node <bin>` directly (no npx wrapper), so the pid we sample is the server itself. Flags go on the command
  // line: Node 20 refuses --cpu-prof in NODE_OPTIONS.
  const child = spawn(process.execPath, [...(options.execArgv ?? []), CLI_BIN, 'serve'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logTail: string[] = [];
  const keep = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (line.trim()) logTail.push(line);
    }
    if (logTail.length > 50) logTail.splice(0, logTail.length - 50);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));

  let stopped = false;
  const server: RunningServer = {
    pid: child.pid ?? -1,
    port,
    baseUrl,
    apiKey: API_KEY,
    dataDir,
    child,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      running.delete(server);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  running.add(server);

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    try {
      const res = await fetch(`${baseUrl}/api/dataframer/health/`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return server;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error(`server did not become healthy on ${baseUrl}; last log lines:\n${logTail.join('\n')}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** VmRSS and VmHWM of a process in bytes, from /proc/<pid>/status; undefined once it has gone. */
export function readProcMemory(pid: number): { rss: number; hwm: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : Number.NaN;
    };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/**
 * Resets the kernel's peak-RSS counter (VmHWM) of a process we started, so the next VmHWM reading is the
 * peak since now. Linux >= 4.0; returns false where that is not allowed.
 */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

let clockTicks: number | undefined;
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

/** User + system CPU seconds a process has used so far, from /proc/<pid>/stat; undefined once gone. */
export function readProcCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    return (utime + stime) / ticksPerSecond();
  } catch {
    return undefined;
  }
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  memory: string;
  os: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    cores: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    node: process.version,
    memory: `${(os.totalmem() / 1024 ** 3).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function printMachine(): MachineInfo {
  const m = machineInfo();
  console.log(`machine: cpu=${m.cpuModel}; cores=${m.cores}; node=${m.node}; memory=${m.memory}; os=${m.os}`);
  return m;
}

/**
 * A fixed CPU workload that uses none of the project's code (a regular-expression scan, a loop over char
 * codes and string slicing over 8 MB of seeded text, best of three): its time, printed beside a figure,
 * tells how fast the machine was when the figure was taken, so that runs on different machines or on a
 * busy host can be compared. Lower is faster.
 */
export function machineReferenceMs(): number {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  const alphabet = 'abcdefghijklmnopqrstuvwxyz       ABCDEFG0123456789.,@';
  const chunks: string[] = [];
  for (let i = 0; i < 8 * 1024; i++) {
    let chunk = '';
    for (let j = 0; j < 1024; j++) chunk += alphabet[Math.floor(random() * alphabet.length)];
    chunks.push(chunk);
  }
  const text = chunks.join('');
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    let found = 0;
    const digits = /(?<![\p{L}])\d+(?:[.,]\d+)?/gu;
    while (digits.test(text)) found++;
    let hash = 0;
    for (let i = 0; i < text.length; i++) hash = (hash * 31 + text.charCodeAt(i)) | 0;
    const words: string[] = [];
    for (let i = 0; i < text.length; i += 64) words.push(text.slice(i, i + 12).trim());
    best = Math.min(best, performance.now() - t0);
    // Kept where V8 cannot prove it unused, so the work is not dropped.
    machineReferenceChecksum = found + hash + words.length;
  }
  return best;
}

/** What the last machine reference computed (only so that its work cannot be optimised away). */
export let machineReferenceChecksum = 0;

export interface GoalResult {
  name: string;
  met: boolean;
  ratio: number;
}

/**
 * Prints one goal line. The ratio is always measured / goal: a ">=" goal is met at ratio >= 1, a "<" goal at
 * ratio < 1.
 */
export function reportGoal(
  name: string,
  measured: number,
  goal: number,
  kind: 'at-least' | 'below',
  unit: string,
): GoalResult {
  const met = kind === 'at-least' ? measured >= goal : measured < goal;
  const ratio = measured / goal;
  const op = kind === 'at-least' ? '>=' : '<';
  const need = kind === 'at-least' ? 'met when >= 1' : 'met when < 1';
  console.log(
    `goal ${name}: measured ${fmt(measured)} ${unit}, goal ${op} ${fmt(goal)} ${unit}, ratio measured/goal = ${ratio.toFixed(2)} (${need}) -> ${met ? 'GOAL MET' : 'GOAL MISSED'}`,
  );
  return { name, met, ratio };
}

export function fmt(n: number, digits = 1): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Exits the benchmark (after killing the server) if it runs longer than `ms`. */
export function hardTimeLimit(ms: number, what: string): NodeJS.Timeout {
  const t = setTimeout(() => {
    console.error(`${what}: time limit of ${Math.round(ms / 1000)} s reached, stopping`);
    killLeftovers();
    process.exit(2);
  }, ms);
  t.unref();
  return t;
}

export const hasProc = () => existsSync('/proc/self/status');
