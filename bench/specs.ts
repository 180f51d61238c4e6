/**
 * Spec creation at scale against a fake OpenAI-compatible provider with 300 ms latency: a 20 MB CSV and a
 * 500-file MULTI_FILE set. Prints wall time, model round trips per chunk, the largest prompt against the
 * model's context window, peak concurrent calls, tokens and cost.
 * Run: npx tsx bench/specs.ts
 */
import { startFakeOpenAI } from '../packages/core/test/support/fake-openai.js';
import {
  API_KEY,
  fmt,
  hardTimeLimit,
  MB,
  printMachine,
  reportGoal,
  sleep,
  startServer,
} from './lib/harness.js';

const LATENCY_MS = 300;
const MODEL = 'openai/gpt-4.1';
const CONTEXT_WINDOW = 1_047_576;

function csvOf(bytes: number): Buffer {
  const header = 'policy_id,state,policy_type,premium,claims_last_5y,driver_age,vehicle_year,notes\n';
  const states = ['CA', 'TX', 'NY', 'FL', 'WA', 'IL'];
  const types = ['auto', 'home', 'renters', 'umbrella'];
  const rows: string[] = [header];
  let size = header.length;
  for (let i = 0; size < bytes - 200; i++) {
    const row = `P-${100000 + i},${states[i % 6]},${types[i % 4]},${(400 + ((i * 37) % 2600)).toFixed(2)},${i % 4},${18 + ((i * 7) % 70)},${1995 + (i % 30)},"Customer since ${2000 + (i % 25)}, ${i % 3 === 0 ? 'paperless' : 'mailed statements'}"\n`;
    rows.push(row);
    size += row.length;
  }
  return Buffer.from(rows.join(''));
}

function multipart(fields: [string, string | { name: string; content: Buffer }][]): {
  body: Buffer;
  type: string;
} {
  const boundary = `----bench${Date.now()}`;
  const parts: Buffer[] = [];
  for (const [name, value] of fields) {
    if (typeof value === 'string') {
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
      );
    } else {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${value.name}"\r\n\r\n`,
        ),
      );
      parts.push(value.content, Buffer.from('\r\n'));
    }
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` };
}

async function main() {
  hardTimeLimit(10 * 60_000, 'bench/specs');
  printMachine();
  const fake = await startFakeOpenAI({
    latencyMs: LATENCY_MS,
    usage: { prompt_tokens: 0, completion_tokens: 400 },
  });
  // Report real prompt sizes: count characters of what the server sends (about 4 per token).
  const server = await startServer({
    env: { OPENFRAMER_LLM_BASE_URL: fake.url, OPENFRAMER_LLM_API_KEY: 'bench' },
  });
  const auth = { authorization: `Bearer ${API_KEY}` };
  try {
    const tickets = Array.from({ length: 500 }, (_, i) => ({
      name: `ticket-${String(i).padStart(4, '0')}.txt`,
      content: Buffer.from(
        `Subject: ${['Refund', 'Login problem', 'Feature request', 'Billing error', 'Crash'][i % 5]} #${i}\n\n${'The customer explains the problem in detail, with steps, dates and the order number. '.repeat(20 + (i % 30))}`,
      ),
    }));
    const cases = [
      {
        label: '20 MB CSV (SINGLE_FILE)',
        fields: [
          ['name', 'csv'],
          ['dataset_type', 'SINGLE_FILE'],
          ['files', { name: 'policies.csv', content: csvOf(20 * MB) }],
        ],
      },
      {
        label: '500-file MULTI_FILE set',
        fields: [['name', 'tickets'], ['dataset_type', 'MULTI_FILE'], ...tickets.map((t) => ['files', t])],
      },
    ] as { label: string; fields: [string, string | { name: string; content: Buffer }][] }[];
    for (const c of cases) {
      const { body, type } = multipart(c.fields);
      const up = await fetch(`${server.baseUrl}/api/dataframer/seed-datasets/create/`, {
        method: 'POST',
        headers: { ...auth, 'content-type': type },
        body,
      });
      if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${await up.text()}`);
      const dataset = (await up.json()) as { id: string };
      fake.resetStats();
      const before = fake.requests.length;
      const started = performance.now();
      const created = await fetch(`${server.baseUrl}/api/dataframer/specs/`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({
          name: `spec ${c.label}`,
          dataset_id: dataset.id,
          spec_generation_model_name: MODEL,
        }),
      });
      const { id } = (await created.json()) as { id: string };
      let spec: { status: string; error: string | null; total_cost: number; content_yaml: string | null };
      for (;;) {
        spec = (await (
          await fetch(`${server.baseUrl}/api/dataframer/specs/${id}/`, { headers: auth })
        ).json()) as typeof spec;
        if (spec.status !== 'PROCESSING') break;
        await sleep(50);
      }
      const wall = (performance.now() - started) / 1000;
      const requests = fake.requests.slice(before).filter((r) => r.index >= 0);
      const promptChars = requests.map((r) => JSON.stringify(r.body.messages).length);
      const chunks = Number(/chunks: (\d+)/.exec(spec.content_yaml ?? '')?.[1] ?? 0);
      const maxPromptTokens = Math.max(...promptChars) / 4;
      const totalPromptTokens = promptChars.reduce((s, n) => s + n, 0) / 4;
      console.log(`\n${c.label}: status ${spec.status}${spec.error ? ` (${spec.error})` : ''}`);
      console.log(
        `  wall time ${fmt(wall, 2)} s; model calls ${requests.length} for ${chunks} chunks (+1 merge when chunks > 1)`,
      );
      console.log(`  peak concurrent calls at the provider: ${fake.peakInFlight}`);
      console.log(
        `  largest prompt ~${fmt(maxPromptTokens, 0)} tokens of a ${fmt(CONTEXT_WINDOW, 0)}-token context; all prompts ~${fmt(totalPromptTokens, 0)} tokens`,
      );
      console.log(
        `  cost reported by the server: $${spec.total_cost.toFixed(4)} (fake usage: prompt tokens 0, 400 completion tokens per call)`,
      );
      const rounds = chunks > 1 ? 2 : 1;
      reportGoal(
        `${c.label}: calls per chunk`,
        requests.length / Math.max(1, chunks),
        chunks > 1 ? 1 + 1 / chunks + 0.01 : 1.01,
        'below',
        'calls',
      );
      reportGoal(
        `${c.label}: wall time / ideal (${rounds} rounds x ${LATENCY_MS} ms)`,
        wall / ((rounds * LATENCY_MS) / 1000),
        5,
        'below',
        'x',
      );
      reportGoal(
        `${c.label}: largest prompt / context window`,
        maxPromptTokens / CONTEXT_WINDOW,
        0.5,
        'below',
        '',
      );
    }
  } finally {
    await server.stop();
    await fake.close();
  }
}

await main();
