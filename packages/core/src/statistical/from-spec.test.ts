import { describe, expect, it } from 'vitest';
import { conformance, observeRecord } from '../metrics/conformance.js';
import { createRng } from '../sampling/rng.js';
import { synthesizeFromSpec } from './from-spec.js';
import { statisticalSpec } from './spec.js';

function table(n: number) {
  const rng = createRng('spec-table');
  return Array.from({ length: n }, () => {
    const plan = rng.next() < 0.8 ? 'basic' : 'gold';
    const age = plan === 'gold' ? 45 + rng.int(30) : 20 + rng.int(40);
    return {
      plan,
      age: String(age),
      region: ['north', 'south', 'east'][rng.int(3)]!,
      visits: String(rng.int(9)),
    };
  });
}

describe('synthesizeFromSpec', () => {
  const records = table(500);
  const columns = Object.keys(records[0]!);

  it('follows the spec where it differs from the data, the data elsewhere', () => {
    const { content } = statisticalSpec(columns, records, {
      generateDistributions: true,
      generateConditionalDistributions: false,
    });
    // Ask for far more gold customers than the seed has, leave age to the data, and add a property that
    // is no column.
    content.data_property_variations = content.data_property_variations.filter(
      (p) => p.property_name !== 'age',
    );
    const plan = content.data_property_variations.find((p) => p.property_name === 'plan')!;
    plan.base_distributions = { basic: 30, gold: 70 };
    content.data_property_variations.push({
      property_name: 'tone',
      property_values: ['formal', 'casual'],
      base_distributions: { formal: 50, casual: 50 },
    });
    const result = synthesizeFromSpec({ columns, records, spec: content, n: 400, seed: 'spec' });
    expect(result.ignoredProperties).toEqual(['tone']);
    expect(result.properties).toContain('plan');
    expect(result.rows).toHaveLength(400);
    const gold = result.rows.filter((r) => r.plan === 'gold');
    expect(gold.length).toBe(280);
    // The data's dependency still holds given the spec's plan: gold customers are older.
    const meanAge = (rs: Record<string, unknown>[]) => rs.reduce((s, r) => s + Number(r.age), 0) / rs.length;
    expect(meanAge(gold)).toBeGreaterThan(meanAge(result.rows.filter((r) => r.plan === 'basic')) + 10);
    // Every spec axis that is a column conforms exactly to the plan (quota sampling), bins included.
    const report = conformance(
      {
        ...content,
        data_property_variations: content.data_property_variations.filter((p) => p.property_name !== 'tone'),
      },
      result.rows.map((r) => observeRecord(content, r)),
    );
    for (const p of report.properties) expect(p.tvd).toBeLessThan(0.01);
    expect(synthesizeFromSpec({ columns, records, spec: content, n: 50, seed: 'spec' }).rows).toEqual(
      synthesizeFromSpec({ columns, records, spec: content, n: 50, seed: 'spec' }).rows,
    );
  });

  it('honours conditional distributions learned into the spec', () => {
    const { content } = statisticalSpec(columns, records, {
      generateDistributions: true,
      generateConditionalDistributions: true,
    });
    const age = content.data_property_variations.find((p) => p.property_name === 'age')!;
    expect(Object.keys(age.conditional_distributions ?? {})).toEqual(['plan']);
    const result = synthesizeFromSpec({ columns, records, spec: content, n: 300, seed: 'cond' });
    const report = conformance(
      content,
      result.rows.map((r) => observeRecord(content, r)),
    );
    const ageReport = report.properties.find((p) => p.property === 'age')!;
    expect(ageReport.conditional!.tvd).toBeLessThan(0.05);
  });
});
