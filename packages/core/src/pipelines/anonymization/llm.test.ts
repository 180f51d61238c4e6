import { describe, expect, it } from 'vitest';
import type { LlmGateway } from '../../llm/types.js';
import { LLM_SCORE, LlmDetector, verifySpans } from './llm.js';

const labels = new Set(['first_name', 'email']);

describe('verifySpans', () => {
  const text = 'Ana wrote to bo@example.org; later Ana called.';
  it('keeps spans at their offsets and adds the other occurrences', () => {
    expect(verifySpans(text, [{ text: 'Ana', label: 'first_name', start: 0, end: 3 }], labels)).toEqual([
      { start: 0, end: 3, label: 'first_name', score: LLM_SCORE },
      { start: 35, end: 38, label: 'first_name', score: LLM_SCORE },
    ]);
  });
  it('re-locates a span whose offsets are wrong, and drops one that is not in the text', () => {
    const out = verifySpans(
      text,
      [
        { text: 'bo@example.org', label: 'email', start: 2, end: 9 },
        { text: 'Carla', label: 'first_name', start: 0, end: 5 },
        { text: 'Ana', label: 'ssn', start: 0, end: 3 },
      ],
      labels,
    );
    expect(out).toEqual([{ start: 13, end: 27, label: 'email', score: LLM_SCORE }]);
  });
  it('does not match inside longer words', () => {
    expect(
      verifySpans('Anabel and Ana', [{ text: 'Ana', label: 'first_name', start: 0, end: 3 }], labels),
    ).toEqual([{ start: 11, end: 14, label: 'first_name', score: LLM_SCORE }]);
  });
});

describe('LlmDetector', () => {
  it('packs texts into chunks and maps spans back to each text', async () => {
    const prompts: string[] = [];
    const gateway: LlmGateway = {
      async generateObject<T>(request: { messages: { content: string }[] }) {
        const content = request.messages[0]!.content;
        prompts.push(content);
        const entities = [...content.matchAll(/[A-Z][a-z]+/g)]
          .filter((m) => m[0] !== 'Text')
          .map((m) => ({
            text: m[0],
            label: 'first_name',
            start: m.index - 9,
            end: m.index - 9 + m[0].length,
          }));
        return {
          object: { entities } as T,
          usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, thinkingTokens: 0 },
          costUsd: 0,
          calls: 1,
        };
      },
      async generateText() {
        throw new Error('not used');
      },
    } as LlmGateway;
    const detector = new LlmDetector({ gateway, model: 'openai/gpt-4.1', piiTypes: ['first_name'] });
    const found = await detector.detect(['hello Ana', '', 'dear Bo, and Carla']);
    expect(prompts).toHaveLength(1);
    expect(found).toEqual([
      [{ start: 6, end: 9, label: 'first_name', score: LLM_SCORE }],
      [],
      [
        { start: 5, end: 7, label: 'first_name', score: LLM_SCORE },
        { start: 13, end: 18, label: 'first_name', score: LLM_SCORE },
      ],
    ]);
  });
});
