import { describe, expect, it } from 'vitest';
import type { SpecContent } from '../../spec/types.js';
import { analyseDistributions, conformanceScore, propertyScore } from './score.js';
import type { SampleClassification } from './types.js';

const spec: SpecContent = {
  description: 'Support tickets',
  requirements: '',
  data_property_variations: [
    {
      property_name: 'topic',
      property_values: ['refund', 'bug', 'feature'],
      base_distributions: { refund: 50, bug: 30, feature: 20 },
    },
    { property_name: 'tone', property_values: ['formal', 'casual'] },
    { property_name: 'length', property_values: ['short', 'long'] },
  ],
};

const sample = (
  index: number,
  assignment: Record<string, string>,
  classifications: Record<string, string>,
): SampleClassification => ({
  index,
  sample_identifier: `sample_${index + 1}`,
  assignment,
  classifications,
  sub_file_classifications: null,
});

// Ten samples planned exactly by the spec (5 refund, 3 bug, 2 feature; 5 formal, 5 casual); the two
// `feature` samples read as `bug`; tone always agrees; `length` is never classified.
const topics = ['refund', 'refund', 'refund', 'refund', 'refund', 'bug', 'bug', 'bug', 'feature', 'feature'];
const classified = topics.map((topic, i) =>
  sample(
    i,
    { topic, tone: i % 2 ? 'casual' : 'formal', length: 'short' },
    { topic: topic === 'feature' ? 'bug' : topic, tone: i % 2 ? 'casual' : 'formal' },
  ),
);

describe('the conformance score (golden values)', () => {
  it('scores a property as 50 × agreement + 50 × (1 − TVD)', () => {
    expect(propertyScore(1, 0)).toBe(100);
    expect(propertyScore(0.8, 0.2)).toBeCloseTo(80, 10);
    expect(propertyScore(0, 1)).toBe(0);
    expect(propertyScore(0.5, 0.1)).toBeCloseTo(70, 10);
    // Without assignments, only the distribution counts.
    expect(propertyScore(null, 0.25)).toBe(75);
    // Out-of-range inputs are clamped.
    expect(propertyScore(1.2, -0.1)).toBe(100);
  });

  it('analyses each property: requested, expected, evaluated, agreement, TVD and score', () => {
    const [topic, tone, length] = analyseDistributions(spec, classified, 12);
    expect(topic).toEqual({
      property_name: 'topic',
      total_samples: 12,
      total_samples_analyzed: 10,
      requested_distributions: { refund: 50, bug: 30, feature: 20 },
      expected_distributions: { refund: 50, bug: 30, feature: 20 },
      evaluated_distributions: { refund: 50, bug: 50, feature: 0 },
      assignment_agreement: 0.8,
      // |0.3 − 0.5| + |0.2 − 0| = 0.4, halved.
      tvd_requested_evaluated: 0.2,
      tvd_expected_evaluated: 0.2,
      chi_square_p_value: expect.any(Number),
      property_score: 80,
    });
    expect(tone).toMatchObject({
      requested_distributions: { formal: 50, casual: 50 },
      evaluated_distributions: { formal: 50, casual: 50 },
      assignment_agreement: 1,
      tvd_requested_evaluated: 0,
      property_score: 100,
    });
    expect(length).toMatchObject({
      total_samples_analyzed: 0,
      evaluated_distributions: { short: 0, long: 0 },
      assignment_agreement: null,
      tvd_requested_evaluated: null,
      property_score: null,
    });
    // Mean over the analysed properties only: (80 + 100) / 2.
    expect(conformanceScore([topic!, tone!, length!])).toBe(90);
  });

  it('lists values outside the spec in the evaluated distribution and counts them against the score', () => {
    const odd = [
      sample(0, { topic: 'refund' }, { topic: 'refund' }),
      sample(1, { topic: 'bug' }, { topic: 'spam' }),
    ];
    const [topic] = analyseDistributions(spec, odd);
    expect(topic!.evaluated_distributions).toEqual({ refund: 50, bug: 0, feature: 0, spam: 50 });
    // requested 50/30/20/0 vs evaluated 50/0/0/50: TVD = (0.3 + 0.2 + 0.5) / 2 = 0.5; agreement 0.5.
    expect(topic!.tvd_requested_evaluated).toBe(0.5);
    expect(topic!.property_score).toBe(50);
  });

  it('is null when nothing could be analysed, and 100 for a perfect run', () => {
    expect(conformanceScore([])).toBeNull();
    expect(conformanceScore([{ property_score: null }])).toBeNull();
    const perfect = topics.map((topic, i) => sample(i, { topic }, { topic }));
    expect(conformanceScore(analyseDistributions(spec, perfect))).toBe(100);
  });

  it('rounds the mean to one decimal', () => {
    expect(
      conformanceScore([{ property_score: 80 }, { property_score: 75.55 }, { property_score: 100 }]),
    ).toBe(85.2);
  });
});
