import { describe, expect, it } from 'vitest';
import { LlmOutputError } from '../../llm/errors.js';
import type { LlmGateway, StructuredRequest } from '../../llm/types.js';
import type { SpecContent } from '../../spec/types.js';
import type { SeedCorpus } from '../spec-analysis/corpus.js';
import { evaluateSamples } from './evaluate.js';
import type { EvaluationInput, EvaluationSample, TableQuality, TextQuality } from './types.js';

/** A gateway that answers from a script and records what it was asked. */
function scriptedGateway(answer: (req: StructuredRequest<unknown>, ids: string[]) => unknown) {
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
      const ids = [...(req.messages[0]!.content.matchAll(/<sample id="([^"]+)">/g) ?? [])].map((m) => m[1]!);
      const object = req.schema.parse(answer(req as StructuredRequest<unknown>, ids));
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

const spec: SpecContent = {
  description: 'Customer support tickets',
  requirements: '- Starts with a subject line',
  data_property_variations: [
    {
      property_name: 'topic',
      property_description: 'What the ticket is about',
      property_values: ['refund', 'bug', 'feature'],
      base_distributions: { refund: 50, bug: 30, feature: 20 },
    },
    {
      property_name: 'tone',
      property_values: ['formal', 'casual'],
      base_distributions: { formal: 50, casual: 50 },
    },
  ],
};

const TOPICS = ['refund', 'refund', 'refund', 'refund', 'refund', 'bug', 'bug', 'bug', 'feature', 'feature'];

const documents = (): EvaluationSample[] =>
  TOPICS.map((topic, i) => ({
    index: i,
    assignment: { topic, tone: i % 2 ? 'casual' : 'formal' },
    files: [
      {
        name: `sample_${i + 1}.txt`,
        content: `Subject: ${topic} ${i}\nTICKET-${i} about ${topic}, written in a ${i % 2 ? 'casual' : 'formal'} way. ${'more words here '.repeat(i + 3)}`,
      },
    ],
  }));

const seeds: SeedCorpus = {
  datasetType: 'MULTI_FILE',
  documents: [
    { path: 'a.txt', folder: null, text: 'Subject: refund please\nI was charged twice for my order.' },
    { path: 'b.txt', folder: null, text: 'Subject: crash\nThe app crashes when I open settings today.' },
  ],
};

const input = (over: Partial<EvaluationInput> = {}): EvaluationInput => ({
  model: 'openai/gpt-4.1',
  spec,
  datasetType: 'MULTI_FILE',
  samples: documents(),
  seeds,
  limits: { batchSize: 4 },
  ...over,
});

/** Classifies by what the text says: the `feature` tickets are read as `bug` (a disagreement). */
function classifier(req: StructuredRequest<unknown>, ids: string[]) {
  if (req.schemaName === 'evaluation_summary') {
    return {
      conformance_explanation: 'Score 90 because feature tickets read as bugs.',
      conformant_areas: 'tone: 100% agreement.',
      non_conformant_areas: 'topic: feature requested 20%, evaluated 0%.',
    };
  }
  const text = req.messages[0]!.content;
  return Object.fromEntries(
    ids.map((id) => {
      const block = text.split(`<sample id="${id}">`)[1]!.split('</sample>')[0]!;
      const topic = /about (\w+)/.exec(block)![1]!;
      const tone = /a (\w+) way/.exec(block)![1]!;
      return [id, { classifications: { topic: topic === 'feature' ? 'bug' : topic, tone } }];
    }),
  );
}

describe('evaluateSamples with a model', () => {
  it('classifies in concurrent batches, compares with the assignments and scores the disagreement', async () => {
    const { gateway, requests, peak } = scriptedGateway(classifier);
    const result = await evaluateSamples(input(), { llm: gateway });
    const classify = requests.filter((r) => r.schemaName === 'sample_classifications');
    // 10 samples in batches of 4: 4 + 4 + 2, all in flight together; then one summary call.
    expect(classify).toHaveLength(3);
    expect(peak()).toBeGreaterThanOrEqual(3);
    expect(requests.filter((r) => r.schemaName === 'evaluation_summary')).toHaveLength(1);
    expect(requests.every((r) => r.stage === 'evaluation')).toBe(true);
    // The classifier does not see the requested rates, nor the assignments.
    expect(classify[0]!.system).not.toContain('50%');
    expect(classify[0]!.messages[0]!.content).not.toContain('assign');

    const topic = result.distribution_analysis.find((a) => a.property_name === 'topic')!;
    expect(topic).toMatchObject({
      total_samples: 10,
      total_samples_analyzed: 10,
      requested_distributions: { refund: 50, bug: 30, feature: 20 },
      expected_distributions: { refund: 50, bug: 30, feature: 20 },
      evaluated_distributions: { refund: 50, bug: 50, feature: 0 },
      assignment_agreement: 0.8,
      tvd_requested_evaluated: 0.2,
      property_score: 80,
    });
    // topic 80, tone 100.
    expect(result.conformance_score).toBe(90);
    expect(result.sample_classifications).toHaveLength(10);
    expect(result.sample_classifications[8]).toMatchObject({
      sample_identifier: 'sample_9',
      assignment: { topic: 'feature', tone: 'formal' },
      classifications: { topic: 'bug', tone: 'formal' },
      sub_file_classifications: null,
    });
    expect(result.conformance_explanation).toBe('Score 90 because feature tickets read as bugs.');
    expect(result.trace).toMatchObject({ classifier: 'model', batches: 3, summary_by_model: true });
    expect(result.calls).toBe(4);
    expect(result.costUsd).toBeCloseTo(0.04);

    // The summary is written from the computed numbers, which the model is given.
    const summaryPrompt = requests.find((r) => r.schemaName === 'evaluation_summary')!.messages[0]!.content;
    expect(summaryPrompt).toContain('"conformance_score": 90');
    expect(summaryPrompt).toContain('"assignment_agreement": 0.8');
    expect(summaryPrompt).toContain('"tvd_requested_evaluated": 0.2');

    const quality = result.quality as TextQuality;
    expect(quality.kind).toBe('text');
    expect(quality.texts).toBe(10);
    expect(quality.seed_copy).toEqual({ near_duplicate_of_seed_rate: 0, exact_seed_copy_rate: 0 });
    expect(quality.length.samples!.median).toBeGreaterThan(quality.length.seeds!.median);
  });

  it('splits a batch the model keeps getting wrong and leaves only the hopeless sample unclassified', async () => {
    const { gateway, requests } = scriptedGateway((req, ids) => {
      if (ids.includes('sample_3')) {
        throw new LlmOutputError({
          model: 'openai/gpt-4.1',
          stage: 'evaluation',
          attempts: 3,
          lastError: 'sample_3.topic: invalid option',
          lastText: '{}',
        });
      }
      return classifier(req, ids);
    });
    const result = await evaluateSamples(input(), { llm: gateway });
    // Batch 1 (samples 1-4) fails, is retried one by one; sample_3 fails alone too.
    const single = requests.filter(
      (r) =>
        r.schemaName === 'sample_classifications' && r.messages[0]!.content.startsWith('Classify these 1 '),
    );
    expect(single).toHaveLength(4);
    expect(result.trace.unclassified_samples).toBe(1);
    expect(result.sample_classifications[2]!.classifications).toEqual({});
    const topic = result.distribution_analysis[0]!;
    expect(topic.total_samples).toBe(10);
    expect(topic.total_samples_analyzed).toBe(9);
    expect(result.trace.notes.join(' ')).toMatch(/1 of 10 samples could not be classified/);
  });

  it('fails on errors that splitting cannot help (e.g. the provider is down)', async () => {
    const { gateway } = scriptedGateway(() => {
      throw Object.assign(new Error('provider unavailable'), { kind: 'unavailable' });
    });
    await expect(evaluateSamples(input(), { llm: gateway })).rejects.toThrow(/provider unavailable/);
  });

  it('keeps the numbers when the summary call fails: the template writes the explanation', async () => {
    const { gateway } = scriptedGateway((req, ids) => {
      if (req.schemaName === 'evaluation_summary') throw new Error('summary failed');
      return classifier(req, ids);
    });
    const result = await evaluateSamples(input(), { llm: gateway });
    expect(result.conformance_score).toBe(90);
    expect(result.trace.summary_by_model).toBe(false);
    expect(result.conformance_explanation).toMatch(
      /^Conformance score 90\/100 over 2 properties and 10 samples/,
    );
    expect(result.conformant_areas).toMatch(/^tone \(score 100\)/);
    expect(result.non_conformant_areas).toMatch(
      /topic \(score 80\): 80% of samples show their assigned value/,
    );
    expect(result.non_conformant_areas).toContain('feature requested 20%, evaluated 0%');
  });

  it('classifies folders as a whole and file by file (sub_file_classifications)', async () => {
    const folders: EvaluationSample[] = [0, 1].map((i) => ({
      index: i,
      assignment: { topic: i ? 'bug' : 'refund', tone: 'formal' },
      files: [
        { name: 'intake.txt', content: `intake ${i}` },
        { name: 'labs.json', content: `{"n": ${i}}` },
      ],
    }));
    const { gateway, requests } = scriptedGateway((req, ids) => {
      if (req.schemaName === 'evaluation_summary') {
        return { conformance_explanation: 'x', conformant_areas: 'y', non_conformant_areas: 'z' };
      }
      return Object.fromEntries(
        ids.map((id) => [
          id,
          {
            classifications: { topic: id === 'sample_1' ? 'refund' : 'bug', tone: 'formal' },
            files: {
              'intake.txt': { topic: id === 'sample_1' ? 'refund' : 'bug', tone: 'formal' },
              'labs.json': { topic: null, tone: 'formal' },
            },
          },
        ]),
      );
    });
    const result = await evaluateSamples(
      input({ datasetType: 'MULTI_FOLDER', samples: folders, seeds: null }),
      { llm: gateway },
    );
    expect(requests[0]!.system).toContain('folder of related files');
    expect(result.sample_classifications[0]!.sub_file_classifications).toEqual({
      topic: { refund: ['intake.txt'] },
      tone: { formal: ['intake.txt', 'labs.json'] },
    });
    expect(result.distribution_analysis[0]!.assignment_agreement).toBe(1);
    expect((result.quality as TextQuality).seed_copy).toBeNull();
  });

  it('shows table records to the model as JSON and computes the table quality block', async () => {
    const rows: EvaluationSample[] = TOPICS.map((topic, i) => ({
      index: i,
      assignment: { topic, tone: 'formal' },
      record: { subject: `about ${topic}`, body: `written in a formal way ${i}` },
    }));
    const { gateway, requests } = scriptedGateway(classifier);
    const result = await evaluateSamples(
      input({
        datasetType: 'SINGLE_FILE',
        samples: rows,
        seeds: {
          datasetType: 'SINGLE_FILE',
          table: {
            fileName: 't.csv',
            columns: ['subject', 'body'],
            records: rows.map((r) => r.record!),
            total: 10,
          },
        },
      }),
      { llm: gateway },
    );
    expect(requests[0]!.system).toContain('one record of a table, given as JSON');
    expect(requests[0]!.messages[0]!.content).toContain('{"subject":"about refund"');
    // topic 80 as before; tone all formal (agreement 1, TVD 0.5 from 50/50): 75.
    expect(result.conformance_score).toBe(77.5);
    const quality = result.quality as TableQuality;
    expect(quality.kind).toBe('table');
    // The "synthetic" rows are the seeds themselves here.
    expect(quality.privacy!.identical_row_share).toBe(1);
  });

  it('keeps every batch within the character budget', async () => {
    const { gateway, requests } = scriptedGateway(classifier);
    await evaluateSamples(input({ limits: { batchSize: 10, batchChars: 900 } }), { llm: gateway });
    const classify = requests.filter((r) => r.schemaName === 'sample_classifications');
    expect(classify.length).toBeGreaterThan(1);
    expect(
      classify.reduce((s, r) => s + (r.messages[0]!.content.match(/<sample id=/g) ?? []).length, 0),
    ).toBe(10);
  });
});

describe('evaluateSamples with openframer/statistical', () => {
  const tableSpec: SpecContent = {
    description: 'Insurance claims',
    requirements: '',
    data_property_variations: [
      {
        property_name: 'policy_type',
        property_values: ['auto', 'home'],
        base_distributions: { auto: 50, home: 50 },
      },
      {
        property_name: 'claim_amount',
        property_values: ['0-999', '1000 to under 5000', '5000 to 99999'],
        base_distributions: { '0-999': 40, '1000 to under 5000': 40, '5000 to 99999': 20 },
      },
      { property_name: 'urgency', property_values: ['low', 'high'] },
    ],
  };
  const seedRecords = Array.from({ length: 40 }, (_, i) => ({
    policy_type: i % 2 ? 'home' : 'auto',
    claim_amount: [250, 1500, 7000, 800][i % 4],
    region: ['north', 'south'][i % 2],
  }));
  const tableSeeds: SeedCorpus = {
    datasetType: 'SINGLE_FILE',
    table: {
      fileName: 'claims.csv',
      columns: ['policy_type', 'claim_amount', 'region'],
      records: seedRecords,
      total: 40,
    },
  };
  const records: EvaluationSample[] = Array.from({ length: 10 }, (_, i) => ({
    index: i,
    assignment: {
      policy_type: i < 5 ? 'auto' : 'home',
      claim_amount: i < 4 ? '0-999' : i < 8 ? '1000 to under 5000' : '5000 to 99999',
      urgency: 'low',
    },
    // Sample 10 (index 9) is an exact copy of a seed row; index 7 says 5000, which is not "under 5000";
    // index 8 was assigned 5000+ but says 1080.
    record:
      i === 9
        ? { ...seedRecords[2]! }
        : {
            policy_type: i < 5 ? 'auto' : 'home',
            claim_amount: i < 4 ? 100 + i : i === 7 ? 5000 : 1000 + i * 10,
            region: 'west',
          },
  }));

  it('classifies records by their column values, offline, and computes the table quality block', async () => {
    const gateway: LlmGateway = {
      generateObject: () => Promise.reject(new Error('no model calls offline')),
      generateText: () => Promise.reject(new Error('no model calls offline')),
    };
    const result = await evaluateSamples(
      {
        model: 'openframer/statistical',
        spec: tableSpec,
        datasetType: 'SINGLE_FILE',
        samples: records,
        seeds: tableSeeds,
        columns: ['policy_type', 'claim_amount', 'region'],
      },
      { llm: gateway },
    );
    expect(result.trace).toMatchObject({ classifier: 'column_values', batches: 0, summary_by_model: false });
    expect(result.calls).toBe(0);
    expect(result.sample_classifications[7]!.classifications).toEqual({
      policy_type: 'home',
      claim_amount: '5000 to 99999',
    });
    const [policy, amount, urgency] = result.distribution_analysis;
    // index 9 is the seed copy: auto, 7000 -> the 5000+ bin; its assignment was home / 5000+.
    expect(policy).toMatchObject({
      assignment_agreement: 0.9,
      evaluated_distributions: { auto: 60, home: 40 },
    });
    // index 7 (5000) lands in 5000+ instead of its assigned bin, index 8 (1080) the other way round.
    expect(amount).toMatchObject({
      assignment_agreement: 0.8,
      evaluated_distributions: { '0-999': 40, '1000 to under 5000': 40, '5000 to 99999': 20 },
      tvd_requested_evaluated: 0,
      property_score: 90,
    });
    expect(urgency!.property_score).toBeNull();
    expect(result.conformance_explanation).toMatch(/urgency names no column/);
    expect(result.conformance_score).toBe(
      Math.round(((policy!.property_score! + amount!.property_score!) / 2) * 10) / 10,
    );
    const quality = result.quality as TableQuality;
    expect(quality.kind).toBe('table');
    expect(quality.rows).toEqual({ synthetic: 10, seed: 40 });
    expect(quality.privacy!.identical_row_share).toBe(0.1);
    expect(quality.privacy!.dcr_share).toBeGreaterThanOrEqual(0);
    expect(quality.fidelity!.univariate).toBeGreaterThan(0);
    expect(quality.fidelity!.univariate).toBeLessThanOrEqual(1);
    expect(quality.columns.map((c) => c.column)).toEqual(['policy_type', 'claim_amount', 'region']);
  });

  it('does not classify documents offline and says so; the quality block is still there', async () => {
    const gateway: LlmGateway = {
      generateObject: () => Promise.reject(new Error('no model calls offline')),
      generateText: () => Promise.reject(new Error('no model calls offline')),
    };
    const result = await evaluateSamples(input({ model: 'openframer/statistical' }), { llm: gateway });
    expect(result.conformance_score).toBeNull();
    expect(result.trace.classifier).toBe('none');
    expect(result.conformance_explanation).toMatch(/cannot read documents/);
    expect(result.distribution_analysis[0]).toMatchObject({ total_samples: 10, total_samples_analyzed: 0 });
    expect(result.sample_classifications.every((c) => Object.keys(c.classifications).length === 0)).toBe(
      true,
    );
    expect((result.quality as TextQuality).diversity.distinct_1).toBeGreaterThan(0);
  });
});
