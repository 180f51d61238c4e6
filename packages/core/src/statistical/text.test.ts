import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitSentences, textFallback } from './text.js';

const seeds = [
  'The patient reported chest pain on exertion. An ECG showed no acute changes. She was sent home with advice.',
  'The patient reported shortness of breath at night. A chest X-ray showed mild congestion. He was admitted for observation.',
  'The patient reported a persistent cough for two weeks. Blood tests showed a raised white cell count. She was given antibiotics.',
  'The patient reported dizziness after standing up. Blood pressure was low on standing. He was advised to drink more fluids.',
];

describe('textFallback', () => {
  it('recombines seed phrases into new documents, labelled as a fallback', () => {
    const { documents, metadata } = textFallback(seeds, { seed: 's', n: 40 });
    expect(documents).toHaveLength(40);
    expect(metadata.fallback).toBe(true);
    expect(metadata.method).toBe('word 3-gram Markov recombination');
    const seedSentences = new Set(seeds.flatMap(splitSentences).map((s) => s.toLowerCase()));
    for (const doc of documents) {
      expect(doc.length).toBeGreaterThan(0);
      for (const s of splitSentences(doc)) expect(seedSentences.has(s.toLowerCase())).toBe(false);
    }
    expect(textFallback(seeds, { seed: 's', n: 5 }).documents).toEqual(documents.slice(0, 5));
  });

  it('never emits a seed sentence, even from seeds too few to branch', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z]{1,6}( [a-z]{1,6}){0,5}\.$/), { minLength: 1, maxLength: 4 }),
        fc.string(),
        (texts, seed) => {
          const seen = new Set(texts.flatMap(splitSentences).map((s) => s.toLowerCase()));
          for (const doc of textFallback(texts, { seed, n: 5 }).documents) {
            for (const s of splitSentences(doc)) expect(seen.has(s.toLowerCase())).toBe(false);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
