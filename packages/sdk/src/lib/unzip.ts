import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';
import { DataframerError } from '../core/errors.js';

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;

/** Why an entry name would write outside the target folder, or undefined when it is safe. */
export function unsafeEntryName(name: string): string | undefined {
  const normalised = name.replaceAll('\\', '/');
  if (normalised.startsWith('/') || /^[a-zA-Z]:/.test(normalised) || isAbsolute(name))
    return 'an absolute path';
  if (normalised.split('/').includes('..')) return 'a ".." segment';
  if (normalised.includes('\0')) return 'a NUL character';
  return undefined;
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolvePromise, reject) => {
    // decodeStrings makes yauzl reject absolute and ".." names too; we check first for a clearer message.
    yauzl.open(zipPath, { lazyEntries: true, decodeStrings: true, validateEntrySizes: true }, (err, zip) =>
      err || !zip ? reject(err ?? new Error('cannot open the ZIP')) : resolvePromise(zip),
    );
  });
}

function entryStream(zip: yauzl.ZipFile, entry: yauzl.Entry): Promise<Readable> {
  return new Promise((resolvePromise, reject) => {
    zip.openReadStream(entry, (err, stream) =>
      err || !stream ? reject(err ?? new Error('cannot read the entry')) : resolvePromise(stream),
    );
  });
}

/**
 * Extracts a ZIP into `targetDir`, refusing entries that would land outside it (`..`, absolute paths,
 * drive letters) and symlinks, before writing anything of them. Returns the extracted files' paths,
 * relative to `targetDir`, with `/` separators. Existing files of the same name are overwritten.
 */
export async function extractZip(
  zipPath: string,
  targetDir: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const root = resolve(targetDir);
  await mkdir(root, { recursive: true });
  const zip = await openZip(zipPath).catch((err: Error) => {
    throw new DataframerError(`cannot read the ZIP: ${err.message}`);
  });
  const written: string[] = [];
  try {
    await new Promise<void>((done, fail) => {
      zip.on('error', (err: Error) => fail(new DataframerError(`cannot read the ZIP: ${err.message}`)));
      zip.on('end', () => done());
      zip.on('entry', (entry: yauzl.Entry) => {
        handle(entry).then(
          () => zip.readEntry(),
          (err) => fail(err),
        );
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return written;

  async function handle(entry: yauzl.Entry) {
    signal?.throwIfAborted();
    const problem = unsafeEntryName(entry.fileName);
    if (problem) throw new DataframerError(`refusing ZIP entry "${entry.fileName}": ${problem}`);
    const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
    if (mode === S_IFLNK)
      throw new DataframerError(`refusing ZIP entry "${entry.fileName}": a symbolic link`);
    const target = resolve(root, entry.fileName);
    const rel = relative(root, target);
    if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
      throw new DataframerError(`refusing ZIP entry "${entry.fileName}": it points outside ${root}`);
    }
    if (entry.fileName.endsWith('/')) {
      await mkdir(target, { recursive: true });
      return;
    }
    await mkdir(dirname(target), { recursive: true });
    await pipeline(await entryStream(zip, entry), createWriteStream(target), { signal });
    written.push(rel.split(sep).join('/'));
  }
}
