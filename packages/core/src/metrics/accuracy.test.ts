import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracy, accuracyOfCounts, binCodes, fitColumnBins, searchBinBoundaries } from './accuracy.js';
import { census } from './fixtures.js';

describe('binning (mostlyai-qa)', () => {
  it('finds distinct quantile boundaries including min and max', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i);
    const breaks = searchBinBoundaries(values, 10);
    expect(breaks).toHaveLength(11);
    expect(breaks[0]).toBe(0);
    expect(breaks[10]).toBe(99);
  });

  it('gives each value its own bin when there are few, and categories top-10 with at least 5 rows', () => {
    const rows = [
      ...Array(30).fill({ x: '1', c: 'a' }),
      ...Array(20).fill({ x: '2', c: 'b' }),
      { x: '', c: 'z' },
    ];
    const numeric = fitColumnBins('x', 'numeric', rows);
    expect(numeric.type === 'numeric' && numeric.breaks).toEqual([1, 2, 3]);
    const { codes, labels } = binCodes(numeric, rows);
    expect(labels[codes[0]!]).toBe('>= 1');
    expect(labels[codes[50]!]).toBe('(n/a)');
    const cats = fitColumnBins('c', 'categorical', rows);
    expect(cats.type === 'categorical' && cats.categories).toEqual(['a', 'b']);
    expect(binCodes(cats, rows).labels[binCodes(cats, rows).codes[50]!]).toBe('(other)');
  });

  it('computes 1 - TVD and the expected maximum from sampling noise', () => {
    const a = new Map([
      [0, 50],
      [1, 50],
    ]);
    const b = new Map([
      [0, 60],
      [1, 40],
    ]);
    const r = accuracyOfCounts(a, b);
    expect(r.accuracy).toBeCloseTo(0.9, 12);
    // Σ sqrt(2/π · p(1-p) · (1/n1 + 1/n2)) over both bins, halved.
    expect(r.expectedMax).toBeCloseTo(1 - Math.sqrt((2 / Math.PI) * 0.25 * 0.02), 12);
  });

  it('scores a table against itself as 1 and stays within [0, 1]', () => {
    const row = fc.record({ n: fc.integer({ min: 0, max: 50 }), c: fc.constantFrom('a', 'b', 'c', '') });
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 5, maxLength: 60 }),
        fc.array(row, { minLength: 5, maxLength: 60 }),
        (t, s) => {
          const trn = t.map((r) => ({ n: String(r.n), c: r.c }));
          const syn = s.map((r) => ({ n: String(r.n), c: r.c }));
          const self = accuracy(trn, trn);
          expect(self.univariate).toBeCloseTo(1, 12);
          expect(self.bivariate).toBeCloseTo(1, 12);
          const other = accuracy(trn, syn);
          for (const x of [other.univariate, other.bivariate, other.overall]) {
            expect(x).toBeGreaterThanOrEqual(-1e-12);
            expect(x).toBeLessThanOrEqual(1 + 1e-12);
          }
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('accuracy on census2k (golden)', () => {
  const trn = census('trn').records;
  const hol = census('hol').records;

  it('puts syn_mostly near 0.98 of the holdout maximum', () => {
    const report = accuracy(trn, census('syn_mostly').records, { holdout: hol });
    // The holdout's own accuracy at 2,000 rows, and MOSTLY's synthetic data next to it.
    expect(report.holdout!.overall).toBeCloseTo(0.9588, 3);
    expect(report.ratio!.overall).toBeGreaterThan(0.97);
    expect(report.ratio!.overall).toBeLessThan(0.99);
    expect(report.ratio!.bivariate).toBeGreaterThan(0.965);
    expect(report.ratio!.bivariate).toBeLessThan(0.985);
    // The expected-max formula agrees with the holdout to within half a point.
    expect(Math.abs(report.expectedMax.overall - report.holdout!.overall)).toBeLessThan(0.005);
    expect(report.pairs).toHaveLength((15 * 14) / 2);
  });

  it('sees that syn_flip30 keeps every column exactly but loses pairs', () => {
    const report = accuracy(trn, census('syn_flip30').records, { holdout: hol });
    expect(report.univariate).toBeCloseTo(1, 6);
    expect(report.bivariate).toBeLessThan(report.univariate - 0.03);
  });
});
