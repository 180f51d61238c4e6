import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildPdf, repeatingStaged, stagedFromBuffer } from '../../test/helpers/datasets.js';
import { InvalidInputError, OpenFramerError, TooLargeError } from '../errors.js';
import { inspectSeedFile } from './inspect.js';
import { MB } from './limits.js';
import { stagedFileFromPath } from './staged.js';
import type { DatasetType, StagedFile } from './types.js';

const FIXTURES = fileURLToPath(new URL('../../test/fixtures/datasets/', import.meta.url));
const fixture = (name: string, folder: string | null = null): StagedFile => {
  const path = FIXTURES + name;
  return stagedFileFromPath(path, name, folder, readFileSync(path).length);
};

async function inspectError(file: StagedFile, type: DatasetType): Promise<OpenFramerError> {
  try {
    await inspectSeedFile(file, type);
  } catch (err) {
    if (err instanceof OpenFramerError) return err;
    throw err;
  }
  throw new Error(`expected inspecting ${file.name} to fail`);
}

async function errorMessage(file: StagedFile, type: DatasetType = 'SINGLE_FILE'): Promise<string> {
  const err = await inspectError(file, type);
  expect(err).toBeInstanceOf(InvalidInputError);
  expect(err.fieldErrors).toEqual({ files: [err.message] });
  return err.message;
}

describe('inspectSeedFile: CSV', () => {
  it('counts records and reads the header, with quoted commas, quotes and newlines', async () => {
    for (const type of ['SINGLE_FILE', 'MULTI_FILE'] as const) {
      expect(await inspectSeedFile(fixture('customers.csv'), type)).toEqual({
        path: 'customers.csv',
        name: 'customers.csv',
        folder: null,
        format: 'csv',
        size: 90,
        recordCount: 3,
        columns: ['id', 'name', 'notes'],
        textLength: null,
        extractedText: null,
      });
    }
  });

  it('gives the same result however the bytes are chunked', async () => {
    const bytes = readFileSync(`${FIXTURES}customers.csv`);
    for (const size of [1, 2, 7]) {
      const result = await inspectSeedFile(
        stagedFromBuffer('customers.csv', bytes, null, size),
        'SINGLE_FILE',
      );
      expect(result).toMatchObject({ recordCount: 3, columns: ['id', 'name', 'notes'] });
    }
  });

  it('strips a UTF-8 BOM and handles CRLF line endings', async () => {
    const result = await inspectSeedFile(fixture('customers-bom.csv'), 'SINGLE_FILE');
    expect(result).toMatchObject({ recordCount: 2, columns: ['id', 'name'], size: 28 });
  });

  it('reports a ragged row with its line number', async () => {
    expect(await errorMessage(fixture('ragged.csv'))).toBe(
      'ragged.csv: line 4 has 5 fields, the header has 4.',
    );
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b,c\r\n1,2,3\r\n4,5\r\n'))).toBe(
      'c.csv: line 3 has 2 fields, the header has 3.',
    );
  });

  it('counts skipped blank lines and multi-line records in line numbers', async () => {
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n1,2\n\n\n3,4,5\n'))).toBe(
      'c.csv: line 5 has 3 fields, the header has 2.',
    );
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n1,"x\ny"\n"p\nq\nr",2,3\n'))).toBe(
      'c.csv: the record on lines 4-6 has 3 fields, the header has 2.',
    );
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n"x\ny"\n'), 'MULTI_FILE')).toBe(
      'c.csv: the record on lines 2-3 has 1 field, the header has 2.',
    );
  });

  it('refuses duplicate and empty column names', async () => {
    expect(await errorMessage(stagedFromBuffer('c.csv', 'id,name,id\n1,2,3\n4,5,6\n'))).toBe(
      'c.csv: the header (line 1) names column "id" twice (columns 1 and 3); column names must be unique.',
    );
    expect(await errorMessage(stagedFromBuffer('c.csv', '\n\nid,, x\n1,2,3\n4,5,6\n'))).toBe(
      'c.csv: the header (line 3) has no name for column 2; every column needs a name.',
    );
  });

  it('needs 2 records for SINGLE_FILE and 1 for multi-file datasets', async () => {
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n1,2\n'))).toBe(
      'c.csv: needs at least 2 records after the header, found 1.',
    );
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n'), 'MULTI_FILE')).toBe(
      'c.csv: needs at least 1 record after the header, found 0.',
    );
    const one = await inspectSeedFile(stagedFromBuffer('c.csv', 'a,b\n1,2'), 'MULTI_FOLDER');
    expect(one.recordCount).toBe(1);
  });

  it('refuses an empty file', async () => {
    for (const text of ['', '\n\n\n', '\r\n\r\n']) {
      expect(await errorMessage(stagedFromBuffer('c.csv', text))).toBe(
        'c.csv: is empty; expected a header row followed by records.',
      );
    }
  });

  it('explains quoting mistakes', async () => {
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n1,2\n3,"never closed\n4,5\n'))).toBe(
      `c.csv: a quoted field is never closed (the record after line 2 runs to the end of the file); add the missing '"'.`,
    );
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n1,2\n3,x"y\n'))).toBe(
      'c.csv: a quote appears inside an unquoted field at line 3; wrap the field in quotes and write the quote as "".',
    );
    expect(await errorMessage(stagedFromBuffer('c.csv', 'a,b\n"x"y,2\n'))).toBe(
      'c.csv: unexpected character after a closing quote at line 2; expected a comma or the end of the line (write a quote inside a quoted field as "").',
    );
  });

  it('refuses bytes that are not UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('a,b\n1,caf'), Buffer.from([0xe9]), Buffer.from('\n2,3\n')]);
    expect(await errorMessage(stagedFromBuffer('c.csv', bytes))).toBe(
      'c.csv: is not valid UTF-8 text (byte 0xE9 at line 2, byte offset 9); save the file with UTF-8 encoding and upload it again.',
    );
  });

  it('streams a large file without trouble', async () => {
    const rows = 'x,"quoted, with comma",3\n'.repeat(1000);
    const file = repeatingStaged('big.csv', rows, 400); // ~10 MB
    const header = stagedFromBuffer('h.csv', `a,b,c\n${rows.repeat(2)}`);
    expect((await inspectSeedFile(header, 'SINGLE_FILE')).recordCount).toBe(2000);
    // Without a header line every row is data: the first row is taken as the header.
    expect((await inspectSeedFile(file, 'SINGLE_FILE')).recordCount).toBe(399_999);
  });
});

describe('inspectSeedFile: JSON', () => {
  it('reads an array of records for SINGLE_FILE, with the union of keys as columns', async () => {
    expect(await inspectSeedFile(fixture('records.json'), 'SINGLE_FILE')).toMatchObject({
      format: 'json',
      recordCount: 2,
      columns: ['id', 'question', 'answer', 'difficulty'],
      textLength: null,
      extractedText: null,
    });
  });

  it('needs an array of at least 2 objects for SINGLE_FILE', async () => {
    expect(await errorMessage(stagedFromBuffer('r.json', '{"a": 1}'))).toBe(
      'r.json: must be a JSON array of records (objects), found an object.',
    );
    expect(await errorMessage(stagedFromBuffer('r.json', '[{"a": 1}]'))).toBe(
      'r.json: needs at least 2 records, found 1.',
    );
    expect(await errorMessage(stagedFromBuffer('r.json', '[]'))).toBe(
      'r.json: needs at least 2 records, found 0.',
    );
    expect(await errorMessage(stagedFromBuffer('r.json', '[{"a": 1}, {"b": 2}, "three", null]'))).toBe(
      'r.json: the element at index 2 is a string; every record must be a JSON object.',
    );
    expect(await errorMessage(stagedFromBuffer('r.json', '[{"a": 1}, [1]]'))).toBe(
      'r.json: the element at index 1 is an array; every record must be a JSON object.',
    );
  });

  it('accepts any JSON value in multi-file datasets', async () => {
    expect(await inspectSeedFile(stagedFromBuffer('doc.json', '{"title": "x"}'), 'MULTI_FILE')).toMatchObject(
      {
        recordCount: null,
        columns: null,
      },
    );
    expect(
      await inspectSeedFile(stagedFromBuffer('doc.json', '["a", "b", "c"]'), 'MULTI_FILE'),
    ).toMatchObject({
      recordCount: 3,
      columns: null,
    });
    expect(
      await inspectSeedFile(stagedFromBuffer('doc.json', '[{"a":1},{"b":2},3]'), 'MULTI_FILE'),
    ).toMatchObject({
      recordCount: 3,
      columns: ['a', 'b'],
    });
    expect(
      (await inspectSeedFile(stagedFromBuffer('doc.json', '42'), 'MULTI_FOLDER')).recordCount,
    ).toBeNull();
  });

  it('reports syntax errors with the path, line and column', async () => {
    const text = '{\n  "a": 1,\n  "b": [1, 2\n}\n';
    expect(await errorMessage(stagedFromBuffer('a.json', text, 'notes'), 'MULTI_FOLDER')).toBe(
      "notes/a.json: invalid JSON at line 4 column 1: expected ',' or ']' after an array element, found '}'.",
    );
  });

  it('strips a BOM and refuses an empty file', async () => {
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('[{"a":1},{"a":2}]')]);
    expect((await inspectSeedFile(stagedFromBuffer('r.json', bom), 'SINGLE_FILE')).recordCount).toBe(2);
    expect(await errorMessage(stagedFromBuffer('r.json', '  \n'))).toBe(
      'r.json: is empty; expected a JSON array of records.',
    );
    expect(await errorMessage(stagedFromBuffer('r.json', ''), 'MULTI_FILE')).toBe(
      'r.json: is empty; expected a JSON value.',
    );
  });
});

describe('inspectSeedFile: JSONL', () => {
  it('counts non-blank lines and collects columns', async () => {
    expect(await inspectSeedFile(fixture('records.jsonl'), 'SINGLE_FILE')).toMatchObject({
      format: 'jsonl',
      recordCount: 3,
      columns: ['id', 'text', 'label'],
    });
  });

  it('accepts .ndjson, CRLF and any chunking', async () => {
    const text = '{"a":1}\r\n\r\n{"a":2,"b":"é"}\r\n';
    for (const size of [1, 3, 100]) {
      const result = await inspectSeedFile(stagedFromBuffer('r.ndjson', text, null, size), 'SINGLE_FILE');
      expect(result).toMatchObject({ format: 'jsonl', recordCount: 2, columns: ['a', 'b'] });
    }
  });

  it('reports the line of a bad record', async () => {
    expect(await errorMessage(stagedFromBuffer('r.jsonl', '{"a":1}\n\n{"a":2,}\n{"a":3}\n'))).toBe(
      "r.jsonl: invalid JSON at line 3 column 8: expected a property name in double quotes, found '}'.",
    );
    expect(await errorMessage(stagedFromBuffer('r.jsonl', '{"a":1}\n{"a":\n'))).toMatch(
      /^r\.jsonl: invalid JSON at line 2 column 6: expected a value .*, found the end of the line\.$/,
    );
  });

  it('needs objects and 2 records for SINGLE_FILE only', async () => {
    expect(await errorMessage(stagedFromBuffer('r.jsonl', '{"a":1}\n[1,2]\n'))).toBe(
      'r.jsonl: line 2 is an array; every line must be a JSON object (one record per line).',
    );
    expect(await errorMessage(stagedFromBuffer('r.jsonl', '{"a":1}\n\n'))).toBe(
      'r.jsonl: needs at least 2 records (one JSON value per line), found 1.',
    );
    expect(await inspectSeedFile(stagedFromBuffer('r.jsonl', '1\n"two"\n'), 'MULTI_FILE')).toMatchObject({
      recordCount: 2,
      columns: null,
    });
    expect(await errorMessage(stagedFromBuffer('r.jsonl', '\n \n'), 'MULTI_FILE')).toBe(
      'r.jsonl: needs at least 1 record (one JSON value per line), found 0.',
    );
  });

  it('handles a line longer than many chunks', async () => {
    const line = JSON.stringify({ text: 'x'.repeat(100_000) });
    const result = await inspectSeedFile(
      stagedFromBuffer('r.jsonl', `${line}\n${line}`, null, 1000),
      'SINGLE_FILE',
    );
    expect(result.recordCount).toBe(2);
  });
});

describe('inspectSeedFile: TXT and MD', () => {
  it('counts characters (code points) of UTF-8 text', async () => {
    const text = readFileSync(`${FIXTURES}notes.txt`, 'utf8');
    expect(await inspectSeedFile(fixture('notes.txt'), 'MULTI_FILE')).toEqual({
      path: 'notes.txt',
      name: 'notes.txt',
      folder: null,
      format: 'txt',
      size: Buffer.byteLength(text),
      recordCount: null,
      columns: null,
      textLength: [...text].length,
      extractedText: null,
    });
    expect((await inspectSeedFile(stagedFromBuffer('e.md', '𝄞 ok', 'f'), 'MULTI_FOLDER')).textLength).toBe(4);
    expect(await inspectSeedFile(fixture('readme.md', 'docs'), 'MULTI_FOLDER')).toMatchObject({
      path: 'docs/readme.md',
      format: 'md',
      textLength: 34,
    });
  });

  it('refuses empty and whitespace-only text', async () => {
    for (const text of ['', ' \n\t\r\n']) {
      expect(await errorMessage(stagedFromBuffer('e.txt', text), 'MULTI_FILE')).toBe(
        'e.txt: is empty (it has no text).',
      );
    }
  });

  it('refuses text that is not UTF-8', async () => {
    expect(await errorMessage(fixture('invalid-utf8.txt'), 'MULTI_FILE')).toBe(
      'invalid-utf8.txt: is not valid UTF-8 text (byte 0xFF at line 1, byte offset 6); save the file with UTF-8 encoding and upload it again.',
    );
  });

  it('refuses binary files', async () => {
    expect(
      await errorMessage(
        stagedFromBuffer('b.txt', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0])),
        'MULTI_FILE',
      ),
    ).toBe('b.txt: contains a NUL character at line 1; it looks like a binary file, not text.');
  });
});

describe('inspectSeedFile: PDF', () => {
  it('extracts the text of every page', async () => {
    const result = await inspectSeedFile(fixture('sample.pdf', 'reports'), 'MULTI_FOLDER');
    expect(result.extractedText).toBe('Quarterly report\nRevenue grew by 12 percent.\n\nSecond page text');
    expect(result).toMatchObject({
      path: 'reports/sample.pdf',
      format: 'pdf',
      textLength: result.extractedText!.length,
      recordCount: null,
      columns: null,
    });
  });

  it('accepts a PDF without text, with empty extracted text', async () => {
    const result = await inspectSeedFile(stagedFromBuffer('scan.pdf', buildPdf([[], []])), 'MULTI_FILE');
    expect(result).toMatchObject({ extractedText: '', textLength: 0 });
  });

  it('refuses files that are not PDFs, broken PDFs and password-protected ones', async () => {
    expect(await errorMessage(fixture('not-a-pdf.pdf'), 'MULTI_FILE')).toBe(
      'not-a-pdf.pdf: is not a PDF (it does not start with "%PDF-").',
    );
    expect(await errorMessage(stagedFromBuffer('x.pdf', ''), 'MULTI_FILE')).toMatch(/is not a PDF/);
    expect(await errorMessage(stagedFromBuffer('x.pdf', '%PDF-1.7\ngarbage'), 'MULTI_FILE')).toMatch(
      /^x\.pdf: could not be read as a PDF \(.+\)\.$/,
    );
    expect(
      await errorMessage(
        stagedFromBuffer('locked.pdf', buildPdf([['secret']], { encrypted: true })),
        'MULTI_FILE',
      ),
    ).toBe('locked.pdf: is password-protected; remove the password and upload it again.');
  });
});

describe('inspectSeedFile: formats and sizes', () => {
  it('refuses formats the dataset type does not take', async () => {
    expect(await errorMessage(fixture('notes.txt'), 'SINGLE_FILE')).toMatch(
      /^notes\.txt: TXT files are not accepted in SINGLE_FILE datasets; SINGLE_FILE datasets accept \.csv, \.json, \.jsonl or \.ndjson files/,
    );
    expect(await errorMessage(stagedFromBuffer('x.docx', 'hi'), 'MULTI_FILE')).toMatch(
      /^x\.docx: unsupported file type "\.docx"; MULTI_FILE datasets accept \.txt, \.md/,
    );
  });

  it('counts the real bytes, whatever size was declared', async () => {
    const file = repeatingStaged('n.txt', 'hello\n', 10, null, 1);
    expect((await inspectSeedFile(file, 'MULTI_FILE')).size).toBe(60);
  });

  it('stops reading past the per-file limit of the dataset type', async () => {
    const oneMbPlus = repeatingStaged('big.txt', 'x'.repeat(64 * 1024), 17);
    const err = await inspectError(oneMbPlus, 'MULTI_FILE');
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err.message).toBe('big.txt: is larger than the 1 MB per-file limit for MULTI_FILE datasets.');
    expect(
      (await inspectSeedFile(repeatingStaged('ok.txt', 'x'.repeat(64 * 1024), 16), 'MULTI_FILE')).size,
    ).toBe(MB);

    let chunksRead = 0;
    const endless: StagedFile = {
      name: 'endless.jsonl',
      folder: null,
      size: 10,
      open: () => {
        return new Readable({
          read() {
            chunksRead++;
            this.push(Buffer.from('{"a":1}\n'.repeat(8192)));
          },
        });
      },
    };
    const big = await inspectError(endless, 'SINGLE_FILE');
    expect(big).toBeInstanceOf(TooLargeError);
    expect(big.message).toBe(
      'endless.jsonl: is larger than the 50 MB per-file limit for SINGLE_FILE datasets.',
    );
    expect(chunksRead).toBeLessThan(1000);
  });
});

describe('inspectSeedFile never fails with anything but an OpenFramerError', () => {
  const textish = fc
    .array(
      fc.constantFrom(
        'a',
        'b',
        ',',
        '"',
        '\n',
        '\r',
        ' ',
        '{',
        '}',
        '[',
        ']',
        ':',
        '1',
        '\\',
        'é',
        '\u0000',
        '\ufeff',
      ),
      {
        maxLength: 80,
      },
    )
    .map((chars) => Buffer.from(chars.join('')));
  const bytes = fc.oneof(
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    textish,
  );

  it('on random bytes named as any text format', async () => {
    await fc.assert(
      fc.asyncProperty(
        bytes,
        fc.constantFrom('x.csv', 'x.json', 'x.jsonl', 'x.txt', 'x.md'),
        fc.constantFrom<DatasetType>('SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER'),
        fc.integer({ min: 1, max: 16 }),
        async (data, name, type, chunk) => {
          const folder = type === 'MULTI_FOLDER' ? 'f' : null;
          try {
            const result = await inspectSeedFile(stagedFromBuffer(name, data, folder, chunk), type);
            expect(result.size).toBe(data.length);
          } catch (err) {
            expect(err).toBeInstanceOf(OpenFramerError);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('on random bytes named .pdf', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), async (data, withMagic) => {
        const body = withMagic ? Buffer.concat([Buffer.from('%PDF-1.4\n'), data]) : Buffer.from(data);
        try {
          await inspectSeedFile(stagedFromBuffer('x.pdf', body), 'MULTI_FILE');
        } catch (err) {
          expect(err).toBeInstanceOf(OpenFramerError);
        }
      }),
      { numRuns: 150 },
    );
  });
});
