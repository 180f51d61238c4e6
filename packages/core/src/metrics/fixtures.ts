import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';

/**
 * Reads the public reference tables kept in `packages/core/test/reference-data/` (copies of the published
 * files, with their licenses) for golden tests and benchmarks. Not exported from the package: production
 * code never reads them.
 */
export const SHARED_DATA = fileURLToPath(new URL('../../test/reference-data/', import.meta.url));

export interface CsvTable {
  columns: string[];
  records: Record<string, string>[];
}

/** A CSV (optionally gzipped) of the reference data, as string records. */
export function readSharedCsv(path: string): CsvTable {
  let bytes = readFileSync(SHARED_DATA + path);
  if (path.endsWith('.gz')) bytes = gunzipSync(bytes);
  const rows = parse(bytes, { bom: true, skip_empty_lines: true }) as string[][];
  const [header, ...body] = rows;
  const columns = header ?? [];
  return {
    columns,
    records: body.map((row) => Object.fromEntries(columns.map((c, i) => [c, row[i] ?? '']))),
  };
}

export const census = (part: 'trn' | 'hol' | 'syn_mostly' | 'syn_flip30'): CsvTable =>
  readSharedCsv(`census2k/census2k-${part}.csv.gz`);

export function readSharedJson<T>(path: string): T {
  return JSON.parse(readFileSync(SHARED_DATA + path, 'utf8')) as T;
}
