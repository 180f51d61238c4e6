import { clip } from '../spec-analysis/corpus.js';
import { CHAT_SYSTEM } from './prompts.js';
import type { PropertyAnalysis, QualityBlock } from './types.js';

/** What the chat model is told about the evaluation it discusses. */
export interface EvaluationChatFacts {
  specDescription: string;
  status: string;
  conformance_score: number | null;
  conformance_explanation: string;
  conformant_areas: string;
  non_conformant_areas: string;
  distribution_analysis: PropertyAnalysis[] | null;
  quality: QualityBlock | null;
  /** Samples whose classification differs from their assignment (the server picks at most a few dozen). */
  disagreements: {
    sample_identifier: string;
    assignment: Record<string, string>;
    classifications: Record<string, string>;
  }[];
  totalSamples: number;
}

/** Characters of evaluation context in the chat's system prompt (about 15k tokens). */
const MAX_CONTEXT_CHARS = 60_000;

/** The chat's system prompt: the instructions, then the evaluation results as JSON. */
export function evaluationChatSystem(facts: EvaluationChatFacts): string {
  const context = JSON.stringify(
    {
      spec_description: facts.specDescription,
      status: facts.status,
      samples: facts.totalSamples,
      conformance_score: facts.conformance_score,
      conformance_explanation: facts.conformance_explanation,
      conformant_areas: facts.conformant_areas,
      non_conformant_areas: facts.non_conformant_areas,
      distribution_analysis: facts.distribution_analysis,
      quality: facts.quality,
      samples_disagreeing_with_their_assignment: facts.disagreements,
    },
    null,
    1,
  );
  return `${CHAT_SYSTEM}\n\n<evaluation>\n${clip(context, MAX_CONTEXT_CHARS)}\n</evaluation>`;
}
