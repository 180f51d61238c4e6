import { describe, expect, it } from 'vitest';
import type { SpecContent, SpecProperty } from './types.js';
import { validateSpec } from './validate.js';

function spec(...properties: SpecProperty[]): SpecContent {
  return { description: 'd', requirements: 'r', data_property_variations: properties };
}

const sentiment: SpecProperty = {
  property_name: 'sentiment',
  property_values: ['positive', 'negative', 'neutral'],
  base_distributions: { positive: 40, negative: 30, neutral: 30 },
};
const priority: SpecProperty = {
  property_name: 'priority',
  property_values: ['high', 'medium', 'low'],
  base_distributions: { high: 20, medium: 50, low: 30 },
  conditional_distributions: {
    sentiment: { negative: { high: 50, medium: 40, low: 10 }, positive: { high: 5, medium: 45, low: 50 } },
  },
};

function messages(content: SpecContent): string[] {
  return validateSpec(content).map((p) => {
    expect(p.line).toBeNull();
    return `${p.path}: ${p.message}`;
  });
}

describe('validateSpec', () => {
  it('accepts valid specs', () => {
    expect(validateSpec(spec(sentiment, priority))).toEqual([]);
    expect(validateSpec(spec())).toEqual([]);
    expect(validateSpec(spec({ property_name: 'a', property_values: ['x'] }))).toEqual([]);
    // A value left out of a distribution counts as 0.
    expect(
      validateSpec(spec({ property_name: 'a', property_values: ['x', 'y'], base_distributions: { x: 100 } })),
    ).toEqual([]);
    expect(
      validateSpec({
        ...spec(sentiment),
        selected_sql_schema_column: null,
        selected_sql_query_columns: ['a'],
      }),
    ).toEqual([]);
  });

  it('checks names: non-empty and unique ignoring case', () => {
    expect(
      messages(
        spec(
          { property_name: ' ', property_values: ['x'] },
          { property_name: 'Tone', property_values: ['x'] },
          { property_name: 'tone ', property_values: ['x'] },
        ),
      ),
    ).toEqual([
      'data_property_variations[0].property_name: must not be empty',
      'data_property_variations[2].property_name: "tone " repeats the name of data_property_variations[1] (names are compared ignoring case)',
    ]);
  });

  it('checks values: at least one, non-empty, unique ignoring case', () => {
    expect(
      messages(
        spec(
          { property_name: 'a', property_values: [] },
          { property_name: 'b', property_values: ['x', '', 'X'] },
        ),
      ),
    ).toEqual([
      'data_property_variations[0].property_values: must list at least one value',
      'data_property_variations[1].property_values[1]: must not be empty',
      'data_property_variations[1].property_values[2]: "X" repeats property_values[0] (values are compared ignoring case)',
    ]);
  });

  it('checks base distributions: known keys, whole numbers 0..100, sum 100', () => {
    expect(
      messages(
        spec({
          property_name: 'a',
          property_values: ['x', 'y', 'z'],
          base_distributions: { x: 40.5, y: 30, mixed: 15 },
        }),
      ),
    ).toEqual([
      'data_property_variations[0].base_distributions.x: 40.5 must be a whole number from 0 to 100',
      'data_property_variations[0].base_distributions.mixed: "mixed" is not one of the property\'s values ("x", "y", "z")',
      'data_property_variations[0].base_distributions: sums to 85.5, must sum to 100 (values not listed count as 0: "z")',
    ]);
    expect(
      messages(spec({ property_name: 'a', property_values: ['x'], base_distributions: { x: 101 } })),
    ).toEqual([
      'data_property_variations[0].base_distributions.x: 101 must be a whole number from 0 to 100',
      'data_property_variations[0].base_distributions: sums to 101, must sum to 100',
    ]);
  });

  it('does not treat inherited names as distribution keys', () => {
    expect(
      messages(
        spec({ property_name: 'a', property_values: ['toString', 'b'], base_distributions: { b: 100 } }),
      ),
    ).toEqual([]);
    expect(
      messages(
        spec({ property_name: 'a', property_values: ['b'], base_distributions: { b: 100, toString: 0 } }),
      ),
    ).toEqual([
      'data_property_variations[0].base_distributions.toString: "toString" is not one of the property\'s values ("b")',
    ]);
  });

  it('checks conditional distributions: parent, parent values, inner distributions', () => {
    const bad: SpecProperty = {
      property_name: 'priority',
      property_values: ['high', 'low'],
      conditional_distributions: {
        priority: { high: { high: 100 } },
        sentimnt: { positive: { high: 100 } },
        sentiment: { angry: { high: 100 }, positive: { high: 50, low: 40, urgent: 10 } },
      },
    };
    expect(messages(spec(sentiment, bad))).toEqual([
      'data_property_variations[1].conditional_distributions.priority: a property cannot be conditioned on itself',
      'data_property_variations[1].conditional_distributions.sentimnt: "sentimnt" is not the name of another property ("sentiment")',
      'data_property_variations[1].conditional_distributions.sentiment.angry: "angry" is not one of sentiment\'s values ("positive", "negative", "neutral")',
      'data_property_variations[1].conditional_distributions.sentiment.positive.urgent: "urgent" is not one of the property\'s values ("high", "low")',
    ]);
  });

  it('reports conditioning cycles once per link to remove', () => {
    const a: SpecProperty = {
      property_name: 'A',
      property_values: ['x'],
      conditional_distributions: { B: { y: { x: 100 } } },
    };
    const b: SpecProperty = {
      property_name: 'B',
      property_values: ['y'],
      conditional_distributions: { A: { x: { y: 100 } } },
    };
    expect(messages(spec(a, b))).toEqual([
      'data_property_variations[1].conditional_distributions.A: conditioning cycle: B -> A -> B (each is conditioned on the next); remove one link',
    ]);
  });

  it('allows a chain and a diamond of conditioning (no cycle)', () => {
    const a: SpecProperty = { property_name: 'a', property_values: ['x'] };
    const b: SpecProperty = {
      property_name: 'b',
      property_values: ['y'],
      conditional_distributions: { a: { x: { y: 100 } } },
    };
    const c: SpecProperty = {
      property_name: 'c',
      property_values: ['z'],
      conditional_distributions: { a: { x: { z: 100 } } },
    };
    const d: SpecProperty = {
      property_name: 'd',
      property_values: ['w'],
      conditional_distributions: { b: { y: { w: 100 } }, c: { z: { w: 100 } } },
    };
    expect(validateSpec(spec(d, c, b, a))).toEqual([]);
  });

  it('checks runtime types of content that was cast without checking', () => {
    const raw = {
      description: 3,
      requirements: ['a'],
      selected_sql_schema_column: 5,
      selected_sql_query_columns: ['a', 1],
      data_property_variations: [
        'x',
        { property_name: 1, property_values: 'a' },
        {
          property_name: 'p',
          property_description: 2,
          property_values: [1, 'b'],
          base_distributions: { b: '100' },
        },
        { property_name: 'q', property_values: ['x'], conditional_distributions: { p: 'no' } },
        {
          property_name: 'r',
          property_values: ['x'],
          base_distributions: [1],
          conditional_distributions: [],
        },
      ],
    } as unknown as SpecContent;
    expect(messages(raw)).toEqual([
      'description: must be text',
      'requirements: must be text',
      'selected_sql_schema_column: must be text or null',
      'selected_sql_query_columns[1]: must be text',
      'data_property_variations[0]: must be an object with property_name and property_values',
      'data_property_variations[1].property_name: must be text',
      'data_property_variations[1].property_values: must be a list of values',
      'data_property_variations[2].property_description: must be text',
      'data_property_variations[2].property_values[0]: must be text',
      'data_property_variations[2].base_distributions.b: must be a number',
      'data_property_variations[3].conditional_distributions.p: must map each parent value to a distribution',
      'data_property_variations[4].base_distributions: must map each value to a percentage',
      'data_property_variations[4].conditional_distributions: must map parent property -> parent value -> distribution',
    ]);
    expect(messages(null as unknown as SpecContent)).toEqual([': the spec must be an object']);
    expect(messages({ description: '', requirements: '' } as unknown as SpecContent)).toEqual([
      'data_property_variations: must be a list of properties',
    ]);
  });
});
