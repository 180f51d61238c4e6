import { asSchema } from 'ai';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exampleFromSchema } from '../../test/support/fake-openai.js';
import { describeIssues, extractJson, isStrictCompatible, parseReply } from './structured.js';

const Spec = z.object({
  data_property_variations: z.array(
    z.object({ property_name: z.string(), property_values: z.array(z.string()).min(1) }),
  ),
});

describe('extractJson', () => {
  it('finds JSON inside code fences or surrounding prose', () => {
    const reply = (value: unknown) => JSON.parse(JSON.stringify(value));
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom('', 'Here you go:\n', 'Sure! '), (value, lead) => {
        const text = `${lead}\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\`\nAnything else?`;
        const result = extractJson(text);
        expect(result).toEqual({ ok: true, value: reply(value) });
      }),
    );
    expect(extractJson('The object is {"a": 1} as asked.')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('says why a reply is not JSON', () => {
    const bad = extractJson('{"a": ');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^reply is not valid JSON \(/);
    expect(extractJson('  ')).toEqual({ ok: false, error: 'reply is not valid JSON (the reply was empty)' });
  });
});

describe('parseReply', () => {
  it('quotes zod issues with their paths', () => {
    const result = parseReply(
      JSON.stringify({ data_property_variations: [{ property_name: 'tone', property_values: 'formal' }] }),
      Spec,
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(
      /^data_property_variations\.0\.property_values: .*expected array/,
    );
  });

  it('limits the number of issues quoted', () => {
    const many = z.object(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`f${i}`, z.string()])));
    const result = many.safeParse({});
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error.issues, 3)).toMatch(/; \.\.\. and 17 more$/);
    expect(describeIssues(z.string().safeParse(1).error?.issues ?? [])).toMatch(/^\(root\): /);
  });
});

describe('isStrictCompatible', () => {
  it('accepts closed objects with every property required', async () => {
    expect(isStrictCompatible(await asSchema(Spec).jsonSchema)).toBe(true);
  });

  it('rejects optional properties and open records', async () => {
    expect(isStrictCompatible(await asSchema(z.object({ a: z.string().optional() })).jsonSchema)).toBe(false);
    expect(
      isStrictCompatible(await asSchema(z.object({ m: z.record(z.string(), z.number()) })).jsonSchema),
    ).toBe(false);
  });
});

describe('exampleFromSchema (fake server)', () => {
  const schemas: Record<string, z.ZodType> = {
    spec: Spec,
    scalars: z.object({
      name: z.string().min(12),
      count: z.number().int().min(3),
      ratio: z.number().max(0.5),
      flag: z.boolean(),
      kind: z.enum(['x', 'y']),
      maybe: z.string().nullable(),
      either: z.union([z.object({ a: z.literal('A') }), z.object({ b: z.number() })]),
      when: z.iso.datetime(),
      optional: z.string().optional(),
    }),
    arrays: z.object({
      pairs: z
        .array(z.tuple([z.string(), z.number()]))
        .min(2)
        .max(3),
    }),
  };

  for (const [name, schema] of Object.entries(schemas)) {
    it(`builds a value that validates against the ${name} schema`, async () => {
      const jsonSchema = await asSchema(schema).jsonSchema;
      const value = exampleFromSchema(jsonSchema);
      expect(schema.safeParse(value).success).toBe(true);
    });
  }

  it('follows $ref definitions', () => {
    const value = exampleFromSchema({
      type: 'object',
      properties: { item: { $ref: '#/definitions/Item' } },
      required: ['item'],
      definitions: { Item: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] } },
    });
    expect(value).toEqual({ item: { id: 1 } });
  });
});
