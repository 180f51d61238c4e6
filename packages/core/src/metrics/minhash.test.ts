import { describe, expect, it } from 'vitest';
import { jaccard, type MinHashSignature, minhash, NearDuplicateIndex, similarity } from './minhash.js';

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

  it('gives the same answers as a straightforward LSH index on random texts', () => {
    let state = 42;
    const random = (n: number) => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return Math.floor((state / 2 ** 32) * n);
    };
    const vocabulary = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}`);
    const texts: string[] = [];
    const nextText = (): string => {
      const roll = random(10);
      if (roll === 0) return ['', 'ok', 'a b', 'hello there'][random(4)]!;
      if (roll <= 4 && texts.length > 0) {
        // A near duplicate of an earlier text: a few words replaced, dropped or added.
        const words = texts[random(texts.length)]!.split(' ');
        for (let k = random(6); k > 0; k--) {
          const at = random(words.length + 1);
          const op = random(3);
          if (op === 0) words.splice(at, 1);
          else if (op === 1) words.splice(at, 0, vocabulary[random(vocabulary.length)]!);
          else words[at] = vocabulary[random(vocabulary.length)]!;
        }
        return words.join(' ');
      }
      return Array.from({ length: 3 + random(40) }, () => vocabulary[random(vocabulary.length)]).join(' ');
    };
    const index = new NearDuplicateIndex<string>();
    const reference = new ReferenceIndex<string>();
    let found = 0;
    for (let i = 0; i < 3000; i++) {
      const text = nextText();
      texts.push(text);
      const signature = minhash(text);
      for (const threshold of [0, 0.3, 0.6, 0.9]) {
        const near = index.nearestSignature(signature, threshold);
        expect(near).toEqual(reference.nearest(signature, threshold));
        if (near && threshold === 0.6) found++;
      }
      // Some keys are added again with another text (the index then keeps both texts' buckets).
      const key = random(8) === 0 && i > 0 ? `k${random(i)}` : `k${i}`;
      if (random(2) === 0) expect(index.add(key, text)).toEqual(signature);
      else index.addSignature(key, signature);
      reference.add(key, signature);
      expect(index.size).toBe(reference.size);
    }
    // Enough near duplicates that buckets of several ids and ties are exercised.
    expect(found).toBeGreaterThan(500);
  });
});

/** The index as plainly as possible: buckets keyed by "band:hash" strings, holding arrays of ids. */
class ReferenceIndex<K> {
  readonly #keys: K[] = [];
  readonly #signatures: MinHashSignature[] = [];
  readonly #buckets = new Map<string, number[]>();

  get size(): number {
    return this.#keys.length;
  }

  add(key: K, signature: MinHashSignature): void {
    let id = this.#keys.indexOf(key);
    if (id < 0) id = this.#keys.push(key) - 1;
    this.#signatures[id] = signature;
    for (let b = 0; b < 32; b++) {
      const name = `${b}:${referenceBandHash(signature, b)}`;
      const bucket = this.#buckets.get(name) ?? [];
      if (bucket.at(-1) !== id) bucket.push(id);
      this.#buckets.set(name, bucket);
    }
  }

  nearest(signature: MinHashSignature, threshold: number): { key: K; similarity: number } | undefined {
    const candidates = new Set<number>();
    for (let b = 0; b < 32; b++) {
      for (const id of this.#buckets.get(`${b}:${referenceBandHash(signature, b)}`) ?? []) candidates.add(id);
    }
    let best: { key: K; similarity: number } | undefined;
    for (const id of candidates) {
      const s = similarity(signature, this.#signatures[id]!);
      if (s >= threshold && (!best || s > best.similarity)) best = { key: this.#keys[id]!, similarity: s };
    }
    return best;
  }
}

/** FNV-1a over band `b`'s 4 rows, seeded with the band number. */
function referenceBandHash(signature: MinHashSignature, b: number): number {
  let h = 0x811c9dc5 ^ b;
  for (let r = 0; r < 4; r++) {
    h ^= signature[b * 4 + r]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
