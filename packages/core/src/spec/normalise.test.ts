import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normaliseSpec } from './normalise.js';
import { parseSpecYaml } from './parse.js';
import { serialiseSpec } from './serialise.js';
import type { SpecContent, SpecProperty } from './types.js';
import { validateSpec } from './validate.js';

function spec(...properties: unknown[]): SpecContent {
  return { description: ' d ', requirements: ' r ', data_property_variations: properties as SpecProperty[] };
}

function baseOf(
  weights: Record<string, unknown>,
  values = Object.keys(weights),
): Record<string, number> | undefined {
  const out = normaliseSpec(
    spec({ property_name: 'p', property_values: values, base_distributions: weights }),
  );
  return out.data_property_variations[0]!.base_distributions;
}

describe('normaliseSpec: distributions', () => {
  it.each([
    [
      { a: 1, b: 1, c: 1 },
      { a: 34, b: 33, c: 33 },
    ],
    [
      { a: 0.2, b: 0.3, c: 0.5 },
      { a: 20, b: 30, c: 50 },
    ],
    [
      { a: 33.3, b: 33.3, c: 33.3 },
      { a: 34, b: 33, c: 33 },
    ],
    [
      { a: 40, b: 30, c: 30 },
      { a: 40, b: 30, c: 30 },
    ],
    [
      { a: 45, b: 45 },
      { a: 50, b: 50 },
    ],
    [
      { a: 60, b: 60, c: 60 },
      { a: 34, b: 33, c: 33 },
    ],
    [
      { a: '40%', b: '60' },
      { a: 40, b: 60 },
    ],
    [
      { a: -10, b: 'lots', c: 50 },
      { a: 0, b: 0, c: 100 },
    ],
  ])('%j -> %j (largest remainder)', (weights, expected) => {
    expect(baseOf(weights)).toEqual(expected);
  });

  it('drops unknown keys, matches keys ignoring case and spaces, adds missing values at 0', () => {
    expect(baseOf({ ' A ': 50, mixed: 30, b: 50 }, ['a', 'b', 'c'])).toEqual({ a: 50, b: 50, c: 0 });
    // The first key to match a value wins.
    expect(baseOf({ a: 70, A: 10, b: 30 }, ['a', 'b'])).toEqual({ a: 70, b: 30 });
  });

  it('makes a missing or all-zero distribution uniform, or leaves it out when asked', () => {
    expect(baseOf({}, ['a', 'b', 'c'])).toEqual({ a: 34, b: 33, c: 33 });
    expect(baseOf({ a: 0, b: 0 })).toEqual({ a: 50, b: 50 });
    const noDist = spec({ property_name: 'p', property_values: ['a', 'b', 'c'] });
    expect(normaliseSpec(noDist).data_property_variations[0]!.base_distributions).toEqual({
      a: 34,
      b: 33,
      c: 33,
    });
    const kept = normaliseSpec(noDist, { uniformWhenMissing: false }).data_property_variations[0]!;
    expect(Object.hasOwn(kept, 'base_distributions')).toBe(false);
    const zeros = spec({ property_name: 'p', property_values: ['a'], base_distributions: { a: 0 } });
    expect(normaliseSpec(zeros, { uniformWhenMissing: false }).data_property_variations[0]).toEqual({
      property_name: 'p',
      property_values: ['a'],
    });
  });
});

describe('normaliseSpec: properties', () => {
  it('trims, converts numbers, dedupes values and properties, drops empty ones', () => {
    const out = normaliseSpec({
      description: '  A dataset \n',
      requirements: ['be short', ' ', 'be kind '],
      data_property_variations: [
        {
          property_name: ' tone ',
          property_description: '  how it sounds ',
          property_values: [' calm', 'Calm', 'angry', '', 3],
        },
        { property_name: 'TONE', property_values: ['x'] },
        { property_name: 'empty', property_values: [' ', null] },
        { property_name: '', property_values: ['x'] },
        { property_name: 'empty', property_values: [true, 1.5] },
        'not a property',
      ],
      selected_sql_schema_column: ' col ',
      selected_sql_query_columns: [' a ', '', 'b'],
    } as unknown as SpecContent);
    expect(out).toEqual({
      description: 'A dataset',
      requirements: '- be short\n- be kind',
      data_property_variations: [
        {
          property_name: 'tone',
          property_description: 'how it sounds',
          property_values: ['calm', 'angry', '3'],
          base_distributions: { calm: 34, angry: 33, '3': 33 },
        },
        {
          property_name: 'empty',
          property_values: ['true', '1.5'],
          base_distributions: { true: 50, '1.5': 50 },
        },
      ],
      selected_sql_schema_column: 'col',
      selected_sql_query_columns: ['a', 'b'],
    });
    expect(validateSpec(out)).toEqual([]);
  });

  it('survives input that is not a spec at all', () => {
    for (const junk of [null, 3, 'text', [], { data_property_variations: 'x' }]) {
      const out = normaliseSpec(junk as unknown as SpecContent);
      expect(out).toEqual({ description: '', requirements: '', data_property_variations: [] });
    }
  });
});

describe('normaliseSpec: conditional distributions', () => {
  const sentiment = { property_name: 'sentiment', property_values: ['positive', 'negative'] };

  it('repairs inner distributions and drops unknown parents and parent values', () => {
    const priority = {
      property_name: 'priority',
      property_values: ['high', 'low'],
      base_distributions: { high: 0.5, low: 0.5 },
      conditional_distributions: {
        ' Sentiment': { NEGATIVE: { high: 0.8, low: 0.2 }, angry: { high: 1 }, positive: {} },
        mood: { x: { high: 100 } },
        priority: { high: { high: 100 } },
      },
    };
    const out = normaliseSpec(spec(sentiment, priority));
    expect(out.data_property_variations[1]).toEqual({
      property_name: 'priority',
      property_values: ['high', 'low'],
      base_distributions: { high: 50, low: 50 },
      conditional_distributions: {
        sentiment: { negative: { high: 80, low: 20 }, positive: { high: 50, low: 50 } },
      },
    });
    // Without uniform fill-in, an empty inner distribution is dropped (falls back to base).
    const strict = normaliseSpec(spec(sentiment, priority), { uniformWhenMissing: false });
    expect(strict.data_property_variations[1]!.conditional_distributions).toEqual({
      sentiment: { negative: { high: 80, low: 20 } },
    });
  });

  it('drops conditionals whose parent has no valid entries, and on properties that were dropped', () => {
    const out = normaliseSpec(
      spec(
        { property_name: 'gone', property_values: [] },
        {
          property_name: 'a',
          property_values: ['x'],
          conditional_distributions: { gone: { y: { x: 1 } }, b: { q: { x: 1 } } },
        },
        { property_name: 'b', property_values: ['y'] },
      ),
    );
    expect(out.data_property_variations.map((p) => p.conditional_distributions)).toEqual([
      undefined,
      undefined,
    ]);
  });

  it('breaks cycles by dropping the later-listed edge', () => {
    const link = (parent: string, parentValue: string, value: string) => ({
      [parent]: { [parentValue]: { [value]: 1 } },
    });
    const out = normaliseSpec(
      spec(
        { property_name: 'a', property_values: ['x'], conditional_distributions: link('c', 'z', 'x') },
        { property_name: 'b', property_values: ['y'], conditional_distributions: link('a', 'x', 'y') },
        { property_name: 'c', property_values: ['z'], conditional_distributions: link('b', 'y', 'z') },
      ),
    );
    expect(out.data_property_variations.map((p) => Object.keys(p.conditional_distributions ?? {}))).toEqual([
      ['c'],
      ['a'],
      [],
    ]);
    expect(validateSpec(out)).toEqual([]);
  });
});

/** Messy model output: names and values from a small pool so that duplicates and near-misses are common. */
const pool = fc.constantFrom(
  'a',
  'A',
  ' a ',
  'b',
  'B',
  'c',
  '',
  ' ',
  '1',
  'yes',
  '__proto__',
  'toString',
  'x y',
);
const messyScalar = fc.oneof(
  pool,
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -5, max: 5 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.double(),
);
const messyWeight = fc.oneof(
  fc.integer({ min: -10, max: 200 }),
  fc.double({ min: -1, max: 1e6 }),
  fc.double(),
  fc.constantFrom(0, 0.2, 0.5, 1, 33.3, Number.NaN, Number.POSITIVE_INFINITY, '40', '40%', 'x', null),
);
const messyDistribution = fc.oneof(
  fc.dictionary(pool, messyWeight, { maxKeys: 6 }),
  fc.constantFrom(undefined, null, 'uniform', [1, 2]),
);
const messyProperty = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record(
      {
        property_name: messyScalar,
        property_description: messyScalar,
        property_values: fc.oneof(fc.array(messyScalar, { maxLength: 6 }), messyScalar),
        base_distributions: messyDistribution,
        conditional_distributions: fc.oneof(
          fc.dictionary(pool, fc.oneof(fc.dictionary(pool, messyDistribution, { maxKeys: 4 }), messyScalar), {
            maxKeys: 4,
          }),
          messyScalar,
        ),
      },
      { requiredKeys: [] },
    ),
  },
  { weight: 1, arbitrary: fc.anything() },
);
const messySpec = fc.record(
  {
    description: messyScalar,
    requirements: fc.oneof(messyScalar, fc.array(messyScalar, { maxLength: 3 })),
    data_property_variations: fc.oneof(
      { weight: 9, arbitrary: fc.array(messyProperty, { maxLength: 6 }) },
      { weight: 1, arbitrary: fc.anything() },
    ),
    selected_sql_schema_column: messyScalar,
    selected_sql_query_columns: fc.oneof(fc.array(messyScalar, { maxLength: 3 }), messyScalar),
  },
  { requiredKeys: [] },
) as unknown as fc.Arbitrary<SpecContent>;

describe('normaliseSpec: properties of any input (property tests)', () => {
  it('always returns a spec that validateSpec accepts, deterministically and idempotently', () => {
    fc.assert(
      fc.property(messySpec, fc.boolean(), (messy, uniformWhenMissing) => {
        const out = normaliseSpec(messy, { uniformWhenMissing });
        expect(validateSpec(out)).toEqual([]);
        expect(normaliseSpec(messy, { uniformWhenMissing })).toEqual(out);
        expect(normaliseSpec(out, { uniformWhenMissing })).toEqual(out);
        if (uniformWhenMissing) {
          for (const p of out.data_property_variations) expect(p.base_distributions).toBeDefined();
        }
      }),
      { numRuns: 500 },
    );
  });

  it('gives specs that survive serialising and parsing', () => {
    fc.assert(
      fc.property(messySpec, (messy) => {
        const out = normaliseSpec(messy);
        expect(parseSpecYaml(serialiseSpec(out))).toEqual(out);
      }),
      { numRuns: 300 },
    );
  });
});
