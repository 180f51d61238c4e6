import { isOpenFramerError } from '../../errors.js';
import { findModel } from '../../llm/catalog.js';
import type { LlmResult } from '../../llm/types.js';
import { observeRecord } from '../../metrics/conformance.js';
import type { SpecContent } from '../../spec/types.js';
import { clip } from '../spec-analysis/corpus.js';
import { classifierSystem } from './prompts.js';
import { type BatchEntry, type BatchReply, batchReplySchema, classifiableProperties } from './schemas.js';
import type { EvaluationInput, EvaluationPorts, EvaluationSample, SampleClassification } from './types.js';

export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_CLASSIFY_CONCURRENCY = 16;
const MAX_BATCH_CHARS = 240_000;
const MAX_SAMPLE_CHARS = 60_000;

export const sampleIdentifier = (index: number): string => `sample_${index + 1}`;

export interface ClassifyOutcome {
  classified: SampleClassification[];
  batches: number;
  unclassified: number;
  calls: number;
  costUsd: number;
}

function emptyClassification(sample: EvaluationSample, isFolder: boolean): SampleClassification {
  return {
    index: sample.index,
    sample_identifier: sampleIdentifier(sample.index),
    classifications: {},
    sub_file_classifications: isFolder ? {} : null,
    assignment: sample.assignment,
  };
}

/** A sample as the classifier reads it, clipped to `maxChars`. */
export function renderSample(sample: EvaluationSample, maxChars: number): string {
  if (sample.record) return clip(JSON.stringify(sample.record), maxChars);
  const files = sample.files ?? [];
  if (files.length === 1) return clip(files[0]!.content, maxChars);
  const perFile = Math.max(200, Math.floor(maxChars / Math.max(1, files.length)) - 40);
  return files.map((f) => `<file name="${f.name}">\n${clip(f.content, perFile)}\n</file>`).join('\n');
}

/** Groups samples into batches of at most `size` samples and about `chars` characters of text. */
export function batchSamples<T extends { text: string }>(items: T[], size: number, chars: number): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let used = 0;
  for (const item of items) {
    const cost = item.text.length + 64;
    if (current.length > 0 && (current.length >= size || used + cost > chars)) {
      batches.push(current);
      current = [];
      used = 0;
    }
    current.push(item);
    used += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/**
 * Classifies every sample onto every spec property with a language model: batches of several samples
 * per call, run concurrently (the gateway's limiter paces them per provider). A batch whose reply stays
 * invalid after the gateway's corrections, or that the provider refuses (e.g. too long), is split into
 * single-sample calls; a sample that still fails is left unclassified. Other errors (network, auth,
 * abort) fail the evaluation.
 */
export async function classifyWithModel(
  input: EvaluationInput,
  ports: EvaluationPorts,
  signal?: AbortSignal,
): Promise<ClassifyOutcome> {
  const isTable = input.samples.some((s) => s.record !== undefined);
  const isFolder = !isTable && input.datasetType === 'MULTI_FOLDER';
  const totals = { calls: 0, costUsd: 0 };
  const track = <T extends LlmResult>(r: T): T => {
    totals.calls += r.calls;
    totals.costUsd += r.costUsd;
    return r;
  };
  if (classifiableProperties(input.spec).length === 0 || input.samples.length === 0) {
    return {
      classified: input.samples.map((s) => emptyClassification(s, isFolder)),
      batches: 0,
      unclassified: input.samples.length,
      ...totals,
    };
  }
  const contextTokens = input.contextWindow || findModel(input.model)?.context_window || 128_000;
  const batchChars =
    input.limits?.batchChars ?? Math.min(MAX_BATCH_CHARS, Math.floor(contextTokens * 0.35) * 4);
  const batchSize = Math.max(1, input.limits?.batchSize ?? DEFAULT_BATCH_SIZE);
  const perSample = Math.min(MAX_SAMPLE_CHARS, Math.max(500, Math.floor(batchChars / 2)));
  const system = classifierSystem(input.spec, input.datasetType, isTable);

  const items = input.samples.map((sample) => ({
    sample,
    id: sampleIdentifier(sample.index),
    text: renderSample(sample, perSample),
  }));
  const batches = batchSamples(items, batchSize, batchChars);
  const results = new Map<number, SampleClassification>();
  let done = 0;
  ports.progress?.({ stage: 'classifying', done, total: input.samples.length });

  const call = async (batch: typeof items) => {
    const entries: BatchEntry[] = batch.map((b) => ({
      id: b.id,
      ...(isFolder ? { files: (b.sample.files ?? []).map((f) => f.name) } : {}),
    }));
    const body = batch.map((b) => `<sample id="${b.id}">\n${b.text}\n</sample>`).join('\n');
    const reply = await ports.llm
      .generateObject({
        model: input.model,
        stage: 'evaluation',
        system,
        messages: [
          {
            role: 'user',
            content: `Classify these ${batch.length} samples (ids: ${batch.map((b) => b.id).join(', ')}).\n\n${body}`,
          },
        ],
        schema: batchReplySchema(input.spec, entries),
        schemaName: 'sample_classifications',
        thinkingBudget: input.thinkingBudget,
        credentials: input.credentials,
        signal,
      })
      .then(track);
    const object = reply.object as BatchReply;
    for (const b of batch) {
      const answer = object[b.id];
      const result = emptyClassification(b.sample, isFolder);
      if (answer) {
        result.classifications = { ...answer.classifications };
        if (isFolder && answer.files) result.sub_file_classifications = groupFiles(answer.files);
      }
      results.set(b.sample.index, result);
    }
  };

  const splittable = (err: unknown) => isOpenFramerError(err) && err.kind === 'invalid' && !signal?.aborted;

  const runBatch = async (batch: typeof items) => {
    try {
      await call(batch);
    } catch (err) {
      if (!splittable(err)) throw err;
      if (batch.length === 1) {
        results.set(batch[0]!.sample.index, emptyClassification(batch[0]!.sample, isFolder));
      } else {
        await Promise.all(
          batch.map(async (one) => {
            try {
              await call([one]);
            } catch (inner) {
              if (!splittable(inner)) throw inner;
              results.set(one.sample.index, emptyClassification(one.sample, isFolder));
            }
          }),
        );
      }
    }
    done += batch.length;
    ports.progress?.({ stage: 'classifying', done, total: input.samples.length });
  };

  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < batches.length) {
      const batch = batches[next++]!;
      try {
        await runBatch(batch);
      } catch (err) {
        failure ??= err;
      }
    }
  };
  const concurrency = Math.max(1, input.limits?.concurrency ?? DEFAULT_CLASSIFY_CONCURRENCY);
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  signal?.throwIfAborted();
  if (failure !== undefined) throw failure;

  const classified = input.samples.map((s) => results.get(s.index) ?? emptyClassification(s, isFolder));
  return {
    classified,
    batches: batches.length,
    unclassified: classified.filter((c) => Object.keys(c.classifications).length === 0).length,
    ...totals,
  };
}

/** file -> property -> value (or null)  =>  property -> value -> files. */
function groupFiles(
  files: Record<string, Record<string, string | null>>,
): Record<string, Record<string, string[]>> {
  const out: Record<string, Record<string, string[]>> = {};
  for (const [file, byProperty] of Object.entries(files)) {
    for (const [property, value] of Object.entries(byProperty)) {
      if (value === null || value === undefined) continue;
      const forProperty = out[property] ?? {};
      out[property] = forProperty;
      forProperty[value] = [...(forProperty[value] ?? []), file];
    }
  }
  return out;
}

/**
 * The offline classifier (`openframer/statistical`): a record shows, for each property named like one of
 * its columns, the property value equal to the cell or the numeric bin label (`20-34`, `10.5 to under 20`)
 * the cell falls in (`observeRecord`). Properties that name no column stay unclassified.
 */
export function classifyByColumns(
  spec: SpecContent,
  samples: readonly EvaluationSample[],
): SampleClassification[] {
  return samples.map((sample) => {
    const observed = sample.record ? observeRecord(spec, sample.record) : {};
    const classifications: Record<string, string> = {};
    for (const [k, v] of Object.entries(observed)) if (v !== undefined) classifications[k] = v;
    return {
      index: sample.index,
      sample_identifier: sampleIdentifier(sample.index),
      classifications,
      sub_file_classifications: null,
      assignment: sample.assignment,
    };
  });
}
