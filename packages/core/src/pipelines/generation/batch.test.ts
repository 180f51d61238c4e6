import { describe, expect, it } from 'vitest';
import { generateSamples } from './batch.js';
import { createDuplicateFilter } from './filters.js';
import {
  docSeeds,
  makeCtx,
  outline,
  plan,
  prose,
  type ScriptedCall,
  scriptedGateway,
} from './test-helpers.js';
import type { GenerationContext, SampleOutcome, SampleSink, SeedShufflingLevel } from './types.js';

function memorySink(onSave?: (index: number) => void | Promise<void>) {
  const saved = new Map<number, SampleOutcome>();
  const sink: SampleSink = {
    async save(index, outcome) {
      await onSave?.(index);
      saved.set(index, outcome);
    },
  };
  return { sink, saved };
}

const sampleOf = (c: ScriptedCall) => Number(/tone = tone(\d+)/.exec(c.user)?.[1]);

/** Documents planned in three sections of 300 words: an outline call and three part calls per sample. */
async function runLevel(level: SeedShufflingLevel) {
  const ctx = makeCtx({
    seeds: docSeeds(8),
    params: { seed_shuffling_level: level, max_examples_in_prompt: 3 },
  });
  const { gateway, calls } = scriptedGateway((c, i) =>
    c.kind === 'object' ? outline([300, 300, 300]) : prose(i),
  );
  const { sink } = memorySink();
  const result = await generateSamples(ctx, plan(3), { llm: gateway, sink });
  expect(result).toEqual({ completed: 3, failed: 0 });
  expect(calls).toHaveLength(12);
  const bySample = new Map<number, string[]>();
  for (const c of calls) bySample.set(sampleOf(c), [...(bySample.get(sampleOf(c)) ?? []), c.request.system!]);
  return { calls, bySample };
}

describe('seed shuffling levels', () => {
  it('none: one system prompt, byte for byte, for every call of the run', async () => {
    const { calls } = await runLevel('none');
    expect(new Set(calls.map((c) => c.request.system)).size).toBe(1);
    expect(calls[0]!.request.system).toContain('<examples>');
    expect(calls[0]!.request.system!.match(/<example id=/g)).toHaveLength(3);
  });

  it('sample: the same within a sample, different across samples', async () => {
    const { bySample } = await runLevel('sample');
    for (const systems of bySample.values()) expect(new Set(systems).size).toBe(1);
    expect(new Set([...bySample.values()].map((s) => s[0])).size).toBe(3);
  });

  it('prompt: a new selection for every call', async () => {
    const { bySample } = await runLevel('prompt');
    for (const systems of bySample.values()) expect(new Set(systems).size).toBe(4);
  });

  it('field: the outline and each part of a sample get their own selection', async () => {
    const { bySample } = await runLevel('field');
    for (const systems of bySample.values()) expect(new Set(systems).size).toBe(4);
  });
});

describe('generateSamples', () => {
  it('saves each outcome, then updates the duplicate filter, then reports progress', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const events: string[] = [];
    const duplicates = createDuplicateFilter({ seeds: ctx.seeds, shape: ctx.shape });
    const accept = duplicates.accept.bind(duplicates);
    duplicates.accept = (index, text) => {
      events.push(`accept ${index}`);
      accept(index, text);
    };
    const { gateway } = scriptedGateway((_c, i) => prose(i));
    const { sink, saved } = memorySink(async (index) => {
      await new Promise((r) => setTimeout(r, 5));
      events.push(`save ${index}`);
    });
    const progress: { completed: number; failed: number; total: number }[] = [];
    await generateSamples(
      ctx,
      plan(2),
      {
        llm: gateway,
        sink,
        duplicates,
        progress: (p) => {
          progress.push(p);
          events.push(`progress ${p.completed}`);
        },
      },
      undefined,
      { concurrency: 1 },
    );
    expect(events).toEqual([
      'progress 0',
      'save 0',
      'accept 0',
      'progress 1',
      'save 1',
      'accept 1',
      'progress 2',
    ]);
    expect(progress.at(-1)).toEqual({ completed: 2, failed: 0, total: 2 });
    expect(saved.size).toBe(2);
  });

  it('filters a near duplicate of a sample accepted earlier in the run', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const { gateway } = scriptedGateway((c) => (sampleOf(c) === 2 ? prose('other') : prose('same')));
    const { sink, saved } = memorySink();
    const result = await generateSamples(ctx, plan(3), { llm: gateway, sink }, undefined, { concurrency: 1 });
    expect(result).toEqual({ completed: 2, failed: 1 });
    expect(saved.get(1)).toMatchObject({
      ok: false,
      kind: 'filtered',
      reason: 'sample_duplicate: 1.00 similar to sample 0',
    });
    expect(saved.get(2)?.ok).toBe(true);
  });

  it('on resume, runs only the planned samples and checks duplicates against accepted ones', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const { gateway, calls } = scriptedGateway((c) =>
      sampleOf(c) === 5 ? prose('seen before') : prose('new'),
    );
    const { sink, saved } = memorySink();
    const result = await generateSamples(ctx, plan(2, 4), {
      llm: gateway,
      sink,
      accepted: [{ index: 0, text: prose('seen before') }],
    });
    expect(result).toEqual({ completed: 1, failed: 1 });
    expect([...saved.keys()].sort()).toEqual([4, 5]);
    expect(saved.get(5)).toMatchObject({ reason: 'sample_duplicate: 1.00 similar to sample 0' });
    expect(new Set(calls.map(sampleOf))).toEqual(new Set([4, 5]));
  });

  it('records a failed generation as an error outcome and carries on with the batch', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const { gateway } = scriptedGateway((c, i) => {
      if (sampleOf(c) === 1) throw new Error('provider refused the request');
      return prose(i);
    });
    const { sink, saved } = memorySink();
    const result = await generateSamples(ctx, plan(3), { llm: gateway, sink });
    expect(result).toEqual({ completed: 2, failed: 1 });
    expect(saved.get(1)).toMatchObject({ ok: false, kind: 'error', reason: 'provider refused the request' });
  });

  it('on abort starts nothing new, saves nothing more, and rejects with the abort reason', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const controller = new AbortController();
    const { gateway, calls, inFlight } = scriptedGateway((_c, i) => prose(i), { delayMs: 10 });
    let callsAtAbort = 0;
    const { sink, saved } = memorySink((index) => {
      if (index === 2) {
        controller.abort(new Error('run cancelled'));
        callsAtAbort = calls.length;
      }
    });
    const pending = generateSamples(ctx, plan(20), { llm: gateway, sink }, controller.signal, {
      concurrency: 3,
    });
    await expect(pending).rejects.toThrow('run cancelled');
    expect(calls.length).toBe(callsAtAbort);
    expect(inFlight()).toBe(0);
    // Sample 2's save was under way when the abort came; nothing is saved after it.
    expect(saved.size).toBeLessThanOrEqual(3);
    expect(saved.size).toBeLessThan(20);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const ctx = makeCtx();
    const { gateway, calls } = scriptedGateway(() => 'x');
    await expect(
      generateSamples(
        ctx,
        plan(2),
        { llm: gateway, sink: memorySink().sink },
        AbortSignal.abort(new Error('stop')),
      ),
    ).rejects.toThrow('stop');
    expect(calls).toHaveLength(0);
  });

  it('stops and rejects when the sink cannot save', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const { gateway } = scriptedGateway((_c, i) => prose(i));
    const { sink } = memorySink(() => {
      throw new Error('disk full');
    });
    await expect(
      generateSamples(ctx, plan(5), { llm: gateway, sink }, undefined, { concurrency: 1 }),
    ).rejects.toThrow('disk full');
  });

  it('keeps at most `concurrency` samples in flight, 64 by default', async () => {
    const ctx: GenerationContext = makeCtx({ params: { skip_outline: true } });
    const bounded = scriptedGateway((_c, i) => prose(i), { delayMs: 5 });
    await generateSamples(ctx, plan(30), { llm: bounded.gateway, sink: memorySink().sink }, undefined, {
      concurrency: 4,
    });
    expect(bounded.peak()).toBe(4);
    const unbounded = scriptedGateway((_c, i) => prose(i), { delayMs: 20 });
    const result = await generateSamples(ctx, plan(100), { llm: unbounded.gateway, sink: memorySink().sink });
    expect(result.completed).toBe(100);
    expect(unbounded.peak()).toBe(64);
  });

  it('refuses unknown revision or filtering types before starting', async () => {
    const ctx = makeCtx({ params: { filtering_types: ['format', 'toxicity'] } });
    const { gateway, calls } = scriptedGateway(() => 'x');
    await expect(generateSamples(ctx, plan(1), { llm: gateway, sink: memorySink().sink })).rejects.toThrow(
      'unknown filtering type "toxicity"',
    );
    expect(calls).toHaveLength(0);
  });
});
