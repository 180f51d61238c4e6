import { describe, expect, it } from 'vitest';
import { createRng } from '../sampling/rng.js';
import { parseBinLabel } from './conditions.js';
import { emailGenerator, identifierGenerator } from './identifiers.js';

describe('identifier regeneration', () => {
  const rng = createRng('ids');
  const draw = (raw: unknown[], n = 50) => {
    const g = identifierGenerator(raw);
    return Array.from({ length: n }, () => g.next(rng));
  };

  it('continues running numbers, also inside a prefix', () => {
    const ids = draw(['CLM-10001', 'CLM-10002', 'CLM-10003']);
    expect(ids[0]).toBe('CLM-10004');
    expect(new Set(ids).size).toBe(ids.length);
    expect(draw([1, 2, 3], 2)).toEqual([4, 5]);
    expect(draw(['007', '008', '009'], 1)).toEqual(['010']);
  });

  it('keeps positional formats (UUIDs, codes) with new characters', () => {
    const uuids = [
      '3f2b8c1e-4d5a-4b6c-8e9f-0a1b2c3d4e5f',
      'a1b2c3d4-e5f6-47a8-9b0c-d1e2f3a4b5c6',
      '0f9e8d7c-6b5a-4c3d-8e1f-2a3b4c5d6e7f',
    ];
    for (const id of draw(uuids, 20) as string[]) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(uuids).not.toContain(id);
    }
    const codes = ['AB-12X', 'CD-34Y', 'EF-56Z'];
    for (const id of draw(codes, 20) as string[]) {
      expect(id).toMatch(/^[A-Z]{2}-\d{2}[A-Z]$/);
      expect(codes).not.toContain(id);
    }
  });

  it('makes new emails on shared domains only', () => {
    const raw = [...Array.from({ length: 6 }, (_, i) => `a${i}@corp.com`), 'x@rare-domain.io'];
    const g = emailGenerator(raw, 5);
    for (let i = 0; i < 20; i++) {
      const e = String(g.next(rng));
      expect(e).toMatch(/@corp\.com$/);
      expect(raw).not.toContain(e);
    }
  });
});

describe('parseBinLabel', () => {
  it('reads the bin labels statistical/spec.ts writes', () => {
    expect(parseBinLabel('20-34')).toEqual({ lo: 20, hi: 34, hiInclusive: true });
    expect(parseBinLabel('10.5 to under 20')).toEqual({ lo: 10.5, hi: 20, hiInclusive: false });
    expect(parseBinLabel('0.125 to 0.9')).toEqual({ lo: 0.125, hi: 0.9, hiInclusive: true });
    expect(parseBinLabel('-5-10')).toEqual({ lo: -5, hi: 10, hiInclusive: true });
    expect(parseBinLabel('gold')).toBeUndefined();
  });
});
