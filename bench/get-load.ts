/**
 * Read-path load benchmark: GET /api/dataframer/seed-datasets/{id}/ on a small dataset, driven by the
 * autocannon CLI in its own process (never inside the server's process), 3 s warm-up then 15 s measured,
 * at 10, 32 and 64 connections. Goals (judged at 32 connections): >= 3,000 req/s and p99 < 20 ms, with no
 * errors or non-2xx responses. A measurement, not a test: exits 0 when a goal is missed.
 *
 *   npx tsx bench/get-load.ts
 *
 * Env: BENCH_DURATION (s, default 15), BENCH_WARMUP (s, default 3), BENCH_CONNECTIONS (default "10,32,64"),
 * BENCH_CPU_PROF_DIR=<dir> starts the server with --cpu-prof into <dir>.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import {
  fmt,
  hardTimeLimit,
  printMachine,
  type RunningServer,
  readProcCpuSeconds,
  reportGoal,
  sleep,
  startServer,
} from './lib/harness.js';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 15) || 15;
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3) || 3;
const CONNECTIONS = (process.env.BENCH_CONNECTIONS ?? '10,32,64')
  .split(',')
  .map((c) => Number(c.trim()))
  .filter((c) => Number.isInteger(c) && c > 0);
const GOAL_CONNECTIONS = 32;
const GOAL_RPS = 3000;
const GOAL_P99_MS = 20;

const require = createRequire(import.meta.url);
const AUTOCANNON_BIN = require.resolve('autocannon'); // node_modules/autocannon/autocannon.js (its CLI)
const AUTOCANNON_VERSION = (
  JSON.parse(readFileSync(join(AUTOCANNON_BIN, '..', 'package.json'), 'utf8')) as { version: string }
).version;

/** The parts of autocannon's `--json` result this script reads. */
interface AutocannonResult {
  requests: { average: number; total: number; stddev: number };
  latency: { average: number; p50: number; p97_5: number; p99: number; max: number };
  throughput: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  duration: number;
}

interface LoadRun {
  connections: number;
  result: AutocannonResult;
  serverCpuPct: number;
  loadgenCpuPct: number;
  loadgenPid: number;
}

function csvOf20Rows(): string {
  const lines = ['id,name,city,signup_date,plan,monthly_spend'];
  const cities = ['Lisbon', 'Oslo', 'Austin', 'Nairobi', 'Kyoto'];
  const plans = ['free', 'team', 'business'];
  for (let i = 1; i <= 20; i++) {
    lines.push(
      `${i},Customer ${i},${cities[i % cities.length]},2026-0${1 + (i % 9)}-1${i % 10},${plans[i % plans.length]},${(i * 13.7).toFixed(2)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function createDataset(server: RunningServer): Promise<string> {
  const form = new FormData();
  form.set('name', 'bench-get-load');
  form.set('dataset_type', 'SINGLE_FILE');
  form.set('files', new Blob([csvOf20Rows()], { type: 'text/csv' }), 'customers.csv');
  const res = await fetch(`${server.baseUrl}/api/dataframer/seed-datasets/create/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}` },
    body: form,
  });
  const text = await res.text();
  if (res.status !== 201) throw new Error(`creating the dataset failed: HTTP ${res.status} ${text}`);
  const json = JSON.parse(text) as { id: string; files: { record_count: number }[] };
  console.log(`dataset: ${json.id}, 1 CSV file, ${json.files[0]?.record_count} records`);
  return json.id;
}

/** Runs the autocannon CLI in a child process; samples its CPU and the server's while it runs. */
async function autocannon(
  server: RunningServer,
  url: string,
  connections: number,
  seconds: number,
): Promise<LoadRun> {
  const args = [
    AUTOCANNON_BIN,
    '--connections',
    String(connections),
    '--duration',
    String(seconds),
    '--json',
    '--headers',
    `authorization=Bearer ${server.apiKey}`,
    url,
  ];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid ?? -1;
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    stdout += b.toString('utf8');
  });
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString('utf8');
  });
  // CPU seconds of both processes over the run (first and last sample while the generator was alive).
  const first = {
    t: performance.now(),
    server: readProcCpuSeconds(server.pid),
    loadgen: readProcCpuSeconds(pid),
  };
  let last = { ...first };
  const timer = setInterval(() => {
    const loadgen = readProcCpuSeconds(pid);
    if (loadgen === undefined) return;
    last = { t: performance.now(), server: readProcCpuSeconds(server.pid), loadgen };
  }, 200);
  const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
  clearInterval(timer);
  if (code !== 0) throw new Error(`autocannon exited with ${code}: ${stderr.slice(-2000)}`);
  const jsonLine = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (!jsonLine) throw new Error(`no JSON from autocannon: ${stdout.slice(-1000)} ${stderr.slice(-1000)}`);
  const wall = (last.t - first.t) / 1000;
  const pct = (a: number | undefined, b: number | undefined) =>
    a !== undefined && b !== undefined && wall > 0 ? (100 * (b - a)) / wall : Number.NaN;
  return {
    connections,
    result: JSON.parse(jsonLine) as AutocannonResult,
    serverCpuPct: pct(first.server, last.server),
    loadgenCpuPct: pct(first.loadgen, last.loadgen),
    loadgenPid: pid,
  };
}

async function main(): Promise<void> {
  const runsPlanned = CONNECTIONS.length * (DURATION_S + WARMUP_S + 2);
  hardTimeLimit((runsPlanned + 120) * 1000, 'get-load benchmark');
  console.log('== OpenFramer benchmark: GET /api/dataframer/seed-datasets/{id}/ under load ==');
  const machine = printMachine();
  console.log('date: ' + new Date().toISOString());
  console.log(
    `note: the server and the load generator (autocannon ${AUTOCANNON_VERSION}, separate node process) share the ` +
      `same ${machine.cores} cores; the figures are a lower bound for a server with the machine to itself`,
  );

  let server: RunningServer | undefined;
  try {
    const profDir = process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined;
    if (profDir) await mkdir(profDir, { recursive: true });
    server = await startServer(
      profDir ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'] } : {},
    );
    console.log(`server: pid ${server.pid}, ${server.baseUrl}, SQLite in a fresh temp dir, log level warn`);
    const id = await createDataset(server);
    const url = `${server.baseUrl}/api/dataframer/seed-datasets/${id}/`;
    const check = await fetch(url, { headers: { authorization: `Bearer ${server.apiKey}` } });
    const body = await check.text();
    if (check.status !== 200) throw new Error(`GET ${url} answered ${check.status}: ${body}`);
    console.log(`target: GET ${url} (200, ${body.length} bytes of JSON)`);

    const windows: { label: string; startUs: number; endUs: number }[] = [];
    const nowUs = () => Number(process.hrtime.bigint() / 1000n);
    const runs: LoadRun[] = [];
    for (const c of CONNECTIONS) {
      await autocannon(server, url, c, WARMUP_S);
      await sleep(300);
      const startUs = nowUs();
      const run = await autocannon(server, url, c, DURATION_S);
      windows.push({ label: `${c} connections`, startUs, endUs: nowUs() });
      runs.push(run);
      const r = run.result;
      console.log(
        `connections ${String(c).padStart(2)}: ${fmt(r.requests.average, 0)} req/s (${r.requests.total} requests in ${r.duration} s), ` +
          `latency p50 ${r.latency.p50} ms, p97.5 ${r.latency.p97_5} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms; ` +
          `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}; ` +
          `CPU: server ${fmt(run.serverCpuPct, 0)}%, load generator ${fmt(run.loadgenCpuPct, 0)}% (100% = one core)`,
      );
    }
    if (profDir) await writeFile(join(profDir, 'windows.json'), JSON.stringify(windows, null, 2));

    console.log(
      `(warm-up of ${WARMUP_S} s at the same connection count before each ${DURATION_S} s measurement)`,
    );
    const bad = runs.reduce((n, r) => n + r.result.errors + r.result.timeouts + r.result.non2xx, 0);
    const atGoal = runs.find((r) => r.connections === GOAL_CONNECTIONS) ?? runs[0];
    if (!atGoal) throw new Error('no runs');
    console.log(`goals judged at ${atGoal.connections} connections:`);
    reportGoal('GET dataset throughput', atGoal.result.requests.average, GOAL_RPS, 'at-least', 'req/s');
    reportGoal('GET dataset p99 latency', atGoal.result.latency.p99, GOAL_P99_MS, 'below', 'ms');
    console.log(`goal no errors or non-2xx (all runs): ${bad} -> ${bad === 0 ? 'GOAL MET' : 'GOAL MISSED'}`);
  } finally {
    await server?.stop();
  }
}

await main();
