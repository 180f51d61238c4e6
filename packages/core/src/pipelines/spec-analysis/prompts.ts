import type { SpecAnalysisOptions } from './analyze.js';

// Stable instruction blocks come first in every call (system), so provider prompt caches hit across chunks.

export const ANALYST_SYSTEM = `You are a data analyst who writes specifications for synthetic data generation.
A specification says what the data is (description), what every sample must satisfy (requirements), and the
properties along which samples vary ("data property variations"), each with a short list of values and how
often each value occurs.

Rules:
- Base everything on the examples given. Do not invent facts about the data that the examples contradict.
- Requirements are concrete and checkable: structure, fields and formats, length, style, domain rules.
- A property is a dimension a reader would notice and a generator can control (e.g. sentiment, topic,
  severity, customer segment, document length). Use snake_case names. Avoid properties that just restate a
  requirement or that every sample shares.
- Values are mutually exclusive within a property, short, and cover the samples seen.
- Never copy personal data (names, addresses, identifiers) from the examples into the specification.`;

export function optionRules(options: SpecAnalysisOptions): string {
  const rules: string[] = [];
  rules.push(
    options.generateDistributions
      ? 'For each property give the share (percent, summing to 100) of samples with each value, as observed in the examples.'
      : 'Distributions are not needed: give each value percent 0 (the generator uses uniform distributions).',
  );
  rules.push(
    options.generateConditionalDistributions
      ? 'Where a property clearly depends on another one, give "conditional": for each value of the parent property, the distribution of this property among those samples. Use at most one parent per property and no cycles. Otherwise set "conditional" to null.'
      : 'Set "conditional" to null for every property.',
  );
  if (options.extrapolateValues) {
    rules.push(
      'Extrapolate values: add plausible values that the examples do not show but real data of this kind would have, with small shares.',
    );
  }
  if (options.extrapolateAxes) {
    rules.push(
      'Extrapolate axes: add one to three further properties that real data of this kind varies along, even if the examples do not vary on them.',
    );
  }
  return rules.join('\n');
}

export const CHUNK_TASK = `This is one portion of a larger set of examples. Describe this portion: the data, the requirements it
shows, and for each property the number of samples in this portion that show each value (counts, not percents).
Another step merges the portions.`;

export const MERGE_TASK = `Below are analyses of several portions of one set of examples, with per-portion value counts.
Merge them into one specification: unify properties that mean the same thing (pick one name), unify value
spellings, add up counts across portions and turn them into percents. Keep requirements that hold across portions.`;

export const SEEDLESS_TASK = `There are no examples. Write the specification from the user's objectives below: what the data is,
requirements, and the properties a realistic and diverse set of such samples would vary along, with realistic
shares.`;
