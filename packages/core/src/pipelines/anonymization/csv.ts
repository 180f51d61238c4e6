// A small RFC 4180 reader and writer for anonymization (duplicate and missing header names are kept as they
// are; `""` inside a quoted field is one quote). Several times faster than a general-purpose parser on large
// tables, which matters when the rest of the pipeline runs at tens of MB/s.

/** A table read column by column, without an array per row. */
export interface CsvColumns {
  /** The first record. */
  header: string[];
  /** One array per column (as wide as the widest record) of the other records' fields; '' where a record is shorter. */
  columns: string[][];
  /** How many fields each record after the first has. */
  lengths: number[];
}

/**
 * The records of `text` (RFC 4180 fields; records end at `\r\n` or `\n`; empty lines skipped), stored by column:
 * a large table makes one array per column rather than one per row, and the columns need no second pass.
 * Undefined when the text holds no record.
 */
export function parseCsvColumns(text: string): CsvColumns | undefined {
  const n = text.length;
  let header: string[] | undefined;
  let headerRow: string[] = [];
  const columns: string[][] = [];
  const lengths: number[] = [];
  let i = 0;
  // Fields of the current record and its first one (a record that is one empty field is an empty line).
  let count = 0;
  let first = '';
  const push = (field: string) => {
    if (!header) headerRow.push(field);
    else {
      if (count === columns.length) columns.push(new Array<string>(lengths.length).fill(''));
      columns[count]!.push(field);
    }
    if (count === 0) first = field;
    count++;
  };
  const endRecord = () => {
    if (count === 0) return;
    if (count === 1 && first === '') {
      if (header) columns[0]!.pop();
      else headerRow = [];
    } else if (!header) {
      header = headerRow;
      for (let c = 0; c < header.length; c++) columns.push([]);
    } else {
      for (let c = count; c < columns.length; c++) columns[c]!.push('');
      lengths.push(count);
    }
    count = 0;
  };
  while (i < n) {
    let field: string;
    if (text.charCodeAt(i) === 34) {
      let out = '';
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0) throw new Error(`a quoted field opened at offset ${i} is never closed`);
        if (text.charCodeAt(q + 1) === 34) {
          out += text.slice(from, q + 1);
          from = q + 2;
          continue;
        }
        out += text.slice(from, q);
        i = q + 1;
        break;
      }
      field = out;
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
      field = text.slice(i, j);
      i = j;
    }
    push(field);
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      if (i === n) push('');
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
