import { OpenFramerError } from '../../errors.js';
import { findModel } from '../../llm/catalog.js';
import type { LlmGateway, LlmRequest, LlmResult } from '../../llm/types.js';
import { normaliseSpec, validateSpec } from '../../spec/index.js';
import type { SpecContent, SpecProperty } from '../../spec/types.js';
import { statisticalSpec } from '../../statistical/index.js';
import { chunkSamples, corpusSamples, renderSamples, type SeedCorpus } from './corpus.js';
import { documentSpec } from './documents.js';
import { ANALYST_SYSTEM, CHUNK_TASK, MERGE_TASK, optionRules, SEEDLESS_TASK } from './prompts.js';
import { ChunkAnalysis, SpecReply } from './schemas.js';

export const STATISTICAL_MODEL = 'openframer/statistical';

export interface SpecAnalysisOptions {
  generateDistributions: boolean;
  generateConditionalDistributions: boolean;
  extrapolateValues: boolean;
  extrapolateAxes: boolean;
}

export interface SpecAnalysisInput {
  model: string;
  /** Null for a seedless spec. */
  seeds: SeedCorpus | null;
  objectives?: string | null;
  options: SpecAnalysisOptions;
  thinkingBudget?: number | null;
  credentials?: LlmRequest['credentials'];
  /** The model's context window when it is not in the built-in catalog (a configured model). */
  contextWindow?: number;
  /** Tuning for tests and benchmarks. */
  limits?: { chunkTokens?: number; maxChunks?: number };
}

export interface SpecAnalysisPorts {
  llm: LlmGateway;
  progress?: (p: { stage: string; done: number; total: number }) => void;
}

export interface SpecAnalysisResult {
  content: SpecContent;
  /** How the seeds were read: chunks analysed, samples seen. */
  chunks: number;
  samplesAnalysed: number;
  calls: number;
  costUsd: number;
}

const DEFAULT_MAX_CHUNKS = 16;

/**
 * Works out a spec from seed examples (or from objectives alone): one model call per chunk of seeds, run
 * concurrently, then one merge call; or the offline statistical engine for `openframer/statistical`.
 */
export async function analyzeSeeds(
  input: SpecAnalysisInput,
  ports: SpecAnalysisPorts,
  signal?: AbortSignal,
): Promise<SpecAnalysisResult> {
  if (input.model === STATISTICAL_MODEL) return offlineSpec(input);
  const totals = { calls: 0, costUsd: 0 };
  const track = <T extends LlmResult>(r: T): T => {
    totals.calls += r.calls;
    totals.costUsd += r.costUsd;
    return r;
  };
  const system = `${ANALYST_SYSTEM}\n\n${optionRules(input.options)}`;
  const call = <T>(schema: import('zod').ZodType<T>, schemaName: string, content: string) =>
    ports.llm
      .generateObject({
        model: input.model,
        stage: 'spec',
        system,
        messages: [{ role: 'user', content }],
        schema,
        schemaName,
        thinkingBudget: input.thinkingBudget,
        credentials: input.credentials,
        signal,
      })
      .then(track);

  if (!input.seeds) {
    const objectives = input.objectives?.trim();
    if (!objectives)
      throw new OpenFramerError('invalid', 'generation_objectives is required for a seedless spec');
    ports.progress?.({ stage: 'analysing', done: 0, total: 1 });
    const reply = await call(
      SpecReply,
      'spec',
      `${SEEDLESS_TASK}\n\n<objectives>\n${objectives}\n</objectives>`,
    );
    return { content: finish(reply.object, input.options), chunks: 0, samplesAnalysed: 0, ...totals };
  }

  const model = findModel(input.model);
  const contextTokens = input.contextWindow || model?.context_window || 128_000;
  const chunkTokens = input.limits?.chunkTokens ?? Math.min(60_000, Math.floor(contextTokens * 0.4));
  const chunkChars = chunkTokens * 4;
  const samples = corpusSamples(input.seeds, Math.floor(chunkChars / 4));
  if (samples.length === 0) throw new OpenFramerError('invalid', 'the dataset has no samples to analyse');
  const chunks = chunkSamples(samples, chunkChars, input.limits?.maxChunks ?? DEFAULT_MAX_CHUNKS);
  const samplesAnalysed = chunks.reduce((s, c) => s + c.length, 0);
  const context = datasetContext(input.seeds);

  if (chunks.length === 1) {
    ports.progress?.({ stage: 'analysing', done: 0, total: 1 });
    const reply = await call(SpecReply, 'spec', `${context}\n\n${renderSamples(chunks[0]!)}`);
    ports.progress?.({ stage: 'analysing', done: 1, total: 1 });
    return { content: finish(reply.object, input.options), chunks: 1, samplesAnalysed, ...totals };
  }

  let done = 0;
  ports.progress?.({ stage: 'analysing', done, total: chunks.length + 1 });
  const partials = await Promise.all(
    chunks.map(async (chunk, i) => {
      const reply = await call(
        ChunkAnalysis,
        'portion_analysis',
        `${CHUNK_TASK}\n\n${context}\n\nPortion ${i + 1} of ${chunks.length} (${chunk.length} samples):\n${renderSamples(chunk)}`,
      );
      ports.progress?.({ stage: 'analysing', done: ++done, total: chunks.length + 1 });
      return { portion: i + 1, samples: chunk.length, ...reply.object };
    }),
  );
  const merged = await call(
    SpecReply,
    'spec',
    `${MERGE_TASK}\n\n${context}\n\n<portions>\n${JSON.stringify(partials)}\n</portions>`,
  );
  ports.progress?.({ stage: 'analysing', done: chunks.length + 1, total: chunks.length + 1 });
  return { content: finish(merged.object, input.options), chunks: chunks.length, samplesAnalysed, ...totals };
}

function datasetContext(seeds: SeedCorpus): string {
  if (seeds.table) {
    const t = seeds.table;
    return `The examples are records of the table "${t.fileName}" (${t.total} records; columns: ${t.columns.join(', ')}). Each sample is one record.`;
  }
  if (seeds.datasetType === 'MULTI_FOLDER') {
    return 'Each sample is a folder of related files; the files of a folder belong together (e.g. one case, one patient).';
  }
  return 'Each sample is one file.';
}

/** From the model's reply to a spec that passes validation (shares rounded to integers summing to 100). */
export function finish(reply: SpecReply, options: SpecAnalysisOptions): SpecContent {
  const properties: SpecProperty[] = reply.data_property_variations.map((p) => {
    const property: SpecProperty = {
      property_name: p.property_name,
      property_description: p.property_description,
      property_values: p.values.map((v) => v.value),
    };
    if (options.generateDistributions && p.values.some((v) => v.percent > 0)) {
      property.base_distributions = Object.fromEntries(p.values.map((v) => [v.value, v.percent]));
    }
    if (options.generateDistributions && options.generateConditionalDistributions && p.conditional) {
      property.conditional_distributions = {
        [p.conditional.parent_property]: Object.fromEntries(
          p.conditional.rows.map((row) => [
            row.parent_value,
            Object.fromEntries(row.distribution.map((d) => [d.value, d.percent])),
          ]),
        ),
      };
    }
    return property;
  });
  const content = normaliseSpec({
    description: reply.description,
    requirements: reply.requirements.map((r) => (r.startsWith('- ') ? r : `- ${r}`)).join('\n'),
    data_property_variations: properties,
  });
  const problems = validateSpec(content);
  if (problems.length > 0) {
    throw new OpenFramerError(
      'invalid',
      `the model's spec is not usable: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    );
  }
  return content;
}

function offlineSpec(input: SpecAnalysisInput): SpecAnalysisResult {
  if (!input.seeds) {
    throw new OpenFramerError(
      'invalid',
      'openframer/statistical learns specs from seed data; a seedless spec needs a language model (spec_generation_model_name)',
    );
  }
  const base = { chunks: 1, calls: 0, costUsd: 0 };
  if (input.seeds.table) {
    const t = input.seeds.table;
    const { content } = statisticalSpec(
      t.columns,
      t.records,
      {
        generateDistributions: input.options.generateDistributions,
        generateConditionalDistributions: input.options.generateConditionalDistributions,
      },
      t.total,
    );
    return { ...base, content: normaliseSpec(content), samplesAnalysed: t.records.length };
  }
  const content = documentSpec(input.seeds, input.options.generateDistributions);
  return { ...base, content: normaliseSpec(content), samplesAnalysed: input.seeds.documents?.length ?? 0 };
}
