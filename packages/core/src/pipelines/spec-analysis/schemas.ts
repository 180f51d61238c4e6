import { z } from 'zod';

// Shapes the model answers in. Distributions are arrays, not maps: strict JSON-schema modes (OpenAI's)
// cannot express objects with free keys.

const ValueShare = z.object({
  value: z.string().describe('One value of the property, short and specific'),
  percent: z
    .number()
    .describe('Share of samples with this value, 0-100; the shares of a property sum to 100'),
});

const Conditional = z.object({
  parent_property: z.string().describe('Another property this one depends on'),
  rows: z.array(
    z.object({
      parent_value: z.string(),
      distribution: z
        .array(ValueShare)
        .describe('Distribution of this property among samples with that parent value'),
    }),
  ),
});

export const SpecReply = z.object({
  description: z.string().describe('What the data is, in one or two sentences'),
  requirements: z
    .array(z.string())
    .describe('Rules every sample must satisfy: structure, format, content, style'),
  data_property_variations: z.array(
    z.object({
      property_name: z.string().describe('snake_case name of a way samples differ'),
      property_description: z.string(),
      values: z.array(ValueShare),
      conditional: Conditional.nullable().describe(
        'How this property depends on another one; null when independent',
      ),
    }),
  ),
});
export type SpecReply = z.infer<typeof SpecReply>;

export const ChunkAnalysis = z.object({
  description: z.string(),
  requirements: z.array(z.string()),
  properties: z.array(
    z.object({
      property_name: z.string(),
      property_description: z.string(),
      values: z.array(
        z.object({
          value: z.string(),
          count: z.number().int().describe('How many samples of this portion show the value'),
        }),
      ),
    }),
  ),
});
export type ChunkAnalysis = z.infer<typeof ChunkAnalysis>;
