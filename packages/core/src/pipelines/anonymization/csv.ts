// A small RFC 4180 reader and writer for anonymization (duplicate and missing header names are kept as they
// are; `""` inside a quoted field is one quote). Several times faster than a general-purpose parser on large
// tables, which matters when the rest of the pipeline runs at tens of MB/s.

import { isEmptyValue, surelyFilled, surelyTrimmed } from './columns.js';

/** A table read column by column, without an array per row. */
export interface CsvColumns {
  /** The first record. */
  header: string[];
  /** The other records' fields by column (as wide as the widest record; '' where a record is shorter). */
  columns: CsvColumn[];
  /** How many fields each record after the first has. */
  lengths: number[];
}

/** The field whose content is text[start, end): as it is, or with each `""` read as one quote. */
function fieldText(text: string, start: number, end: number, doubledQuotes: boolean): string {
  const raw = text.slice(start, end);
  return doubledQuotes ? raw.replaceAll('""', '"') : raw;
}

/**
 * The fields of one column, kept as where they are in the text and read when asked for: a large table's
 * cells are not all made into strings that live as long as the table (most are only redacted, or written
 * back as they were), and the strings that are made die young.
 */
export class CsvColumn {
  #starts: Int32Array;
  /** Where each field's content ends; a quoted field holding doubled quotes is stored as `-end - 1`. */
  #ends: Int32Array;
  #length = 0;

  constructor(
    private readonly text: string,
    /** Fields already in the column, all empty (a column that first appears in a wider record). */
    empty = 0,
  ) {
    const capacity = Math.max(64, empty * 2);
    this.#starts = new Int32Array(capacity);
    this.#ends = new Int32Array(capacity);
    this.#length = empty;
  }

  get length(): number {
    return this.#length;
  }

  /** The field of record `index` (as `Array.prototype.at`, for a non-negative index). */
  at(index: number): string | undefined {
    if (index >= this.#length) return undefined;
    const start = this.#starts[index]!;
    const end = this.#ends[index]!;
    return end >= 0 ? fieldText(this.text, start, end, false) : fieldText(this.text, start, -end - 1, true);
  }

  /** isEmptyValue of field `index`, without making its string when its ends already tell. */
  isEmptyAt(index: number): boolean {
    const start = this.#starts[index]!;
    const end = this.#ends[index]!;
    if (end >= 0) {
      if (end === start) return true;
      if (surelyFilled(this.text.charCodeAt(start), this.text.charCodeAt(end - 1), end - start)) return false;
    }
    return isEmptyValue(this.at(index)!);
  }

  /** True when field `index` surely has no white space at either end (its string is not made). */
  isTrimmedAt(index: number): boolean {
    const start = this.#starts[index]!;
    const end = this.#ends[index]!;
    // A field with doubled quotes starts or ends with a quote only if it is one: printable either way.
    const last = end >= 0 ? end : -end - 1;
    return last > start && surelyTrimmed(this.text.charCodeAt(start), this.text.charCodeAt(last - 1));
  }

  /** Adds the field whose content is text[start, end); `doubledQuotes` when it is quoted and holds `""`. */
  push(start: number, end: number, doubledQuotes: boolean): void {
    if (this.#length === this.#starts.length) {
      const starts = new Int32Array(this.#length * 2);
      const ends = new Int32Array(this.#length * 2);
      starts.set(this.#starts);
      ends.set(this.#ends);
      this.#starts = starts;
      this.#ends = ends;
    }
    this.#starts[this.#length] = start;
    this.#ends[this.#length] = doubledQuotes ? -end - 1 : end;
    this.#length++;
  }

  pushEmpty(): void {
    this.push(0, 0, false);
  }

  pop(): void {
    if (this.#length > 0) this.#length--;
  }
}

/**
 * The records of `text` (RFC 4180 fields; records end at `\r\n` or `\n`; empty lines skipped), stored by column:
 * a large table makes one column object per column rather than an array per row, and no string per field.
 * Undefined when the text holds no record.
 */
export function parseCsvColumns(text: string): CsvColumns | undefined {
  const n = text.length;
  let header: string[] | undefined;
  let headerRow: string[] = [];
  const columns: CsvColumn[] = [];
  const lengths: number[] = [];
  let i = 0;
  // Fields of the current record, and whether its first one is empty (a record that is one empty field is
  // an empty line).
  let count = 0;
  let firstEmpty = false;
  const push = (start: number, end: number, doubledQuotes: boolean) => {
    if (!header) headerRow.push(fieldText(text, start, end, doubledQuotes));
    else {
      if (count === columns.length) columns.push(new CsvColumn(text, lengths.length));
      columns[count]!.push(start, end, doubledQuotes);
    }
    if (count === 0) firstEmpty = start === end;
    count++;
  };
  const endRecord = () => {
    if (count === 0) return;
    if (count === 1 && firstEmpty) {
      if (header) columns[0]!.pop();
      else headerRow = [];
    } else if (!header) {
      header = headerRow;
      for (let c = 0; c < header.length; c++) columns.push(new CsvColumn(text));
    } else {
      for (let c = count; c < columns.length; c++) columns[c]!.pushEmpty();
      lengths.push(count);
    }
    count = 0;
  };
  while (i < n) {
    if (text.charCodeAt(i) === 34) {
      const open = i;
      let from = i + 1;
      let doubled = false;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error(`a quoted field opened at offset ${open} is never closed`);
        if (text.charCodeAt(q + 1) === 34) {
          doubled = true;
          from = q + 2;
          continue;
        }
        push(open + 1, q, doubled);
        i = q + 1;
        break;
      }
      const c = text.charCodeAt(i);
      if (i < n && c !== 44 && c !== 10 && c !== 13) {
        throw new Error(
          `a closing quote at offset ${i - 1} is followed by "${text[i]}" instead of a comma or line end`,
        );
      }
    } else {
      let j = i;
      while (j < n) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 10 || c === 13) break;
        j++;
      }
      push(i, j, false);
      i = j;
    }
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      if (i === n) push(n, n, false);
      continue;
    }
    if (c === 13 && text.charCodeAt(i + 1) === 10) i += 2;
    else if (i < n) i++;
    endRecord();
  }
  endRecord();
  return header ? { header, columns, lengths } : undefined;
}

/** A character that makes a field need quotes (besides white space at either end). */
const SPECIAL = /[",\r\n]/;

/** One CSV field: quoted when it holds a separator, a quote or a line break, or starts or ends with a space. */
export function csvField(value: string): string {
  const n = value.length;
  if (n === 0) return value;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(n - 1);
  // A regular expression scans a field about twice as fast as a loop over its char codes.
  const quote = first === 32 || last === 32 || first === 9 || last === 9 || SPECIAL.test(value);
  return quote ? `"${value.replaceAll('"', '""')}"` : value;
}
