import { describe, expect, it } from 'vitest';
import { census } from '../metrics/fixtures.js';
import { columnDependencies } from './dependencies.js';
import { profileTable } from './profile.js';

describe('profileTable', () => {
  it('infers kinds, missing rates and personal data', () => {
    const records = Array.from({ length: 60 }, (_, i) => ({
      id: `P-${1000 + i}`,
      email: `person${i}@example.org`,
      phone: `+1 (555) 010-${String(1000 + i).slice(-4)}`,
      full_name: ['Ann Lee', 'Bo Chen', 'Cy Diaz', 'Di Ng'][i % 4]!,
      product_name: ['Widget', 'Gadget'][i % 2]!,
      born: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
      score: (i / 7).toFixed(2),
      active: i % 3 ? 'true' : 'false',
      remark: i % 5 ? `Customer called about order ${i} and asked for a refund of the full amount.` : '',
    }));
    const byName = new Map(profileTable(Object.keys(records[0]!), records).map((p) => [p.name, p]));
    expect(byName.get('id')!.kind).toBe('id');
    expect(byName.get('id')!.pattern).toBe('A-####');
    expect(byName.get('email')!.pii).toBe('email');
    expect(byName.get('phone')!.pii).toBe('phone');
    expect(byName.get('full_name')!.pii).toBe('person_name');
    expect(byName.get('product_name')!.pii).toBeUndefined();
    expect(byName.get('born')!.kind).toBe('datetime');
    expect(byName.get('born')!.pii).toBe('date_of_birth');
    expect(byName.get('score')!.kind).toBe('numeric');
    expect(byName.get('active')!.kind).toBe('boolean');
    expect(byName.get('remark')!.kind).toBe('text');
    expect(byName.get('remark')!.missingRate).toBeCloseTo(12 / 60, 12);
  });

  it('keeps a few dozen countries among thousands of rows categorical', () => {
    const trn = census('trn');
    const byName = new Map(profileTable(trn.columns, trn.records).map((p) => [p.name, p]));
    expect(byName.get('native_country')!.kind).toBe('categorical');
    expect(byName.get('fnlwgt')!.kind).toBe('integer');
    expect(byName.get('workclass')!.missingRate).toBeGreaterThan(0.03);
  });
});

describe('columnDependencies', () => {
  it('finds the strongest associations whatever the column types', () => {
    const trn = census('trn');
    const deps = columnDependencies(trn.columns, trn.records);
    expect(deps.columns).toHaveLength(15);
    const top = deps.strongest.slice(0, 3).map((s) => s.columns.slice().sort().join('+'));
    // education determines education_num; relationship and sex, relationship and marital status go together.
    expect(top).toContain('education+education_num');
    const i = deps.columns.indexOf('relationship');
    const j = deps.columns.indexOf('sex');
    expect(deps.method[i]![j]).toBe('cramers_v');
    expect(deps.association[i]![j]).toBeGreaterThan(0.5);
    const age = deps.columns.indexOf('age');
    const hours = deps.columns.indexOf('hours_per_week');
    expect(deps.method[age]![hours]).toBe('spearman');
    expect(deps.mutualInformation[i]![j]).toBeGreaterThan(0.2);
    for (const row of deps.association) for (const v of row) expect(v).toBeGreaterThanOrEqual(0);
  });
});
