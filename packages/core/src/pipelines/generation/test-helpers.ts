/** Shared by the generation tests (not exported from the package): a scripted gateway and contexts. */
import type { LlmGateway, LlmRequest, StructuredRequest } from '../../llm/types.js';
import { createRng } from '../../sampling/rng.js';
import type { SpecContent } from '../../spec/types.js';
import type { GenerationContext, OutputShape, RunParams, SeedExample } from './types.js';

export interface ScriptedCall {
  kind: 'object' | 'text';
  request: LlmRequest & { schemaName?: string; schema?: StructuredRequest<unknown>['schema'] };
  /** The user message. */
  user: string;
}

export type Answer = (call: ScriptedCall, index: number) => unknown | Promise<unknown>;

/**
 * An in-memory gateway answering from a script: the answer for a structured call is validated against
 * the request's schema like the real gateway would; a thrown answer is an LLM failure. Honours aborts.
 */
export function scriptedGateway(answer: Answer, options: { delayMs?: number } = {}) {
  const calls: ScriptedCall[] = [];
  let inFlight = 0;
  let peak = 0;
  const usage = { inputTokens: 100, outputTokens: 50, cachedInputTokens: 10, thinkingTokens: 0 };
  const run = async (kind: ScriptedCall['kind'], request: ScriptedCall['request']) => {
    const call: ScriptedCall = { kind, request, user: request.messages[0]?.content ?? '' };
    const index = calls.push(call) - 1;
    inFlight++;
    peak = Math.max(peak, inFlight);
    try {
      await new Promise<void>((resolve, reject) => {
        const signal = request.signal;
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(resolve, options.delayMs ?? 1);
        signal?.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            reject(signal.reason);
          },
          { once: true },
        );
      });
      return await answer(call, index);
    } finally {
      inFlight--;
    }
  };
  const gateway: LlmGateway = {
    async generateObject<T>(req: StructuredRequest<T>) {
      const value = await run('object', req as ScriptedCall['request']);
      return { object: req.schema.parse(value), usage: { ...usage }, costUsd: 0.01, calls: 1 };
    },
    async generateText(req: LlmRequest) {
      const value = await run('text', req);
      return { text: String(value), usage: { ...usage }, costUsd: 0.01, calls: 1 };
    },
  };
  return { gateway, calls, peak: () => peak, inFlight: () => inFlight };
}

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ren',
  'tu',
  'vos',
  'pel',
  'dar',
  'sio',
  'qua',
  'nex',
  'bri',
  'fo',
  'gul',
];

/** Text of made-up words, different for each seed: stands in for a model's fresh prose. */
export function prose(seed: string | number, words = 60): string {
  const rng = createRng(`prose/${seed}`);
  return Array.from({ length: words }, () =>
    Array.from({ length: 2 + rng.int(2) }, () => rng.pick(SYLLABLES)).join(''),
  ).join(' ');
}

export const SPEC: SpecContent = {
  description: 'Customer support tickets',
  requirements: '- Written by a customer\n- Mentions an order number',
  data_property_variations: [
    { property_name: 'topic', property_values: ['refund', 'bug', 'shipping'] },
    { property_name: 'tone', property_values: ['calm', 'angry'] },
  ],
};

export const PARAMS: RunParams = {
  number_of_samples: 3,
  generation_model: 'openai/gpt-4.1',
  outline_model: 'openai/gpt-4.1-mini',
  revision_model: null,
  enable_revisions: false,
  max_revision_cycles: null,
  revision_types: [],
  filtering_types: ['format', 'seed_duplicate', 'sample_duplicate'],
  seed_shuffling_level: 'none',
  max_examples_in_prompt: null,
  unified_multifield: true,
  generation_thinking_budget: null,
  outline_thinking_budget: null,
  revision_thinking_budget: null,
  skip_outline: false,
  tools: null,
  sql_validation_level: null,
};

export function docSeeds(n: number, ext = 'txt'): SeedExample[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `seed${i}.${ext}`,
    files: [{ name: `seed${i}.${ext}`, content: `Seed ticket ${i}. ${prose(`seed${i}`, 40)}` }],
  }));
}

export function makeCtx(
  overrides: Partial<Omit<GenerationContext, 'params'>> & { params?: Partial<RunParams> } = {},
): GenerationContext {
  const shape: OutputShape = overrides.shape ?? { kind: 'document', format: 'txt', extension: '.txt' };
  return {
    runId: 'run1',
    seed: 'run-seed',
    spec: SPEC,
    datasetType:
      shape.kind === 'table' ? 'SINGLE_FILE' : shape.kind === 'folder' ? 'MULTI_FOLDER' : 'MULTI_FILE',
    seedless: false,
    seeds: docSeeds(4),
    ...overrides,
    shape,
    params: { ...PARAMS, ...overrides.params },
  };
}

/** The planned samples of a test: assignment values carry the index so prompts can be told apart. */
export function plan(n: number, from = 0) {
  return Array.from({ length: n }, (_, i) => ({
    index: from + i,
    assignment: { topic: ['refund', 'bug', 'shipping'][(from + i) % 3]!, tone: `tone${from + i}` },
  }));
}

/** Outline reply with sections of the given word counts. */
export function outline(words: number[]) {
  return {
    title: 'A ticket',
    sections: words.map((w, i) => ({
      heading: `Section ${i + 1}`,
      summary: `What part ${i + 1} says`,
      target_words: w,
    })),
  };
}
