import type { Readable } from 'node:stream';

export const DATASET_TYPES = ['SINGLE_FILE', 'MULTI_FILE', 'MULTI_FOLDER'] as const;
export type DatasetType = (typeof DATASET_TYPES)[number];

export const SEED_FILE_FORMATS = ['csv', 'json', 'jsonl', 'txt', 'md', 'pdf'] as const;
export type SeedFileFormat = (typeof SEED_FILE_FORMATS)[number];

/** A file that has been received (staged on disk or in memory) and can be read as many times as needed. */
export interface StagedFile {
  /** File name without folder, e.g. `notes.txt`. */
  name: string;
  /** Folder the file belongs to (MULTI_FOLDER only), else null. */
  folder: string | null;
  /** Size in bytes. */
  size: number;
  /** A fresh stream of the file's bytes. */
  open(): Readable;
}

/** What inspecting a seed file learned: its format, its records (for tables) and its text (for PDFs). */
export interface InspectedFile {
  /** `folder/name` for MULTI_FOLDER, `name` otherwise. */
  path: string;
  name: string;
  folder: string | null;
  format: SeedFileFormat;
  size: number;
  /** Records in a CSV (rows without header), JSON array (elements) or JSONL (non-blank lines); null for text. */
  recordCount: number | null;
  /** Column names of a table: the CSV header, or the union of keys of JSON/JSONL objects in first-seen order. */
  columns: string[] | null;
  /** Character count of the text (PDF: extracted text; TXT/MD: the file); null for tables. */
  textLength: number | null;
  /** Extracted text of a PDF, kept for later pipelines; null for other formats. */
  extractedText: string | null;
}

export interface ShortSampleCompatibility {
  is_short_samples_compatible: boolean;
  is_long_samples_compatible: boolean;
  reason: string;
}
