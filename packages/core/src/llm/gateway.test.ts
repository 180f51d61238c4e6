import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type FakeOpenAI, fakeReplies, startFakeOpenAI } from '../../test/support/fake-openai.js';
import { OpenFramerError } from '../errors.js';
import { LlmError, LlmOutputError } from './errors.js';
import { createLlmGateway, type LlmGatewayOptions } from './gateway.js';
import type { LlmCallRecord } from './types.js';

const Spec = z.object({
  data_property_variations: z.array(
    z.object({ property_name: z.string(), property_values: z.array(z.string()).min(1) }),
  ),
});

const SPEC_REQUEST = {
  model: 'openai/gpt-4.1',
  stage: 'spec',
  system: 'You analyse seed datasets.',
  messages: [{ role: 'user' as const, content: 'Describe the properties of these samples.' }],
  schema: Spec,
  schemaName: 'spec_analysis',
};

/** The bad reply the spec stage keeps sending in the "never valid" case. */
const WRONG_SPEC = { data_property_variations: [{ property_name: 'tone', property_values: 'formal' }] };

let server: FakeOpenAI;

beforeEach(async () => {
  server = await startFakeOpenAI();
});

afterEach(async () => {
  await server.close();
});

function setup(extra: Partial<LlmGatewayOptions> = {}) {
  const calls: LlmCallRecord[] = [];
  const sleeps: number[] = [];
  const gateway = createLlmGateway({
    config: { gatewayBaseUrl: server.url, gatewayApiKey: 'sk-gateway' },
    onCall: (record) => calls.push(record),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...extra,
  });
  return { gateway, calls, sleeps };
}

describe('structured output', () => {
  it('sends the schema as response_format json_schema and returns the validated object', async () => {
    const { gateway, calls } = setup();
    const result = await gateway.generateObject(SPEC_REQUEST);

    expect(Spec.safeParse(result.object).success).toBe(true);
    expect(result.calls).toBe(1);
    const [request] = server.chatRequests();
    expect(request?.headers.authorization).toBe('Bearer sk-gateway');
    expect(request?.body).toMatchObject({
      model: 'openai/gpt-4.1',
      messages: [
        { role: 'system', content: 'You analyse seed datasets.' },
        { role: 'user', content: 'Describe the properties of these samples.' },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'spec_analysis',
          strict: true,
          schema: { type: 'object', required: ['data_property_variations'] },
        },
      },
    });
    expect(calls).toEqual([
      expect.objectContaining({
        model: 'openai/gpt-4.1',
        provider: 'openai',
        stage: 'spec',
        attempt: 1,
        outcome: 'ok',
      }),
    ]);
  });

  it('leaves strict off for schemas strict mode would refuse', async () => {
    const { gateway } = setup();
    const result = await gateway.generateObject({
      ...SPEC_REQUEST,
      schema: z.object({ title: z.string(), subtitle: z.string().optional() }),
      schemaName: 'titles',
    });
    expect(result.object.title).toBe('example');
    expect(server.chatRequests()[0]?.body.response_format.json_schema.strict).toBe(false);
  });

  it('retries malformed JSON, quoting the parse error to the model', async () => {
    const { gateway, calls } = setup();
    server.reply(fakeReplies.malformedJson());
    const result = await gateway.generateObject(SPEC_REQUEST);

    expect(result.calls).toBe(2);
    expect(Spec.safeParse(result.object).success).toBe(true);
    const second = server.chatRequests()[1]?.body.messages as { role: string; content: string }[];
    expect(second.slice(0, 2)).toEqual(server.chatRequests()[0]?.body.messages);
    expect(second.at(-2)).toEqual({ role: 'assistant', content: '{"a": ' });
    expect(second.at(-1)?.role).toBe('user');
    expect(second.at(-1)?.content).toContain('Validation error: reply is not valid JSON');
    expect(calls.map((c) => c.outcome)).toEqual(['invalid_output', 'ok']);
    expect(calls[0]?.error).toMatch(/^reply is not valid JSON/);
  });

  it('retries JSON that does not match the schema, quoting the zod issue path', async () => {
    const { gateway } = setup();
    server.reply(fakeReplies.wrongSchema(WRONG_SPEC));
    await gateway.generateObject(SPEC_REQUEST);
    const correction = server.chatRequests()[1]?.body.messages.at(-1).content as string;
    expect(correction).toMatch(/data_property_variations\.0\.property_values: .*expected array/);
  });

  it('accepts JSON wrapped in code fences without another call', async () => {
    const { gateway } = setup();
    server.reply({
      content: `Here it is:\n\`\`\`json\n${JSON.stringify({ data_property_variations: [] })}\n\`\`\``,
    });
    const result = await gateway.generateObject(SPEC_REQUEST);
    expect(result).toMatchObject({ calls: 1, object: { data_property_variations: [] } });
  });

  it('gives up with LlmOutputError after 1 + maxValidationRetries replies', async () => {
    const { gateway, calls } = setup();
    server.setHandler(() => fakeReplies.wrongSchema(WRONG_SPEC));
    const error = await gateway.generateObject(SPEC_REQUEST).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(LlmOutputError);
    expect(error).toBeInstanceOf(OpenFramerError);
    expect((error as LlmOutputError).kind).toBe('invalid');
    expect((error as Error).message).toMatch(
      /^openai\/gpt-4\.1 \(spec stage\) returned JSON that does not match the schema 3 times; last error: data_property_variations\.0\.property_values: .*expected array/,
    );
    expect(server.chatRequests()).toHaveLength(3);
    expect(calls.map((c) => [c.attempt, c.outcome])).toEqual([
      [1, 'invalid_output'],
      [2, 'invalid_output'],
      [3, 'invalid_output'],
    ]);
  });

  it('honours maxValidationRetries', async () => {
    const { gateway } = setup({ maxValidationRetries: 0 });
    server.setHandler(() => fakeReplies.malformedJson());
    await expect(gateway.generateObject(SPEC_REQUEST)).rejects.toThrow(/returned invalid JSON 1 time;/);
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('puts the schema in the prompt for servers without json_schema support', async () => {
    const { gateway } = setup({
      config: {
        models: [{ id: 'local/tiny', provider: 'local' }],
        customProviders: { local: { baseUrl: server.url, supportsStructuredOutputs: false } },
      },
    });
    server.reply({ json: { data_property_variations: [] } });
    const result = await gateway.generateObject({ ...SPEC_REQUEST, model: 'local/tiny' });
    expect(result.object).toEqual({ data_property_variations: [] });
    const body = server.chatRequests()[0]?.body;
    expect(body.response_format).toEqual({ type: 'json_object' });
    expect(body.messages[0].content).toContain('You analyse seed datasets.');
    expect(body.messages[0].content).toContain('"data_property_variations"');
  });

  it('validates json_object replies itself', async () => {
    const { gateway } = setup({
      config: {
        models: [{ id: 'local/tiny', provider: 'local' }],
        customProviders: { local: { baseUrl: server.url, supportsStructuredOutputs: false } },
      },
    });
    server.reply(fakeReplies.wrongSchema(WRONG_SPEC), { json: { data_property_variations: [] } });
    const result = await gateway.generateObject({ ...SPEC_REQUEST, model: 'local/tiny' });
    expect(result.calls).toBe(2);
    expect(server.chatRequests()[1]?.body.messages.at(-1).content).toMatch(
      /data_property_variations\.0\.property_values/,
    );
  });
});

describe('plain text', () => {
  it('returns the text with usage and no response_format', async () => {
    const { gateway } = setup();
    const result = await gateway.generateText({
      model: 'anthropic/claude-haiku-4-5',
      stage: 'chat',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      maxOutputTokens: 100,
    });
    expect(result.text).toBe('This is a reply from the fake OpenAI-compatible server.');
    expect(result.usage).toEqual({
      inputTokens: 10,
      outputTokens: 5,
      cachedInputTokens: 0,
      thinkingTokens: 0,
    });
    const body = server.chatRequests()[0]?.body;
    expect(body).toMatchObject({ model: 'anthropic/claude-haiku-4-5', temperature: 0.2, max_tokens: 100 });
    expect(body.response_format).toBeUndefined();
  });
});

describe('usage and cost', () => {
  it('computes tokens and cost from the catalog price for each call and in total', async () => {
    const { gateway, calls } = setup();
    server.setUsage({
      prompt_tokens: 1000,
      completion_tokens: 200,
      cached_tokens: 400,
      reasoning_tokens: 50,
    });
    server.reply(fakeReplies.malformedJson());
    const result = await gateway.generateObject(SPEC_REQUEST);

    // gpt-4.1: $2 input, $0.5 cached input, $8 output per million tokens.
    const perCall = (600 * 2 + 400 * 0.5 + 200 * 8) / 1e6;
    expect(calls.map((c) => c.costUsd)).toEqual([perCall, perCall]);
    expect(calls[0]?.usage).toEqual({
      inputTokens: 1000,
      outputTokens: 200,
      cachedInputTokens: 400,
      thinkingTokens: 50,
    });
    expect(result.usage).toEqual({
      inputTokens: 2000,
      outputTokens: 400,
      cachedInputTokens: 800,
      thinkingTokens: 100,
    });
    expect(result.costUsd).toBeCloseTo(2 * perCall, 12);
    expect(calls.every((c) => c.latencyMs >= 0 && c.route === 'gateway')).toBe(true);
  });

  it('prices configured models with their own pricing', async () => {
    const { gateway } = setup({
      config: {
        models: [
          { id: 'ollama/llama3.1', provider: 'ollama', pricing: { input: 1, output: 1, cached_input: null } },
        ],
        customProviders: { ollama: { baseUrl: server.url } },
      },
    });
    const result = await gateway.generateText({
      model: 'ollama/llama3.1',
      stage: 'chat',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(result.costUsd).toBeCloseTo(15 / 1e6, 12);
    const request = server.chatRequests()[0];
    expect(request?.body.model).toBe('llama3.1');
    expect(request?.headers.authorization).toBeUndefined();
  });
});

describe('retries', () => {
  it('waits as long as Retry-After says on 429', async () => {
    const { gateway, calls, sleeps } = setup();
    server.failNext(2, 429, { retryAfter: '1' });
    server.failNext(1, 429, { retryAfterMs: '250' });
    const result = await gateway.generateObject(SPEC_REQUEST);
    expect(result.calls).toBe(4);
    expect(sleeps).toEqual([1000, 1000, 250]);
    expect(calls.map((c) => c.outcome)).toEqual(['rate_limited', 'rate_limited', 'rate_limited', 'ok']);
    expect(calls[0]).toMatchObject({ status: 429, error: expect.stringMatching(/^HTTP 429/) });
  });

  it('rides out a storm of 500s with jittered exponential backoff', async () => {
    const { gateway, calls, sleeps } = setup({ retry: { baseDelayMs: 100, maxDelayMs: 500 } });
    server.failNext(4, 500);
    server.failNext(1, 529);
    const result = await gateway.generateText({ ...SPEC_REQUEST, messages: SPEC_REQUEST.messages });
    expect(result.calls).toBe(6);
    expect(sleeps).toEqual([50, 100, 200, 250, 250]);
    expect(calls.map((c) => c.outcome)).toEqual([
      'server_error',
      'server_error',
      'server_error',
      'server_error',
      'rate_limited',
      'ok',
    ]);
  });

  it('fails with LlmError after maxAttempts', async () => {
    const { gateway } = setup({ retry: { maxAttempts: 3 } });
    server.failNext(3, 503, { message: 'upstream overloaded' });
    const error = (await gateway.generateObject(SPEC_REQUEST).catch((e: unknown) => e)) as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error.kind).toBe('unavailable');
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(error.message).toBe(
      'openai/gpt-4.1 (spec stage) failed after 3 attempts; last error: HTTP 503: upstream overloaded',
    );
  });

  it('does not retry 401 and names the key variable', async () => {
    const { gateway, calls } = setup();
    server.failNext(1, 401, { message: 'Incorrect API key provided' });
    const error = (await gateway.generateObject(SPEC_REQUEST).catch((e: unknown) => e)) as LlmError;
    expect(error).toBeInstanceOf(LlmError);
    expect(error.message).toBe(
      'openai/gpt-4.1 (spec stage): the provider refused the credentials (HTTP 401: Incorrect API key provided); check OPENFRAMER_LLM_API_KEY',
    );
    expect(server.chatRequests()).toHaveLength(1);
    expect(calls.map((c) => c.outcome)).toEqual(['error']);
  });

  it('names the provider variable on 403 from a provider endpoint', async () => {
    const { gateway } = setup({ config: { providers: { together: { apiKey: 'tk', baseUrl: server.url } } } });
    server.failNext(1, 403, { message: 'forbidden' });
    await expect(
      gateway.generateText({
        model: 'deepseek-ai/DeepSeek-V3.1',
        stage: 'generation',
        messages: [{ role: 'user', content: 'x' }],
      }),
    ).rejects.toThrow(/check TOGETHER_API_KEY$/);
  });

  it('does not retry 400 and reports it as invalid input', async () => {
    const { gateway } = setup();
    server.failNext(1, 400, { message: 'prompt is too long' });
    const error = (await gateway.generateObject(SPEC_REQUEST).catch((e: unknown) => e)) as LlmError;
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(
      'openai/gpt-4.1 (spec stage) was refused by the provider: HTTP 400: prompt is too long',
    );
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('times out a slow call, retries it, then gives up', async () => {
    const { gateway, calls } = setup({ timeoutMs: 150, retry: { maxAttempts: 2 } });
    server.reply(fakeReplies.slow(3_000), fakeReplies.slow(3_000));
    const started = Date.now();
    const error = (await gateway.generateObject(SPEC_REQUEST).catch((e: unknown) => e)) as LlmError;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error).toBeInstanceOf(LlmError);
    expect(error.message).toBe(
      'openai/gpt-4.1 (spec stage) failed after 2 attempts; last error: no reply within 150 ms',
    );
    expect(calls.map((c) => c.outcome)).toEqual(['timeout', 'timeout']);
  });

  it('succeeds when the call after a timeout is fast', async () => {
    const { gateway } = setup({ timeoutMs: 150 });
    server.reply(fakeReplies.slow(3_000));
    const result = await gateway.generateObject(SPEC_REQUEST);
    expect(result.calls).toBe(2);
  });
});

describe('cancellation', () => {
  it('stops at once on abort, with the signal reason and no retry', async () => {
    const { gateway, calls } = setup();
    server.setLatency(5_000);
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    const error = await gateway
      .generateObject({ ...SPEC_REQUEST, signal: controller.signal })
      .catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.chatRequests()).toHaveLength(1);
    expect(calls.map((c) => c.outcome)).toEqual(['aborted']);
  });

  it('stops during the backoff wait', async () => {
    const { gateway } = setup({ sleep: undefined, retry: { baseDelayMs: 60_000, maxDelayMs: 60_000 } });
    server.failNext(1, 500);
    const controller = new AbortController();
    const pending = gateway.generateObject({ ...SPEC_REQUEST, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled while waiting')), 200);
    await expect(pending).rejects.toThrow('cancelled while waiting');
    expect(server.chatRequests()).toHaveLength(1);
  });

  it('makes no call when the signal is already aborted', async () => {
    const { gateway } = setup();
    await expect(
      gateway.generateObject({ ...SPEC_REQUEST, signal: AbortSignal.abort(new Error('too late')) }),
    ).rejects.toThrow('too late');
    expect(server.chatRequests()).toHaveLength(0);
  });
});

describe('model errors', () => {
  it('rejects unknown models', async () => {
    const { gateway } = setup();
    await expect(gateway.generateObject({ ...SPEC_REQUEST, model: 'acme/unknown' })).rejects.toThrow(
      new OpenFramerError('invalid', 'unknown model "acme/unknown"; see GET /api/dataframer/models/'),
    );
  });

  it('rejects models whose provider is not configured, naming the variable', async () => {
    const { gateway } = setup({ config: {} });
    const error = (await gateway
      .generateObject({ ...SPEC_REQUEST, model: 'anthropic/claude-sonnet-4-6' })
      .catch((e: unknown) => e)) as OpenFramerError;
    expect(error.kind).toBe('invalid');
    expect(error.message).toBe(
      'model anthropic/claude-sonnet-4-6 is not configured: set ANTHROPIC_API_KEY (or OPENFRAMER_LLM_BASE_URL to route every model through one OpenAI-compatible endpoint)',
    );
  });

  it('refuses the offline engine', async () => {
    const { gateway } = setup();
    await expect(
      gateway.generateObject({ ...SPEC_REQUEST, model: 'openframer/statistical' }),
    ).rejects.toThrow(/offline statistical engine/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('routing', () => {
  it('sends reasoning_effort for -thinking ids through the gateway, named without the suffix', async () => {
    const { gateway } = setup();
    await gateway.generateObject({ ...SPEC_REQUEST, model: 'anthropic/claude-sonnet-4-6-thinking' });
    await gateway.generateObject({
      ...SPEC_REQUEST,
      model: 'anthropic/claude-sonnet-4-6-thinking',
      stage: 'outline',
    });
    const [spec, outline] = server.chatRequests();
    expect(spec?.body).toMatchObject({ model: 'anthropic/claude-sonnet-4-6', reasoning_effort: 'high' });
    expect(outline?.body).toMatchObject({ reasoning_effort: 'medium' });
  });

  it('calls Together models on their OpenAI-compatible endpoint by their own name', async () => {
    const { gateway } = setup({ config: { providers: { together: { apiKey: 'tk', baseUrl: server.url } } } });
    const result = await gateway.generateObject({
      ...SPEC_REQUEST,
      model: 'deepseek-ai/DeepSeek-V3.1',
      stage: 'generation',
    });
    expect(Spec.safeParse(result.object).success).toBe(true);
    const request = server.chatRequests()[0];
    expect(request?.headers.authorization).toBe('Bearer tk');
    expect(request?.body).toMatchObject({
      model: 'deepseek-ai/DeepSeek-V3.1',
      response_format: { type: 'json_schema' },
    });
    expect(gateway.stats()).toHaveProperty(['together:deepseek-ai/DeepSeek-V3.1']);
  });

  it('calls OpenAI through its own client (Chat Completions) when a key is set', async () => {
    const { gateway } = setup({
      config: { providers: { openai: { apiKey: 'sk-openai', baseUrl: server.url } } },
    });
    await gateway.generateObject(SPEC_REQUEST);
    const request = server.chatRequests()[0];
    expect(request?.headers.authorization).toBe('Bearer sk-openai');
    expect(request?.body).toMatchObject({
      model: 'gpt-4.1',
      response_format: { type: 'json_schema', json_schema: { name: 'spec_analysis', strict: true } },
    });
  });

  it('exchanges Databricks client credentials for an OAuth token, once', async () => {
    const { gateway } = setup({ config: {} });
    const credentials = {
      databricks: { clientId: 'sp-id', clientSecret: 'sp-secret', apiBase: server.origin },
    };
    const request = { ...SPEC_REQUEST, model: 'databricks/databricks-claude-sonnet-4-5', credentials };
    await gateway.generateObject(request);
    await gateway.generateObject(request);

    const tokenRequests = server.requests.filter((r) => r.path === '/oidc/v1/token');
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from('sp-id:sp-secret').toString('base64')}`,
    );
    expect(tokenRequests[0]?.body).toBe('grant_type=client_credentials&scope=all-apis');
    const chats = server.chatRequests();
    expect(chats.map((r) => r.path)).toEqual([
      '/serving-endpoints/chat/completions',
      '/serving-endpoints/chat/completions',
    ]);
    expect(chats[0]?.headers.authorization).toBe('Bearer fake-oauth-token-1');
    expect(chats[0]?.body.model).toBe('databricks-claude-sonnet-4-5');
  });
});

describe('adaptive concurrency', () => {
  it('serves 60 calls through a server capped at 8 concurrent without failures', async () => {
    await server.close();
    server = await startFakeOpenAI({ maxConcurrent: 8, latencyMs: 40, retryAfter: '0' });
    const { gateway, calls } = setup({ sleep: undefined, retry: { maxAttempts: 10 } });
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        gateway.generateObject({ ...SPEC_REQUEST, messages: [{ role: 'user', content: `sample ${i}` }] }),
      ),
    );
    expect(results).toHaveLength(60);
    expect(calls.filter((c) => c.outcome === 'ok')).toHaveLength(60);
    expect(server.peakInFlight).toBeLessThanOrEqual(8 + 2);
    const stats = gateway.stats()['gateway:openai/gpt-4.1'];
    expect(stats).toMatchObject({ inFlight: 0, queued: 0, successes: 60, throttles: server.rejected });
    // The limit grew past the cap once, was halved, and grew back towards it.
    expect(stats?.throttles).toBeGreaterThanOrEqual(1);
    expect(stats?.limit).toBeGreaterThanOrEqual(4);
    expect(stats?.limit).toBeLessThanOrEqual(10);
  });
});

describe('tools', () => {
  /** A chat completion whose assistant message calls `name` with `args`. */
  const toolCall = (id: string, name: string, args: object) => ({
    body: {
      id: 'chatcmpl-tool',
      object: 'chat.completion',
      created: 0,
      model: 'gpt-4.1',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [{ id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
          },
        },
      ],
      usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 },
    },
  });

  const sum = {
    description: 'Adds numbers exactly',
    inputSchema: z.object({ numbers: z.array(z.number()) }),
    execute: async ({ numbers }: { numbers: number[] }) => {
      if (numbers.length === 0) throw new Error('give at least one number');
      return String(numbers.reduce((a, b) => a + b, 0));
    },
  };

  it('runs the tools the model calls, sends their answers back and returns the final reply', async () => {
    const { gateway, calls } = setup();
    server.reply(
      toolCall('call_1', 'sum', { numbers: [] }),
      toolCall('call_2', 'sum', { numbers: [19.99, 5.01, 75] }),
      { content: 'The invoice total is 100.00.', usage: { prompt_tokens: 300, completion_tokens: 20 } },
    );
    const result = await gateway.generateText({
      model: 'openai/gpt-4.1',
      stage: 'generation',
      messages: [{ role: 'user', content: 'Write an invoice line with its total.' }],
      tools: { sum },
    });
    expect(result.text).toBe('The invoice total is 100.00.');
    const requests = server.chatRequests();
    expect(requests).toHaveLength(3);
    expect(requests[0]!.body.tools.map((t: { function: { name: string } }) => t.function.name)).toEqual([
      'sum',
    ]);
    // A tool error goes back to the model as the answer, so it can correct its input.
    const firstAnswer = requests[1]!.body.messages.at(-1);
    expect(firstAnswer).toMatchObject({ role: 'tool', tool_call_id: 'call_1' });
    expect(JSON.stringify(firstAnswer.content)).toContain('give at least one number');
    expect(JSON.stringify(requests[2]!.body.messages.at(-1).content)).toContain('100');
    // Usage covers every step of the loop.
    expect(result.usage.inputTokens).toBe(500);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.usage.inputTokens).toBe(500);
  });

  it('stops after maxToolSteps rounds of calls', async () => {
    const { gateway } = setup();
    server.setHandler(() => toolCall('call_x', 'sum', { numbers: [1] }));
    const result = await gateway.generateText({
      model: 'openai/gpt-4.1',
      stage: 'generation',
      messages: [{ role: 'user', content: 'Loop forever.' }],
      tools: { sum },
      maxToolSteps: 2,
    });
    expect(server.chatRequests()).toHaveLength(3);
    expect(result.text).toBe('');
  });

  it('works with structured output: the object comes from the reply after the tool calls', async () => {
    const { gateway } = setup();
    server.reply(toolCall('call_1', 'sum', { numbers: [2, 3] }), {
      json: { data_property_variations: [{ property_name: 'total', property_values: ['5'] }] },
    });
    const result = await gateway.generateObject({ ...SPEC_REQUEST, tools: { sum } });
    expect(result.object.data_property_variations[0]!.property_values).toEqual(['5']);
    expect(server.chatRequests()).toHaveLength(2);
  });
});
