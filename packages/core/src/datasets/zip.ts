import { mkdir, open, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { InvalidInputError, isOpenFramerError, TooLargeError } from '../errors.js';
import { DATASET_LIMITS, formatBytes, formatSizeOver, ZIP_LIMITS } from './limits.js';
import { joinPath, nameProblem, quoteName } from './names.js';
import type { DatasetType } from './types.js';

export interface ZipExtractOptions {
  /** Most usable files (junk and folders not counted). Default: the dataset limit, 1000. */
  maxEntries?: number;
  /** Most bytes all files may expand to. Default 50 MB; the dataset type's total limit also applies. */
  maxTotalUncompressed?: number;
  /** Most bytes one file may expand to. Default 50 MB; the dataset type's per-file limit also applies. */
  maxFileSize?: number;
  /** Largest uncompressed:compressed ratio of an entry bigger than 64 KB. Default 100. */
  maxCompressionRatio?: number;
  /** How the archive is named in messages. Default: the zip file's base name. */
  archiveName?: string;
}

export interface ExtractedZipFile {
  name: string;
  folder: string | null;
  /** Bytes actually written. */
  size: number;
  /** Absolute path of the extracted file under destDir. */
  path: string;
}

export interface ExtractedZip {
  datasetType: DatasetType;
  files: ExtractedZipFile[];
}

const FIELD = 'zip_file';
const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const JUNK_FILE_NAMES = new Set(['thumbs.db', 'desktop.ini']);

interface ListedEntry {
  entry: yauzl.Entry;
  segments: string[];
}

interface PlannedFile {
  entry: yauzl.Entry;
  name: string;
  folder: string | null;
  path: string;
}

interface Limits {
  maxEntries: number;
  maxTotal: number;
  maxFile: number;
  maxRatio: number;
}

/**
 * Extracts a seed-dataset ZIP into destDir and works out the dataset type from its layout: files at the top
 * level make a SINGLE_FILE (one file) or MULTI_FILE dataset, files one folder deep a MULTI_FOLDER one. A single
 * folder wrapping everything (a zipped folder) is stripped. System junk (__MACOSX, .DS_Store, ...) is skipped.
 *
 * The whole central directory is read and checked (names, types, declared sizes, ratios) before a byte is
 * written; during extraction the real bytes are counted too, because headers can lie. On any error the
 * files written so far are removed. Content is not validated here: run checkDatasetShape and inspectSeedFile.
 */
export async function extractZipArchive(
  zipPath: string,
  destDir: string,
  options: ZipExtractOptions = {},
): Promise<ExtractedZip> {
  const label = options.archiveName ?? basename(zipPath);
  const limits: Limits = {
    maxEntries: options.maxEntries ?? DATASET_LIMITS.MULTI_FILE.maxFiles,
    maxTotal: options.maxTotalUncompressed ?? DATASET_LIMITS.SINGLE_FILE.maxTotalBytes,
    maxFile: options.maxFileSize ?? DATASET_LIMITS.SINGLE_FILE.maxFileBytes,
    maxRatio: options.maxCompressionRatio ?? ZIP_LIMITS.maxCompressionRatio,
  };
  const zip = await openZip(zipPath, label);
  try {
    const listed = await listEntries(zip, label, limits);
    const { datasetType, files } = planLayout(listed, label);
    const typeLimits = checkDeclaredSizes(files, datasetType, label, limits);
    return { datasetType, files: await extractAll(zip, files, resolve(destDir), label, typeLimits) };
  } finally {
    zip.close();
  }
}

function openZip(zipPath: string, label: string): Promise<yauzl.ZipFile> {
  return new Promise((resolvePromise, reject) => {
    // autoClose is off: the central directory is read completely before extraction starts, and the same
    // handle is then used to extract; it is closed in extractZipArchive's finally.
    yauzl.open(
      zipPath,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false },
      (err, zip) => {
        if (err) {
          // File-system errors (missing file, permissions) are ours, not the uploader's.
          if ('syscall' in err) reject(err);
          else reject(new InvalidInputError(`${label}: the file is not a valid ZIP archive.`, FIELD));
          return;
        }
        resolvePromise(zip);
      },
    );
  });
}

/** Reads the central directory: the usable file entries, each checked for safety. */
function listEntries(zip: yauzl.ZipFile, label: string, limits: Limits): Promise<ListedEntry[]> {
  if (zip.entryCount > ZIP_LIMITS.maxRawEntries) {
    return Promise.reject(
      new InvalidInputError(
        `${label}: has ${zip.entryCount} entries; archives may have at most ${ZIP_LIMITS.maxRawEntries}.`,
        FIELD,
      ),
    );
  }
  return new Promise((resolvePromise, reject) => {
    const listed: ListedEntry[] = [];
    let settled = false;
    const fail = (err: unknown): void => {
      if (settled) return;
      settled = true;
      reject(err);
    };
    // Stays attached after listing, so a late error from yauzl never goes unhandled.
    zip.on('error', (err: Error) => fail(zipError(err, label)));
    zip.on('end', () => {
      if (settled) return;
      settled = true;
      resolvePromise(listed);
    });
    zip.on('entry', (entry: yauzl.Entry) => {
      if (settled) return;
      try {
        const usable = classifyEntry(entry, label);
        if (usable) {
          listed.push(usable);
          if (listed.length > limits.maxEntries) {
            throw new InvalidInputError(
              `${label}: contains more than ${limits.maxEntries} files; a dataset holds at most ${limits.maxEntries}.`,
              FIELD,
            );
          }
        }
        zip.readEntry();
      } catch (err) {
        fail(err);
      }
    });
    zip.readEntry();
  });
}

/** Null for entries to skip (folders, junk); throws for entries that make the archive unacceptable. */
function classifyEntry(entry: yauzl.Entry, label: string): ListedEntry | null {
  const name = entry.fileName;
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (name.endsWith('/') || mode === S_IFDIR) return null;
  const segments = name.split('/');
  if (isJunk(segments)) return null;

  const quoted = quoteName(name);
  for (const segment of segments) {
    const problem = nameProblem(segment);
    if (problem) {
      throw new InvalidInputError(
        `${label}: the entry ${quoted} has an invalid name (${quoteName(segment)} ${problem}).`,
        FIELD,
      );
    }
  }
  if (entry.isEncrypted()) {
    throw new InvalidInputError(
      `${label}: ${name} is encrypted; password-protected archives are not supported, create the ZIP without a password.`,
      FIELD,
    );
  }
  // Unix modes live in the high 16 bits of the external attributes; zero means "not recorded" (DOS tools).
  if (mode === S_IFLNK) {
    throw new InvalidInputError(
      `${label}: ${name} is a symbolic link; archives may contain only regular files.`,
      FIELD,
    );
  }
  if (mode !== 0 && mode !== S_IFREG) {
    throw new InvalidInputError(
      `${label}: ${name} is not a regular file; archives may contain only regular files.`,
      FIELD,
    );
  }
  if (entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
    throw new InvalidInputError(
      `${label}: ${name} uses compression method ${entry.compressionMethod}, which is not supported; re-create the ZIP with standard (Deflate) compression.`,
      FIELD,
    );
  }
  return { entry, segments };
}

/** Files the OS or tools add on their own, which nobody means as seed data. */
function isJunk(segments: string[]): boolean {
  if (segments[0] === '__MACOSX') return true;
  // Hidden files and anything in hidden folders (.DS_Store, ._resource forks, .git/...).
  if (segments.some((s) => s.startsWith('.'))) return true;
  return JUNK_FILE_NAMES.has(segments.at(-1)!.toLowerCase());
}

/** Strips a wrapping folder, then decides the dataset type from how deep the files sit. */
function planLayout(
  listed: ListedEntry[],
  label: string,
): { datasetType: DatasetType; files: PlannedFile[] } {
  if (listed.length === 0) {
    throw new InvalidInputError(
      `${label}: contains no files (only folders or system files such as __MACOSX or .DS_Store).`,
      FIELD,
    );
  }
  // A zipped folder puts everything under one top folder: that folder is packaging, not a dataset folder.
  const top = listed[0]!.segments[0]!;
  const wrapped = listed.every((l) => l.segments.length >= 2 && l.segments[0] === top);
  const entries = listed.map((l) => ({
    entry: l.entry,
    segments: wrapped ? l.segments.slice(1) : l.segments,
  }));
  // Messages quote the names as they are in the archive, which is what the person sees.
  const original = (e: { entry: yauzl.Entry }): string => e.entry.fileName;

  const nested = entries.find((e) => e.segments.length > 2);
  if (nested) {
    const below = wrapped ? ` below "${top}/"` : '';
    throw new InvalidInputError(
      `${label}: nested folders are not supported: ${original(nested)} (files may sit at the top level${below}, or one folder deep for MULTI_FOLDER).`,
      FIELD,
    );
  }
  const atRoot = entries.find((e) => e.segments.length === 1);
  const inFolder = entries.find((e) => e.segments.length === 2);
  if (atRoot && inFolder) {
    const where = wrapped ? [`directly in "${top}/"`, 'its subfolders'] : ['at the top level', 'folders'];
    throw new InvalidInputError(
      `${label}: mixes files ${where[0]} (${original(atRoot)}) with files in ${where[1]} (${original(inFolder)}); put every file in a folder, or none.`,
      FIELD,
    );
  }

  const seen = new Set<string>();
  const files = entries.map(({ entry, segments }): PlannedFile => {
    const folder = segments.length === 2 ? segments[0]! : null;
    const name = segments.at(-1)!;
    const path = joinPath(folder, name);
    if (seen.has(path)) throw new InvalidInputError(`${label}: contains ${path} more than once.`, FIELD);
    seen.add(path);
    return { entry, name, folder, path };
  });
  const datasetType: DatasetType = inFolder
    ? 'MULTI_FOLDER'
    : files.length === 1
      ? 'SINGLE_FILE'
      : 'MULTI_FILE';
  return { datasetType, files };
}

interface ByteLimits {
  maxFile: number;
  maxTotal: number;
  fileLimitName: string;
  totalLimitName: string;
}

/** Checks the sizes the central directory declares; extraction then holds every entry to them. */
function checkDeclaredSizes(
  files: PlannedFile[],
  type: DatasetType,
  label: string,
  limits: Limits,
): ByteLimits {
  const typeLimits = DATASET_LIMITS[type];
  const byType = (limit: number, typeLimit: number, what: string): string =>
    `${formatBytes(Math.min(limit, typeLimit))} ${what}${typeLimit <= limit ? ` for ${type} datasets` : ''}`;
  const byteLimits: ByteLimits = {
    maxFile: Math.min(limits.maxFile, typeLimits.maxFileBytes),
    maxTotal: Math.min(limits.maxTotal, typeLimits.maxTotalBytes),
    fileLimitName: byType(limits.maxFile, typeLimits.maxFileBytes, 'per-file limit'),
    totalLimitName: byType(limits.maxTotal, typeLimits.maxTotalBytes, 'total limit'),
  };

  let total = 0;
  for (const file of files) {
    const { uncompressedSize, compressedSize } = file.entry;
    if (uncompressedSize > byteLimits.maxFile) {
      throw new TooLargeError(
        `${label}: ${file.path} is ${formatSizeOver(uncompressedSize, byteLimits.maxFile)} uncompressed, over the ${byteLimits.fileLimitName}.`,
        FIELD,
      );
    }
    if (
      uncompressedSize > ZIP_LIMITS.ratioCheckMinBytes &&
      uncompressedSize > limits.maxRatio * Math.max(1, compressedSize)
    ) {
      const ratio = Math.round(uncompressedSize / Math.max(1, compressedSize));
      throw new TooLargeError(
        `${label}: ${file.path} expands ${ratio}:1 when uncompressed (at most ${limits.maxRatio}:1 is allowed); the archive looks like a zip bomb.`,
        FIELD,
      );
    }
    total += uncompressedSize;
  }
  if (total > byteLimits.maxTotal) {
    throw new TooLargeError(
      `${label}: the files add up to ${formatSizeOver(total, byteLimits.maxTotal)} uncompressed, over the ${byteLimits.totalLimitName}.`,
      FIELD,
    );
  }
  return byteLimits;
}

async function extractAll(
  zip: yauzl.ZipFile,
  files: PlannedFile[],
  root: string,
  label: string,
  limits: ByteLimits,
): Promise<ExtractedZipFile[]> {
  const createdRoot = await mkdir(root, { recursive: true });
  // What this call created, newest last, so an error can remove exactly that and nothing else.
  const created: string[] = [];
  const folders = new Set<string>();
  const total = { bytes: 0 };
  const out: ExtractedZipFile[] = [];
  try {
    for (const file of files) {
      const dir = file.folder === null ? root : join(root, file.folder);
      if (file.folder !== null && !folders.has(file.folder)) {
        folders.add(file.folder);
        if (await makeDir(dir)) created.push(dir);
      }
      const target = join(dir, file.name);
      assertInside(root, target, label, file.path);
      // 'wx': never overwrite or follow anything already there (a planted symlink, a case-folded twin).
      const handle = await open(target, 'wx').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST') {
          throw new InvalidInputError(
            `${label}: contains ${file.path} more than once (names that differ only in letter case count as the same).`,
            FIELD,
          );
        }
        throw err;
      });
      created.push(target);
      const counter = new EntryCounter(file, label, limits, total);
      try {
        const source = await openEntry(zip, file, label);
        await pipeline(source, counter, handle.createWriteStream());
      } catch (err) {
        throw extractionError(err, label, file.path);
      } finally {
        await handle.close().catch(() => {});
      }
      out.push({ name: file.name, folder: file.folder, size: counter.bytes, path: target });
    }
    return out;
  } catch (err) {
    for (const path of created.reverse()) await rm(path, { recursive: true, force: true });
    if (createdRoot !== undefined) await rm(createdRoot, { recursive: true, force: true });
    throw err;
  }
}

/** True when this call created the folder; false when it was already there. */
async function makeDir(dir: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function assertInside(root: string, target: string, label: string, path: string): void {
  // Names were checked segment by segment already; this is the last line of defence against zip-slip.
  const rel = relative(root, target);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new InvalidInputError(`${label}: ${path} would be written outside the dataset folder.`, FIELD);
  }
}

function openEntry(zip: yauzl.ZipFile, file: PlannedFile, label: string): Promise<Readable> {
  return new Promise((resolvePromise, reject) => {
    zip.openReadStream(file.entry, (err, stream) => {
      if (err) reject(extractionError(err, label, file.path));
      else resolvePromise(stream);
    });
  });
}

/** Passes an entry's bytes through, holding them to its declared size, its CRC and the byte limits. */
class EntryCounter extends Transform {
  bytes = 0;
  private crc = 0;

  constructor(
    private readonly file: PlannedFile,
    private readonly label: string,
    private readonly limits: ByteLimits,
    private readonly total: { bytes: number },
  ) {
    super();
  }

  override _transform(
    chunk: Buffer,
    _encoding: BufferEncoding,
    callback: (err?: Error | null, data?: Buffer) => void,
  ): void {
    this.bytes += chunk.length;
    this.total.bytes += chunk.length;
    this.crc = crc32(chunk, this.crc);
    const { label, file, limits } = this;
    if (this.bytes > file.entry.uncompressedSize) {
      callback(
        this.damaged(`it holds more data than its header declares (${file.entry.uncompressedSize} bytes)`),
      );
    } else if (this.bytes > limits.maxFile) {
      callback(
        new TooLargeError(`${label}: ${file.path} is larger than the ${limits.fileLimitName}.`, FIELD),
      );
    } else if (this.total.bytes > limits.maxTotal) {
      callback(
        new TooLargeError(`${label}: the files add up to more than the ${limits.totalLimitName}.`, FIELD),
      );
    } else {
      callback(null, chunk);
    }
  }

  override _flush(callback: (err?: Error | null) => void): void {
    const { entry } = this.file;
    if (this.bytes !== entry.uncompressedSize) {
      callback(this.damaged(`it holds ${this.bytes} bytes, its header declares ${entry.uncompressedSize}`));
    } else if (this.crc >>> 0 !== entry.crc32 >>> 0) {
      callback(this.damaged('its CRC-32 checksum does not match'));
    } else {
      callback();
    }
  }

  private damaged(reason: string): InvalidInputError {
    return new InvalidInputError(`${this.label}: ${this.file.path} is damaged: ${reason}.`, FIELD);
  }
}

function extractionError(err: unknown, label: string, path: string): unknown {
  if (isOpenFramerError(err)) return err;
  // File-system errors (disk full, permissions) are the server's problem: let them through as they are.
  if (err instanceof Error && 'syscall' in err) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new InvalidInputError(
    `${label}: ${path} could not be extracted; the archive is damaged (${reason}).`,
    FIELD,
  );
}

/** Turns yauzl's errors into messages for the person who uploaded the archive. */
function zipError(err: Error, label: string): unknown {
  if ('syscall' in err) return err;
  const message = err.message;
  const path = /^(?:invalid relative path|absolute path|invalid characters in fileName): (.*)$/s.exec(
    message,
  )?.[1];
  if (message.startsWith('invalid relative path')) {
    return new InvalidInputError(
      `${label}: the entry ${quoteName(path ?? '')} points outside the archive (".." in its path); the archive was rejected.`,
      FIELD,
    );
  }
  if (message.startsWith('absolute path')) {
    return new InvalidInputError(
      `${label}: the entry ${quoteName(path ?? '')} has an absolute path; entries must be relative.`,
      FIELD,
    );
  }
  if (message.startsWith('invalid characters in fileName')) {
    return new InvalidInputError(`${label}: the entry ${quoteName(path ?? '')} contains a backslash.`, FIELD);
  }
  if (message.includes('encryption')) {
    return new InvalidInputError(
      `${label}: uses encryption, which is not supported; create the ZIP without a password.`,
      FIELD,
    );
  }
  return new InvalidInputError(`${label}: the ZIP archive is damaged or unsupported (${message}).`, FIELD);
}
