import { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidInputError, TooLargeError } from '../errors.js';
import { inspectCsv } from './csv.js';
import { checkHeader } from './csv-scanner.js';
import { plural } from './table.js';

type Outcome = { columns: string[]; recordCount: number } | { error: string };

async function* chunksOf(bytes: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let start = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(start, cut);
    start = cut;
  }
}

/** Cut points in [0, length], sorted: any chunking, including empty chunks. */
function cutsFor(length: number, seeds: number[]): number[] {
  return seeds.map((s) => s % (length + 1)).sort((a, b) => a - b);
}

async function inspect(bytes: Buffer | string, cuts: number[] = [], minRecords = 1): Promise<Outcome> {
  const buf = typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
  try {
    const { columns, recordCount } = await inspectCsv(chunksOf(buf, cuts), 'c.csv', minRecords);
    return { columns: columns!, recordCount: recordCount! };
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    expect(err.fieldErrors).toEqual({ files: [err.message] });
    return { error: err.message };
  }
}

/**
 * The inspection as it was before the byte scanner: csv-parse with the same options, the same messages.
 * Synchronous and in file order (the first problem wins), which the streamed original was not always.
 * Bad UTF-8 and NUL are only flagged: their messages come from decodeUtf8, which both versions share.
 */
function inspectWithCsvParse(bytes: Buffer, minRecords = 1): Outcome | 'bad-text' {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'bad-text';
  }
  if (text.includes('\u0000')) return 'bad-text';
  const path = 'c.csv';
  const emitted: { fields: number; record: string[]; lines: number; emptyLines: number }[] = [];
  let parseError: unknown;
  try {
    parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_quotes: false,
      relax_column_count: true,
      on_record: (record: string[], info) => {
        emitted.push({ fields: record.length, record, lines: info.lines, emptyLines: info.empty_lines });
        return null;
      },
    });
  } catch (err) {
    parseError = err;
  }
  let header: string[] | undefined;
  let records = 0;
  let lastEndLine = 0;
  let lastEmptyLines = 0;
  try {
    for (const { fields, record, lines, emptyLines } of emitted) {
      const startLine = lastEndLine + 1 + (emptyLines - lastEmptyLines);
      lastEndLine = lines;
      lastEmptyLines = emptyLines;
      if (header === undefined) header = checkHeader(record, path, startLine);
      else if (fields !== header.length) {
        const where = startLine === lines ? `line ${startLine}` : `the record on lines ${startLine}-${lines}`;
        return {
          error: `${path}: ${where} has ${plural(fields, 'field')}, the header has ${header.length}.`,
        };
      } else records++;
    }
  } catch (err) {
    return { error: (err as Error).message };
  }
  if (parseError !== undefined) {
    if (!(parseError instanceof CsvError)) throw parseError;
    const at = typeof parseError.lines === 'number' ? ` at line ${parseError.lines}` : '';
    switch (parseError.code) {
      case 'CSV_QUOTE_NOT_CLOSED': {
        const after = lastEndLine === 0 ? 'the first record' : `the record after line ${lastEndLine}`;
        return {
          error: `${path}: a quoted field is never closed (${after} runs to the end of the file); add the missing '"'.`,
        };
      }
      case 'CSV_INVALID_CLOSING_QUOTE':
        return {
          error: `${path}: unexpected character after a closing quote${at}; expected a comma or the end of the line (write a quote inside a quoted field as "").`,
        };
      case 'INVALID_OPENING_QUOTE':
        return {
          error: `${path}: a quote appears inside an unquoted field${at}; wrap the field in quotes and write the quote as "".`,
        };
      default:
        throw parseError;
    }
  }
  if (header === undefined) return { error: `${path}: is empty; expected a header row followed by records.` };
  if (records < minRecords) {
    return {
      error: `${path}: needs at least ${plural(minRecords, 'record')} after the header, found ${records}.`,
    };
  }
  return { columns: header, recordCount: records };
}

// ---------- generators of CSV-ish text ----------

const BOM = '\ufeff';
const plainField = fc
  .array(fc.constantFrom('a', 'b', 'x', ' ', 'é', '€', '𝄞', BOM), { maxLength: 4 })
  .map((cs) => cs.join(''));
const quotedField = fc
  .array(fc.constantFrom('a', ',', '""', '\n', '\r\n', '\r', ' ', 'é'), { maxLength: 5 })
  .map((parts) => `"${parts.join('')}"`);
/** Anything goes: often breaks the quoting rules. */
const messyField = fc
  .array(fc.constantFrom('a', ',', '"', '\n', '\r', ' ', 'é'), { maxLength: 4 })
  .map((cs) => cs.join(''));
const field = fc.oneof({ weight: 2, arbitrary: plainField }, { weight: 1, arbitrary: quotedField });
const lineEnd = fc.constantFrom('\n', '\r\n', '\r');
/** Unique, non-empty column names, quoted or not. */
const columnName = fc.constantFrom(
  (i: number) => `c${i}`,
  (i: number) => `"c${i},x"`,
  (i: number) => `"c${i} ""q"""`,
  (i: number) => `"c${i}\nz"`,
  (i: number) => `"c${i}\r\nz"`,
  (i: number) => `é${i}𝄞`,
);
const rare = <T>(usual: T, arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary });

/**
 * A header and rows. Half the files are clean (same width, one line ending); the others may have rows of
 * another width, mixed line endings, a header of random fields, and a few random strings inserted anywhere.
 * Both kinds may have empty lines and BOMs.
 */
const csvText = fc
  .record({
    clean: fc.boolean(),
    width: fc.integer({ min: 1, max: 4 }),
    names: fc.array(columnName, { minLength: 4, maxLength: 4 }),
    randomHeader: rare(false, fc.constant(true)),
    rows: fc.array(
      fc.record({
        extra: rare(0, fc.integer({ min: -2, max: 2 })),
        fields: fc.array(field, { minLength: 6, maxLength: 6 }),
        eol: lineEnd,
        emptyLinesAfter: rare(0, fc.integer({ min: 1, max: 2 })),
      }),
      { maxLength: 7 },
    ),
    trailingEol: fc.boolean(),
    boms: rare(0, fc.integer({ min: 1, max: 3 })),
    damage: fc.array(fc.tuple(fc.nat(), messyField), { maxLength: 3 }),
  })
  .map(({ clean, width, names, randomHeader, rows, trailingEol, boms, damage }) => {
    let text = BOM.repeat(boms);
    const eol = rows[0]?.eol ?? '\n';
    const header = names.slice(0, width).map((name, i) => name(i));
    const lines = [
      ...(!clean && randomHeader ? [] : [{ fields: header, extra: 0, eol, emptyLinesAfter: 0 }]),
    ];
    lines.push(...rows);
    lines.forEach((row, i) => {
      const count = clean ? width : Math.max(1, Math.min(6, width + row.extra));
      text += row.fields.slice(0, count).join(',');
      if (i < lines.length - 1 || trailingEol)
        text += (clean ? eol : row.eol).repeat(1 + row.emptyLinesAfter);
    });
    if (!clean) {
      for (const [at, insert] of damage) {
        const cut = at % (text.length + 1);
        text = text.slice(0, cut) + insert + text.slice(cut);
      }
    }
    return text;
  });

/** Short strings over the characters that matter, plus bytes that are not UTF-8 and NUL. */
const csvBytes = fc.oneof(
  csvText.map((t) => Buffer.from(t)),
  fc
    .array(fc.constantFrom('a', ',', '"', '\n', '\r', '\r\n', ' ', 'é', BOM, '\u0000', '\xff', '\xe2'), {
      maxLength: 40,
    })
    .map((parts) =>
      Buffer.concat(
        parts.map((p) => (p === '\xff' || p === '\xe2' ? Buffer.from([p.charCodeAt(0)]) : Buffer.from(p))),
      ),
    ),
);
const cutSeeds = fc.array(fc.nat(), { maxLength: 8 });

/** Line numbers differ from csv-parse's where it counts a `\r\n` as two lines: compare without them. */
function withoutLineNumbers(outcome: Outcome): Outcome {
  if (!('error' in outcome)) return outcome;
  return {
    error: outcome.error.replace(/the record on lines \d+-\d+|line \d+/g, 'LINE').replace(/\d+/g, 'N'),
  };
}

/**
 * decodeUtf8 (utf8.ts) locates a bad byte from the chunk it failed on and the end of the one before, so with
 * chunks of 1-2 bytes it may name a later byte of a broken character, or none. Which error is reported does
 * not depend on the chunking; only those details do.
 */
function withoutUtf8Details(outcome: Outcome): Outcome {
  if (!('error' in outcome)) return outcome;
  return { error: outcome.error.replace(/is not valid UTF-8 text[^;]*;/, 'is not valid UTF-8 text;') };
}

describe('inspectCsv agrees with csv-parse', () => {
  it('on accept/reject, header, record count and message, for any chunking', async () => {
    let accepted = 0;
    let rejected = 0;
    await fc.assert(
      fc.asyncProperty(
        csvBytes,
        cutSeeds,
        fc.integer({ min: 0, max: 2 }),
        async (bytes, seeds, minRecords) => {
          const expected = inspectWithCsvParse(bytes, minRecords);
          const actual = await inspect(bytes, cutsFor(bytes.length, seeds), minRecords);
          if (expected === 'bad-text') {
            expect(actual).toHaveProperty('error');
            return;
          }
          if ('error' in actual) rejected++;
          else accepted++;
          if (bytes.includes('\r\n'))
            expect(withoutLineNumbers(actual)).toEqual(withoutLineNumbers(expected));
          else expect(actual).toEqual(expected);
        },
      ),
      { numRuns: 8000 },
    );
    // Both sides of the property must be exercised.
    expect(accepted).toBeGreaterThan(400);
    expect(rejected).toBeGreaterThan(400);
  });

  it('gives the same outcome, message included, however the bytes are chunked', async () => {
    await fc.assert(
      fc.asyncProperty(csvBytes, cutSeeds, async (bytes, seeds) => {
        const whole = withoutUtf8Details(await inspect(bytes));
        expect(withoutUtf8Details(await inspect(bytes, cutsFor(bytes.length, seeds)))).toEqual(whole);
        const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
        expect(withoutUtf8Details(await inspect(bytes, everyByte))).toEqual(whole);
      }),
      { numRuns: 1500 },
    );
  });

  it('on a larger file with every kind of field', async () => {
    const rows = ['id,"na,me","quo""te","multi\nline",é'];
    for (let i = 0; i < 2000; i++) {
      rows.push(`${i},"a,b${i}","say ""hi""","l1\nl2\r\nl3",${'€'.repeat(i % 5)}`);
    }
    for (const eol of ['\n', '\r\n']) {
      const bytes = Buffer.from(rows.join(eol) + eol);
      const expected = inspectWithCsvParse(bytes);
      expect(expected).toEqual({ columns: ['id', 'na,me', 'quo"te', 'multi\nline', 'é'], recordCount: 2000 });
      expect(await inspect(bytes, cutsFor(bytes.length, [7, 100, 4096, 50_000, 50_001]))).toEqual(expected);
    }
  });
});

describe('inspectCsv', () => {
  it('decodes header names with quotes, commas, line breaks and characters split across chunks', async () => {
    const text = '\ufeff"a ""b""","c,d","e\r\nf",𝄞é,""""\n1,2,3,4,\n';
    const bytes = Buffer.from(text);
    const everyByte = Array.from({ length: bytes.length }, (_, i) => i);
    for (const cuts of [[], everyByte]) {
      expect(await inspect(bytes, cuts)).toEqual({
        columns: ['a "b"', 'c,d', 'e\r\nf', '𝄞é', '"'],
        recordCount: 1,
      });
    }
  });

  it('counts a \\r\\n inside a quoted field as one line, as editors do', async () => {
    // csv-parse said line 5: it counted each \r\n inside quotes as two lines.
    expect(await inspect('a,b\r\n"x\r\ny",1\r\n1,2,3\r\n')).toEqual({
      error: 'c.csv: line 4 has 3 fields, the header has 2.',
    });
    expect(await inspect('a,b\r\n"x\r\ny",1,2\r\n1,2\r\n')).toEqual({
      error: 'c.csv: the record on lines 2-3 has 3 fields, the header has 2.',
    });
  });

  it('ends records at the first line ending found outside quotes, as csv-parse does', async () => {
    // Lone \r (classic Mac OS) line endings.
    expect(await inspect('a,b\r1,2\r\r3,4\r')).toEqual({ columns: ['a', 'b'], recordCount: 2 });
    expect(await inspect('a,b\r1,2\r3,4,5\r')).toEqual({
      error: 'c.csv: line 3 has 3 fields, the header has 2.',
    });
    // The header ends with \n, so in `1,2\r\n` the \r is part of the field "2\r".
    expect(await inspect('a,b\n1,2\r\n3,4\r\n')).toEqual({ columns: ['a', 'b'], recordCount: 2 });
    // ...which a closing quote may not be followed by.
    expect(await inspect('a,b\n1,"2"\r\n')).toEqual({
      error:
        'c.csv: unexpected character after a closing quote at line 2; expected a comma or the end of the line (write a quote inside a quoted field as "").',
    });
    // With \r\n records, a lone \n is field content.
    expect(await inspect('a,b\r\n1,2\n3,4\r\n')).toEqual({
      error: 'c.csv: the record on lines 2-3 has 3 fields, the header has 2.',
    });
  });

  it('skips up to two BOMs, and reads a third as part of the first name', async () => {
    expect(await inspect('\ufeff\ufeffa,b\n1,2\n')).toEqual({ columns: ['a', 'b'], recordCount: 1 });
    expect(await inspect('\ufeff\ufeff\ufeffa,b\n1,2\n')).toEqual({
      columns: ['\ufeffa', 'b'],
      recordCount: 1,
    });
    expect(await inspect('\ufeff\ufeff\ufeff"a",b\n1,2\n')).toEqual({
      error:
        'c.csv: a quote appears inside an unquoted field at line 1; wrap the field in quotes and write the quote as "".',
    });
  });

  it('reports the first problem in the file: bad UTF-8 after a CSV error, or before it', async () => {
    const csvFirst = Buffer.concat([Buffer.from('a,b\n1,2,3\n'), Buffer.from([0xff]), Buffer.from('\n')]);
    const utf8First = Buffer.concat([Buffer.from('a,b\n1,'), Buffer.from([0xff]), Buffer.from('\n1,2,3\n')]);
    const nulFirst = Buffer.from('a,b\n1,\u0000\n1,2,3\n');
    const seeds = [[], [3], [5], [7], [9], [10], Array.from({ length: 20 }, (_, i) => i)];
    for (const cuts of seeds) {
      expect(await inspect(csvFirst, cuts)).toEqual({
        error: 'c.csv: line 2 has 3 fields, the header has 2.',
      });
      expect(await inspect(utf8First, cuts)).toEqual({
        error:
          'c.csv: is not valid UTF-8 text (byte 0xFF at line 2, byte offset 6); save the file with UTF-8 encoding and upload it again.',
      });
      expect(await inspect(nulFirst, cuts)).toEqual({
        error: 'c.csv: contains a NUL character at line 2; it looks like a binary file, not text.',
      });
    }
    // A character cut off by the end of the file.
    expect(await inspect(Buffer.from([0x61, 0x2c, 0x62, 0x0a, 0x31, 0x2c, 0xe2, 0x98]), [7])).toEqual({
      error:
        'c.csv: is not valid UTF-8 text (it ends in the middle of a character); save the file with UTF-8 encoding and upload it again.',
    });
  });

  it('passes on errors from the byte source and stops reading after a problem', async () => {
    let pulled = 0;
    async function* source(): AsyncGenerator<Buffer> {
      yield Buffer.from('a,b\n1,2\n');
      pulled++;
      yield Buffer.from('3,4,5\n');
      pulled++;
      yield Buffer.from('6,7\n');
      pulled++;
    }
    await expect(inspectCsv(source(), 'c.csv', 1)).rejects.toThrow('line 3 has 3 fields');
    expect(pulled).toBe(1);

    async function* failing(): AsyncGenerator<Buffer> {
      yield Buffer.from('a,b\n1,2\n');
      throw new TooLargeError('c.csv: boom', 'files');
    }
    await expect(inspectCsv(failing(), 'c.csv', 1)).rejects.toBeInstanceOf(TooLargeError);
  });
});
