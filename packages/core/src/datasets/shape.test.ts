import { describe, expect, it } from 'vitest';
import { InvalidInputError, TooLargeError } from '../errors.js';
import { MB } from './limits.js';
import { checkDatasetShape, type DatasetFileShape } from './shape.js';
import type { DatasetType } from './types.js';

const file = (name: string, folder: string | null = null, size = 100): DatasetFileShape => ({
  name,
  folder,
  size,
});

function problem(type: DatasetType, files: DatasetFileShape[]): InvalidInputError | TooLargeError {
  try {
    checkDatasetShape(type, files);
  } catch (err) {
    if (err instanceof InvalidInputError || err instanceof TooLargeError) return err;
    throw err;
  }
  throw new Error('expected checkDatasetShape to throw');
}

describe('checkDatasetShape: SINGLE_FILE', () => {
  it('accepts one table file', () => {
    for (const name of ['a.csv', 'a.json', 'a.jsonl', 'a.ndjson']) {
      expect(() => checkDatasetShape('SINGLE_FILE', [file(name)])).not.toThrow();
    }
  });

  it('takes exactly one file', () => {
    expect(problem('SINGLE_FILE', []).message).toBe('A SINGLE_FILE dataset takes exactly 1 file, got 0.');
    const err = problem('SINGLE_FILE', [file('a.csv'), file('b.csv')]);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe('A SINGLE_FILE dataset takes exactly 1 file, got 2.');
    expect(err.fieldErrors).toEqual({ files: [err.message] });
  });

  it('refuses text formats and unknown extensions, listing what is allowed', () => {
    expect(problem('SINGLE_FILE', [file('notes.txt')]).message).toBe(
      'notes.txt: TXT files are not accepted in SINGLE_FILE datasets; SINGLE_FILE datasets accept .csv, .json, .jsonl or .ndjson files (use MULTI_FILE for text and PDF documents).',
    );
    expect(problem('SINGLE_FILE', [file('paper.pdf')]).message).toMatch(
      /^paper\.pdf: PDF files are not accepted/,
    );
    expect(problem('SINGLE_FILE', [file('data.xlsx')]).message).toBe(
      'data.xlsx: unsupported file type ".xlsx"; SINGLE_FILE datasets accept .csv, .json, .jsonl or .ndjson files.',
    );
  });

  it('allows 50 MB and refuses more with TooLargeError', () => {
    expect(() => checkDatasetShape('SINGLE_FILE', [file('a.csv', null, 50 * MB)])).not.toThrow();
    const err = problem('SINGLE_FILE', [file('a.csv', null, 50 * MB + 1)]);
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err.message).toBe(
      'a.csv: is 52,428,801 bytes, over the 50 MB per-file limit for SINGLE_FILE datasets.',
    );
  });

  it('refuses a file in a folder', () => {
    const err = problem('SINGLE_FILE', [file('a.csv', 'f')]);
    expect(err.message).toMatch(/^f\/a\.csv: files of a SINGLE_FILE dataset must not be in a folder/);
    expect(err.fieldErrors).toHaveProperty('folder_names');
  });
});

describe('checkDatasetShape: MULTI_FILE', () => {
  const many = (n: number, size = 100) => Array.from({ length: n }, (_, i) => file(`f${i}.txt`, null, size));

  it('accepts 2 to 1000 files of any seed format', () => {
    const names = ['a.txt', 'b.md', 'c.json', 'd.csv', 'e.jsonl', 'f.pdf', 'g.markdown', 'h.NDJSON'];
    expect(() =>
      checkDatasetShape(
        'MULTI_FILE',
        names.map((n) => file(n)),
      ),
    ).not.toThrow();
    expect(() => checkDatasetShape('MULTI_FILE', many(2))).not.toThrow();
    expect(() => checkDatasetShape('MULTI_FILE', many(1000, 1000))).not.toThrow();
  });

  it('counts files', () => {
    expect(problem('MULTI_FILE', many(1)).message).toBe(
      'A MULTI_FILE dataset needs at least 2 files, got 1.',
    );
    expect(problem('MULTI_FILE', many(1001)).message).toBe(
      'A MULTI_FILE dataset holds at most 1000 files, got 1001.',
    );
  });

  it('limits each file to 1 MB and the total to 50 MB', () => {
    expect(() => checkDatasetShape('MULTI_FILE', many(2, MB))).not.toThrow();
    const big = problem('MULTI_FILE', [file('a.txt'), file('big.pdf', null, 3 * MB)]);
    expect(big).toBeInstanceOf(TooLargeError);
    expect(big.message).toBe('big.pdf: is 3 MB, over the 1 MB per-file limit for MULTI_FILE datasets.');
    const total = problem('MULTI_FILE', many(51, MB));
    expect(total).toBeInstanceOf(TooLargeError);
    expect(total.message).toBe(
      'The files add up to 51 MB, over the 50 MB total limit for MULTI_FILE datasets.',
    );
  });

  it('refuses empty files and nonsense sizes', () => {
    expect(problem('MULTI_FILE', [file('a.txt'), file('b.txt', null, 0)]).message).toBe(
      'b.txt: is empty (0 bytes).',
    );
    expect(problem('MULTI_FILE', [file('a.txt'), file('b.txt', null, -1)]).message).toBe(
      'b.txt: has an invalid size (-1).',
    );
    expect(problem('MULTI_FILE', [file('a.txt'), file('b.txt', null, 1.5)]).message).toMatch(/invalid size/);
  });

  it('refuses duplicates', () => {
    expect(problem('MULTI_FILE', [file('a.txt'), file('b.txt'), file('a.txt')]).message).toBe(
      'a.txt: appears more than once in the dataset.',
    );
  });

  it('refuses bad file names', () => {
    expect(problem('MULTI_FILE', [file('a.txt'), file('')]).message).toBe('File name "" is empty.');
    expect(problem('MULTI_FILE', [file('a.txt'), file('x/y.txt')]).message).toBe(
      'File name "x/y.txt" must not contain "/" or "\\".',
    );
    expect(problem('MULTI_FILE', [file('a.txt'), file('..')]).message).toBe(
      'File name ".." must not be "." or "..".',
    );
    expect(problem('MULTI_FILE', [file('a.txt'), file('a\nb.txt')]).message).toBe(
      'File name "a\\nb.txt" must not contain control characters.',
    );
    expect(problem('MULTI_FILE', [file('a.txt'), file(`${'x'.repeat(300)}.txt`)]).message).toMatch(
      /is 304 bytes long; names may be at most 255 bytes/,
    );
  });

  it('refuses folders', () => {
    const err = problem('MULTI_FILE', [file('a.txt'), file('b.txt', 'docs')]);
    expect(err.message).toBe(
      'docs/b.txt: files of a MULTI_FILE dataset must not be in a folder (use MULTI_FOLDER for folders).',
    );
    expect(err.fieldErrors).toHaveProperty('folder_names');
  });
});

describe('checkDatasetShape: MULTI_FOLDER', () => {
  it('accepts two or more folders of up to 20 files each', () => {
    const files = [
      ...Array.from({ length: 20 }, (_, i) => file(`a${i}.txt`, 'one')),
      file('b.pdf', 'two'),
      file('a0.txt', 'two'),
    ];
    expect(() => checkDatasetShape('MULTI_FOLDER', files)).not.toThrow();
  });

  it('needs every file in a folder', () => {
    const err = problem('MULTI_FOLDER', [file('a.txt', 'one'), file('b.txt')]);
    expect(err.message).toBe('b.txt: every file of a MULTI_FOLDER dataset must be in a folder.');
    expect(err.fieldErrors).toHaveProperty('folder_names');
  });

  it('needs at least 2 folders', () => {
    const err = problem('MULTI_FOLDER', [file('a.txt', 'one'), file('b.txt', 'one')]);
    expect(err.message).toBe('A MULTI_FOLDER dataset needs at least 2 folders, got 1 ("one").');
    expect(err.fieldErrors).toHaveProperty('folder_names');
  });

  it('allows at most 20 files per folder', () => {
    const files = [...Array.from({ length: 21 }, (_, i) => file(`a${i}.txt`, 'one')), file('b.txt', 'two')];
    expect(problem('MULTI_FOLDER', files).message).toBe(
      'Folder "one" holds 21 files; a folder may hold at most 20.',
    );
  });

  it('validates folder names', () => {
    for (const [folder, msg] of [
      ['', 'Folder name "" is empty.'],
      ['a/b', 'Folder name "a/b" must not contain "/" or "\\".'],
      ['..', 'Folder name ".." must not be "." or "..".'],
      ['x\u0001', 'Folder name "x\\u0001" must not contain control characters.'],
    ] as const) {
      const err = problem('MULTI_FOLDER', [file('a.txt', 'ok'), file('b.txt', folder)]);
      expect(err.message).toBe(msg);
      expect(err.fieldErrors).toHaveProperty('folder_names');
    }
  });

  it('treats the same name in different folders as different files, but not in the same folder', () => {
    expect(() =>
      checkDatasetShape('MULTI_FOLDER', [file('a.txt', 'one'), file('a.txt', 'two')]),
    ).not.toThrow();
    expect(
      problem('MULTI_FOLDER', [file('a.txt', 'one'), file('a.txt', 'one'), file('b.txt', 'two')]).message,
    ).toBe('one/a.txt: appears more than once in the dataset.');
  });

  it('applies the same size limits as MULTI_FILE', () => {
    const err = problem('MULTI_FOLDER', [file('a.txt', 'one'), file('b.txt', 'two', MB + 1)]);
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err.message).toBe(
      'two/b.txt: is 1,048,577 bytes, over the 1 MB per-file limit for MULTI_FOLDER datasets.',
    );
  });
});
