import { openAsBlob } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { DataframerError } from '../core/errors.js';
import type { DatasetType } from '../types.js';

const TABLE_EXTENSIONS = new Set(['.csv', '.json', '.jsonl', '.ndjson']);
// The same entries the server skips inside a ZIP, so a folder and its ZIP make the same dataset.
const SKIPPED = new Set(['__macosx', 'thumbs.db', 'desktop.ini']);

const CONTENT_TYPES: Record<string, string> = {
  '.csv': 'text/csv',
  '.json': 'application/json',
  '.jsonl': 'application/x-ndjson',
  '.ndjson': 'application/x-ndjson',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
};

/** A file on disk as a File, streamed from disk when sent (never read into memory here). */
export async function fileFromPath(filePath: string, name = basename(filePath)): Promise<File> {
  const type = CONTENT_TYPES[extname(filePath).toLowerCase()] ?? 'application/octet-stream';
  const blob = await openAsBlob(filePath, { type });
  // A File built from a Blob refers to the same bytes on disk; nothing is copied.
  return new File([blob], name, { type });
}

export interface PlannedFile {
  path: string;
  name: string;
  /** MULTI_FOLDER: the folder (sample) this file belongs to. */
  folder?: string;
}

export type UploadPlan =
  | { kind: 'zip'; path: string }
  | { kind: 'files'; datasetType: DatasetType; files: PlannedFile[] };

const skipped = (name: string) => name.startsWith('.') || SKIPPED.has(name.toLowerCase());

async function entries(dir: string) {
  const list = await readdir(dir, { withFileTypes: true });
  const kept = [];
  for (const entry of list) {
    if (skipped(entry.name)) continue;
    // Follow symlinks, as a user pointing at a folder expects their targets to be uploaded.
    const info = await stat(join(dir, entry.name));
    kept.push({ name: entry.name, path: join(dir, entry.name), isDir: info.isDirectory() });
  }
  return kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * Decides how a path becomes a dataset, with the rules the server applies to a ZIP's layout:
 * a `.zip` goes to create-from-zip; a CSV/JSON/JSONL file is SINGLE_FILE; a folder of files is
 * MULTI_FILE (one table file alone: SINGLE_FILE); a folder of folders is MULTI_FOLDER; a folder holding
 * only one folder is unwrapped first (what "compress this folder" and many downloads produce).
 */
export async function planUpload(inputPath: string): Promise<UploadPlan> {
  const info = await stat(inputPath).catch((err: NodeJS.ErrnoException) => {
    throw new DataframerError(
      err.code === 'ENOENT' ? `${inputPath}: no such file or folder` : `${inputPath}: ${err.message}`,
    );
  });
  if (!info.isDirectory()) {
    const ext = extname(inputPath).toLowerCase();
    if (ext === '.zip') return { kind: 'zip', path: inputPath };
    if (TABLE_EXTENSIONS.has(ext)) {
      return {
        kind: 'files',
        datasetType: 'SINGLE_FILE',
        files: [{ path: inputPath, name: basename(inputPath) }],
      };
    }
    throw new DataframerError(
      `${inputPath}: a single file must be a CSV, JSON or JSONL table (SINGLE_FILE); put two or more documents in a folder for MULTI_FILE`,
    );
  }
  let dir = inputPath;
  let list = await entries(dir);
  while (list.length === 1 && list[0]!.isDir) {
    dir = list[0]!.path;
    list = await entries(dir);
  }
  if (list.length === 0) throw new DataframerError(`${inputPath}: the folder has no files to upload`);
  const files = list.filter((e) => !e.isDir);
  const folders = list.filter((e) => e.isDir);
  if (files.length > 0 && folders.length > 0) {
    throw new DataframerError(
      `${dir}: holds both files (${files[0]!.name}) and folders (${folders[0]!.name}); use a folder of files (MULTI_FILE) or a folder of folders (MULTI_FOLDER)`,
    );
  }
  if (folders.length === 0) {
    if (files.length === 1 && TABLE_EXTENSIONS.has(extname(files[0]!.name).toLowerCase())) {
      return {
        kind: 'files',
        datasetType: 'SINGLE_FILE',
        files: [{ path: files[0]!.path, name: files[0]!.name }],
      };
    }
    return {
      kind: 'files',
      datasetType: 'MULTI_FILE',
      files: files.map((f) => ({ path: f.path, name: f.name })),
    };
  }
  const planned: PlannedFile[] = [];
  for (const folder of folders) {
    const inside = await entries(folder.path);
    const nested = inside.find((e) => e.isDir);
    if (nested) {
      throw new DataframerError(
        `${nested.path}: folders inside sample folders are not supported (MULTI_FOLDER is one level of folders)`,
      );
    }
    for (const file of inside) planned.push({ path: file.path, name: file.name, folder: folder.name });
  }
  if (planned.length === 0) throw new DataframerError(`${dir}: the folders hold no files to upload`);
  return { kind: 'files', datasetType: 'MULTI_FOLDER', files: planned };
}

/** The default dataset name for a path: its last segment without the extension. */
export function datasetNameFor(inputPath: string): string {
  const base = basename(inputPath.replace(/[\\/]+$/, ''));
  const ext = extname(base);
  return (ext ? base.slice(0, -ext.length) : base) || 'dataset';
}
