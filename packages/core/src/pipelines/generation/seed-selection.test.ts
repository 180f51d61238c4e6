import { describe, expect, it } from 'vitest';
import { clipText, SeedSelector, seedBlock, seedTokenBudget } from './seed-selection.js';
import { docSeeds, makeCtx, PARAMS } from './test-helpers.js';

const count = (block: string) => block.match(/<example id=/g)?.length ?? 0;

describe('seedBlock', () => {
  const ctx = makeCtx({ seeds: docSeeds(10), params: { max_examples_in_prompt: 3 } });

  it('none: one block for the whole run, whatever the sample, field or call', () => {
    const a = seedBlock(ctx, 'none', 0, 'outline', 0);
    expect(count(a)).toBe(3);
    expect(seedBlock(ctx, 'none', 7, 'part:2', 13)).toBe(a);
    // Another run seed gives another selection.
    expect(seedBlock(makeCtx({ ...ctx, seed: 'other' }), 'none', 0, 'outline', 0)).not.toBe(a);
  });

  it('sample: shared by the calls of a sample, different between samples', () => {
    const a = seedBlock(ctx, 'sample', 1, 'outline', 0);
    expect(seedBlock(ctx, 'sample', 1, 'part:1', 4)).toBe(a);
    expect(seedBlock(ctx, 'sample', 2, 'outline', 0)).not.toBe(a);
  });

  it('field: shared by the calls of a field, different between fields', () => {
    const a = seedBlock(ctx, 'field', 1, 'file:notes.txt', 0);
    expect(seedBlock(ctx, 'field', 1, 'file:notes.txt', 3)).toBe(a);
    expect(seedBlock(ctx, 'field', 1, 'file:labs.csv', 1)).not.toBe(a);
  });

  it('prompt: different for every call', () => {
    const blocks = [0, 1, 2, 3, 4].map((call) => seedBlock(ctx, 'prompt', 1, 'part:0', call));
    expect(new Set(blocks).size).toBe(5);
  });

  it('a regeneration (attempt 1) gets another selection, at every level', () => {
    for (const level of ['none', 'sample', 'field', 'prompt'] as const) {
      expect(seedBlock(ctx, level, 1, 'document', 0, 1)).not.toBe(seedBlock(ctx, level, 1, 'document', 0, 0));
    }
  });
});

describe('SeedSelector', () => {
  it('respects max_examples_in_prompt, including 0', () => {
    for (const max of [0, 1, 4]) {
      const selector = new SeedSelector(
        makeCtx({ seeds: docSeeds(10), params: { max_examples_in_prompt: max } }),
      );
      expect(selector.select('sample', { sampleIndex: 3, field: 'x', call: 0 })).toHaveLength(max);
    }
    expect(
      new SeedSelector(makeCtx({ seeds: docSeeds(10), params: { max_examples_in_prompt: 0 } })).block(
        'none',
        { sampleIndex: 0, field: 'x', call: 0 },
      ),
    ).toBe('');
  });

  it('with no limit shows every seed that fits the token budget, clipping long ones head and tail', () => {
    const seeds = docSeeds(5);
    seeds[0]!.files![0]!.content = `START ${'filler '.repeat(2000)} END`;
    const all = new SeedSelector(makeCtx({ seeds }));
    expect(all.select('none', { sampleIndex: 0, field: 'x', call: 0 })).toHaveLength(5);

    // A small budget: several seeds still fit (each is capped at a third of it), not all.
    const selector = new SeedSelector(makeCtx({ seeds: docSeeds(12), seedTokenBudget: 300 }));
    const block = selector.block('none', { sampleIndex: 0, field: 'x', call: 0 });
    expect(block.length).toBeLessThan(300 * 4 + 400);
    expect(count(block)).toBeGreaterThan(1);
    expect(count(block)).toBeLessThan(12);

    const long = new SeedSelector(makeCtx({ seeds: seeds.slice(0, 1), seedTokenBudget: 500 }));
    const clipped = long.block('none', { sampleIndex: 0, field: 'x', call: 0 });
    expect(clipped.length).toBeLessThan(500 * 4 + 400);
    expect(clipped).toContain('START');
    expect(clipped).toContain('END');
    expect(clipped).toMatch(/\[\.\.\. \d+ characters omitted \.\.\.\]/);
  });

  it('shows nothing for a seedless run', () => {
    const selector = new SeedSelector(makeCtx({ seedless: true, seeds: [] }));
    expect(selector.block('prompt', { sampleIndex: 0, field: 'x', call: 0 })).toBe('');
  });
});

describe('budget helpers', () => {
  it('takes 40% of the smallest context window among the run models, 128k for unknown ones', () => {
    expect(seedTokenBudget({ ...PARAMS, outline_model: 'anthropic/claude-sonnet-4-6' })).toBe(
      Math.floor(Math.min(200_000, 1_047_576) * 0.4),
    );
    expect(seedTokenBudget({ ...PARAMS, generation_model: 'custom/unknown' })).toBe(
      Math.floor(128_000 * 0.4),
    );
  });

  it('clips text to the limit keeping both ends', () => {
    const text = `${'a'.repeat(500)}${'b'.repeat(500)}`;
    const clipped = clipText(text, 200);
    expect(clipped.length).toBeLessThanOrEqual(200 + 10);
    expect(clipped.startsWith('a')).toBe(true);
    expect(clipped.endsWith('b')).toBe(true);
    expect(clipText('short', 200)).toBe('short');
  });
});
