import type { TableRecord } from '../datasets/records.js';
import { type Assignment, conditioningOrder, planAssignments } from '../sampling/quota.js';
import type { SpecContent } from '../spec/types.js';
import {
  fitTabularSynthesizer,
  type TabularSynthesizer,
  type TabularSynthesizerOptions,
} from './synthesizer.js';
import type { TextFallbackMetadata } from './text.js';

/**
 * Rows that follow a spec: the spec's properties that name columns (base and conditional distributions,
 * as dealt out by `planAssignments`) fix those columns row by row, and every other column follows the
 * seed data given them. Properties that are not columns are ignored (and listed).
 */
export interface SynthesizeFromSpecInput {
  columns: string[];
  /** The seed table the other columns are learned from. */
  records: TableRecord[];
  spec: SpecContent;
  n: number;
  seed?: string;
  /** Per row assignments (e.g. from `planAssignments`); planned from the spec with `seed` when absent. */
  assignments?: Assignment[];
  /** A synthesiser fitted before on the same seed, to reuse. */
  synthesizer?: TabularSynthesizer;
  options?: TabularSynthesizerOptions;
}

export interface SynthesizeFromSpecResult {
  rows: Record<string, unknown>[];
  assignments: Assignment[];
  /** Spec properties honoured, i.e. that name a column. */
  properties: string[];
  /** Spec properties that are not columns, left to the data. */
  ignoredProperties: string[];
  textFallback: Record<string, TextFallbackMetadata>;
  synthesizer: TabularSynthesizer;
}

export function synthesizeFromSpec(input: SynthesizeFromSpecInput): SynthesizeFromSpecResult {
  const seed = input.seed ?? 'spec';
  const columnSet = new Set(input.columns);
  const ordered = conditioningOrder(input.spec.data_property_variations);
  const properties = ordered.map((p) => p.property_name).filter((name) => columnSet.has(name));
  const ignoredProperties = ordered.map((p) => p.property_name).filter((name) => !columnSet.has(name));
  const synthesizer =
    input.synthesizer ??
    fitTabularSynthesizer(input.columns, input.records, {
      seed,
      ...input.options,
      // Spec properties are drawn first, parents before children, so their values hold exactly and the
      // other columns are drawn given them.
      order: [...properties, ...(input.options?.order ?? [])],
    });
  const assignments = input.assignments ?? planAssignments(input.spec, input.n, seed);
  const conditions = assignments.map((a) =>
    Object.fromEntries(Object.entries(a).filter(([name]) => columnSet.has(name))),
  );
  const axisValues = Object.fromEntries(
    input.spec.data_property_variations
      .filter((p) => columnSet.has(p.property_name))
      .map((p) => [p.property_name, p.property_values.filter((v) => v.trim().toLowerCase() !== 'other')]),
  );
  const rows = synthesizer.sample(input.n, { seed, conditions, axisValues });
  return {
    rows,
    assignments,
    properties,
    ignoredProperties,
    textFallback: synthesizer.textFallback,
    synthesizer,
  };
}
