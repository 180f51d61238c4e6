import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../../../test/support/fake-openai.js';
import { createLlmGateway } from '../../llm/gateway.js';
import type { LlmCallRecord } from '../../llm/types.js';
import { generateSamples } from './batch.js';
import { makeCtx, outline, plan, prose } from './test-helpers.js';
import type { SampleOutcome } from './types.js';

// The pipeline through the real gateway and real HTTP: request shapes, usage and cost as providers report them.

let server: FakeOpenAI;

beforeEach(async () => {
  server = await startFakeOpenAI({
    usage: { prompt_tokens: 1000, completion_tokens: 200, cached_tokens: 400 },
  });
});

afterEach(async () => {
  await server.close();
});

function systemOf(body: ChatBody): string {
  const message = body.messages.find((m: { role: string }) => m.role === 'system');
  return typeof message?.content === 'string' ? message.content : JSON.stringify(message?.content);
}

function setup() {
  const records: LlmCallRecord[] = [];
  const gateway = createLlmGateway({
    config: { gatewayBaseUrl: server.url, gatewayApiKey: 'k' },
    onCall: (r) => records.push(r),
    sleep: async () => {},
  });
  const saved = new Map<number, SampleOutcome>();
  const sink = {
    save: async (index: number, outcome: SampleOutcome) => {
      saved.set(index, outcome);
    },
  };
  return { gateway, records, saved, sink };
}

describe('generation over HTTP', () => {
  it('outlines and writes documents, with one cacheable system prompt and costs from the reported usage', async () => {
    server.setHandler((body, { index }) =>
      body.response_format?.json_schema?.name === 'outline'
        ? { json: outline([150, 150]) }
        : { content: prose(index) },
    );
    const { gateway, records, saved, sink } = setup();
    const ctx = makeCtx({ params: { outline_model: 'openai/gpt-4.1' } });
    const result = await generateSamples(ctx, plan(3), { llm: gateway, sink });

    expect(result).toEqual({ completed: 3, failed: 0 });
    const requests = server.chatRequests();
    expect(requests).toHaveLength(6);
    expect(requests.filter((r) => r.body.response_format?.json_schema?.name === 'outline')).toHaveLength(3);
    expect(new Set(requests.map((r) => systemOf(r.body))).size).toBe(1);
    expect(systemOf(requests[0]!.body)).toContain('<examples>');
    expect(records.map((r) => r.stage).sort()).toEqual([
      'generation',
      'generation',
      'generation',
      'outline',
      'outline',
      'outline',
    ]);

    const outcome = saved.get(1)!;
    expect(outcome.ok).toBe(true);
    expect(outcome.calls).toBe(2);
    expect(outcome.usage).toEqual({
      inputTokens: 2000,
      outputTokens: 400,
      cachedInputTokens: 800,
      thinkingTokens: 0,
    });
    // gpt-4.1: $2 input, $0.5 cached input, $8 output per million tokens.
    expect(outcome.costUsd).toBeCloseTo((2 * (600 * 2 + 400 * 0.5) + 400 * 8) / 1e6, 10);
    if (outcome.ok) expect(outcome.output.files![0]!.content.length).toBeGreaterThan(100);
  });

  it('writes a table record with a JSON schema built from the columns', async () => {
    server.setHandler(() => ({ json: { id: 7, name: 'Dana Ortiz', tags: '["vip"]' } }));
    const { gateway, saved, sink } = setup();
    const ctx = makeCtx({
      shape: { kind: 'table', format: 'json', columns: ['id', 'name', 'tags'] },
      seeds: [{ id: '0', record: { id: 1, name: 'Al Stone', tags: ['new'] } }],
    });
    await generateSamples(ctx, plan(1), { llm: gateway, sink });
    const schema = server.chatRequests()[0]!.body.response_format.json_schema;
    expect(schema.name).toBe('record');
    expect(Object.keys(schema.schema.properties)).toEqual(['id', 'name', 'tags']);
    expect(saved.get(0)).toMatchObject({
      ok: true,
      output: { record: { id: 7, name: 'Dana Ortiz', tags: ['vip'] } },
    });
  });

  it('turns a provider refusal into an error outcome and finishes the batch', async () => {
    server.setHandler((_body, { index }) =>
      index === 0 ? { status: 400, error: 'context length exceeded' } : { content: prose(index) },
    );
    const { gateway, saved, sink } = setup();
    const ctx = makeCtx({ params: { skip_outline: true } });
    const result = await generateSamples(ctx, plan(2), { llm: gateway, sink }, undefined, { concurrency: 1 });
    expect(result).toEqual({ completed: 1, failed: 1 });
    const failed = saved.get(0)!;
    expect(failed).toMatchObject({ ok: false, kind: 'error' });
    expect(!failed.ok && failed.reason).toContain('context length exceeded');
  });
});
