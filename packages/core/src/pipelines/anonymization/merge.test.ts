import { describe, expect, it } from 'vitest';
import { mergeEntities } from './merge.js';

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
});
