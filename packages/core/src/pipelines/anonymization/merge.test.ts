import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeByClusters, mergeEntities } from './merge.js';
import type { Entity } from './types.js';

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
  it('resolves cluster by cluster what one greedy pass over all the spans resolves', () => {
    // The reference: same-label overlaps joined (best score, widest reach), then every span ranked at once
    // (score, length, start) and kept unless it overlaps one kept before it.
    const reference = (spans: readonly Entity[]) => {
      // Any two overlapping spans of a label become one, until none overlap.
      const joined: Entity[] = spans.map((s) => ({ ...s }));
      for (let merged = true; merged; ) {
        merged = false;
        for (let i = 0; i < joined.length && !merged; i++)
          for (let j = i + 1; j < joined.length && !merged; j++) {
            const a = joined[i]!;
            const b = joined[j]!;
            if (a.label !== b.label || !(a.start < b.end && b.start < a.end)) continue;
            joined[i] = {
              ...a,
              start: Math.min(a.start, b.start),
              end: Math.max(a.end, b.end),
              score: Math.max(a.score, b.score),
            };
            joined.splice(j, 1);
            merged = true;
          }
      }
      // Spans of equal rank: the label met first wins.
      const labels = [...new Set(spans.map((s) => s.label))];
      const ranked = [...joined].sort(
        (a, b) =>
          b.score - a.score ||
          b.end - b.start - (a.end - a.start) ||
          a.start - b.start ||
          labels.indexOf(a.label) - labels.indexOf(b.label),
      );
      const kept: Entity[] = [];
      for (const s of ranked) if (!kept.some((k) => k.start < s.end && s.start < k.end)) kept.push(s);
      return kept;
    };
    const inOrder = (list: readonly Entity[]) =>
      [...list].sort((a, b) => a.start - b.start || a.end - b.end || a.label.localeCompare(b.label));
    const span = fc.record({
      start: fc.integer({ min: 0, max: 40 }),
      length: fc.integer({ min: 1, max: 8 }),
      label: fc.constantFrom('city', 'date', 'ssn'),
      score: fc.constantFrom(0.3, 0.5, 0.9),
    });
    fc.assert(
      fc.property(fc.array(span, { maxLength: 12 }), (list) => {
        const spans = list.map(({ start, length, label, score }) => ({
          start,
          end: start + length,
          label,
          score,
        }));
        const merged = mergeByClusters(spans);
        expect(inOrder(merged)).toEqual(inOrder(reference(spans)));
        // In text order, apart.
        for (let i = 1; i < merged.length; i++)
          expect(merged[i]!.start).toBeGreaterThanOrEqual(merged[i - 1]!.end);
      }),
      { numRuns: 5000 },
    );
  });
});
