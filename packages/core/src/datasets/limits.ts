import type { DatasetType, SeedFileFormat } from './types.js';

export const MB = 1024 * 1024;

/** The limits of one dataset type, as DataFramer documents them. */
export interface DatasetTypeLimits {
  /** Formats a file of this dataset type may have. */
  readonly formats: readonly SeedFileFormat[];
  readonly minFiles: number;
  readonly maxFiles: number;
  /** Largest single file, in bytes. */
  readonly maxFileBytes: number;
  /** Largest sum of all files, in bytes. */
  readonly maxTotalBytes: number;
  /** Fewest records a table file (CSV, JSONL, SINGLE_FILE JSON) must hold. */
  readonly minRecords: number;
  /** MULTI_FOLDER only: most files in one folder, and fewest folders. */
  readonly maxFilesPerFolder: number | null;
  readonly minFolders: number | null;
}

const TABLE_FORMATS: readonly SeedFileFormat[] = ['csv', 'json', 'jsonl'];
const ALL_FORMATS: readonly SeedFileFormat[] = ['txt', 'md', 'json', 'csv', 'jsonl', 'pdf'];

export const DATASET_LIMITS: Readonly<Record<DatasetType, DatasetTypeLimits>> = {
  SINGLE_FILE: {
    formats: TABLE_FORMATS,
    minFiles: 1,
    maxFiles: 1,
    maxFileBytes: 50 * MB,
    maxTotalBytes: 50 * MB,
    minRecords: 2,
    maxFilesPerFolder: null,
    minFolders: null,
  },
  MULTI_FILE: {
    formats: ALL_FORMATS,
    minFiles: 2,
    maxFiles: 1000,
    maxFileBytes: 1 * MB,
    maxTotalBytes: 50 * MB,
    minRecords: 1,
    maxFilesPerFolder: null,
    minFolders: null,
  },
  MULTI_FOLDER: {
    formats: ALL_FORMATS,
    minFiles: 2,
    maxFiles: 1000,
    maxFileBytes: 1 * MB,
    maxTotalBytes: 50 * MB,
    minRecords: 1,
    maxFilesPerFolder: 20,
    minFolders: 2,
  },
};

/** Longest file name or folder name, in UTF-8 bytes (the common file-system limit). */
export const MAX_NAME_BYTES = 255;

/** About 500 words: text seeds up to this many characters can be used for short samples. */
export const SHORT_SAMPLE_MAX_CHARS = 3500;

/** Zip-bomb defences that do not follow from the dataset limits. */
export const ZIP_LIMITS = {
  /** Raw entries (files, folders, junk) read from the central directory before giving up. */
  maxRawEntries: 10_000,
  /** Largest uncompressed:compressed ratio of one entry. */
  maxCompressionRatio: 100,
  /** Entries smaller than this are not ratio-checked: tiny files compress wildly and are harmless. */
  ratioCheckMinBytes: 64 * 1024,
} as const;

/** `1 MB`, `52.4 MB`, `12 KB`, `900 bytes`: sizes as people read them in error messages. */
export function formatBytes(bytes: number): string {
  if (bytes >= MB) return `${trimNumber(bytes / MB)} MB`;
  if (bytes >= 1024) return `${trimNumber(bytes / 1024)} KB`;
  return bytes === 1 ? '1 byte' : `${bytes} bytes`;
}

function trimNumber(n: number): string {
  // One decimal is enough to see how far over a limit a file is; drop it when it is zero.
  return String(Math.round(n * 10) / 10);
}

/** A size that is over `limit`, precise enough that it never reads as equal to the limit. */
export function formatSizeOver(size: number, limit: number): string {
  const rounded = formatBytes(size);
  return rounded === formatBytes(limit) ? `${size.toLocaleString('en-US')} bytes` : rounded;
}
