import { STATISTICAL_MODEL } from '../spec-analysis/analyze.js';
import { type ClassifyOutcome, classifyByColumns, classifyWithModel } from './classify.js';
import { qualityOf } from './quality.js';
import { analyseDistributions, conformanceScore, SCORE_FORMULA } from './score.js';
import { templateSummary, writeSummary } from './summary.js';
import type { EvaluationInput, EvaluationPorts, EvaluationResult, QualityBlock } from './types.js';

/**
 * Evaluates a run's finished samples against its spec:
 * 1. classify every sample onto every property (a language model in batches, or — with
 *    `openframer/statistical` — a table's column values; documents are not classified offline);
 * 2. per property, the requested / expected / evaluated distributions, agreement with the assignments and
 *    the score (`score.ts`);
 * 3. the quality block (metrics library, offline);
 * 4. the explanation and areas, written by the model from those numbers (a template offline).
 */
export async function evaluateSamples(
  input: EvaluationInput,
  ports: EvaluationPorts,
  signal?: AbortSignal,
): Promise<EvaluationResult> {
  const offline = input.model === STATISTICAL_MODEL;
  const isTable = input.samples.length > 0 && input.samples.every((s) => s.record !== undefined);
  const notes: string[] = [];
  let outcome: ClassifyOutcome;
  let classifier: EvaluationResult['trace']['classifier'];
  if (!offline) {
    outcome = await classifyWithModel(input, ports, signal);
    classifier = 'model';
  } else if (isTable) {
    const classified = classifyByColumns(input.spec, input.samples);
    outcome = {
      classified,
      batches: 0,
      unclassified: classified.filter((c) => Object.keys(c.classifications).length === 0).length,
      calls: 0,
      costUsd: 0,
    };
    classifier = 'column_values';
    const columns = new Set(input.columns ?? Object.keys(input.samples[0]?.record ?? {}));
    const unnamed = input.spec.data_property_variations
      .map((p) => p.property_name)
      .filter((name) => !columns.has(name));
    if (unnamed.length) {
      notes.push(
        `openframer/statistical classifies records by their column values; ${unnamed.join(', ')} ${unnamed.length === 1 ? 'names' : 'name'} no column and ${unnamed.length === 1 ? 'was' : 'were'} not classified (choose a language model as evaluation_model to classify ${unnamed.length === 1 ? 'it' : 'them'}).`,
      );
    }
  } else {
    outcome = {
      classified: classifyByColumns(input.spec, input.samples),
      batches: 0,
      unclassified: input.samples.length,
      calls: 0,
      costUsd: 0,
    };
    classifier = 'none';
    notes.push(
      'openframer/statistical cannot read documents, so the samples were not classified and there is no conformance score; the quality block was computed offline. Choose a language model as evaluation_model to classify documents.',
    );
  }
  if (classifier === 'model' && outcome.unclassified > 0) {
    notes.push(
      `${outcome.unclassified} of ${input.samples.length} samples could not be classified (the model's replies stayed invalid) and are left out of the distributions.`,
    );
  }

  const analysis = analyseDistributions(input.spec, outcome.classified, input.samples.length);
  const score = conformanceScore(analysis);

  let quality: QualityBlock | null = null;
  ports.progress?.({ stage: 'quality', done: 0, total: 1 });
  try {
    quality = qualityOf(input.samples, input.seeds, input.columns);
  } catch (err) {
    notes.push(
      `The quality block could not be computed: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  ports.progress?.({ stage: 'quality', done: 1, total: 1 });

  const facts = { score, samples: input.samples.length, analysis, quality, notes };
  let summary = templateSummary(facts);
  let summaryByModel = false;
  let calls = outcome.calls;
  let costUsd = outcome.costUsd;
  if (!offline) {
    ports.progress?.({ stage: 'summarising', done: 0, total: 1 });
    const written = await writeSummary(
      facts,
      { model: input.model, thinkingBudget: input.thinkingBudget, credentials: input.credentials },
      ports.llm,
      signal,
    );
    summary = written.summary;
    summaryByModel = written.byModel;
    calls += written.result?.calls ?? 0;
    costUsd += written.result?.costUsd ?? 0;
    ports.progress?.({ stage: 'summarising', done: 1, total: 1 });
  }

  return {
    conformance_score: score,
    ...summary,
    distribution_analysis: analysis,
    sample_classifications: outcome.classified,
    quality,
    trace: {
      classifier,
      model: input.model,
      batches: outcome.batches,
      unclassified_samples: outcome.unclassified,
      summary_by_model: summaryByModel,
      score_formula: SCORE_FORMULA,
      notes,
    },
    calls,
    costUsd,
  };
}
