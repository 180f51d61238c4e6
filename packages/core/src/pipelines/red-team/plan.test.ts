import { describe, expect, it } from 'vitest';
import { planStrategies } from './plan.js';
import { ATTACK_STRATEGIES } from './strategies.js';

const ALL = ATTACK_STRATEGIES.map((s) => s.id);

function counts(items: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of items) out.set(i, (out.get(i) ?? 0) + 1);
  return out;
}

describe('planStrategies', () => {
  const cases: [number, number, string[]][] = [
    [4, 5, ALL],
    [10, 7, ALL],
    [3, 30, ALL],
    [7, 3, ['role_play', 'base64', 'rot13']],
    [5, 1, ['role_play', 'hypothetical']],
    [1, 1, ['multilingual']],
  ];
  for (const [n, m, strategies] of cases) {
    it(`balances ${n} behaviours × ${m} prompts over ${strategies.length} strategies`, () => {
      const plan = planStrategies(n, m, strategies, 'seed');
      expect(plan).toHaveLength(n);
      const all = plan.flat().map((s) => s.strategy);
      expect(all).toHaveLength(n * m);
      const total = counts(all);
      const k = strategies.length;
      // Every strategy used ⌊N/k⌋ or ⌈N/k⌉ times over the run (unused ones count as 0).
      for (const s of strategies) {
        const c = total.get(s) ?? 0;
        expect(c).toBeGreaterThanOrEqual(Math.floor((n * m) / k));
        expect(c).toBeLessThanOrEqual(Math.ceil((n * m) / k));
      }
      expect([...total.keys()].every((s) => strategies.includes(s))).toBe(true);
      // Within a behaviour, as varied as its prompt count allows.
      for (const row of plan) {
        expect(row).toHaveLength(m);
        const per = counts(row.map((s) => s.strategy));
        for (const c of per.values()) expect(c).toBeLessThanOrEqual(Math.ceil(m / k));
        expect(per.size).toBe(Math.min(m, k));
      }
    });
  }

  it('is deterministic in the seed and differs between seeds', () => {
    const a = planStrategies(6, 6, ALL, 'alpha');
    expect(planStrategies(6, 6, ALL, 'alpha')).toEqual(a);
    expect(planStrategies(6, 6, ALL, 'beta')).not.toEqual(a);
  });

  it('gives multilingual slots a language, rotating through languages, and no other slot one', () => {
    const plan = planStrategies(8, 4, ['multilingual', 'role_play'], 's').flat();
    const multilingual = plan.filter((s) => s.strategy === 'multilingual');
    expect(multilingual).toHaveLength(16);
    expect(multilingual.every((s) => typeof s.language === 'string' && s.language.length > 0)).toBe(true);
    expect(new Set(multilingual.map((s) => s.language)).size).toBe(16);
    expect(plan.filter((s) => s.strategy !== 'multilingual').every((s) => s.language === undefined)).toBe(
      true,
    );
  });
});
