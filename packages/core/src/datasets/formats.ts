import { DATASET_LIMITS } from './limits.js';
import type { DatasetType, SeedFileFormat } from './types.js';

/** Extensions (lower case, with dot) that map to each format. The first one is the canonical one. */
export const FORMAT_EXTENSIONS: Readonly<Record<SeedFileFormat, readonly string[]>> = {
  csv: ['.csv'],
  json: ['.json'],
  jsonl: ['.jsonl', '.ndjson'],
  txt: ['.txt'],
  md: ['.md', '.markdown'],
  pdf: ['.pdf'],
};

const FORMAT_BY_EXTENSION: ReadonlyMap<string, SeedFileFormat> = new Map(
  (Object.entries(FORMAT_EXTENSIONS) as [SeedFileFormat, readonly string[]][]).flatMap(([format, exts]) =>
    exts.map((ext) => [ext, format] as const),
  ),
);

const CONTENT_TYPES: Readonly<Record<SeedFileFormat, string>> = {
  csv: 'text/csv',
  json: 'application/json',
  jsonl: 'application/x-ndjson',
  txt: 'text/plain',
  md: 'text/markdown',
  pdf: 'application/pdf',
};

/** Formats a file of the given dataset type may have. */
export function allowedFormats(type: DatasetType): readonly SeedFileFormat[] {
  return DATASET_LIMITS[type].formats;
}

/** The file's extension in lower case with its dot (`.csv`), or undefined when it has none. */
export function fileExtension(name: string): string | undefined {
  const dot = name.lastIndexOf('.');
  // A leading dot (`.csv`) marks a hidden file, not an extension.
  if (dot <= 0 || dot === name.length - 1) return undefined;
  return name.slice(dot).toLowerCase();
}

/** The seed format a file name's extension stands for (case-insensitive), or undefined. */
export function formatFromFileName(name: string): SeedFileFormat | undefined {
  const ext = fileExtension(name);
  return ext === undefined ? undefined : FORMAT_BY_EXTENSION.get(ext);
}

export function contentTypeForFormat(format: SeedFileFormat): string {
  return CONTENT_TYPES[format];
}

/** `.csv, .json, .jsonl or .ndjson`: the extensions a dataset type accepts, for error messages. */
export function describeAllowedExtensions(type: DatasetType): string {
  const exts = allowedFormats(type).flatMap((format) => FORMAT_EXTENSIONS[format]);
  return exts.length === 1 ? exts[0]! : `${exts.slice(0, -1).join(', ')} or ${exts.at(-1)}`;
}

/**
 * Why `name` cannot be a file of a `type` dataset, or undefined when its extension is fine.
 * The message starts with what follows the file's path, e.g. `: unsupported file type ".docx"; ...`.
 */
export function formatProblem(name: string, type: DatasetType): string | undefined {
  const ext = fileExtension(name);
  const format = formatFromFileName(name);
  const accepted = `${type} datasets accept ${describeAllowedExtensions(type)} files`;
  if (ext === undefined) return `has no file extension; ${accepted}`;
  if (format === undefined) return `unsupported file type "${ext}"; ${accepted}`;
  if (!allowedFormats(type).includes(format)) {
    const hint = type === 'SINGLE_FILE' ? ' (use MULTI_FILE for text and PDF documents)' : '';
    return `${format.toUpperCase()} files are not accepted in ${type} datasets; ${accepted}${hint}`;
  }
  return undefined;
}
