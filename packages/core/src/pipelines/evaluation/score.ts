import { distributionConformance } from '../../metrics/conformance.js';
import { totalVariation } from '../../metrics/stats.js';
import { effectivePercentages } from '../../spec/distribution.js';
import type { SpecContent } from '../../spec/types.js';
import type { PropertyAnalysis, SampleClassification } from './types.js';

/**
 * The conformance score, written out (docs/evaluations.md explains it):
 *
 *   per property p with at least one analysed sample:
 *     agreement_p = share of analysed samples whose classification equals the value the plan assigned
 *     tvd_p       = total variation distance between the spec's requested distribution and the evaluated one
 *     score_p     = 50 × agreement_p + 50 × (1 − tvd_p)          (0-100)
 *                   100 × (1 − tvd_p) when no sample carries an assignment for p
 *   conformance_score = mean of score_p over those properties, rounded to one decimal; null when none.
 */
export const SCORE_FORMULA =
  'per property: 50 × assignment_agreement + 50 × (1 − TVD(requested, evaluated)) ' +
  '(100 × (1 − TVD) when samples carry no assignment); conformance_score = mean over analysed properties';

/** One property's score, 0-100, from its agreement (0-1 or null) and TVD (0-1). */
export function propertyScore(agreement: number | null, tvd: number): number {
  const distribution = 1 - Math.min(1, Math.max(0, tvd));
  if (agreement === null) return 100 * distribution;
  return 50 * Math.min(1, Math.max(0, agreement)) + 50 * distribution;
}

/** The mean of the property scores that exist, one decimal; null when no property was analysed. */
export function conformanceScore(
  analysis: readonly Pick<PropertyAnalysis, 'property_score'>[],
): number | null {
  const scores = analysis.map((a) => a.property_score).filter((s): s is number => s !== null);
  if (scores.length === 0) return null;
  return round(scores.reduce((s, x) => s + x, 0) / scores.length, 1);
}

const round = (x: number, digits: number) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Counts as percentages (two decimals), spec values first (0 when unseen), then any other value seen. */
function percentOf(counts: Map<string, number>, order: readonly string[], n: number): Record<string, number> {
  const out: Record<string, number> = {};
  const keys = [...order, ...[...counts.keys()].filter((k) => !order.includes(k)).sort()];
  for (const k of keys) out[k] = n > 0 ? round((100 * (counts.get(k) ?? 0)) / n, 2) : 0;
  return out;
}

const countOf = (values: string[]) => {
  const m = new Map<string, number>();
  for (const v of values) m.set(v, (m.get(v) ?? 0) + 1);
  return m;
};

/**
 * Per spec property: requested (spec), expected (the plan's assignments of the analysed samples) and
 * evaluated (the classifications) distributions, agreement, distances and the property's score.
 * `totalSamples` is the number of finished samples (analysed or not).
 */
export function analyseDistributions(
  spec: SpecContent,
  classified: readonly SampleClassification[],
  totalSamples: number = classified.length,
): PropertyAnalysis[] {
  return spec.data_property_variations.map((property) => {
    const name = property.property_name;
    const values = property.property_values;
    const requested = Object.fromEntries(effectivePercentages(values, property.base_distributions));
    const analysed = classified.filter((c) => Object.hasOwn(c.classifications, name));
    const evaluatedValues = analysed.map((c) => c.classifications[name]!);
    const withAssignment = analysed.filter((c) => Object.hasOwn(c.assignment, name));
    const assignedValues = withAssignment.map((c) => c.assignment[name]!);
    const n = analysed.length;
    const evaluatedCounts = countOf(evaluatedValues);
    const expectedCounts = countOf(assignedValues);
    const fit = n > 0 ? distributionConformance(requested, evaluatedValues) : undefined;
    const agreement =
      withAssignment.length > 0
        ? withAssignment.filter((c) => c.assignment[name] === c.classifications[name]).length /
          withAssignment.length
        : null;
    const tvd = fit ? fit.tvd : null;
    const tvdExpected =
      n > 0 && withAssignment.length > 0
        ? totalVariation(
            Object.fromEntries(expectedCounts),
            Object.fromEntries(countOf(withAssignment.map((c) => c.classifications[name]!))),
          )
        : null;
    return {
      property_name: name,
      total_samples: totalSamples,
      total_samples_analyzed: n,
      requested_distributions: requested,
      expected_distributions: percentOf(expectedCounts, values, withAssignment.length),
      evaluated_distributions: percentOf(evaluatedCounts, values, n),
      assignment_agreement: agreement === null ? null : round(agreement, 4),
      tvd_requested_evaluated: tvd === null ? null : round(tvd, 4),
      tvd_expected_evaluated: tvdExpected === null ? null : round(tvdExpected, 4),
      chi_square_p_value: fit?.chiSquare ? round(fit.chiSquare.pValue, 4) : null,
      property_score: tvd === null ? null : round(propertyScore(agreement, tvd), 2),
    };
  });
}
