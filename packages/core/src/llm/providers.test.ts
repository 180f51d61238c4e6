import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createLlmGateway } from './gateway.js';
import { DEFAULT_THINKING_BUDGETS, reasoningEffortFor, thinkingBudgetFor } from './providers.js';
import type { LlmCallRecord } from './types.js';

const Verdict = z.object({ score: z.number(), reason: z.string() });
const VERDICT = { score: 4, reason: 'consistent' };

interface Captured {
  url: string;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: wire bodies are inspected freely
  body: any;
}

/** A fetch that records what the SDK sends and answers with `reply(url)`; Anthropic and Gemini speak their own wire formats. */
function recordingFetch(reply: (url: string) => unknown) {
  const captured: Captured[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    captured.push({
      url,
      headers: Object.fromEntries(new Headers(init?.headers)),
      body: JSON.parse(String(init?.body)),
    });
    return new Response(JSON.stringify(reply(url)), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  }) as typeof fetch;
  return { fetchImpl, captured };
}

function anthropicMessage(text: string) {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-6',
    content: [
      { type: 'thinking', thinking: 'Considering the samples.', signature: 'sig' },
      { type: 'text', text },
    ],
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 100,
      output_tokens: 50,
      cache_read_input_tokens: 900,
      cache_creation_input_tokens: 0,
    },
  };
}

function geminiResponse(text: string) {
  return {
    candidates: [{ content: { parts: [{ text }], role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: {
      promptTokenCount: 100,
      candidatesTokenCount: 20,
      thoughtsTokenCount: 30,
      totalTokenCount: 150,
    },
  };
}

const REQUEST = {
  stage: 'spec',
  system: 'You judge samples. These instructions are the stable, cacheable prefix.',
  messages: [{ role: 'user' as const, content: 'Score this sample.' }],
  schema: Verdict,
  schemaName: 'verdict',
};

describe('thinking budgets', () => {
  it('uses the request budget, else the stage default, never under 1024', () => {
    expect(thinkingBudgetFor('spec', undefined)).toBe(16_000);
    expect(thinkingBudgetFor('generation', null)).toBe(8_000);
    expect(thinkingBudgetFor('some_new_stage', undefined)).toBe(DEFAULT_THINKING_BUDGETS.default);
    expect(thinkingBudgetFor('spec', 2_500)).toBe(2_500);
    expect(thinkingBudgetFor('spec', 10)).toBe(1_024);
    expect([1_024, 4_000, 16_000].map(reasoningEffortFor)).toEqual(['low', 'medium', 'high']);
  });
});

describe('Anthropic', () => {
  it('enables thinking with the stage budget and caches the system prompt', async () => {
    const { fetchImpl, captured } = recordingFetch(() => anthropicMessage(JSON.stringify(VERDICT)));
    const calls: LlmCallRecord[] = [];
    const gateway = createLlmGateway({
      config: { providers: { anthropic: { apiKey: 'sk-ant' } } },
      fetch: fetchImpl,
      onCall: (r) => calls.push(r),
    });
    const result = await gateway.generateObject({
      ...REQUEST,
      model: 'anthropic/claude-sonnet-4-6-thinking',
      temperature: 0.7,
    });

    expect(result.object).toEqual(VERDICT);
    const [call] = captured;
    expect(call?.url).toBe('https://api.anthropic.com/v1/messages');
    expect(call?.headers['x-api-key']).toBe('sk-ant');
    expect(call?.body.model).toBe('claude-sonnet-4-6');
    expect(call?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 16_000 });
    // Anthropic needs room for the answer on top of the thinking budget.
    expect(call?.body.max_tokens).toBeGreaterThan(16_000);
    expect(call?.body.temperature).toBeUndefined();
    expect(call?.body.system).toEqual([
      { type: 'text', text: REQUEST.system, cache_control: { type: 'ephemeral' } },
    ]);
    // Usage: input counts uncached, cache reads and cache writes together.
    expect(result.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 50,
      cachedInputTokens: 900,
      thinkingTokens: 0,
    });
    expect(result.costUsd).toBeCloseTo((100 * 3 + 900 * 0.3 + 50 * 15) / 1e6, 12);
    expect(calls[0]).toMatchObject({ provider: 'anthropic', route: 'anthropic', outcome: 'ok' });
  });

  it('sends no thinking for the plain id and keeps the temperature', async () => {
    const { fetchImpl, captured } = recordingFetch(() => anthropicMessage('Hello.'));
    const gateway = createLlmGateway({
      config: { providers: { anthropic: { apiKey: 'sk-ant', baseUrl: 'https://proxy.example.com/v1/' } } },
      fetch: fetchImpl,
    });
    const result = await gateway.generateText({
      model: 'anthropic/claude-haiku-4-5',
      stage: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.3,
      thinkingBudget: 5_000,
    });
    expect(result.text).toBe('Hello.');
    expect(captured[0]?.url).toBe('https://proxy.example.com/v1/messages');
    expect(captured[0]?.body.thinking).toBeUndefined();
    expect(captured[0]?.body.temperature).toBe(0.3);
    expect(captured[0]?.body.system).toBeUndefined();
  });

  it('uses the budget the request names', async () => {
    const { fetchImpl, captured } = recordingFetch(() => anthropicMessage(JSON.stringify(VERDICT)));
    const gateway = createLlmGateway({
      config: { providers: { anthropic: { apiKey: 'k' } } },
      fetch: fetchImpl,
    });
    await gateway.generateObject({
      ...REQUEST,
      model: 'anthropic/claude-opus-4-6-thinking',
      stage: 'generation',
      thinkingBudget: 3_000,
      maxOutputTokens: 2_000,
    });
    expect(captured[0]?.body.thinking).toEqual({ type: 'enabled', budget_tokens: 3_000 });
    expect(captured[0]?.body.max_tokens).toBe(5_000);
  });
});

describe('Gemini', () => {
  it('sets thinkingConfig with the stage budget and counts thought tokens', async () => {
    const { fetchImpl, captured } = recordingFetch(() => geminiResponse(JSON.stringify(VERDICT)));
    const gateway = createLlmGateway({
      config: { providers: { gemini: { apiKey: 'g-key' } } },
      fetch: fetchImpl,
    });
    const result = await gateway.generateObject({
      ...REQUEST,
      model: 'gemini/gemini-3-pro-preview-thinking',
      stage: 'evaluation',
    });

    expect(result.object).toEqual(VERDICT);
    const [call] = captured;
    expect(call?.url).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models/gemini-3-pro-preview:generateContent',
    );
    expect(call?.headers['x-goog-api-key']).toBe('g-key');
    expect(call?.body.generationConfig.thinkingConfig).toEqual({
      thinkingBudget: 4_000,
      includeThoughts: false,
    });
    expect(call?.body.generationConfig.responseMimeType).toBe('application/json');
    expect(result.usage).toEqual({
      inputTokens: 100,
      outputTokens: 50,
      cachedInputTokens: 0,
      thinkingTokens: 30,
    });
  });
});
