import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLlmGateway } from './gateway.js';
import type { LlmCallRecord } from './types.js';

/** A mock model answering the given texts in turn, recording the prompts it was sent. */
function scripted(texts: string[]) {
  const prompts: unknown[] = [];
  let i = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async (options) => {
      prompts.push(options.prompt);
      const text = texts[Math.min(i++, texts.length - 1)]!;
      return {
        content: [{ type: 'text', text }],
        finishReason: { unified: 'stop', raw: 'stop' },
        usage: {
          inputTokens: { total: 1000, noCache: 800, cacheRead: 200, cacheWrite: 0 },
          outputTokens: { total: 100, text: 100, reasoning: 0 },
        },
        warnings: [],
      };
    },
  });
  return { model, prompts };
}

const Person = z.object({ name: z.string(), age: z.number().int() });

describe('gateway with the AI SDK mock model', () => {
  it('validates structured output, retries an invalid reply with the error quoted, and accounts each call', async () => {
    const { model, prompts } = scripted(['{"name": "Ana", "age": "old"}', '{"name": "Ana", "age": 41}']);
    const calls: LlmCallRecord[] = [];
    const gateway = createLlmGateway({
      config: { gatewayBaseUrl: 'http://127.0.0.1:9/v1' },
      languageModel: () => model,
      onCall: (r) => calls.push(r),
    });
    const result = await gateway.generateObject({
      model: 'openai/gpt-4.1',
      stage: 'spec',
      system: 'You extract people.',
      messages: [{ role: 'user', content: 'Ana is 41.' }],
      schema: Person,
      schemaName: 'person',
    });
    expect(result.object).toEqual({ name: 'Ana', age: 41 });
    expect(result.calls).toBe(2);
    expect(calls.map((c) => c.outcome)).toEqual(['invalid_output', 'ok']);
    // The second prompt quotes what was wrong with the first reply.
    expect(JSON.stringify(prompts[1])).toMatch(/age/);
    // gpt-4.1: $2/M input ($0.5/M cached), $8/M output; 800 fresh + 200 cached input, 100 output per call.
    expect(result.usage).toMatchObject({ inputTokens: 2000, cachedInputTokens: 400, outputTokens: 200 });
    expect(result.costUsd).toBeCloseTo(2 * ((800 * 2 + 200 * 0.5 + 100 * 8) / 1e6), 10);
  });

  it('fails with the model, stage and last validation error when replies never validate', async () => {
    const { model } = scripted(['{"name": 3}']);
    const gateway = createLlmGateway({
      config: { gatewayBaseUrl: 'http://127.0.0.1:9/v1' },
      languageModel: () => model,
      maxValidationRetries: 1,
    });
    await expect(
      gateway.generateObject({
        model: 'openai/gpt-4.1',
        stage: 'evaluation',
        messages: [{ role: 'user', content: 'x' }],
        schema: Person,
        schemaName: 'person',
      }),
    ).rejects.toThrow(/openai\/gpt-4\.1 \(evaluation stage\).*2 times.*name/);
  });
});
