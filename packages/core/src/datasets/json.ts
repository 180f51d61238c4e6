import { InvalidInputError } from '../errors.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { ColumnCollector, describeJsonValue, isPlainObject, plural, type TableSummary } from './table.js';
import { decodeUtf8 } from './utf8.js';

/**
 * A JSON file. As a SINGLE_FILE dataset it is a table: an array of at least `minRecords` objects.
 * In a multi-file dataset any JSON value is a fine seed document.
 */
export async function inspectJson(
  chunks: AsyncIterable<Buffer>,
  path: string,
  table: { minRecords: number } | null,
): Promise<TableSummary> {
  // JSON has no streaming-friendly framing; files are at most 50 MB, so one parse of the whole text is fine.
  const parts: string[] = [];
  for await (const text of decodeUtf8(chunks, path)) parts.push(text);
  const text = parts.join('');
  if (text.trim() === '') {
    const expected = table ? 'a JSON array of records' : 'a JSON value';
    throw new InvalidInputError(`${path}: is empty; expected ${expected}.`, 'files');
  }
  const value = parseJson(text, path, 'the end of the file', (l, c) => `line ${l} column ${c}`);

  const columns = new ColumnCollector();
  if (table) {
    if (!Array.isArray(value)) {
      throw new InvalidInputError(
        `${path}: must be a JSON array of records (objects), found ${describeJsonValue(value)}.`,
        'files',
      );
    }
    if (value.length < table.minRecords) {
      throw new InvalidInputError(
        `${path}: needs at least ${plural(table.minRecords, 'record')}, found ${value.length}.`,
        'files',
      );
    }
    for (const [i, item] of value.entries()) {
      if (!isPlainObject(item)) {
        throw new InvalidInputError(
          `${path}: the element at index ${i} is ${describeJsonValue(item)}; every record must be a JSON object.`,
          'files',
        );
      }
      columns.add(item);
    }
    return { recordCount: value.length, columns: columns.columns };
  }
  if (!Array.isArray(value)) return { recordCount: null, columns: null };
  for (const item of value) columns.add(item);
  return { recordCount: value.length, columns: columns.columns };
}

/**
 * A JSON Lines file: one JSON value per non-blank line. As a SINGLE_FILE dataset every line is a record and
 * must be an object. Lines are parsed as they stream in, so only the current line is held in memory.
 */
export async function inspectJsonl(
  chunks: AsyncIterable<Buffer>,
  path: string,
  minRecords: number,
  objectsOnly: boolean,
): Promise<TableSummary> {
  const columns = new ColumnCollector();
  let records = 0;
  let lineNo = 0;
  const handleLine = (raw: string): void => {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const value = parseJson(line, path, 'the end of the line', (_l, c) => `line ${lineNo} column ${c}`);
    if (objectsOnly && !isPlainObject(value)) {
      throw new InvalidInputError(
        `${path}: line ${lineNo} is ${describeJsonValue(value)}; every line must be a JSON object (one record per line).`,
        'files',
      );
    }
    records++;
    columns.add(value);
  };

  // Look for newlines only in new text, keeping the unfinished line in pieces: one very long line stays linear.
  let pending: string[] = [];
  for await (const text of decodeUtf8(chunks, path)) {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      pending.push(text.slice(start, nl));
      handleLine(pending.join(''));
      pending = [];
      start = nl + 1;
    }
    if (start < text.length) pending.push(text.slice(start));
  }
  if (pending.length > 0) handleLine(pending.join(''));

  if (records < minRecords) {
    throw new InvalidInputError(
      `${path}: needs at least ${plural(minRecords, 'record')} (one JSON value per line), found ${records}.`,
      'files',
    );
  }
  return { recordCount: records, columns: columns.columns };
}

function parseJson(
  text: string,
  path: string,
  endName: string,
  where: (line: number, column: number) => string,
): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const found = findJsonSyntaxError(text, endName);
    if (found) {
      throw new InvalidInputError(
        `${path}: invalid JSON at ${where(found.line, found.column)}: ${found.message}.`,
        'files',
      );
    }
    // Our scanner and V8 disagree (should not happen): fall back to V8's own words.
    const reason = err instanceof Error ? err.message : String(err);
    throw new InvalidInputError(`${path}: invalid JSON: ${reason}.`, 'files');
  }
}
