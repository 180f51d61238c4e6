import { describe, expect, it } from 'vitest';
import {
  allowedFormats,
  contentTypeForFormat,
  describeAllowedExtensions,
  fileExtension,
  formatFromFileName,
  formatProblem,
} from './formats.js';
import { DATASET_LIMITS, formatBytes, MB } from './limits.js';
import { joinPath, nameProblem } from './names.js';
import { SEED_FILE_FORMATS } from './types.js';

describe('DATASET_LIMITS', () => {
  it('matches the DataFramer limits', () => {
    expect(MB).toBe(1024 * 1024);
    expect(DATASET_LIMITS.SINGLE_FILE).toMatchObject({
      minFiles: 1,
      maxFiles: 1,
      maxFileBytes: 50 * MB,
      maxTotalBytes: 50 * MB,
      minRecords: 2,
    });
    expect(DATASET_LIMITS.MULTI_FILE).toMatchObject({
      minFiles: 2,
      maxFiles: 1000,
      maxFileBytes: MB,
      maxTotalBytes: 50 * MB,
      maxFilesPerFolder: null,
    });
    expect(DATASET_LIMITS.MULTI_FOLDER).toMatchObject({
      minFiles: 2,
      maxFiles: 1000,
      maxFileBytes: MB,
      maxTotalBytes: 50 * MB,
      maxFilesPerFolder: 20,
      minFolders: 2,
    });
  });
});

describe('allowedFormats', () => {
  it('allows only tables for SINGLE_FILE and everything for multi-file types', () => {
    expect([...allowedFormats('SINGLE_FILE')].sort()).toEqual(['csv', 'json', 'jsonl']);
    expect([...allowedFormats('MULTI_FILE')].sort()).toEqual([...SEED_FILE_FORMATS].sort());
    expect([...allowedFormats('MULTI_FOLDER')].sort()).toEqual([...SEED_FILE_FORMATS].sort());
  });
});

describe('formatFromFileName', () => {
  it.each([
    ['data.csv', 'csv'],
    ['DATA.CSV', 'csv'],
    ['a.b.Json', 'json'],
    ['x.jsonl', 'jsonl'],
    ['x.NDJSON', 'jsonl'],
    ['notes.txt', 'txt'],
    ['README.md', 'md'],
    ['guide.markdown', 'md'],
    ['paper.PDF', 'pdf'],
  ] as const)('%s is %s', (name, format) => {
    expect(formatFromFileName(name)).toBe(format);
  });

  it.each(['README', 'report.docx', '.csv', 'trailing.', 'archive.csv.gz'])(
    '%s has no seed format',
    (name) => {
      expect(formatFromFileName(name)).toBeUndefined();
    },
  );

  it('finds extensions only after a non-leading dot', () => {
    expect(fileExtension('.hidden')).toBeUndefined();
    expect(fileExtension('a.TXT')).toBe('.txt');
  });
});

describe('contentTypeForFormat', () => {
  it('gives the MIME type of each format', () => {
    expect(SEED_FILE_FORMATS.map(contentTypeForFormat)).toEqual([
      'text/csv',
      'application/json',
      'application/x-ndjson',
      'text/plain',
      'text/markdown',
      'application/pdf',
    ]);
  });
});

describe('formatProblem', () => {
  it('lists the extensions the dataset type accepts', () => {
    expect(describeAllowedExtensions('SINGLE_FILE')).toBe('.csv, .json, .jsonl or .ndjson');
    expect(formatProblem('report.docx', 'MULTI_FILE')).toBe(
      'unsupported file type ".docx"; MULTI_FILE datasets accept .txt, .md, .markdown, .json, .csv, .jsonl, .ndjson or .pdf files',
    );
    expect(formatProblem('README', 'SINGLE_FILE')).toMatch(
      /^has no file extension; SINGLE_FILE datasets accept/,
    );
    expect(formatProblem('notes.txt', 'SINGLE_FILE')).toMatch(
      /^TXT files are not accepted in SINGLE_FILE datasets/,
    );
    expect(formatProblem('notes.txt', 'MULTI_FOLDER')).toBeUndefined();
  });
});

describe('nameProblem', () => {
  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['a/b.txt', 'must not contain "/" or "\\"'],
    ['a\\b.txt', 'must not contain "/" or "\\"'],
    ['..', 'must not be "." or ".."'],
    ['.', 'must not be "." or ".."'],
    ['bad\u0000name.txt', 'must not contain control characters'],
    ['tab\tname.txt', 'must not contain control characters'],
    ['del\u007f.txt', 'must not contain control characters'],
  ])('rejects %j', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('limits names to 255 UTF-8 bytes, not characters', () => {
    expect(nameProblem(`${'a'.repeat(251)}.txt`)).toBeUndefined();
    expect(nameProblem(`${'a'.repeat(252)}.txt`)).toMatch(/is 256 bytes long/);
    // 'é' is two bytes in UTF-8: 128 of them make 256 bytes in 128 characters.
    expect(nameProblem('é'.repeat(128))).toMatch(/is 256 bytes long/);
  });

  it('accepts ordinary names, including dots inside them and non-ASCII', () => {
    for (const name of ['a..b.txt', 'Résumé 2024 (final).pdf', '数据.csv', '.env']) {
      expect(nameProblem(name)).toBeUndefined();
    }
  });

  it('joins folder and name into a path', () => {
    expect(joinPath(null, 'a.txt')).toBe('a.txt');
    expect(joinPath('f', 'a.txt')).toBe('f/a.txt');
  });
});

describe('formatBytes', () => {
  it('formats sizes for messages', () => {
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(12 * 1024)).toBe('12 KB');
    expect(formatBytes(MB)).toBe('1 MB');
    expect(formatBytes(52.44 * MB)).toBe('52.4 MB');
  });
});
