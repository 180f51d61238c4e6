import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeSpec } from './describe.js';
import { parseSpecYaml } from './parse.js';

function fixture(name: string) {
  return parseSpecYaml(readFileSync(new URL(`../../test/fixtures/spec/${name}`, import.meta.url), 'utf8'));
}

describe('describeSpec', () => {
  it('renders description, requirements, and every property with its percentages and conditionals', () => {
    expect(describeSpec(fixture('conditional.yaml'))).toBe(
      [
        'Description: Support tickets',
        'Requirements:',
        '  Realistic tickets.',
        'Properties (each sample takes one value of each, at these rates):',
        '- sentiment: positive 40%, negative 30%, neutral 30%',
        '- priority: high 20%, medium 50%, low 30%',
        '  - when sentiment is negative: high 50%, medium 40%, low 10%',
        '  - when sentiment is positive: high 5%, medium 45%, low 50%',
      ].join('\n'),
    );
  });

  it('spells out uniform distributions, property descriptions, and multi-line requirements', () => {
    expect(describeSpec(fixture('older-dialect.yaml'))).toBe(
      [
        'Requirements:',
        '  - Customer reviews for a product or service',
        '  - Include rating (1-5 stars)',
        '  - Include review text (50-200 words)',
        '  - Include customer name and date',
        '  - Maintain authentic customer voice',
        '  - Mix of positive, neutral, and negative sentiment',
        'Properties (each sample takes one value of each, at these rates):',
        '- Sentiment (Emotional tone of the review): Highly positive 20%, Slightly positive 20%, Neutral 20%, Slightly negative 20%, Highly negative 20%',
        '- Product Category (Type of product being reviewed): Electronics 50%, Books 25%, Home & Kitchen 25%',
      ].join('\n'),
    );
  });

  it('shows values missing from a distribution at 0%, and says when there are no properties', () => {
    expect(
      describeSpec({
        description: 'd',
        requirements: '',
        data_property_variations: [
          { property_name: 'p', property_values: ['a', 'b'], base_distributions: { b: 100 } },
        ],
      }),
    ).toBe(
      'Description: d\nProperties (each sample takes one value of each, at these rates):\n- p: a 0%, b 100%',
    );
    expect(describeSpec({ description: '', requirements: 'r', data_property_variations: [] })).toBe(
      'Requirements:\n  r\nProperties: none',
    );
  });
});
