import { describe, expect, it } from 'vitest';
import { csvField, parseCsvRows } from './csv.js';

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
