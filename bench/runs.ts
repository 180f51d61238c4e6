/**
 * Generation at scale against a fake OpenAI-compatible provider with 200 ms latency and a hard cap of 32
 * concurrent requests (429 above it). Prints wall time / ideal (ideal = successful calls x latency / 32),
 * server CPU ms per sample, and peak RSS of a 20,000-sample run.
 * Run: npx tsx bench/runs.ts   (BENCH_RUNS_N and BENCH_RUNS_BIG_N change the sizes)
 */

import { createWriteStream } from 'node:fs';
import { startFakeOpenAI } from '../packages/core/test/support/fake-openai.js';
import { readExample } from '../packages/server/test/support/examples.js';
import { ticketsSpecReply, variedWriter } from '../packages/server/test/support/writer.js';
import {
  API_KEY,
  fmt,
  hardTimeLimit,
  printMachine,
  readProcCpuSeconds,
  readProcMemory,
  reportGoal,
  resetPeakRss,
  sleep,
  startServer,
} from './lib/harness.js';

const CAP = 32;
const N = Number(process.env.BENCH_RUNS_N ?? 2000);
const BIG_N = Number(process.env.BENCH_RUNS_BIG_N ?? 20000);

async function main() {
  hardTimeLimit(25 * 60_000, 'bench/runs');
  printMachine();
  const fake = await startFakeOpenAI({ handler: variedWriter, maxConcurrent: CAP, retryAfter: '0' });
  const server = await startServer({
    env: { OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'bench' },
    // Extra node flags for the server, e.g. BENCH_SERVER_ARGS='--trace-gc' or '--heapsnapshot-signal=SIGUSR2'.
    execArgv: (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean),
  });
  if (process.env.BENCH_SERVER_LOG) {
    // Everything the server prints from now on (e.g. --trace-gc lines), appended to this file.
    const log = createWriteStream(process.env.BENCH_SERVER_LOG, { flags: 'a' });
    server.child.stdout?.pipe(log);
    server.child.stderr?.pipe(log);
  }
  const auth = { authorization: `Bearer ${API_KEY}` };
  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: { ...auth, ...(init.headers ?? {}) },
    });
    return res.json() as Promise<Record<string, unknown> & { id: string; status: string }>;
  };
  try {
    const form = new FormData();
    form.set('name', 'tickets');
    form.set('dataset_type', 'MULTI_FILE');
    for (const name of ['ticket-0193.txt', 'ticket-0207.txt', 'ticket-0211.md']) {
      form.append('files', new Blob([readExample(`support-tickets/${name}`)]), name);
    }
    const dataset = await api('/api/dataframer/seed-datasets/create/', { method: 'POST', body: form });
    fake.setHandler(() => ({ json: ticketsSpecReply }));
    const spec = await api('/api/dataframer/specs/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'tickets',
        dataset_id: dataset.id,
        spec_generation_model_name: 'openai/gpt-4.1',
      }),
    });
    while ((await api(`/api/dataframer/specs/${spec.id}/`)).status === 'PROCESSING') await sleep(50);
    fake.setHandler(variedWriter);

    const runOnce = async (n: number, latency: number) => {
      fake.setLatency(latency);
      fake.resetStats();
      const callsBefore = fake.chatRequests().length;
      const cpuBefore = readProcCpuSeconds(server.pid) ?? 0;
      resetPeakRss(server.pid);
      const started = performance.now();
      const run = await api('/api/dataframer/runs/', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          spec_id: spec.id,
          number_of_samples: n,
          generation_model: 'openai/gpt-4.1',
          skip_outline: true,
          evaluate_after: false,
        }),
      });
      let view: Record<string, unknown>;
      for (;;) {
        view = await api(`/api/dataframer/runs/${run.id}/`);
        if (['SUCCEEDED', 'FAILED', 'CANCELED'].includes(String(view.status))) break;
        await sleep(200);
      }
      const wall = (performance.now() - started) / 1000;
      const cpu = (readProcCpuSeconds(server.pid) ?? 0) - cpuBefore;
      const calls = fake.chatRequests().length - callsBefore;
      const successes = calls - fake.rejected;
      return {
        view,
        wall,
        cpu,
        calls,
        successes,
        rejected: fake.rejected,
        peak: fake.peakInFlight,
        hwm: readProcMemory(server.pid)?.hwm ?? Number.NaN,
      };
    };

    const a = await runOnce(N, 200);
    const ideal = (a.successes * 0.2) / CAP;
    console.log(
      `\nN=${N}, 200 ms latency, cap ${CAP}: status ${a.view.status}, completed ${a.view.samples_completed}, failed ${a.view.samples_failed}`,
    );
    console.log(
      `  wall ${fmt(a.wall, 2)} s; successful calls ${a.successes}; 429s ${a.rejected}; peak in flight ${a.peak}; ideal ${fmt(ideal, 2)} s`,
    );
    reportGoal('wall time / ideal', a.wall / ideal, 1.1, 'below', 'x');
    reportGoal('server CPU per sample', (a.cpu * 1000) / N, 5, 'below', 'ms');

    const b = await runOnce(BIG_N, 20);
    console.log(
      `\nN=${BIG_N}, 20 ms latency: status ${b.view.status}, completed ${b.view.samples_completed}, wall ${fmt(b.wall, 1)} s, server CPU ${fmt((b.cpu * 1000) / BIG_N, 2)} ms/sample`,
    );
    reportGoal(`peak RSS during N=${BIG_N}`, b.hwm / 1024 / 1024, 300, 'below', 'MB');
  } finally {
    await server.stop();
    await fake.close();
  }
}

await main();
