import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeByClusters, mergeEntities } from './merge.js';

describe('mergeEntities', () => {
  it('keeps the highest score between overlapping labels, then the longer span', () => {
    const merged = mergeEntities([
      { start: 0, end: 11, label: 'phone_number', score: 0.5 },
      { start: 0, end: 11, label: 'ssn', score: 0.9 },
      { start: 20, end: 25, label: 'city', score: 0.6 },
      { start: 20, end: 30, label: 'organization', score: 0.6 },
    ]);
    expect(merged.map((e) => e.label)).toEqual(['ssn', 'organization']);
  });
  it('joins overlapping spans of one label, keeping the best score', () => {
    expect(
      mergeEntities([
        { start: 0, end: 10, label: 'street_address', score: 0.6 },
        { start: 5, end: 18, label: 'street_address', score: 0.8 },
      ]),
    ).toEqual([{ start: 0, end: 18, label: 'street_address', score: 0.8 }]);
  });
  it('returns spans already in order and apart as they are, as the full merge does', () => {
    const span = fc.record({
      start: fc.integer({ min: 0, max: 30 }),
      length: fc.integer({ min: 0, max: 6 }),
      label: fc.constantFrom('city', 'date', 'ssn'),
      score: fc.constantFrom(0.3, 0.5, 0.9),
    });
    const spans = fc
      .array(span, { maxLength: 8 })
      .map((list) =>
        list.map(({ start, length, label, score }) => ({ start, end: start + length, label, score })),
      );
    // Random spans, and spans laid out in order (the shortcut's case) from random gaps and lengths.
    const laidOut = fc.array(span, { maxLength: 8 }).map((list) => {
      let at = 0;
      return list.map(({ start, length, label, score }) => {
        const s = at + (start % 4);
        at = s + length + 1;
        return { start: s, end: s + length, label, score };
      });
    });
    fc.assert(
      fc.property(fc.oneof(spans, laidOut), (list) => {
        expect(mergeEntities(list)).toEqual(mergeByClusters(list));
      }),
      { numRuns: 5000 },
    );
  });
});
