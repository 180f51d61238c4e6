import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildZip,
  patchBytes,
  setCrc,
  setUncompressedSize,
  setZipFlags,
  type ZipEntrySpec,
} from '../../test/helpers/datasets.js';
import { InvalidInputError, OpenFramerError, TooLargeError } from '../errors.js';
import { MB } from './limits.js';
import { type ExtractedZip, extractZipArchive, type ZipExtractOptions } from './zip.js';

let work: string;
let dest: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'openframer-zip-test-'));
  dest = join(work, 'out');
});

afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function writeZip(bytes: Buffer | ZipEntrySpec[]): Promise<string> {
  const path = join(work, 'upload.zip');
  await writeFile(path, Array.isArray(bytes) ? await buildZip(bytes) : bytes);
  return path;
}

async function extract(zip: Buffer | ZipEntrySpec[], options?: ZipExtractOptions): Promise<ExtractedZip> {
  return extractZipArchive(await writeZip(zip), dest, options);
}

async function extractError(
  zip: Buffer | ZipEntrySpec[],
  options?: ZipExtractOptions,
): Promise<OpenFramerError> {
  try {
    await extract(zip, options);
  } catch (err) {
    if (err instanceof OpenFramerError) {
      expect(err.fieldErrors).toEqual({ zip_file: [err.message] });
      return err;
    }
    throw err;
  }
  throw new Error('expected extraction to fail');
}

/** Every file under a directory, relative, sorted: what extraction left on disk. */
async function listTree(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

describe('extractZipArchive: layouts', () => {
  it('extracts a single file as a SINGLE_FILE dataset', async () => {
    const result = await extract([{ name: 'data.csv', data: 'a,b\n1,2\n3,4\n' }]);
    expect(result).toEqual({
      datasetType: 'SINGLE_FILE',
      files: [{ name: 'data.csv', folder: null, size: 12, path: join(dest, 'data.csv') }],
    });
    expect(await readFile(join(dest, 'data.csv'), 'utf8')).toBe('a,b\n1,2\n3,4\n');
  });

  it('extracts files at the top level as a MULTI_FILE dataset', async () => {
    const result = await extract([
      { name: 'a.txt', data: 'alpha' },
      { name: 'b.md', data: '# beta', compress: false },
      { name: 'c.pdf', data: '%PDF-1.4' },
    ]);
    expect(result.datasetType).toBe('MULTI_FILE');
    expect(result.files.map((f) => [f.name, f.folder, f.size])).toEqual([
      ['a.txt', null, 5],
      ['b.md', null, 6],
      ['c.pdf', null, 8],
    ]);
    expect(await readFile(join(dest, 'b.md'), 'utf8')).toBe('# beta');
  });

  it('extracts files one folder deep as a MULTI_FOLDER dataset', async () => {
    const result = await extract([
      { name: 'one/', directory: true },
      { name: 'one/a.txt', data: 'a' },
      { name: 'one/b.txt', data: 'b' },
      { name: 'two/a.txt', data: 'other a' },
    ]);
    expect(result.datasetType).toBe('MULTI_FOLDER');
    expect(result.files).toEqual([
      { name: 'a.txt', folder: 'one', size: 1, path: join(dest, 'one', 'a.txt') },
      { name: 'b.txt', folder: 'one', size: 1, path: join(dest, 'one', 'b.txt') },
      { name: 'a.txt', folder: 'two', size: 7, path: join(dest, 'two', 'a.txt') },
    ]);
    expect(await listTree(dest)).toEqual(['one/a.txt', 'one/b.txt', 'two/a.txt']);
  });

  it('strips a folder that wraps everything (a zipped folder)', async () => {
    const multiFile = await extract([
      { name: 'my-data/', directory: true },
      { name: 'my-data/a.txt', data: 'a' },
      { name: 'my-data/b.txt', data: 'b' },
    ]);
    expect(multiFile.datasetType).toBe('MULTI_FILE');
    expect(multiFile.files.map((f) => [f.folder, f.name])).toEqual([
      [null, 'a.txt'],
      [null, 'b.txt'],
    ]);
    await rm(dest, { recursive: true });

    const multiFolder = await extract([
      { name: 'wrap/x/a.txt', data: 'a' },
      { name: 'wrap/y/b.txt', data: 'b' },
    ]);
    expect(multiFolder.datasetType).toBe('MULTI_FOLDER');
    expect(multiFolder.files.map((f) => `${f.folder}/${f.name}`)).toEqual(['x/a.txt', 'y/b.txt']);
    expect(await listTree(dest)).toEqual(['x/a.txt', 'y/b.txt']);
    await rm(dest, { recursive: true });

    const single = await extract([{ name: 'folder/only.jsonl', data: '{}\n{}\n' }]);
    expect(single.datasetType).toBe('SINGLE_FILE');
    expect(single.files[0]).toMatchObject({ name: 'only.jsonl', folder: null });
  });

  it('skips folders and system junk', async () => {
    const result = await extract([
      { name: '__MACOSX/', directory: true },
      { name: '__MACOSX/._a.txt', data: 'resource fork' },
      { name: 'data/.DS_Store', data: 'junk' },
      { name: 'data/Thumbs.db', data: 'junk' },
      { name: 'data/desktop.ini', data: 'junk' },
      { name: 'data/.git/config', data: 'junk' },
      { name: 'data/a.txt', data: 'a' },
      { name: 'data/b.txt', data: 'b' },
    ]);
    expect(result.datasetType).toBe('MULTI_FILE');
    expect(result.files.map((f) => f.name)).toEqual(['a.txt', 'b.txt']);
    expect(await listTree(dest)).toEqual(['a.txt', 'b.txt']);
  });

  it('refuses a mix of top-level files and folders', async () => {
    const err = await extractError([
      { name: 'readme.txt', data: 'r' },
      { name: 'a/x.txt', data: 'x' },
    ]);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(
      'upload.zip: mixes files at the top level (readme.txt) with files in folders (a/x.txt); put every file in a folder, or none.',
    );
  });

  it('refuses nested folders, naming the entry as it is in the archive', async () => {
    const err = await extractError([
      { name: 'a/x.txt', data: 'x' },
      { name: 'b/c/d.txt', data: 'c' },
    ]);
    expect(err.message).toBe(
      'upload.zip: nested folders are not supported: b/c/d.txt (files may sit at the top level, or one folder deep for MULTI_FOLDER).',
    );
    const wrapped = await extractError([
      { name: 'w/a/x.txt', data: 'x' },
      { name: 'w/a/b/c.txt', data: 'c' },
    ]);
    expect(wrapped.message).toBe(
      'upload.zip: nested folders are not supported: w/a/b/c.txt (files may sit at the top level below "w/", or one folder deep for MULTI_FOLDER).',
    );
    expect(await listTree(dest)).toEqual([]);
  });

  it('refuses a wrapped folder that mixes files and subfolders', async () => {
    const err = await extractError([
      { name: 'a/x.txt', data: 'x' },
      { name: 'a/b/c.txt', data: 'c' },
    ]);
    expect(err.message).toBe(
      'upload.zip: mixes files directly in "a/" (a/x.txt) with files in its subfolders (a/b/c.txt); put every file in a folder, or none.',
    );
  });

  it('refuses archives without usable files', async () => {
    for (const entries of [[], [{ name: 'empty/', directory: true }], [{ name: '.DS_Store', data: 'x' }]]) {
      const err = await extractError(entries);
      expect(err.message).toBe(
        'upload.zip: contains no files (only folders or system files such as __MACOSX or .DS_Store).',
      );
    }
  });

  it('refuses the same path twice', async () => {
    const err = await extractError([
      { name: 'a.txt', data: '1' },
      { name: 'a.txt', data: '2' },
    ]);
    expect(err.message).toBe('upload.zip: contains a.txt more than once.');
  });

  it('names the archive as told', async () => {
    const err = await extractError([], { archiveName: 'seeds.zip' });
    expect(err.message).toMatch(/^seeds\.zip: contains no files/);
  });
});

describe('extractZipArchive: unsafe archives', () => {
  it('refuses a zip-slip entry ("..")', async () => {
    const zip = patchBytes(
      await buildZip([
        { name: 'xx/evil.txt', data: 'pwned' },
        { name: 'ok.txt', data: 'ok' },
      ]),
      'xx/',
      '../',
    );
    const err = await extractError(zip);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toBe(
      'upload.zip: the entry "../evil.txt" points outside the archive (".." in its path); the archive was rejected.',
    );
    expect(await listTree(work)).toEqual(['upload.zip']);
  });

  it('refuses zip-slip written with backslashes', async () => {
    const zip = patchBytes(await buildZip([{ name: 'xx_evil.txt', data: 'pwned' }]), 'xx_', '..\\');
    const err = await extractError(zip);
    expect(err.message).toMatch(/the entry "\.\.\/evil\.txt" points outside the archive/);
  });

  it('refuses absolute paths and drive letters', async () => {
    const abs = patchBytes(await buildZip([{ name: 'xetc/passwd.txt', data: 'x' }]), 'xetc', '/etc');
    expect((await extractError(abs)).message).toBe(
      'upload.zip: the entry "/etc/passwd.txt" has an absolute path; entries must be relative.',
    );
    const drive = patchBytes(await buildZip([{ name: 'xx/evil.txt', data: 'x' }]), 'xx/', 'C:/');
    expect((await extractError(drive)).message).toMatch(/the entry "C:\/evil\.txt" has an absolute path/);
  });

  it('refuses entry names with control characters', async () => {
    const zip = patchBytes(
      await buildZip([
        { name: 'aXb.txt', data: 'x' },
        { name: 'c.txt', data: 'c' },
      ]),
      'aXb',
      'a\u0001b',
    );
    expect((await extractError(zip)).message).toBe(
      'upload.zip: the entry "a\\u0001b.txt" has an invalid name ("a\\u0001b.txt" must not contain control characters).',
    );
  });

  it('refuses symbolic links', async () => {
    const err = await extractError([
      { name: 'a.txt', data: 'a' },
      { name: 'link.txt', data: '/etc/passwd', mode: 0o120777 },
    ]);
    expect(err.message).toBe(
      'upload.zip: link.txt is a symbolic link; archives may contain only regular files.',
    );
    expect(await listTree(dest)).toEqual([]);
  });

  it('refuses encrypted entries', async () => {
    const zip = setZipFlags(
      await buildZip([
        { name: 'a.txt', data: 'secret' },
        { name: 'b.txt', data: 'b' },
      ]),
      0x1,
    );
    const err = await extractError(zip);
    expect(err.message).toBe(
      'upload.zip: a.txt is encrypted; password-protected archives are not supported, create the ZIP without a password.',
    );
    const strong = setZipFlags(await buildZip([{ name: 'a.txt', data: 'secret' }]), 0x41);
    expect((await extractError(strong)).message).toMatch(
      /^upload\.zip: uses encryption, which is not supported/,
    );
  });

  it('refuses files that are not zips', async () => {
    for (const bytes of [
      Buffer.from('just some text'),
      Buffer.alloc(0),
      Buffer.from('PK\u0003\u0004 truncated'),
    ]) {
      const err = await extractError(bytes);
      expect(err).toBeInstanceOf(InvalidInputError);
      expect(err.message).toBe('upload.zip: the file is not a valid ZIP archive.');
    }
  });

  it('refuses an archive truncated in the middle', async () => {
    const zip = await buildZip([
      { name: 'a.txt', data: 'a'.repeat(1000) },
      { name: 'b.txt', data: 'b' },
    ]);
    const err = await extractError(zip.subarray(0, zip.length - 30));
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/^upload\.zip: /);
  });
});

describe('extractZipArchive: zip bombs and limits', () => {
  it('refuses 60 MB of zeros by its declared size before extracting anything', async () => {
    const zip = await buildZip([{ name: 'zeros.csv', data: Buffer.alloc(60 * MB) }]);
    expect(zip.length).toBeLessThan(200 * 1024);
    const err = await extractError(zip);
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err.message).toBe(
      'upload.zip: zeros.csv is 60 MB uncompressed, over the 50 MB per-file limit for SINGLE_FILE datasets.',
    );
    expect(await listTree(dest)).toEqual([]);
  });

  it('refuses files that together pass the total limit', async () => {
    const err = await extractError(
      [
        { name: 'a.txt', data: Buffer.alloc(600 * 1024, 'a') },
        { name: 'b.txt', data: Buffer.alloc(600 * 1024, 'b') },
      ],
      { maxTotalUncompressed: MB, maxCompressionRatio: 10_000 },
    );
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err.message).toBe(
      'upload.zip: the files add up to 1.2 MB uncompressed, over the 1 MB total limit.',
    );
  });

  it('applies the per-file limit of the dataset type the layout implies', async () => {
    const err = await extractError(
      [
        { name: 'a.txt', data: 'small' },
        { name: 'big.txt', data: Buffer.alloc(2 * MB, 'x') },
      ],
      { maxCompressionRatio: 10_000 },
    );
    expect(err.message).toBe(
      'upload.zip: big.txt is 2 MB uncompressed, over the 1 MB per-file limit for MULTI_FILE datasets.',
    );
  });

  it('refuses extreme compression ratios', async () => {
    const err = await extractError([
      { name: 'a.txt', data: 'a' },
      { name: 'zeros.txt', data: Buffer.alloc(512 * 1024) },
    ]);
    expect(err).toBeInstanceOf(TooLargeError);
    expect(err.message).toMatch(
      /^upload\.zip: zeros\.txt expands \d+:1 when uncompressed \(at most 100:1 is allowed\); the archive looks like a zip bomb\.$/,
    );
    // Small files are not ratio-checked: 60 KB of zeros is harmless.
    const ok = await extract([
      { name: 'a.txt', data: 'a' },
      { name: 'zeros.txt', data: Buffer.alloc(60 * 1024, ' ') },
    ]);
    expect(ok.files[1]!.size).toBe(60 * 1024);
  });

  it('does not trust declared sizes: a header that under-declares is caught while extracting', async () => {
    const data = Buffer.from('x'.repeat(5000));
    const zip = setUncompressedSize(
      await buildZip([
        { name: 'a.txt', data },
        { name: 'b.txt', data },
      ]),
      100,
    );
    const err = await extractError(zip);
    expect(err).toBeInstanceOf(InvalidInputError);
    expect(err.message).toMatch(/^upload\.zip: a\.txt (is damaged|could not be extracted)/);
    expect(await listTree(dest)).toEqual([]);
  });

  it('checks the CRC-32 of what it extracts', async () => {
    const zip = setCrc(
      await buildZip([
        { name: 'a.txt', data: 'hello' },
        { name: 'b.txt', data: 'hello' },
      ]),
      0x1234,
    );
    const err = await extractError(zip);
    expect(err.message).toBe('upload.zip: a.txt is damaged: its CRC-32 checksum does not match.');
    expect(await listTree(dest)).toEqual([]);
  });

  it('refuses corrupt compressed data', async () => {
    const payload = 'hello world '.repeat(100);
    const zip = await buildZip([
      { name: 'a.txt', data: payload },
      { name: 'b.txt', data: 'b' },
    ]);
    const deflated = deflateRawSync(Buffer.from(payload));
    const at = zip.indexOf(deflated);
    expect(at).toBeGreaterThan(0);
    zip.fill(0xff, at, at + 8);
    const err = await extractError(zip);
    expect(err.message).toMatch(/^upload\.zip: a\.txt (could not be extracted|is damaged)/);
  });

  it('counts files against maxEntries and raw entries against a hard cap', async () => {
    const files = Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.txt`, data: 'x' }));
    const err = await extractError(files, { maxEntries: 5 });
    expect(err.message).toBe('upload.zip: contains more than 5 files; a dataset holds at most 5.');
    // Junk does not count towards maxEntries.
    const withJunk = [
      ...files.slice(0, 5),
      ...Array.from({ length: 20 }, (_, i) => ({ name: `.junk${i}`, data: 'x' })),
    ];
    expect((await extract(withJunk, { maxEntries: 5 })).files).toHaveLength(5);
  });

  it('gives up on archives with more than 10,000 entries', async () => {
    const entries = Array.from({ length: 10_001 }, (_, i) => ({
      name: `.junk/${i}`,
      data: '',
      compress: false,
    }));
    const err = await extractError(entries);
    expect(err.message).toBe('upload.zip: has 10001 entries; archives may have at most 10000.');
  });
});

describe('extractZipArchive: clean-up', () => {
  it('removes what it extracted when a later entry fails', async () => {
    const zip = setCrc(
      await buildZip([
        { name: 'one/a.txt', data: 'a' },
        { name: 'two/b.txt', data: 'b' },
      ]),
      0,
    );
    await extractError(zip);
    expect(await listTree(work)).toEqual(['upload.zip']);
  });

  it('leaves what was already in destDir alone, and never overwrites it', async () => {
    await rm(dest, { recursive: true, force: true });
    const { mkdir } = await import('node:fs/promises');
    await mkdir(dest, { recursive: true });
    await writeFile(join(dest, 'keep.txt'), 'mine');
    await writeFile(join(dest, 'b.txt'), 'mine too');
    const err = await extractError([
      { name: 'a.txt', data: 'a' },
      { name: 'b.txt', data: 'b' },
    ]);
    expect(err.message).toMatch(/contains b\.txt more than once/);
    expect(await listTree(dest)).toEqual(['b.txt', 'keep.txt']);
    expect(await readFile(join(dest, 'b.txt'), 'utf8')).toBe('mine too');
  });
});
