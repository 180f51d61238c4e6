import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { streamText } from 'ai';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeOpenAI, startFakeOpenAI } from '../../test/support/fake-openai.js';

/** The fake server is shared test support; these pin the behaviour other suites rely on. */
let server: FakeOpenAI | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function post(url: string, body: unknown): Promise<Response> {
  return fetch(`${url}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('startFakeOpenAI', () => {
  it('streams over SSE with usage when the client asks', async () => {
    server = await startFakeOpenAI({ usage: { prompt_tokens: 12, completion_tokens: 7 } });
    const provider = createOpenAICompatible({ name: 'fake', baseURL: server.url, includeUsage: true });
    const result = streamText({ model: provider.chatModel('m'), prompt: 'hi', maxRetries: 0 });
    expect(await result.text).toBe('This is a reply from the fake OpenAI-compatible server.');
    expect((await result.usage).inputTokens).toBe(12);
    expect(server.chatRequests()[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('refuses requests above maxConcurrent with 429 and Retry-After, and counts the peak', async () => {
    server = await startFakeOpenAI({ maxConcurrent: 1, latencyMs: 100, retryAfter: '1' });
    const responses = await Promise.all([1, 2, 3].map(() => post(server!.url, { model: 'm', messages: [] })));
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 429, 429]);
    expect(responses.find((r) => r.status === 429)?.headers.get('retry-after')).toBe('1');
    // Refusals are answered at once, so they may or may not overlap each other.
    expect(server.peakInFlight).toBeGreaterThanOrEqual(2);
    expect(server.rejected).toBe(2);
    expect(server.inFlight).toBe(0);
  });

  it('plays scripted replies before the handler, and the handler before the default', async () => {
    server = await startFakeOpenAI();
    server.failNext(1, 503, { retryAfterMs: '20', message: 'busy' });
    server.reply({ content: 'scripted', usage: { prompt_tokens: 3, cached_tokens: 2, reasoning_tokens: 1 } });
    server.setHandler((body, { index }) => ({ content: `handled ${index} for ${body.model}` }));
    const first = await post(server.url, { model: 'm', messages: [] });
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after-ms')).toBe('20');
    expect(await first.json()).toEqual({ error: { message: 'busy', type: 'fake_error', code: 503 } });
    // biome-ignore lint/suspicious/noExplicitAny: a raw Chat Completions body
    const second: any = await (await post(server.url, { model: 'm', messages: [] })).json();
    expect(second.choices[0].message.content).toBe('scripted');
    expect(second.usage).toEqual({
      prompt_tokens: 3,
      completion_tokens: 5,
      total_tokens: 8,
      prompt_tokens_details: { cached_tokens: 2 },
      completion_tokens_details: { reasoning_tokens: 1 },
    });
    // biome-ignore lint/suspicious/noExplicitAny: a raw Chat Completions body
    const third: any = await (await post(server.url, { model: 'x', messages: [] })).json();
    expect(third.choices[0].message.content).toBe('handled 2 for x');
  });
});
