import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { createRng } from '../sampling/rng.js';
import { isPlainObject } from './table.js';
import type { SeedFileFormat } from './types.js';
import { decodeUtf8 } from './utf8.js';

export type TableRecord = Record<string, unknown>;

export interface TableRead {
  columns: string[];
  records: TableRecord[];
  /** Records in the file; more than `records.length` when a sample was taken. */
  total: number;
}

/**
 * Reads the records of a table file that passed upload checks. With `sampleSize`, keeps a uniform
 * reservoir sample (seeded, so repeatable) and never holds more than that many records.
 */
export async function readTableRecords(
  chunks: AsyncIterable<Buffer>,
  format: Extract<SeedFileFormat, 'csv' | 'json' | 'jsonl'>,
  options: { sampleSize?: number; seed?: string } = {},
): Promise<TableRead> {
  const limit = options.sampleSize ?? Number.POSITIVE_INFINITY;
  const rng = createRng(options.seed ?? 'records');
  const records: TableRecord[] = [];
  const columns = new Map<string, true>();
  let total = 0;
  const keep = (record: TableRecord) => {
    total++;
    if (records.length < limit) records.push(record);
    else {
      const j = rng.int(total);
      if (j < limit) records[j] = record;
    }
  };

  if (format === 'csv') {
    const parser = Readable.from(decodeUtf8(chunks, 'table')).pipe(
      parse({
        bom: true,
        skip_empty_lines: true,
        columns: (header: string[]) => {
          for (const name of header) columns.set(name, true);
          return header;
        },
      }),
    );
    for await (const record of parser as AsyncIterable<Record<string, string>>) keep(record);
  } else {
    let text = '';
    for await (const piece of decodeUtf8(chunks, 'table')) text += piece;
    const values: unknown[] =
      format === 'json'
        ? ((): unknown[] => {
            const parsed = JSON.parse(text) as unknown;
            return Array.isArray(parsed) ? parsed : [parsed];
          })()
        : text
            .split(/\r?\n/)
            .filter((line) => line.trim() !== '')
            .map((line) => JSON.parse(line) as unknown);
    for (const value of values) {
      const record = isPlainObject(value) ? value : { value };
      for (const key of Object.keys(record)) columns.set(key, true);
      keep(record);
    }
  }
  return { columns: [...columns.keys()], records, total };
}
