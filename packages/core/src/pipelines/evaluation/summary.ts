import type { LlmGateway, LlmRequest, LlmResult } from '../../llm/types.js';
import { SUMMARY_SYSTEM } from './prompts.js';
import { EvaluationSummaryReply } from './schemas.js';
import { SCORE_FORMULA } from './score.js';
import type { PropertyAnalysis, QualityBlock } from './types.js';

/** A property at or above this score counts as conformant in the template summary. */
export const CONFORMANT_PROPERTY_SCORE = 85;

export interface SummaryFacts {
  score: number | null;
  samples: number;
  analysis: PropertyAnalysis[];
  quality: QualityBlock | null;
  /** Things the reader must know (e.g. documents were not classified offline). */
  notes: string[];
}

const pct = (x: number) => `${Math.round(x * 10) / 10}%`;

/** The values whose evaluated share differs most from the requested share, largest gap first. */
function gaps(a: PropertyAnalysis, limit = 3): string[] {
  const keys = new Set([
    ...Object.keys(a.requested_distributions),
    ...Object.keys(a.evaluated_distributions),
  ]);
  return [...keys]
    .map((k) => ({
      k,
      requested: a.requested_distributions[k] ?? 0,
      evaluated: a.evaluated_distributions[k] ?? 0,
    }))
    .filter((g) => Math.abs(g.requested - g.evaluated) >= 0.5)
    .sort((x, y) => Math.abs(y.requested - y.evaluated) - Math.abs(x.requested - x.evaluated))
    .slice(0, limit)
    .map((g) => `${g.k} requested ${pct(g.requested)}, evaluated ${pct(g.evaluated)}`);
}

function describeProperty(a: PropertyAnalysis): string {
  const parts: string[] = [];
  if (a.assignment_agreement !== null)
    parts.push(`${pct(100 * a.assignment_agreement)} of samples show their assigned value`);
  if (a.tvd_requested_evaluated !== null)
    parts.push(`distance to the requested distribution ${pct(100 * a.tvd_requested_evaluated)} (TVD)`);
  const g = gaps(a);
  if (g.length) parts.push(g.join('; '));
  return `${a.property_name} (score ${a.property_score}): ${parts.join(', ')}`;
}

/** The explanation from a template over the numbers: used offline and when the model's summary fails. */
export function templateSummary(facts: SummaryFacts): EvaluationSummaryReply {
  const analysed = facts.analysis.filter((a) => a.property_score !== null);
  const skipped = facts.analysis.filter((a) => a.property_score === null).map((a) => a.property_name);
  const sentences: string[] = [];
  if (facts.score === null) {
    sentences.push(
      facts.analysis.length === 0
        ? 'The spec has no properties, so there is no conformance score.'
        : 'No property could be analysed, so there is no conformance score.',
    );
  } else {
    sentences.push(
      `Conformance score ${facts.score}/100 over ${analysed.length} ${analysed.length === 1 ? 'property' : 'properties'} and ${facts.samples} samples (${SCORE_FORMULA}).`,
    );
  }
  if (skipped.length) sentences.push(`Not analysed: ${skipped.join(', ')}.`);
  sentences.push(...facts.notes);
  const good = analysed.filter((a) => (a.property_score ?? 0) >= CONFORMANT_PROPERTY_SCORE);
  const bad = analysed.filter((a) => (a.property_score ?? 0) < CONFORMANT_PROPERTY_SCORE);
  return {
    conformance_explanation: sentences.join(' '),
    conformant_areas: good.length ? good.map(describeProperty).join('\n') : 'None.',
    non_conformant_areas: bad.length ? bad.map(describeProperty).join('\n') : 'None.',
  };
}

/** The numbers the model writes from, as compact JSON. */
export function summaryFactsJson(facts: SummaryFacts): string {
  return JSON.stringify(
    {
      conformance_score: facts.score,
      score_formula: SCORE_FORMULA,
      samples: facts.samples,
      properties: facts.analysis.map((a) => ({
        property: a.property_name,
        property_score: a.property_score,
        samples_analysed: a.total_samples_analyzed,
        assignment_agreement: a.assignment_agreement,
        tvd_requested_evaluated: a.tvd_requested_evaluated,
        requested_percent: a.requested_distributions,
        expected_percent: a.expected_distributions,
        evaluated_percent: a.evaluated_distributions,
      })),
      quality: facts.quality,
      notes: facts.notes,
    },
    null,
    1,
  );
}

/**
 * The explanation and the (non-)conformant areas written by the model from the computed numbers, which it
 * is given in full. Falls back to the template when the call fails for anything but an abort.
 */
export async function writeSummary(
  facts: SummaryFacts,
  request: Pick<LlmRequest, 'model' | 'thinkingBudget' | 'credentials'>,
  llm: LlmGateway,
  signal?: AbortSignal,
): Promise<{ summary: EvaluationSummaryReply; byModel: boolean; result?: LlmResult }> {
  if (facts.score === null) return { summary: templateSummary(facts), byModel: false };
  try {
    const reply = await llm.generateObject({
      ...request,
      stage: 'evaluation',
      system: SUMMARY_SYSTEM,
      messages: [
        {
          role: 'user',
          content: `Evaluation results (computed; use only these numbers):\n${summaryFactsJson(facts)}\n\nWrite conformance_explanation, conformant_areas and non_conformant_areas. A property with property_score >= ${CONFORMANT_PROPERTY_SCORE} is conformant.`,
        },
      ],
      schema: EvaluationSummaryReply,
      schemaName: 'evaluation_summary',
      signal,
    });
    return { summary: reply.object, byModel: true, result: reply };
  } catch (err) {
    if (signal?.aborted) throw err;
    return { summary: templateSummary(facts), byModel: false };
  }
}
