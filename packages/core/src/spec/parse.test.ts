import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { parseSpecYaml } from './parse.js';
import { type SpecProblem, SpecValidationError } from './problems.js';

function fixture(name: string): string {
  return readFileSync(new URL(`../../test/fixtures/spec/${name}`, import.meta.url), 'utf8');
}

/** The problems parseSpecYaml reports (it must throw SpecValidationError). */
function problemsOf(text: string): SpecProblem[] {
  try {
    parseSpecYaml(text);
  } catch (err) {
    expect(err).toBeInstanceOf(SpecValidationError);
    return (err as SpecValidationError).problems;
  }
  throw new Error('expected the spec to be rejected');
}

/** Problems as `line N: path: message` strings, the way users see them. */
function linesOf(text: string): string[] {
  return problemsOf(text).map((p) => `${p.line === null ? '' : `line ${p.line}: `}${p.path}: ${p.message}`);
}

/** A spec with one property whose body is `body` (indented 6 spaces), starting on line 6. */
function oneProperty(body: string): string {
  const indented = body
    .trim()
    .split('\n')
    .map((l) => `      ${l}`)
    .join('\n');
  return `spec:\n  description: d\n  requirements: r\n  data_property_variations:\n    - property_name: p\n${indented}\n`;
}

describe('parseSpecYaml: the API dialect', () => {
  it('reads the seed example (sentiment 40/30/30) and ignores metadata', () => {
    expect(parseSpecYaml(fixture('seed-api.yaml'))).toEqual({
      description: 'Customer support conversations with varying sentiment and priority',
      requirements:
        'Each conversation should include a customer greeting, issue description, and agent response. Maintain professional tone throughout.',
      data_property_variations: [
        {
          property_name: 'sentiment',
          property_values: ['positive', 'negative', 'neutral'],
          base_distributions: { positive: 40, negative: 30, neutral: 30 },
        },
        {
          property_name: 'priority',
          property_values: ['high', 'medium', 'low'],
          base_distributions: { high: 20, medium: 50, low: 30 },
        },
      ],
    });
  });

  it('reads a minimal spec: description optional, no distributions', () => {
    const spec = parseSpecYaml(
      'spec:\n  requirements: Short poems.\n  data_property_variations:\n    - property_name: form\n      property_values: [haiku, limerick]\n',
    );
    expect(spec).toEqual({
      description: '',
      requirements: 'Short poems.',
      data_property_variations: [{ property_name: 'form', property_values: ['haiku', 'limerick'] }],
    });
    expect(Object.hasOwn(spec.data_property_variations[0]!, 'base_distributions')).toBe(false);
  });

  it('reads conditional distributions (reference §3.2)', () => {
    const spec = parseSpecYaml(fixture('conditional.yaml'));
    expect(spec.data_property_variations[1]).toEqual({
      property_name: 'priority',
      property_values: ['high', 'medium', 'low'],
      base_distributions: { high: 20, medium: 50, low: 30 },
      conditional_distributions: {
        sentiment: {
          negative: { high: 50, medium: 40, low: 10 },
          positive: { high: 5, medium: 45, low: 50 },
        },
      },
    });
  });

  it('accepts an empty or missing property list, and empty spec fields', () => {
    expect(parseSpecYaml('spec:\n  description: x\n')).toEqual({
      description: 'x',
      requirements: '',
      data_property_variations: [],
    });
    expect(parseSpecYaml('spec:\n  description:\n  requirements:\n  data_property_variations: []\n')).toEqual(
      {
        description: '',
        requirements: '',
        data_property_variations: [],
      },
    );
  });

  it('reads the SQL selections, keeping an explicit null', () => {
    const spec = parseSpecYaml(
      'spec:\n  selected_sql_schema_column: schema\n  selected_sql_query_columns: [a, b]\n',
    );
    expect(spec.selected_sql_schema_column).toBe('schema');
    expect(spec.selected_sql_query_columns).toEqual(['a', 'b']);
    const nulls = parseSpecYaml(
      'spec:\n  selected_sql_schema_column: null\n  selected_sql_query_columns: ~\n',
    );
    expect(nulls.selected_sql_schema_column).toBeNull();
    expect(nulls.selected_sql_query_columns).toBeNull();
  });

  it('joins requirements given as a list into "- item" lines', () => {
    const spec = parseSpecYaml(
      'spec:\n  requirements:\n    - Be polite\n    - Use 3 to 5 sentences\n    - 42\n',
    );
    expect(spec.requirements).toBe('- Be polite\n- Use 3 to 5 sentences\n- 42');
    expect(parseSpecYaml('spec:\n  requirements: []\n').requirements).toBe('');
  });

  it('keeps block-literal requirements as written', () => {
    const spec = parseSpecYaml(
      'spec:\n  requirements: |\n    line one\n      indented: yes # not a comment\n',
    );
    expect(spec.requirements).toBe('line one\n  indented: yes # not a comment\n');
  });

  it('reads numbers and booleans as the text written', () => {
    const spec = parseSpecYaml(
      oneProperty(`
property_values: [1, 2.50, 0x1F, 1e3, true, yes, no, on, null_ish]
base_distributions: {1: 10, 2.50: 10, 0x1F: 10, 1e3: 10, true: 10, yes: 10, no: 10, on: 10, null_ish: 20}
`),
    );
    const [p] = spec.data_property_variations;
    expect(p!.property_values).toEqual(['1', '2.50', '0x1F', '1e3', 'true', 'yes', 'no', 'on', 'null_ish']);
    expect(Object.keys(p!.base_distributions!).sort()).toEqual([...p!.property_values].sort());
  });

  it('reads a numeric property name as text', () => {
    const spec = parseSpecYaml(
      oneProperty('property_values: [a]').replace('property_name: p', 'property_name: 2024'),
    );
    expect(spec.data_property_variations[0]!.property_name).toBe('2024');
  });

  it('keeps quoted values exactly, including surrounding spaces and "null"', () => {
    const spec = parseSpecYaml(
      oneProperty(`property_values: [" padded ", "null", 'it''s', "a: b", "#hash"]`),
    );
    expect(spec.data_property_variations[0]!.property_values).toEqual([
      ' padded ',
      'null',
      "it's",
      'a: b',
      '#hash',
    ]);
  });

  it('adds awkward names as own keys, never touching prototypes', () => {
    const spec = parseSpecYaml(
      oneProperty(`
property_values: [__proto__, constructor]
base_distributions: {__proto__: 60, constructor: 40}
`),
    );
    const dist = spec.data_property_variations[0]!.base_distributions!;
    expect(Object.getPrototypeOf(dist)).toBe(Object.prototype);
    expect(Object.entries(dist)).toEqual([
      ['__proto__', 60],
      ['constructor', 40],
    ]);
  });

  it('allows values missing from a distribution when the rest sum to 100 (missing count as 0)', () => {
    const spec = parseSpecYaml(oneProperty('property_values: [a, b, c]\nbase_distributions: {a: 100}'));
    expect(spec.data_property_variations[0]!.base_distributions).toEqual({ a: 100 });
  });
});

describe('parseSpecYaml: the older `specification:` dialect', () => {
  it('maps axis_name, axis_description, possible_values and distributions', () => {
    expect(parseSpecYaml(fixture('older-dialect.yaml'))).toEqual({
      description: '',
      requirements:
        '- Customer reviews for a product or service\n- Include rating (1-5 stars)\n- Include review text (50-200 words)\n- Include customer name and date\n- Maintain authentic customer voice\n- Mix of positive, neutral, and negative sentiment\n',
      data_property_variations: [
        {
          property_name: 'Sentiment',
          property_description: 'Emotional tone of the review',
          property_values: [
            'Highly positive',
            'Slightly positive',
            'Neutral',
            'Slightly negative',
            'Highly negative',
          ],
        },
        {
          property_name: 'Product Category',
          property_description: 'Type of product being reviewed',
          property_values: ['Electronics', 'Books', 'Home & Kitchen'],
          base_distributions: { Electronics: 50, Books: 25, 'Home & Kitchen': 25 },
        },
      ],
    });
  });

  it('accepts base_distributions under specification:, and names paths as written', () => {
    const text =
      'specification:\n  data_property_variations:\n    - axis_name: tone\n      possible_values: [a, b]\n      base_distributions: {a: 10, b: 10}\n';
    expect(linesOf(text)).toEqual([
      'line 5: specification.data_property_variations[0].base_distributions: sums to 20, must sum to 100',
    ]);
    const empty =
      'specification:\n  data_property_variations:\n    - axis_name: tone\n      possible_values: []\n';
    expect(linesOf(empty)).toEqual([
      'line 4: specification.data_property_variations[0].possible_values: must list at least one value',
    ]);
  });

  it('rejects a key given under both names', () => {
    expect(linesOf(oneProperty('axis_name: q\nproperty_values: [a]'))).toEqual([
      'line 6: spec.data_property_variations[0].axis_name: repeats property_name (both name the property_name of this property)',
    ]);
  });
});

describe('parseSpecYaml: errors', () => {
  it('throws a SpecValidationError, an InvalidInputError for content_yaml, count first then one problem a line', () => {
    let caught: unknown;
    try {
      parseSpecYaml(fixture('invalid-rules.yaml'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SpecValidationError);
    expect(caught).toBeInstanceOf(InvalidInputError);
    const err = caught as SpecValidationError;
    expect(err.kind).toBe('invalid');
    expect(err.name).toBe('SpecValidationError');
    expect(err.fieldErrors).toEqual({ content_yaml: [err.message] });
    const lines = err.message.split('\n');
    expect(lines[0]).toBe('Invalid spec: 13 problems');
    expect(lines).toHaveLength(14);
    expect(err.problems[0]).toEqual({
      line: 6,
      path: 'spec.data_property_variations[0].property_values[2]',
      message: '"Positive" repeats property_values[0] (values are compared ignoring case)',
    });
  });

  it('reports every rule broken, each with its line and path, in document order', () => {
    expect(linesOf(fixture('invalid-rules.yaml'))).toEqual([
      'line 6: spec.data_property_variations[0].property_values[2]: "Positive" repeats property_values[0] (values are compared ignoring case)',
      'line 6: spec.data_property_variations[0].property_values[3]: must not be empty',
      'line 7: spec.data_property_variations[0].base_distributions: sums to 90, must sum to 100',
      'line 12: spec.data_property_variations[1].base_distributions.urgent: "urgent" is not one of the property\'s values ("high", "low")',
      'line 13: spec.data_property_variations[2].property_name: "Sentiment" repeats the name of data_property_variations[0] (names are compared ignoring case)',
      'line 14: spec.data_property_variations[2].property_values: must list at least one value',
      'line 17: spec.data_property_variations[3].base_distributions.calm: 50.5 must be a whole number from 0 to 100',
      'line 17: spec.data_property_variations[3].base_distributions.angry: 49.5 must be a whole number from 0 to 100',
      'line 19: spec.data_property_variations[3].conditional_distributions.tone: a property cannot be conditioned on itself',
      'line 20: spec.data_property_variations[3].conditional_distributions.mood: "mood" is not the name of another property ("sentiment", "priority")',
      'line 22: spec.data_property_variations[3].conditional_distributions.priority.urgent: "urgent" is not one of priority\'s values ("high", "low")',
      'line 23: spec.data_property_variations[3].conditional_distributions.priority.high: sums to 110, must sum to 100',
      'line 24: spec.data_property_variations[4].property_name: must not be empty',
    ]);
  });

  it('reports the sum of a distribution, naming values that count as 0', () => {
    expect(
      linesOf(
        'spec:\n  data_property_variations:\n    - property_name: a\n      property_values: [x]\n    - property_name: b\n      property_values: [p, q, r]\n      base_distributions:\n        p: 60\n        q: 30\n',
      ),
    ).toEqual([
      'line 7: spec.data_property_variations[1].base_distributions: sums to 90, must sum to 100 (values not listed count as 0: "r")',
    ]);
  });

  it('rejects percentages that are out of range or not numbers', () => {
    expect(
      linesOf(oneProperty('property_values: [a, b, c]\nbase_distributions: {a: 120, b: -20, c: "0"}')),
    ).toEqual([
      'line 7: spec.data_property_variations[0].base_distributions.a: 120 must be a whole number from 0 to 100',
      'line 7: spec.data_property_variations[0].base_distributions.b: -20 must be a whole number from 0 to 100',
      'line 7: spec.data_property_variations[0].base_distributions.c: must be a number (a percentage from 0 to 100)',
    ]);
  });

  it('reports a conditioning cycle at the edge that closes it', () => {
    expect(linesOf(fixture('cycle.yaml'))).toEqual([
      'line 16: spec.data_property_variations[2].conditional_distributions.b: conditioning cycle: c -> b -> a -> c (each is conditioned on the next); remove one link',
    ]);
  });

  it('reports a two-property cycle (A given B, B given A)', () => {
    const text = `spec:
  data_property_variations:
    - property_name: A
      property_values: [x, y]
      conditional_distributions:
        B: {u: {x: 50, y: 50}}
    - property_name: B
      property_values: [u, v]
      conditional_distributions:
        A: {x: {u: 100}}
`;
    expect(linesOf(text)).toEqual([
      'line 10: spec.data_property_variations[1].conditional_distributions.A: conditioning cycle: B -> A -> B (each is conditioned on the next); remove one link',
    ]);
  });

  it('names unknown keys and their lines, at every level', () => {
    const text = `spec:
  descripton: typo
  data_property_variations:
    - property_name: a
      property_values: [x]
      base_distribution: {x: 100}
      weight: 3
extra: 1
metadata:
  anything: goes
`;
    expect(linesOf(text)).toEqual([
      'line 2: spec.descripton: unknown key (did you mean description?); expected description, requirements, data_property_variations, selected_sql_schema_column, selected_sql_query_columns',
      'line 6: spec.data_property_variations[0].base_distribution: unknown key (did you mean base_distributions?); expected property_name, property_description, property_values, base_distributions, conditional_distributions',
      'line 7: spec.data_property_variations[0].weight: unknown key; expected property_name, property_description, property_values, base_distributions, conditional_distributions',
      'line 8: extra: unknown top-level key; expected spec (or specification) and optionally metadata',
    ]);
  });

  it('reports YAML syntax errors with line and column, and nothing else', () => {
    const text = 'spec:\n  description: ok\n  requirements: a: b\n';
    const problems = problemsOf(text);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.line).toBe(3);
    expect(problems[0]!.path).toBe('');
    expect(problems[0]!.message).toMatch(/^invalid YAML: .+ \(column \d+\)$/);
    expect(() => parseSpecYaml(text)).toThrow(/^Invalid spec: 1 problem\nline 3: invalid YAML: /);
  });

  it.each([
    ['a tab used as indentation', 'spec:\n  description: x\n\tdata_property_variations: []\n', 3],
    ['a duplicate key', 'spec:\n  description: a\n  description: b\n', 3],
    [
      'an unclosed flow list',
      'spec:\n  data_property_variations:\n    - property_name: a\n      property_values: [x, y\n',
      5,
    ],
    ['two documents', 'spec: {}\n---\nspec: {}\n', 2],
    [
      'an unterminated quote (reported where the input ends)',
      'spec:\n  requirements: "open\n  description: x\n',
      4,
    ],
  ])('reports %s as invalid YAML on its line', (_, text, line) => {
    const [problem, ...rest] = problemsOf(text);
    expect(rest).toEqual([]);
    expect(problem!.line).toBe(line);
    expect(problem!.message).toMatch(/^invalid YAML: /);
  });

  it('requires a spec section', () => {
    expect(linesOf('')).toEqual([
      'line 1: : the document is empty: expected a `spec:` section (description, requirements, data_property_variations)',
    ]);
    expect(linesOf('metadata:\n  spec_id: x\n')).toEqual([
      'line 1: spec: missing: the spec goes under a top-level `spec:` key',
    ]);
    expect(linesOf('- a\n- b\n')[0]).toMatch(/^line 1: : the document must be a mapping/);
    expect(linesOf('spec:\n')).toEqual(['line 1: spec: is empty']);
    expect(linesOf('spec: [a]\n')).toEqual([
      'line 1: spec: must be a mapping (description, requirements, data_property_variations)',
    ]);
  });

  it('rejects both spec: and specification:', () => {
    expect(linesOf('spec:\n  description: a\nspecification:\n  description: b\n')).toEqual([
      'line 3: specification: the spec is already given under spec:',
    ]);
  });

  it('reports wrongly shaped fields', () => {
    const text = `spec:
  description: [not, text]
  requirements: {a: b}
  selected_sql_query_columns: abc
  data_property_variations:
    - just a string
    - property_name: {x: 1}
      property_values: a, b, c
      base_distributions: [a]
      conditional_distributions: [b]
    - property_values: [a, ~, [b]]
`;
    expect(linesOf(text)).toEqual([
      'line 2: spec.description: must be text, not a list',
      'line 3: spec.requirements: must be text, not a mapping',
      'line 4: spec.selected_sql_query_columns: must be a list',
      'line 6: spec.data_property_variations[0]: each property must be a mapping with property_name and property_values',
      'line 7: spec.data_property_variations[1].property_name: must be text, not a mapping',
      'line 8: spec.data_property_variations[1].property_values: must be a list of values, e.g. [low, medium, high]',
      'line 9: spec.data_property_variations[1].base_distributions: must map each value to a percentage, e.g. {low: 20, high: 80}',
      'line 10: spec.data_property_variations[1].conditional_distributions: must map a parent property to its values, each with a distribution',
      'line 11: spec.data_property_variations[2].property_name: is missing',
      'line 11: spec.data_property_variations[2].property_values[1]: is empty (write "null" in quotes if you mean the text)',
      'line 11: spec.data_property_variations[2].property_values[2]: must be text, not a list',
    ]);
  });

  it('reports a missing property_values and an empty property_name', () => {
    expect(linesOf('spec:\n  data_property_variations:\n    - property_name:\n')).toEqual([
      'line 3: spec.data_property_variations[0].property_name: must not be empty',
      'line 3: spec.data_property_variations[0].property_values: is missing',
    ]);
  });

  it('does not pile follow-on problems onto a malformed part', () => {
    // The values are unreadable, so the distribution's keys cannot be judged; its sum still can.
    expect(linesOf(oneProperty('property_values: positive\nbase_distributions: {positive: 50}'))).toEqual([
      'line 6: spec.data_property_variations[0].property_values: must be a list of values, e.g. [low, medium, high]',
      'line 7: spec.data_property_variations[0].base_distributions: sums to 50, must sum to 100',
    ]);
    // A non-number percentage: no sum is reported.
    expect(linesOf(oneProperty('property_values: [a, b]\nbase_distributions: {a: 50, b: lots}'))).toEqual([
      'line 7: spec.data_property_variations[0].base_distributions.b: must be a number (a percentage from 0 to 100)',
    ]);
  });

  it('rejects keys that are the same text, such as 1 and "1"', () => {
    expect(
      linesOf(oneProperty('property_values: ["1", "2"]\nbase_distributions: {1: 50, "1": 50, "2": 0}')),
    ).toEqual(['line 7: spec.data_property_variations[0].base_distributions["1"]: repeats an earlier key']);
  });

  it('rejects aliases', () => {
    const text = 'spec:\n  description: &d text\n  requirements: *d\n';
    expect(linesOf(text)).toEqual([
      'line 3: spec.requirements: aliases (*name) are not supported in specs; write the value out',
    ]);
  });

  it('quotes keys that are not identifiers in paths', () => {
    const text = oneProperty('property_values: [a]\nbase_distributions: {"x y": 100}');
    expect(linesOf(text)).toEqual([
      'line 7: spec.data_property_variations[0].base_distributions["x y"]: "x y" is not one of the property\'s values ("a")',
    ]);
  });
});
