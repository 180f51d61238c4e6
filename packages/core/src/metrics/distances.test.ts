import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distances, identicalRowShare } from './distances.js';
import { census } from './fixtures.js';

const table = (n: number, offset = 0) =>
  Array.from({ length: n }, (_, i) => ({
    a: String((i * 7 + offset) % 97),
    b: ['x', 'y', 'z'][(i + offset) % 3]!,
  }));

describe('distances', () => {
  it('sees copies: identical matches, DCR 0 and a DCR share of 1', () => {
    const trn = table(50);
    const hol = table(50, 1000);
    const r = distances(trn, trn.slice(0, 20), hol);
    expect(r.identicalMatchShare).toBe(1);
    expect(r.identicalRowShare).toBe(1);
    expect(r.dcr.training).toBe(0);
    expect(r.dcrShare).toBe(1);
  });

  it('keeps DCRs in [0, 1] and the share in [0, 1]', () => {
    const row = fc.record({ a: fc.integer({ min: 0, max: 9 }), b: fc.constantFrom('p', 'q', 'NA') });
    const rows = fc.array(row, { minLength: 3, maxLength: 25 });
    fc.assert(
      fc.property(rows, rows, rows, (t, s, h) => {
        const r = distances(t, s, h);
        for (const d of [r.dcr.training, r.dcr.holdout!]) {
          expect(d).toBeGreaterThanOrEqual(0);
          expect(d).toBeLessThanOrEqual(1);
        }
        expect(r.dcrShare).toBeGreaterThanOrEqual(0);
        expect(r.dcrShare).toBeLessThanOrEqual(1);
      }),
      { numRuns: 40 },
    );
  });

  it('compares rows as text for the identical-row share', () => {
    expect(
      identicalRowShare(
        [{ a: 1, b: 'x' }],
        [
          { a: '1', b: 'x' },
          { a: '2', b: 'x' },
        ],
      ),
    ).toBe(0.5);
  });
});

describe('distances on census2k (golden)', () => {
  const trn = census('trn').records;
  const hol = census('hol').records;

  it('gives syn_mostly a DCR share near 0.5 and no copies', () => {
    const r = distances(trn, census('syn_mostly').records, hol);
    expect(r.dcrShare).toBeGreaterThan(0.48);
    expect(r.dcrShare).toBeLessThan(0.54);
    expect(r.identicalMatchShare).toBe(0);
    expect(Math.abs(r.dcr.training - r.dcr.holdout!)).toBeLessThan(0.01);
  });

  it('gives syn_flip30 (perturbed training rows) a DCR share clearly above 0.6', () => {
    const r = distances(trn, census('syn_flip30').records, hol);
    expect(r.dcrShare).toBeGreaterThan(0.62);
    expect(r.identicalMatchShare).toBeGreaterThan(0.02);
    expect(r.nndr.training).toBeLessThan(r.nndr.holdout!);
  });
});
