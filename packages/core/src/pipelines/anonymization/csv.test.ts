import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvField, parseCsvColumns, parseCsvRows } from './csv.js';

describe('parseCsvRows', () => {
  it('reads quoted fields with commas, quotes and line breaks, and either line ending', () => {
    expect(parseCsvRows('a,b,c\r\n1,"x, ""y""\nz",3\r\n\r\n4,,\n')).toEqual([
      ['a', 'b', 'c'],
      ['1', 'x, "y"\nz', '3'],
      ['4', '', ''],
    ]);
  });
  it('keeps ragged rows and a last line without a line end', () => {
    expect(parseCsvRows('a,b\n1\n2,3,4')).toEqual([['a', 'b'], ['1'], ['2', '3', '4']]);
  });
  it('refuses broken quoting, naming the offset', () => {
    expect(() => parseCsvRows('a\n"open')).toThrow(/never closed/);
    expect(() => parseCsvRows('a\n"x"y')).toThrow(/followed by "y"/);
  });
  it('writes fields back so they read the same', () => {
    const values = ['plain', 'with, comma', 'with "quote"', 'two\nlines', ' padded ', ''];
    expect(parseCsvRows(`${values.map(csvField).join(',')}\n`)).toEqual([values]);
  });
});

describe('parseCsvColumns', () => {
  const read = (text: string) => {
    try {
      return { value: parseCsvColumns(text) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  const readRows = (text: string) => {
    try {
      return { value: parseCsvRows(text) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };

  it('reads what parseCsvRows reads, by column (same fields, widths, empty lines skipped, same errors)', () => {
    const text = fc
      .array(fc.constantFrom('a', 'bc', ',', '"', '""', '\n', '\r\n', '\r', ' ', ''), { maxLength: 40 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        const rows = readRows(t);
        const columns = read(t);
        if ('error' in rows) {
          expect(columns).toEqual(rows);
          return;
        }
        const all = rows.value!;
        if (all.length === 0) {
          expect(columns).toEqual({ value: undefined });
          return;
        }
        const [header, ...body] = all;
        const width = Math.max(header!.length, ...body.map((r) => r.length));
        expect(columns.value).toEqual({
          header,
          columns: Array.from({ length: width }, (_, c) => body.map((r) => r[c] ?? '')),
          lengths: body.map((r) => r.length),
        });
      }),
      { numRuns: 3000 },
    );
  });
});
