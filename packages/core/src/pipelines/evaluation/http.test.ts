import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChatBody, type FakeOpenAI, startFakeOpenAI } from '../../../test/support/fake-openai.js';
import { createLlmGateway } from '../../llm/gateway.js';
import type { LlmCallRecord } from '../../llm/types.js';
import type { SpecContent } from '../../spec/types.js';
import { evaluateSamples } from './evaluate.js';
import type { EvaluationSample } from './types.js';

// The classifier path over real HTTP: the gateway, the JSON schema it sends, the fake server's replies.

let server: FakeOpenAI;

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  await server?.close();
});

const spec: SpecContent = {
  description: 'Product reviews',
  requirements: '',
  data_property_variations: [
    {
      property_name: 'sentiment',
      property_values: ['positive', 'neutral', 'negative'],
      base_distributions: { positive: 40, neutral: 30, negative: 30 },
    },
  ],
};

// 20 samples planned 8 / 6 / 6; the texts say what they are, except that every neutral one is glowing.
const PLAN = [
  ...Array(8).fill('positive'),
  ...Array(6).fill('neutral'),
  ...Array(6).fill('negative'),
] as string[];
const samples: EvaluationSample[] = PLAN.map((sentiment, i) => ({
  index: i,
  assignment: { sentiment },
  files: [
    {
      name: `sample_${i + 1}.txt`,
      content: `Review ${i}: ${sentiment === 'neutral' ? 'positive' : sentiment}`,
    },
  ],
}));

/** Reads each sample's text from the prompt and answers what it says. */
function reader(body: ChatBody) {
  const format = body.response_format?.json_schema;
  if (format?.name === 'evaluation_summary') {
    return {
      json: {
        conformance_explanation: 'Neutral reviews read as positive.',
        conformant_areas: 'None.',
        non_conformant_areas: 'sentiment: neutral requested 30%, evaluated 0%.',
      },
    };
  }
  const prompt = body.messages.map((m: { content: string }) => m.content).join('\n');
  const ids: string[] = Object.keys(format.schema.properties);
  return {
    json: Object.fromEntries(
      ids.map((id) => {
        const text = prompt.split(`<sample id="${id}">`)[1]!.split('</sample>')[0]!;
        return [id, { classifications: { sentiment: /: (\w+)/.exec(text)![1] } }];
      }),
    ),
  };
}

describe('evaluation over HTTP (fake OpenAI-compatible server)', () => {
  it('sends one strict schema per batch keyed by sample id and scores what the replies say', async () => {
    server.setHandler(reader);
    const records: LlmCallRecord[] = [];
    const gateway = createLlmGateway({
      config: { gatewayBaseUrl: server.url, gatewayApiKey: 'k' },
      onCall: (r) => records.push(r),
      sleep: async () => {},
    });
    const result = await evaluateSamples(
      { model: 'openai/gpt-4.1', spec, datasetType: 'MULTI_FILE', samples, seeds: null },
      { llm: gateway },
    );
    const chat = server.chatRequests();
    // 20 samples, 10 per call, then the summary.
    expect(chat).toHaveLength(3);
    const schema = chat[0]!.body.response_format.json_schema;
    expect(schema.name).toBe('sample_classifications');
    expect(Object.keys(schema.schema.properties)).toHaveLength(10);
    expect(records.every((r) => r.stage === 'evaluation' && r.outcome === 'ok')).toBe(true);

    const [sentiment] = result.distribution_analysis;
    expect(sentiment).toMatchObject({
      requested_distributions: { positive: 40, neutral: 30, negative: 30 },
      expected_distributions: { positive: 40, neutral: 30, negative: 30 },
      evaluated_distributions: { positive: 70, neutral: 0, negative: 30 },
      assignment_agreement: 0.7,
      tvd_requested_evaluated: 0.3,
    });
    // 50 × 0.7 + 50 × (1 − 0.3) = 70.
    expect(result.conformance_score).toBe(70);
    expect(result.non_conformant_areas).toContain('neutral requested 30%');
    expect(result.sample_classifications[9]).toMatchObject({
      sample_identifier: 'sample_10',
      assignment: { sentiment: 'neutral' },
      classifications: { sentiment: 'positive' },
    });
  });

  it('asks again when a reply names a value outside the property, then uses the corrected one', async () => {
    let bad = true;
    server.setHandler((body) => {
      if (bad && body.response_format?.json_schema?.name === 'sample_classifications') {
        bad = false;
        const ids: string[] = Object.keys(body.response_format.json_schema.schema.properties);
        return {
          json: Object.fromEntries(ids.map((id) => [id, { classifications: { sentiment: 'ecstatic' } }])),
        };
      }
      return reader(body);
    });
    const gateway = createLlmGateway({
      config: { gatewayBaseUrl: server.url, gatewayApiKey: 'k' },
      sleep: async () => {},
    });
    const before = server.chatRequests().length;
    const result = await evaluateSamples(
      {
        model: 'openai/gpt-4.1',
        spec,
        datasetType: 'MULTI_FILE',
        samples: samples.slice(0, 5),
        seeds: null,
      },
      { llm: gateway },
    );
    // One batch rejected, one correction, one summary.
    expect(server.chatRequests().length - before).toBe(3);
    expect(result.trace.unclassified_samples).toBe(0);
    expect(result.distribution_analysis[0]!.evaluated_distributions).toEqual({
      positive: 100,
      neutral: 0,
      negative: 0,
    });
  });
});
