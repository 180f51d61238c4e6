import { z } from 'zod';
import type { SpecContent, SpecProperty } from '../../spec/types.js';

/** The properties a classifier can answer for: at least one value, duplicates dropped. */
export function classifiableProperties(spec: SpecContent): { name: string; values: [string, ...string[]] }[] {
  const out: { name: string; values: [string, ...string[]] }[] = [];
  for (const p of spec.data_property_variations) {
    const values = [...new Set(p.property_values)];
    if (values.length > 0) out.push({ name: p.property_name, values: values as [string, ...string[]] });
  }
  return out;
}

export interface BatchEntry {
  /** `sample_<n>`: the key the model answers under. */
  id: string;
  /** MULTI_FOLDER: the names of the sample's files. */
  files?: string[];
}

/**
 * The reply for one batch: an object keyed by sample id (every id required, so no sample is skipped),
 * each holding one value per property (an enum of the property's values) and, for folders, one value
 * or null per file and property. Explicit keys keep the schema usable in strict JSON-schema modes.
 */
export function batchReplySchema(spec: SpecContent, batch: readonly BatchEntry[]) {
  const properties = classifiableProperties(spec);
  const describeOf = new Map<string, SpecProperty>(
    spec.data_property_variations.map((p) => [p.property_name, p]),
  );
  const sampleShape = Object.fromEntries(
    properties.map((p) => [
      p.name,
      z.enum(p.values).describe(describeOf.get(p.name)?.property_description?.trim() || p.name),
    ]),
  );
  const fileShape = Object.fromEntries(properties.map((p) => [p.name, z.enum(p.values).nullable()]));
  return z.object(
    Object.fromEntries(
      batch.map((entry) => {
        const classifications = z.object(sampleShape);
        if (!entry.files?.length) return [entry.id, z.object({ classifications })];
        const files = z
          .object(Object.fromEntries(entry.files.map((f) => [f, z.object(fileShape)])))
          .describe('Per file of the folder: the value the file itself shows, or null when it shows none');
        return [entry.id, z.object({ classifications, files })];
      }),
    ),
  );
}

export type BatchReply = Record<
  string,
  {
    classifications: Record<string, string>;
    files?: Record<string, Record<string, string | null>>;
  }
>;

export const EvaluationSummaryReply = z.object({
  conformance_explanation: z
    .string()
    .describe('Two to five sentences: the score, what drives it, citing the numbers given'),
  conformant_areas: z
    .string()
    .describe(
      'Properties (and values) where samples match the spec well, with their numbers; "None." if none',
    ),
  non_conformant_areas: z
    .string()
    .describe('Properties and values that deviate, with requested vs evaluated numbers; "None." if none'),
});
export type EvaluationSummaryReply = z.infer<typeof EvaluationSummaryReply>;
