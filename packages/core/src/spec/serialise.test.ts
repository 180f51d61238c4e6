import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseSpecYaml } from './parse.js';
import { serialiseSpec } from './serialise.js';
import type { SpecContent, SpecProperty } from './types.js';
import { validateSpec } from './validate.js';

/** Text that YAML writers get wrong: reserved words, numbers, indicators, spaces, line breaks. */
const TRICKY = [
  'yes',
  'no',
  'on',
  'off',
  'Y',
  'n',
  'true',
  'False',
  'null',
  'Null',
  '~',
  '1',
  '-1',
  '1.0',
  '1e3',
  '0x1F',
  '0o7',
  '012',
  '1_000',
  '.inf',
  '.NaN',
  '1:30',
  '2024-01-01',
  '2024-01-01T10:00:00Z',
  'a: b',
  'a:b',
  '#hash',
  'a #b',
  ' leading',
  'trailing ',
  '- dash',
  '-',
  '?',
  ':',
  '[a]',
  '{a}',
  '"quoted"',
  "'single'",
  '*alias',
  '&anchor',
  '!tag',
  '%directive',
  '@at',
  '`tick',
  '|',
  '>',
  '<<',
  '=',
  '__proto__',
  'constructor',
  'toString',
  'two\nlines',
  'trailing newline\n',
  '\n\nleading newlines',
  '  indented\nthen not',
  'tab\there',
  'crlf\r\nline',
  'control\u0001char',
  'emoji 😀',
  'é',
  '\u2028separator',
];

const text = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TRICKY) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 100 }) },
);
const nonBlank = text.filter((s) => s.trim() !== '');
const fold = (s: string) => s.trim().toLowerCase();

/** Whole percentages summing to 100 over `n` values. */
function partition(n: number): fc.Arbitrary<number[]> {
  return fc.array(fc.integer({ min: 0, max: 100 }), { minLength: n - 1, maxLength: n - 1 }).map((cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), 100];
    return points.slice(1).map((p, i) => p - points[i]!);
  });
}

/** A valid distribution over `values`; zero entries are sometimes left out (they count as 0). */
function distribution(values: readonly string[]): fc.Arbitrary<Record<string, number>> {
  return fc
    .tuple(
      partition(values.length),
      fc.array(fc.boolean(), { minLength: values.length, maxLength: values.length }),
    )
    .map(([percents, keepZero]) => {
      const out: Record<string, number> = {};
      values.forEach((v, i) => {
        if (percents[i]! > 0 || keepZero[i])
          Object.defineProperty(out, v, {
            value: percents[i],
            enumerable: true,
            writable: true,
            configurable: true,
          });
      });
      return out;
    });
}

/** Any valid spec: properties only ever conditioned on earlier ones, so there is no cycle. */
export const validSpec: fc.Arbitrary<SpecContent> = fc
  .uniqueArray(nonBlank, { selector: fold, maxLength: 4 })
  .chain((names) =>
    fc.tuple(
      fc.constant(names),
      fc.tuple(...names.map(() => fc.uniqueArray(nonBlank, { selector: fold, minLength: 1, maxLength: 6 }))),
    ),
  )
  .chain(([names, valueLists]) => {
    const properties = names.map((name, i) => {
      const values = valueLists[i]!;
      const parents = fc.subarray(
        names.slice(0, i).map((_, j) => j),
        { maxLength: Math.min(2, i) },
      );
      const conditionals = parents.chain((js) =>
        fc.tuple(
          ...js.map((j) =>
            fc
              .subarray(valueLists[j]!)
              .chain((pvs) =>
                fc.tuple(
                  fc.constant(names[j]!),
                  fc.constant(pvs),
                  fc.tuple(...pvs.map(() => distribution(values))),
                ),
              ),
          ),
        ),
      );
      return fc
        .record({
          description: fc.option(text, { nil: undefined }),
          base: fc.option(distribution(values), { nil: undefined }),
          conditionals: fc.option(conditionals, { nil: undefined }),
        })
        .map(({ description, base, conditionals }): SpecProperty => {
          const p: SpecProperty = { property_name: name, property_values: values };
          if (description !== undefined) p.property_description = description;
          if (base !== undefined) p.base_distributions = base;
          if (conditionals !== undefined) {
            const byParent: Record<string, Record<string, Record<string, number>>> = {};
            for (const [parent, pvs, dists] of conditionals) {
              const byValue: Record<string, Record<string, number>> = {};
              pvs.forEach((pv, k) => {
                Object.defineProperty(byValue, pv, {
                  value: dists[k],
                  enumerable: true,
                  writable: true,
                  configurable: true,
                });
              });
              Object.defineProperty(byParent, parent, {
                value: byValue,
                enumerable: true,
                writable: true,
                configurable: true,
              });
            }
            p.conditional_distributions = byParent;
          }
          return p;
        });
    });
    return fc.record({
      description: text,
      requirements: text,
      properties: fc.tuple(...properties),
      column: fc.option(fc.option(text, { nil: null }), { nil: undefined }),
      columns: fc.option(fc.option(fc.array(text, { maxLength: 3 }), { nil: null }), { nil: undefined }),
    });
  })
  .map(({ description, requirements, properties, column, columns }) => {
    const content: SpecContent = { description, requirements, data_property_variations: properties };
    if (column !== undefined) content.selected_sql_schema_column = column;
    if (columns !== undefined) content.selected_sql_query_columns = columns;
    return content;
  });

describe('serialiseSpec', () => {
  const seed: SpecContent = {
    description: 'Customer support conversations with varying sentiment and priority',
    requirements: 'Each conversation should include a greeting.\nMaintain professional tone throughout.',
    data_property_variations: [
      {
        property_name: 'sentiment',
        property_description: 'Emotional tone',
        property_values: ['positive', 'negative', 'neutral'],
        base_distributions: { positive: 40, negative: 30, neutral: 30 },
      },
      {
        property_name: 'priority',
        property_values: ['high', 'medium', 'low'],
        base_distributions: { low: 30, high: 20, medium: 50 },
        conditional_distributions: {
          sentiment: {
            negative: { high: 50, medium: 40, low: 10 },
            positive: { high: 5, medium: 45, low: 50 },
          },
        },
      },
    ],
  };

  it('writes the API dialect in the documented key order, with metadata after the spec', () => {
    expect(
      serialiseSpec(seed, { spec_id: 'spec_1', version: 2, dataset_id: null, columns: ['a', 'b'] }),
    ).toBe(
      `spec:
  description: Customer support conversations with varying sentiment and priority
  requirements: |-
    Each conversation should include a greeting.
    Maintain professional tone throughout.
  data_property_variations:
    - property_name: sentiment
      property_description: Emotional tone
      property_values: [positive, negative, neutral]
      base_distributions:
        positive: 40
        negative: 30
        neutral: 30
    - property_name: priority
      property_values: [high, medium, low]
      base_distributions:
        high: 20
        medium: 50
        low: 30
      conditional_distributions:
        sentiment:
          negative:
            high: 50
            medium: 40
            low: 10
          positive:
            high: 5
            medium: 45
            low: 50
metadata:
  spec_id: spec_1
  version: 2
  dataset_id: null
  columns:
    - a
    - b
`,
    );
  });

  it('writes long value lists as block lists, empty ones as []', () => {
    const values = Array.from({ length: 8 }, (_, i) => `a fairly long value ${i}`);
    const yaml = serialiseSpec({
      description: '',
      requirements: '',
      data_property_variations: [
        { property_name: 'long', property_values: values },
        { property_name: 'empty', property_values: [] },
      ],
    });
    expect(yaml).toContain('      property_values:\n        - a fairly long value 0\n');
    expect(yaml).toContain('      property_values: []\n');
    expect(yaml).toContain('  description: ""\n  requirements: ""\n');
  });

  it('writes the SQL selections when set, null included', () => {
    const yaml = serialiseSpec({
      description: 'd',
      requirements: 'r',
      data_property_variations: [],
      selected_sql_schema_column: null,
      selected_sql_query_columns: ['id', 'name'],
    });
    expect(yaml).toBe(
      'spec:\n  description: d\n  requirements: r\n  data_property_variations: []\n  selected_sql_schema_column: null\n  selected_sql_query_columns:\n    - id\n    - name\n',
    );
  });

  it('quotes text that YAML 1.2 or 1.1 readers would take for something else', () => {
    const values = [
      'yes',
      'no',
      'on',
      'null',
      '1',
      '1.0',
      '1:30',
      '2024-01-01',
      'a: b',
      '#x',
      ' lead',
      'plain',
    ];
    const yaml = serialiseSpec({
      description: 'true',
      requirements: '',
      data_property_variations: [
        { property_name: '2024', property_values: values.slice(0, 6) },
        { property_name: 'b', property_values: values.slice(6) },
      ],
    });
    expect(yaml).toContain('  description: "true"\n');
    expect(yaml).toContain('    - property_name: "2024"\n');
    expect(yaml).toContain('      property_values: ["yes", "no", "on", "null", "1", "1.0"]\n');
    expect(yaml).toContain('      property_values: ["1:30", "2024-01-01", "a: b", "#x", " lead", plain]\n');
    // Read back as plain YAML (both versions), everything is still text.
    for (const version of ['1.1', '1.2'] as const) {
      const plain = parse(yaml, { version });
      const read = plain.spec.data_property_variations.flatMap(
        (p: { property_values: string[] }) => p.property_values,
      );
      expect(read).toEqual(values);
      expect(plain.spec.description).toBe('true');
      expect(plain.spec.data_property_variations[0].property_name).toBe('2024');
    }
  });

  it('round-trips the fixtures', () => {
    for (const name of ['seed-api.yaml', 'conditional.yaml', 'older-dialect.yaml']) {
      const spec = parseSpecYaml(
        readFileSync(new URL(`../../test/fixtures/spec/${name}`, import.meta.url), 'utf8'),
      );
      expect(parseSpecYaml(serialiseSpec(spec))).toEqual(spec);
    }
  });

  it('round-trips any valid spec exactly (property test)', () => {
    fc.assert(
      fc.property(validSpec, fc.boolean(), (spec, withMetadata) => {
        expect(validateSpec(spec)).toEqual([]);
        const yaml = serialiseSpec(
          spec,
          withMetadata ? { spec_id: 'x', created_at: '2024-01-01T00:00:00Z' } : undefined,
        );
        const back = parseSpecYaml(yaml);
        expect(back).toEqual(spec);
        // toEqual ignores keys holding undefined; the parsed spec must not have any.
        expect(JSON.stringify(back).length).toBe(JSON.stringify(spec).length);
      }),
      { numRuns: 300 },
    );
  });
});
