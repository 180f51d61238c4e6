import { createDuplicateFilter } from './filters.js';
import { resolveOptions } from './options.js';
import { duplicateText } from './output.js';
import { generateSample } from './sample.js';
import type { GenerationContext, GenerationPorts, PlannedSample, SamplePorts } from './types.js';

/**
 * Samples in flight at once. High on purpose: the gateway's adaptive limiter holds calls back per
 * provider, so this only bounds memory and how much work an abort throws away.
 */
export const DEFAULT_SAMPLE_CONCURRENCY = 64;

export interface GenerateSamplesOptions {
  concurrency?: number;
}

/**
 * Runs the planned samples (all of a run, or the unfinished ones on resume) with bounded concurrency.
 * Each outcome is saved before it is counted; an accepted sample then joins the duplicate filter, then
 * progress is reported. On abort no new sample starts, in-flight ones end with the abort, nothing more
 * is saved, and the promise rejects with the abort reason. A failing `sink.save` stops the batch the
 * same way and rejects with its error.
 *
 * When `ports.duplicates` is given it is used as is (`ports.accepted` is then the caller's business).
 */
export async function generateSamples(
  ctx: GenerationContext,
  planned: readonly PlannedSample[],
  ports: GenerationPorts,
  signal?: AbortSignal,
  options: GenerateSamplesOptions = {},
): Promise<{ completed: number; failed: number }> {
  signal?.throwIfAborted();
  // Bad revision or filtering types fail the whole run up front, not every sample one by one.
  resolveOptions(ctx.params);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_SAMPLE_CONCURRENCY));
  const duplicates =
    ports.duplicates ??
    createDuplicateFilter({
      seeds: ctx.seedless ? [] : ctx.seeds,
      shape: ctx.shape,
      ...(ports.accepted && { accepted: ports.accepted }),
    });
  const samplePorts: SamplePorts = {
    llm: ports.llm,
    duplicates,
    ...(ports.sqlExecutor && { sqlExecutor: ports.sqlExecutor }),
  };
  const total = planned.length;
  let completed = 0;
  let failed = 0;
  let next = 0;
  let stopped = false;
  ports.progress?.({ completed, failed, total });

  const worker = async (): Promise<void> => {
    while (!stopped && !signal?.aborted && next < total) {
      const sample = planned[next++]!;
      try {
        const outcome = await generateSample(ctx, sample, samplePorts, signal);
        if (signal?.aborted) return;
        await ports.sink.save(sample.index, outcome);
        if (outcome.ok) {
          completed++;
          duplicates.accept(sample.index, duplicateText(outcome.output, ctx.shape));
        } else failed++;
        ports.progress?.({ completed, failed, total });
      } catch (err) {
        stopped = true;
        throw err;
      }
    }
  };

  const results = await Promise.allSettled(Array.from({ length: Math.min(concurrency, total) }, worker));
  if (signal?.aborted) throw signal.reason;
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
  return { completed, failed };
}
