import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpecContent } from '../spec/types.js';
import { apportion, planAssignments } from './quota.js';

const spec: SpecContent = {
  description: 'tickets',
  requirements: '',
  data_property_variations: [
    {
      property_name: 'priority',
      property_values: ['high', 'medium', 'low'],
      base_distributions: { high: 20, medium: 50, low: 30 },
      conditional_distributions: {
        sentiment: {
          negative: { high: 50, medium: 40, low: 10 },
          positive: { high: 5, medium: 45, low: 50 },
        },
      },
    },
    {
      property_name: 'sentiment',
      property_values: ['positive', 'negative', 'neutral'],
      base_distributions: { positive: 40, negative: 30, neutral: 30 },
    },
  ],
};

const count = (values: string[]) => {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
};

describe('apportion', () => {
  it('splits exactly and within one of each share', () => {
    expect(apportion(10, { a: 1, b: 1, c: 1 })).toEqual({ a: 4, b: 3, c: 3 });
    expect(apportion(7, { a: 40, b: 30, c: 30 })).toEqual({ a: 3, b: 2, c: 2 });
    fc.assert(
      fc.property(fc.nat(5000), fc.array(fc.nat(100), { minLength: 1, maxLength: 8 }), (n, ws) => {
        const weights = Object.fromEntries(ws.map((w, i) => [`v${i}`, w]));
        const counts = apportion(n, weights);
        const total = ws.reduce((s, w) => s + w, 0);
        expect(Object.values(counts).reduce((s, c) => s + c, 0)).toBe(n);
        ws.forEach((w, i) => {
          const exact = total > 0 ? (n * w) / total : n / ws.length;
          expect(Math.abs(counts[`v${i}`]! - exact)).toBeLessThan(1);
        });
      }),
    );
  });
});

describe('planAssignments', () => {
  it('matches root marginals exactly and conditionals within each parent group', () => {
    const plan = planAssignments(spec, 1000, 'run-1');
    expect(count(plan.map((a) => a.sentiment!))).toEqual({ positive: 400, negative: 300, neutral: 300 });
    const negative = plan.filter((a) => a.sentiment === 'negative').map((a) => a.priority!);
    expect(count(negative)).toEqual({ high: 150, medium: 120, low: 30 });
    const positive = plan.filter((a) => a.sentiment === 'positive').map((a) => a.priority!);
    expect(count(positive)).toEqual({ high: 20, medium: 180, low: 200 });
    // A parent value without a conditional falls back to the base distribution.
    const neutral = plan.filter((a) => a.sentiment === 'neutral').map((a) => a.priority!);
    expect(count(neutral)).toEqual({ high: 60, medium: 150, low: 90 });
  });

  it('is repeatable with a seed and shuffled differently with another', () => {
    expect(planAssignments(spec, 50, 's')).toEqual(planAssignments(spec, 50, 's'));
    expect(planAssignments(spec, 50, 's')).not.toEqual(planAssignments(spec, 50, 't'));
  });

  it('keeps totals of conditioned properties close to their exact shares across groups', () => {
    const even: SpecContent = {
      description: '',
      requirements: '',
      data_property_variations: [
        { property_name: 'a', property_values: ['x', 'y', 'z'], base_distributions: { x: 34, y: 33, z: 33 } },
        {
          property_name: 'b',
          property_values: ['p', 'q'],
          base_distributions: { p: 50, q: 50 },
          conditional_distributions: { a: { x: { p: 50, q: 50 }, y: { p: 50, q: 50 }, z: { p: 50, q: 50 } } },
        },
      ],
    };
    const plan = planAssignments(even, 101, 1);
    const b = count(plan.map((a) => a.b!));
    // Each group of ~34 rounds its half; carried rounding keeps the total within one of 50.5.
    expect(Math.abs(b.p! - 50.5)).toBeLessThanOrEqual(1);
  });
});
