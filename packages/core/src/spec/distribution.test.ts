import { describe, expect, it } from 'vitest';
import { effectivePercentages, largestRemainder, uniformDistribution } from './distribution.js';

describe('largestRemainder', () => {
  it.each([
    [
      [1, 1, 1],
      [34, 33, 33],
    ],
    [
      [0.2, 0.3, 0.5],
      [20, 30, 50],
    ],
    [
      [33.3, 33.3, 33.3],
      [34, 33, 33],
    ],
    [
      [40, 30, 30],
      [40, 30, 30],
    ],
    [
      [2, 1],
      [67, 33],
    ],
    [
      [1, 2],
      [33, 67],
    ],
    [
      [0.29, 0.71],
      [29, 71],
    ],
    [
      [1, 1, 1, 1, 1, 1],
      [17, 17, 17, 17, 16, 16],
    ],
    [
      [0, 5, 0],
      [0, 100, 0],
    ],
    [
      [-3, 1, Number.NaN, Number.POSITIVE_INFINITY],
      [0, 100, 0, 0],
    ],
    [
      [1e308, 1e308],
      [50, 50],
    ],
    [
      [0, 0],
      [0, 0],
    ],
    [[], []],
  ])('%j -> %j', (weights, expected) => {
    expect(largestRemainder(weights)).toEqual(expected);
  });

  it('splits other totals too (e.g. sample counts)', () => {
    expect(largestRemainder([1, 1, 1], 10)).toEqual([4, 3, 3]);
    expect(largestRemainder([5, 3, 2], 7)).toEqual([4, 2, 1]);
  });

  it('breaks ties by position: the largest fractions first, earlier entries first among equals', () => {
    // Shares 12.5 / 37.5 / 12.5 / 37.5: all fractions .5, two units left -> entries 0 and 1.
    expect(largestRemainder([1, 3, 1, 3])).toEqual([13, 38, 12, 37]);
  });
});

describe('uniformDistribution', () => {
  it('gives the remainder to the first values', () => {
    expect(uniformDistribution(['a', 'b', 'c'])).toEqual({ a: 34, b: 33, c: 33 });
    expect(uniformDistribution(['a', 'b'])).toEqual({ a: 50, b: 50 });
    expect(uniformDistribution(['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toEqual({
      a: 15,
      b: 15,
      c: 14,
      d: 14,
      e: 14,
      f: 14,
      g: 14,
    });
    expect(uniformDistribution([])).toEqual({});
  });

  it('keeps awkward value names as own keys', () => {
    const dist = uniformDistribution(['__proto__', 'constructor']);
    expect(Object.keys(dist)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(dist)).toBe(Object.prototype);
  });

  it('always sums to 100 for up to 150 values', () => {
    for (let n = 1; n <= 150; n++) {
      const values = Array.from({ length: n }, (_, i) => `v${i}`);
      expect(Object.values(uniformDistribution(values)).reduce((a, b) => a + b, 0)).toBe(100);
    }
  });
});

describe('effectivePercentages', () => {
  it('lists every value in order, missing ones at 0, uniform when there is no distribution', () => {
    expect(effectivePercentages(['a', 'b', 'c'], { c: 60, a: 40 })).toEqual([
      ['a', 40],
      ['b', 0],
      ['c', 60],
    ]);
    expect(effectivePercentages(['a', 'b', 'c'], undefined)).toEqual([
      ['a', 34],
      ['b', 33],
      ['c', 33],
    ]);
    expect(effectivePercentages(['toString'], {})).toEqual([['toString', 0]]);
  });
});
