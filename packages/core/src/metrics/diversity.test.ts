import { describe, expect, it } from 'vitest';
import {
  compressionRatio,
  distinctN,
  diversity,
  nearDuplicateOfSeedRate,
  nearDuplicateRate,
} from './diversity.js';

const varied = [
  'The committee approved the new budget after a long debate about school funding.',
  'Heavy rain flooded several streets downtown, and the fire brigade pumped out basements all night.',
  'Our quarterly revenue grew eight percent while operating costs stayed flat in every region.',
  'She planted tulips in October so that the garden would bloom early next spring.',
];

describe('diversity', () => {
  it('distinct-n counts unique n-grams over all n-grams', () => {
    expect(distinctN(['a b a b'], 1)).toBe(0.5);
    expect(distinctN(['a b a b'], 2)).toBeCloseTo(2 / 3, 12);
    expect(distinctN(varied, 3)).toBe(1);
    expect(distinctN([''], 2)).toBeNaN();
  });

  it('compresses repetitive sets more than varied ones', () => {
    const repetitive = Array.from({ length: 40 }, () => varied[0]!);
    expect(compressionRatio(repetitive)).toBeGreaterThan(5 * compressionRatio(varied));
  });

  it('finds near duplicates within a set and against seeds', () => {
    const edited = `${varied[0]!} Everyone agreed.`;
    expect(nearDuplicateRate([...varied, edited], 0.6)).toBeCloseTo(1 / 5, 12);
    expect(nearDuplicateRate(varied, 0.6)).toBe(0);
    expect(
      nearDuplicateOfSeedRate(
        [edited, 'Completely unrelated words about astronomy and telescopes tonight'],
        varied,
        0.6,
      ),
    ).toBe(0.5);
    const report = diversity([...varied, varied[1]!.toUpperCase()], { seeds: [varied[2]!] });
    expect(report.exactDuplicateRate).toBeCloseTo(1 / 5, 12);
    expect(report.exactSeedCopyRate).toBeCloseTo(1 / 5, 12);
    expect(report.distinct.distinct_1).toBeGreaterThan(0);
  });
});
