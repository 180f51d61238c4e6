import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, type Info, parse } from 'csv-parse';
import { InvalidInputError, isOpenFramerError } from '../errors.js';
import { quoteName } from './names.js';
import { plural, type TableSummary } from './table.js';
import { decodeUtf8 } from './utf8.js';

interface ParsedRecord {
  record: string[];
  info: Info;
}

/**
 * Stream-parses a CSV file: a header row with unique, non-empty names, then rows with exactly as many fields.
 * Records are counted, never kept, so a 50 MB file costs little memory.
 */
export async function inspectCsv(
  chunks: AsyncIterable<Buffer>,
  path: string,
  minRecords: number,
): Promise<TableSummary> {
  let header: string[] | undefined;
  let records = 0;
  // csv-parse reports the line a record ends on; from that and the skipped blank lines we get where it starts.
  let lastEndLine = 0;
  let lastEmptyLines = 0;

  const parser = parse({
    bom: true,
    skip_empty_lines: true,
    relax_quotes: false,
    // Field counts are checked below, to report both counts and the line in our own words.
    relax_column_count: true,
    info: true,
  });
  const sink = new Writable({
    objectMode: true,
    write({ record, info }: ParsedRecord, _encoding, callback) {
      const startLine = lastEndLine + 1 + (info.empty_lines - lastEmptyLines);
      const endLine = info.lines;
      lastEndLine = endLine;
      lastEmptyLines = info.empty_lines;
      try {
        if (header === undefined) {
          header = checkHeader(record, path, startLine);
        } else {
          if (record.length !== header.length) {
            const where =
              startLine === endLine ? `line ${startLine}` : `the record on lines ${startLine}-${endLine}`;
            throw new InvalidInputError(
              `${path}: ${where} has ${plural(record.length, 'field')}, the header has ${header.length}.`,
              'files',
            );
          }
          records++;
        }
        callback();
      } catch (err) {
        callback(err as Error);
      }
    },
  });

  try {
    await pipeline(Readable.from(decodeUtf8(chunks, path)), parser, sink);
  } catch (err) {
    if (isOpenFramerError(err)) throw err;
    if (err instanceof CsvError) throw csvError(err, path, lastEndLine);
    throw err;
  }

  if (header === undefined) {
    throw new InvalidInputError(`${path}: is empty; expected a header row followed by records.`, 'files');
  }
  if (records < minRecords) {
    throw new InvalidInputError(
      `${path}: needs at least ${plural(minRecords, 'record')} after the header, found ${records}.`,
      'files',
    );
  }
  return { recordCount: records, columns: header };
}

function checkHeader(record: string[], path: string, line: number): string[] {
  const firstSeen = new Map<string, number>();
  for (const [i, name] of record.entries()) {
    if (name.trim() === '') {
      throw new InvalidInputError(
        `${path}: the header (line ${line}) has no name for column ${i + 1}; every column needs a name.`,
        'files',
      );
    }
    const before = firstSeen.get(name);
    if (before !== undefined) {
      throw new InvalidInputError(
        `${path}: the header (line ${line}) names column ${quoteName(name)} twice (columns ${before + 1} and ${i + 1}); column names must be unique.`,
        'files',
      );
    }
    firstSeen.set(name, i);
  }
  return record;
}

function csvError(err: CsvError, path: string, lastEndLine: number): InvalidInputError {
  const line = typeof err.lines === 'number' ? err.lines : undefined;
  const at = line === undefined ? '' : ` at line ${line}`;
  switch (err.code) {
    case 'CSV_QUOTE_NOT_CLOSED': {
      const after = lastEndLine === 0 ? 'the first record' : `the record after line ${lastEndLine}`;
      return new InvalidInputError(
        `${path}: a quoted field is never closed (${after} runs to the end of the file); add the missing '"'.`,
        'files',
      );
    }
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return new InvalidInputError(
        `${path}: unexpected character after a closing quote${at}; expected a comma or the end of the line (write a quote inside a quoted field as "").`,
        'files',
      );
    case 'INVALID_OPENING_QUOTE':
      return new InvalidInputError(
        `${path}: a quote appears inside an unquoted field${at}; wrap the field in quotes and write the quote as "".`,
        'files',
      );
    default:
      return new InvalidInputError(`${path}: is not valid CSV${at}: ${err.message}`, 'files');
  }
}
