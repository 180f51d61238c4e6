/**
 * Upload benchmark: a ~50 MB CSV streamed as multipart to POST /api/dataframer/seed-datasets/create/.
 * Measures wall time -> MB/s, and the server's RSS growth (VmRSS sampled every 20 ms, plus VmHWM).
 * Goals: ingest >= 50 MB/s; RSS growth < 100 MB. A measurement, not a test: exits 0 when a goal is missed.
 *
 *   npx tsx bench/upload.ts
 *
 * Env: BENCH_UPLOAD_RUNS (default 3); BENCH_CPU_PROF_DIR=<dir> starts the server with --cpu-prof into <dir>.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, createReadStream, openSync, statSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  fmt,
  hardTimeLimit,
  MB,
  median,
  printMachine,
  type RunningServer,
  readProcCpuSeconds,
  readProcMemory,
  reportGoal,
  resetPeakRss,
  sleep,
  startServer,
} from './lib/harness.js';
import { ORDERS_HEADER, orderRows } from './lib/orders-csv.js';

const FILE_LIMIT = 50 * MB; // SINGLE_FILE per-file limit of the server
const TARGET_BYTES = FILE_LIMIT - 512; // just under it
const RUNS = Math.max(1, Number(process.env.BENCH_UPLOAD_RUNS ?? 3) || 3);
const GOAL_MB_PER_S = 50;
const GOAL_RSS_GROWTH_MB = 100;
const SAMPLE_MS = 20;

// ---------- CSV generation (deterministic, so every run uploads the same bytes) ----------

function generateCsv(path: string): { bytes: number; rows: number; quoted: number; ms: number } {
  const t0 = performance.now();
  const fd = openSync(path, 'w');
  let bytes = ORDERS_HEADER.length;
  let rows = 0;
  let quoted = 0;
  let batch: string[] = [ORDERS_HEADER];
  let batchBytes = ORDERS_HEADER.length;
  const flush = () => {
    if (batch.length === 0) return;
    writeSync(fd, Buffer.from(batch.join(''), 'utf8'));
    batch = [];
    batchBytes = 0;
  };
  for (const r of orderRows(TARGET_BYTES)) {
    batch.push(r.row);
    batchBytes += r.bytes;
    bytes += r.bytes;
    rows++;
    if (r.quoted) quoted++;
    if (batchBytes >= MB) flush();
  }
  flush();
  closeSync(fd);
  return { bytes, rows, quoted, ms: performance.now() - t0 };
}

// ---------- streamed multipart upload ----------

interface UploadResult {
  status: number;
  body: string;
  /** ms from the start until the last body byte was handed to the socket. */
  sentMs: number;
  /** ms from the start until the response was fully read. */
  totalMs: number;
}

function uploadCsv(server: RunningServer, csvPath: string, name: string): Promise<UploadResult> {
  const boundary = `----openframer-bench-${randomBytes(12).toString('hex')}`;
  const fileSize = statSync(csvPath).size;
  const field = (k: string, v: string) =>
    `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  const preamble = Buffer.from(
    field('name', name) +
      field('dataset_type', 'SINGLE_FILE') +
      `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="orders.csv"\r\n` +
      'Content-Type: text/csv\r\n\r\n',
    'utf8',
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
  const contentLength = preamble.length + fileSize + epilogue.length;

  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let sentMs = Number.NaN;
    const req = request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: 'POST',
        path: '/api/dataframer/seed-datasets/create/',
        agent: false,
        headers: {
          authorization: `Bearer ${server.apiKey}`,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(contentLength),
        },
        timeout: 180_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            sentMs,
            totalMs: performance.now() - t0,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('upload timed out')));
    req.on('error', reject);
    req.on('finish', () => {
      sentMs = performance.now() - t0;
    });
    async function* body() {
      yield preamble;
      // 1 MiB reads: the client never holds more than a chunk or two of the file.
      yield* createReadStream(csvPath, { highWaterMark: MB });
      yield epilogue;
    }
    // A server that answers early (e.g. 413) may close the socket: the response handler reports that.
    pipeline(Readable.from(body()), req).catch(() => {});
  });
}

// ---------- memory sampling ----------

interface MemorySampler {
  stop(): { maxRss: number; samples: number; hwm: number };
}

function sampleMemory(pid: number): MemorySampler {
  let maxRss = 0;
  let samples = 0;
  const tick = () => {
    const m = readProcMemory(pid);
    if (!m) return;
    samples++;
    if (m.rss > maxRss) maxRss = m.rss;
  };
  tick();
  const timer = setInterval(tick, SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return { maxRss, samples, hwm: readProcMemory(pid)?.hwm ?? Number.NaN };
    },
  };
}

async function baselineRss(pid: number): Promise<number> {
  const values: number[] = [];
  for (let i = 0; i < 10; i++) {
    const m = readProcMemory(pid);
    if (m) values.push(m.rss);
    await sleep(SAMPLE_MS);
  }
  return median(values);
}

// ---------- main ----------

interface RunFigures {
  name: string;
  seconds: number;
  mbPerS: number;
  sentS: number;
  afterSendS: number;
  serverCpuS: number;
  baseline: number;
  peak: number;
  growth: number;
  samples: number;
  hwmUsed: boolean;
  recordCount: number | undefined;
}

async function main(): Promise<void> {
  hardTimeLimit(10 * 60_000, 'upload benchmark');
  console.log('== OpenFramer benchmark: seed-dataset upload (50 MB CSV, streamed multipart) ==');
  printMachine();
  console.log('date: ' + new Date().toISOString());

  const workDir = await mkdtemp(join(os.tmpdir(), 'openframer-bench-csv-'));
  const csvPath = join(workDir, 'orders.csv');
  let server: RunningServer | undefined;
  try {
    const gen = generateCsv(csvPath);
    console.log(
      `csv: ${fmt(gen.bytes / MB, 2)} MB (${gen.bytes} bytes, limit ${FILE_LIMIT}), ${gen.rows} records, 8 columns (id, 2 dates, 2 categories, amount, quantity, free text; ${fmt((100 * gen.quoted) / gen.rows, 0)}% of rows quote the free text for commas or quotes), non-ASCII region names, generated in ${fmt(gen.ms / 1000, 2)} s`,
    );

    const profDir = process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined;
    if (profDir) await mkdir(profDir, { recursive: true });
    server = await startServer(
      profDir ? { execArgv: ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-interval=500'] } : {},
    );
    console.log(`server: pid ${server.pid}, ${server.baseUrl}, SQLite + local blobs in a fresh temp dir`);
    if (profDir) console.log(`server CPU profile -> ${profDir} (written when the server stops)`);
    const pid = server.pid;
    await sleep(1000); // let start-up work settle

    const runs: RunFigures[] = [];
    // CLOCK_MONOTONIC microseconds, the clock of V8's profile timestamps (see bench/profile-summary.ts).
    const windows: { label: string; startUs: number; endUs: number }[] = [];
    const nowUs = () => Number(process.hrtime.bigint() / 1000n);
    for (let i = 1; i <= RUNS; i++) {
      const name = `bench-upload-${i}-${Date.now()}`;
      await sleep(500);
      const baseline = await baselineRss(pid);
      const hwmUsed = resetPeakRss(pid);
      const cpu0 = readProcCpuSeconds(pid) ?? Number.NaN;
      const sampler = sampleMemory(pid);
      const startUs = nowUs();
      const res = await uploadCsv(server, csvPath, name);
      windows.push({ label: `upload ${i}`, startUs, endUs: nowUs() });
      const mem = sampler.stop();
      const cpu1 = readProcCpuSeconds(pid) ?? Number.NaN;
      if (res.status !== 201) {
        console.log(`run ${i}: HTTP ${res.status}: ${res.body.slice(0, 500)}`);
        throw new Error(`upload ${i} failed with HTTP ${res.status}`);
      }
      const json = JSON.parse(res.body) as { id: string; files?: { record_count?: number | null }[] };
      const recordCount = json.files?.[0]?.record_count ?? undefined;
      const peak = Math.max(mem.maxRss, hwmUsed && Number.isFinite(mem.hwm) ? mem.hwm : 0);
      const seconds = res.totalMs / 1000;
      const fig: RunFigures = {
        name,
        seconds,
        mbPerS: gen.bytes / MB / seconds,
        sentS: res.sentMs / 1000,
        afterSendS: (res.totalMs - res.sentMs) / 1000,
        serverCpuS: cpu1 - cpu0,
        baseline,
        peak,
        growth: peak - baseline,
        samples: mem.samples,
        hwmUsed,
        recordCount,
      };
      runs.push(fig);
      console.log(
        `run ${i}: ${fmt(fig.seconds, 2)} s -> ${fmt(fig.mbPerS)} MB/s ` +
          `(body sent after ${fmt(fig.sentS, 2)} s, response ${fmt(fig.afterSendS, 2)} s later; server CPU ${fmt(fig.serverCpuS, 2)} s); ` +
          `RSS baseline ${fmt(baseline / MB)} MB, peak ${fmt(peak / MB)} MB, growth ${fmt(fig.growth / MB)} MB ` +
          `(${mem.samples} samples every ${SAMPLE_MS} ms${hwmUsed ? ' + VmHWM reset before the upload' : ', VmHWM not resettable'}); ` +
          `HTTP 201, id ${json.id}, record_count ${recordCount} (expected ${gen.rows}${recordCount === gen.rows ? ', ok' : ', MISMATCH'})`,
      );
    }

    if (profDir) await writeFile(join(profDir, 'windows.json'), JSON.stringify(windows, null, 2));
    const first = runs[0]!;
    const overallPeak = Math.max(...runs.map((r) => r.peak));
    console.log(
      `cumulative: idle RSS before the first upload ${fmt(first.baseline / MB)} MB, highest peak over all runs ` +
        `${fmt(overallPeak / MB)} MB (+${fmt((overallPeak - first.baseline) / MB)} MB); ` +
        `the per-run baselines rise because the server keeps memory it grew into`,
    );
    const medRate = median(runs.map((r) => r.mbPerS));
    const medGrowth = median(runs.map((r) => r.growth / MB));
    console.log(
      `median of ${runs.length}: ${fmt(median(runs.map((r) => r.seconds)), 2)} s, ${fmt(medRate)} MB/s, ` +
        `RSS growth ${fmt(medGrowth)} MB (max ${fmt(Math.max(...runs.map((r) => r.growth)) / MB)} MB), ` +
        `time after the body was sent ${fmt(median(runs.map((r) => r.afterSendS)), 2)} s`,
    );
    console.log(
      'note: 1 MB = 1,048,576 bytes (the server limits use the same unit); client and server share the machine',
    );
    reportGoal('upload ingest rate (median)', medRate, GOAL_MB_PER_S, 'at-least', 'MB/s');
    reportGoal('server RSS growth during upload (median)', medGrowth, GOAL_RSS_GROWTH_MB, 'below', 'MB');
  } finally {
    await server?.stop();
    await rm(workDir, { recursive: true, force: true });
  }
}

await main();
