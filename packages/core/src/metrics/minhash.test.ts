import { describe, expect, it } from 'vitest';
import { jaccard, minhash, NearDuplicateIndex, similarity } from './minhash.js';

const base =
  'The patient reported intermittent chest tightness on exertion for two weeks with no radiation and a history of hypertension treated with lisinopril';

describe('minhash', () => {
  it('estimates Jaccard similarity within a few points', () => {
    const edited = base.replace('two weeks', 'three weeks').replace('lisinopril', 'amlodipine');
    const exact = jaccard(base, edited);
    expect(Math.abs(similarity(minhash(base), minhash(edited)) - exact)).toBeLessThan(0.12);
    expect(similarity(minhash(base), minhash(base))).toBe(1);
    expect(
      similarity(
        minhash(base),
        minhash('An entirely different sentence about quarterly revenue and tax filings'),
      ),
    ).toBeLessThan(0.1);
  });

  it('finds near duplicates through the LSH index and ignores unrelated texts', () => {
    const index = new NearDuplicateIndex<number>();
    index.add(1, base);
    index.add(
      2,
      'Quarterly revenue grew by eight percent while operating costs stayed flat across all regions',
    );
    const near = index.nearest(base.replace('two weeks', 'three weeks'), 0.7);
    expect(near?.key).toBe(1);
    expect(near!.similarity).toBeGreaterThan(0.7);
    expect(
      index.nearest('A short note on gardening tools and the best time to plant tulips in the spring', 0.5),
    ).toBeUndefined();
  });
});
