import { describe, expect, it } from 'vitest';
import type { LlmGateway, StructuredRequest } from '../../llm/types.js';
import { parseSpecYaml, serialiseSpec, validateSpec } from '../../spec/index.js';
import { analyzeSeeds, type SpecAnalysisOptions } from './analyze.js';
import type { SeedCorpus } from './corpus.js';
import type { ChunkAnalysis, SpecReply } from './schemas.js';

const options: SpecAnalysisOptions = {
  generateDistributions: true,
  generateConditionalDistributions: false,
  extrapolateValues: false,
  extrapolateAxes: false,
};

/** A gateway that answers from a script and records what it was asked. */
function scriptedGateway(answer: (req: StructuredRequest<unknown>) => unknown) {
  const requests: StructuredRequest<unknown>[] = [];
  let inFlight = 0;
  let peak = 0;
  const gateway: LlmGateway = {
    async generateObject<T>(req: StructuredRequest<T>) {
      requests.push(req as StructuredRequest<unknown>);
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      const object = req.schema.parse(answer(req as StructuredRequest<unknown>));
      return {
        object,
        usage: { inputTokens: 100, outputTokens: 50, cachedInputTokens: 0, thinkingTokens: 0 },
        costUsd: 0.01,
        calls: 1,
      };
    },
    async generateText() {
      throw new Error('not used');
    },
  };
  return { gateway, requests, peak: () => peak };
}

const reply: SpecReply = {
  description: 'Support tickets from customers',
  requirements: ['Starts with a subject line', 'Written by a customer'],
  data_property_variations: [
    {
      property_name: 'topic',
      property_description: 'What the ticket is about',
      values: [
        { value: 'billing', percent: 33.3 },
        { value: 'bug', percent: 33.3 },
        { value: 'feature', percent: 33.3 },
      ],
      conditional: null,
    },
  ],
};

const docs = (n: number): SeedCorpus => ({
  datasetType: 'MULTI_FILE',
  documents: Array.from({ length: n }, (_, i) => ({
    path: `t${i}.txt`,
    folder: null,
    text: `Ticket ${i}: ${'words '.repeat(50)}`,
  })),
});

describe('analyzeSeeds', () => {
  it('analyses a small corpus in one call and returns a valid, normalised spec', async () => {
    const { gateway, requests } = scriptedGateway(() => reply);
    const result = await analyzeSeeds({ model: 'openai/gpt-4.1', seeds: docs(3), options }, { llm: gateway });
    expect(requests).toHaveLength(1);
    expect(requests[0]!.stage).toBe('spec');
    expect(requests[0]!.messages[0]!.content).toContain('Ticket 2');
    expect(result.chunks).toBe(1);
    expect(result.calls).toBe(1);
    expect(validateSpec(result.content)).toEqual([]);
    expect(result.content.data_property_variations[0]!.base_distributions).toEqual({
      billing: 34,
      bug: 33,
      feature: 33,
    });
    expect(result.content.requirements).toBe('- Starts with a subject line\n- Written by a customer');
    // The result survives a YAML round trip.
    expect(parseSpecYaml(serialiseSpec(result.content))).toEqual(result.content);
  });

  it('splits a large corpus into chunks analysed concurrently, then merges them in one more call', async () => {
    const chunkReply: ChunkAnalysis = {
      description: 'tickets',
      requirements: ['subject line'],
      properties: [
        { property_name: 'topic', property_description: 'topic', values: [{ value: 'billing', count: 3 }] },
      ],
    };
    const { gateway, requests, peak } = scriptedGateway((req) =>
      req.schemaName === 'portion_analysis' ? chunkReply : reply,
    );
    const result = await analyzeSeeds(
      { model: 'openai/gpt-4.1', seeds: docs(40), options, limits: { chunkTokens: 500, maxChunks: 8 } },
      { llm: gateway },
    );
    const portions = requests.filter((r) => r.schemaName === 'portion_analysis');
    expect(portions.length).toBe(result.chunks);
    expect(result.chunks).toBeGreaterThan(2);
    expect(result.chunks).toBeLessThanOrEqual(8);
    expect(requests).toHaveLength(result.chunks + 1);
    expect(requests[requests.length - 1]!.schemaName).toBe('spec');
    expect(requests[requests.length - 1]!.messages[0]!.content).toContain('"portion":1');
    expect(peak()).toBeGreaterThan(1);
    // Every chunk prompt starts with the same system block, so provider caches can reuse it.
    expect(new Set(portions.map((r) => r.system)).size).toBe(1);
    // Each chunk stays within its budget (500 tokens ~ 2,000 characters, plus the instructions).
    for (const r of portions) expect(r.messages[0]!.content.length).toBeLessThan(2000 + 1500);
    expect(result.costUsd).toBeCloseTo(0.01 * (result.chunks + 1));
  });

  it('writes a seedless spec from the objectives alone', async () => {
    const { gateway, requests } = scriptedGateway(() => reply);
    const result = await analyzeSeeds(
      { model: 'openai/gpt-4.1', seeds: null, objectives: 'Realistic product reviews', options },
      { llm: gateway },
    );
    expect(requests[0]!.messages[0]!.content).toContain('Realistic product reviews');
    expect(result.content.description).toBe('Support tickets from customers');
  });

  it('keeps conditionals only when asked, and uniform distributions when distributions are off', async () => {
    const withConditional: SpecReply = {
      ...reply,
      data_property_variations: [
        ...reply.data_property_variations,
        {
          property_name: 'priority',
          property_description: 'urgency',
          values: [
            { value: 'high', percent: 20 },
            { value: 'low', percent: 80 },
          ],
          conditional: {
            parent_property: 'topic',
            rows: [
              {
                parent_value: 'bug',
                distribution: [
                  { value: 'high', percent: 70 },
                  { value: 'low', percent: 30 },
                ],
              },
            ],
          },
        },
      ],
    };
    const { gateway } = scriptedGateway(() => withConditional);
    const conditional = await analyzeSeeds(
      {
        model: 'openai/gpt-4.1',
        seeds: docs(2),
        options: { ...options, generateConditionalDistributions: true },
      },
      { llm: gateway },
    );
    expect(conditional.content.data_property_variations[1]!.conditional_distributions).toEqual({
      topic: { bug: { high: 70, low: 30 } },
    });
    const plain = await analyzeSeeds({ model: 'openai/gpt-4.1', seeds: docs(2), options }, { llm: gateway });
    expect(plain.content.data_property_variations[1]!.conditional_distributions).toBeUndefined();
    const uniform = await analyzeSeeds(
      { model: 'openai/gpt-4.1', seeds: docs(2), options: { ...options, generateDistributions: false } },
      { llm: gateway },
    );
    expect(uniform.content.data_property_variations[0]!.base_distributions).toEqual({
      billing: 34,
      bug: 33,
      feature: 33,
    });
  });

  it('makes an offline spec from a table with openframer/statistical, without any model call', async () => {
    const { gateway, requests } = scriptedGateway(() => reply);
    const records = Array.from({ length: 200 }, (_, i) => ({
      id: `C-${1000 + i}`,
      plan: i % 4 === 0 ? 'gold' : 'basic',
      age: String(20 + (i % 50)),
      region: ['north', 'south', 'east'][i % 3]!,
    }));
    const result = await analyzeSeeds(
      {
        model: 'openframer/statistical',
        seeds: {
          datasetType: 'SINGLE_FILE',
          table: { fileName: 't.csv', columns: ['id', 'plan', 'age', 'region'], records, total: 200 },
        },
        options,
      },
      { llm: gateway },
    );
    expect(requests).toHaveLength(0);
    const byName = new Map(result.content.data_property_variations.map((p) => [p.property_name, p]));
    expect(byName.get('plan')!.base_distributions).toEqual({ basic: 75, gold: 25 });
    expect(byName.get('region')!.base_distributions).toEqual({ north: 34, south: 33, east: 33 });
    expect(byName.has('id')).toBe(false);
    expect(byName.get('age')!.property_values).toHaveLength(4);
    expect(validateSpec(result.content)).toEqual([]);
    expect(result.content.requirements).toMatch(/id: unique identifier/);
  });
});
