import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SpecContent } from '../spec/types.js';
import { conformance, distributionConformance, observeRecord } from './conformance.js';
import { chiSquareTail, gammaQ, logGamma, totalVariation } from './stats.js';

describe('χ² and TVD helpers', () => {
  it('matches tabulated χ² critical values', () => {
    expect(chiSquareTail(3.841458820694124, 1)).toBeCloseTo(0.05, 8);
    expect(chiSquareTail(18.307038053275146, 10)).toBeCloseTo(0.05, 8);
    expect(chiSquareTail(0, 3)).toBe(1);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(gammaQ(1, 2)).toBeCloseTo(Math.exp(-2), 12);
  });

  it('keeps TVD in [0, 1], 0 for equal distributions', () => {
    const dist = fc.dictionary(fc.constantFrom('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 100 }));
    fc.assert(
      fc.property(dist, dist, (p, q) => {
        const t = totalVariation(p, q);
        expect(t).toBeGreaterThanOrEqual(0);
        expect(t).toBeLessThanOrEqual(1 + 1e-12);
        expect(totalVariation(p, p)).toBeCloseTo(0, 12);
      }),
    );
  });
});

describe('conformance', () => {
  it('compares requested and observed shares with TVD and χ²', () => {
    const exact = distributionConformance({ a: 75, b: 25 }, [...Array(75).fill('a'), ...Array(25).fill('b')]);
    expect(exact.tvd).toBe(0);
    expect(exact.chiSquare!.pValue).toBeCloseTo(1, 12);
    const skewed = distributionConformance({ a: 50, b: 50 }, [
      ...Array(80).fill('a'),
      ...Array(20).fill('b'),
    ]);
    expect(skewed.tvd).toBeCloseTo(0.3, 12);
    expect(skewed.chiSquare!.statistic).toBeCloseTo(36, 12);
    expect(skewed.chiSquare!.pValue).toBeLessThan(1e-8);
    const odd = distributionConformance({ a: 100 }, ['a', 'zzz']);
    expect(odd.unexpected).toBe(1);
    expect(odd.tvd).toBeCloseTo(0.5, 12);
  });

  it('reports per property, with conditionals and bin labels', () => {
    const spec: SpecContent = {
      description: 't',
      requirements: '',
      data_property_variations: [
        {
          property_name: 'plan',
          property_values: ['gold', 'basic'],
          base_distributions: { gold: 20, basic: 80 },
        },
        {
          property_name: 'age',
          property_values: ['18-39', '40-90'],
          base_distributions: { '18-39': 50, '40-90': 50 },
          conditional_distributions: { plan: { gold: { '18-39': 0, '40-90': 100 } } },
        },
      ],
    };
    const records = [
      { plan: 'gold', age: '55' },
      { plan: 'basic', age: '20' },
      { plan: 'basic', age: '41' },
      { plan: 'basic', age: '' },
      { plan: 'basic', age: '30' },
    ];
    const observations = records.map((r) => observeRecord(spec, r));
    expect(observations[0]).toEqual({ plan: 'gold', age: '40-90' });
    expect(observations[3]!.age).toBeUndefined();
    const report = conformance(spec, observations);
    const plan = report.properties[0]!;
    expect(plan.tvd).toBeCloseTo(0, 12);
    const age = report.properties[1]!;
    expect(age.missing).toBe(1);
    expect(age.conditional!.byParent.gold).toEqual({ n: 1, tvd: 0 });
    expect(report.samples).toBe(5);
  });
});
