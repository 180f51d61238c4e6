import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isEmptyValue } from './columns.js';
import { csvField, parseCsvColumns } from './csv.js';

/**
 * The straightforward row reader the column reader must agree with (same fields, same errors): kept here
 * as the reference for the property test below.
 */
function parseCsvRows(text: string): string[][] {
  const rows: string[][] = [];
  const n = text.length;
  let i = 0;
  let row: string[] = [];
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34) {
      // Quoted field: up to the closing quote not followed by another quote.
      let out = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error(`a quoted field opened at offset ${i} is never closed`);
        if (text.charCodeAt(q + 1) === 34) {
          out += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        out += text.slice(from, q);
        i = q + 1;
        break;
      }
      field = out;
      const c = text.charCodeAt(i);
      if (i < n && c !== 44 && c !== 10 && c !== 13) {
        throw new Error(
          `a closing quote at offset ${i - 1} is followed by "${text[i]}" instead of a comma or line end`,
        );
      }
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    row.push(field);
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      if (i === n) row.push('');
      continue;
    }
    // End of record (or of the text).
    if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (i < n) i++;
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  }
  if (row.length > 0 && !(row.length === 1 && row[0] === '')) rows.push(row);
  return rows;
}

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
        const table = columns.value!;
        expect({
          header: table.header,
          columns: table.columns.map((c) => Array.from({ length: c.length }, (_, i) => c.at(i))),
          lengths: table.lengths,
        }).toEqual({
          header,
          columns: Array.from({ length: width }, (_, c) => body.map((r) => r[c] ?? '')),
          lengths: body.map((r) => r.length),
        });
        // Read one field at a time as well (past the end: undefined, as an array's `at`).
        for (const column of table.columns) expect(column.at(column.length)).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });

  it('tells empty and trimmed fields from where they are as from their strings', () => {
    const text = fc
      .array(
        fc.constantFrom(
          'a',
          'null',
          'N/A',
          '-',
          'nan',
          'none ',
          ' x',
          'y\t',
          '""',
          '"',
          ',',
          '\n',
          'undefined1',
        ),
        {
          maxLength: 30,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(text, (t) => {
        let table: ReturnType<typeof parseCsvColumns>;
        try {
          table = parseCsvColumns(t);
        } catch {
          return;
        }
        for (const column of table?.columns ?? [])
          for (let i = 0; i < column.length; i++) {
            const value = column.at(i)!;
            expect(column.isEmptyAt(i)).toBe(isEmptyValue(value));
            if (column.isTrimmedAt(i)) expect(value.length > 0 && value.trim() === value).toBe(true);
          }
      }),
      { numRuns: 3000 },
    );
  });
});
