import { InvalidInputError } from '../errors.js';
import { quoteName } from './names.js';
import { plural, type TableSummary } from './table.js';

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;

// The line ending that ends records. Like csv-parse's auto-discovery (records.ts still reads the rows with
// csv-parse), it is the first one found outside quotes: `\r\n`, `\n` or a lone `\r`. In the rest of the file
// the other line-ending bytes are field content, so every file reads the same here and in records.ts.
const DELIMITER_UNKNOWN = 0;
const DELIMITER_LF = 1;
const DELIMITER_CR = 2;
const DELIMITER_CRLF = 3;

/** Bytes the unquoted loop must stop at; every other byte is field content. */
const SPECIAL = new Uint8Array(256);
SPECIAL[LF] = 1;
SPECIAL[CR] = 1;
SPECIAL[QUOTE] = 1;
SPECIAL[COMMA] = 1;

const EMPTY = Buffer.alloc(0);

/**
 * Validates CSV a chunk of bytes at a time, without building a string per field: only the header row is
 * decoded. Rules (csv-parse's, with the options the inspection used before: `bom`, `skip_empty_lines`,
 * strict quotes):
 *
 * - Fields are separated by `,`; records end at the record delimiter (see DELIMITER_*) or at the end of the
 *   file. A line with no bytes at all is skipped; a line of spaces or `""` is a record with one field.
 * - A field that starts with `"` is quoted: it may hold commas and line breaks, `""` stands for one quote, and
 *   the closing quote must be followed by `,`, the record delimiter or the end of the file.
 * - A `"` inside an unquoted field, and a quoted field still open at the end of the file, are errors.
 * - Up to two UTF-8 BOMs at the start are skipped (the UTF-8 decoder drops one, csv-parse dropped another).
 *
 * Line numbers count `\n`, `\r\n` and a lone `\r` as one line break each, wherever they are, as editors do.
 * (csv-parse counted a `\r\n` inside a quoted field, or one that is not the record delimiter, as two.)
 *
 * The bytes must be valid UTF-8 (the caller checks); a chunk may end anywhere, even inside a character.
 */
export class CsvScanner {
  /** Records after the header. */
  private records = 0;
  private header: string[] | undefined;
  /** Fields of the header, -1 until it is read: every other record must have as many. */
  private headerLength = -1;

  // Where the scan is. Between chunks, `carry` holds the last 1-2 bytes when deciding what they mean needs
  // the next chunk (a `\r` that may start `\r\n`, a `"` that may start `""`, the start of a BOM).
  private carry: Buffer | undefined;
  /** File offset of the next chunk's first byte. */
  private offset = 0;
  private bomsLeft = 2;
  private delimiter = DELIMITER_UNKNOWN;
  private quoting = false;
  /** Nothing of the current field has been read (a `"` here opens a quoted field). */
  private fieldEmpty = true;
  /** Fields of the current record that are complete (ended by a comma). */
  private fields = 0;
  /** Line of the next byte. */
  private line = 1;
  private recordStartLine = 1;
  /** Line on which the last record (header included) ended, 0 before the first one. */
  private lastEndLine = 0;
  /** The last byte of the file so far. */
  private lastByte = -1;

  // The header row is decoded from the bytes once it is complete, so its chunks are kept until then.
  private headerChunks: { offset: number; bytes: Buffer }[] = [];
  /** File offset where the header record starts (after BOMs and skipped empty lines). */
  private headerStart = 0;

  constructor(private readonly path: string) {}

  /** Scans the next chunk of the file. Throws InvalidInputError at the first problem. */
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.headerLength < 0) this.headerChunks.push({ offset: this.offset, bytes: chunk });
    this.lastByte = chunk[chunk.length - 1]!;
    let buf = chunk;
    let base = this.offset;
    this.offset += chunk.length;
    if (this.carry !== undefined) {
      base -= this.carry.length;
      buf = Buffer.concat([this.carry, chunk]);
      this.carry = undefined;
    }
    this.scan(buf, base, false);
  }

  /** Ends the file: checks the last record, that there is a header and at least `minRecords` records. */
  finish(minRecords: number): TableSummary {
    const rest = this.carry ?? EMPTY;
    this.carry = undefined;
    this.scan(rest, this.offset - rest.length, true);
    if (this.quoting) {
      const after = this.lastEndLine === 0 ? 'the first record' : `the record after line ${this.lastEndLine}`;
      throw new InvalidInputError(
        `${this.path}: a quoted field is never closed (${after} runs to the end of the file); add the missing '"'.`,
        'files',
      );
    }
    // The last record may end at the end of the file instead of a line break. If its last byte is a line
    // break that is field content (not the record delimiter), the record ends on the line that break ends.
    if (this.fields > 0 || !this.fieldEmpty) {
      const endsWithBreak = this.lastByte === LF || this.lastByte === CR;
      this.endRecord(this.fields + 1, endsWithBreak ? this.line - 1 : this.line, this.offset);
    }
    if (this.header === undefined) {
      throw new InvalidInputError(
        `${this.path}: is empty; expected a header row followed by records.`,
        'files',
      );
    }
    if (this.records < minRecords) {
      throw new InvalidInputError(
        `${this.path}: needs at least ${plural(minRecords, 'record')} after the header, found ${this.records}.`,
        'files',
      );
    }
    return { recordCount: this.records, columns: this.header };
  }

  /**
   * The state machine. `base` is the file offset of `buf[0]`; `final` means no bytes follow `buf`.
   * The hot state lives in locals and is written back when the chunk is done (or on carry).
   */
  private scan(buf: Buffer, base: number, final: boolean): void {
    const len = buf.length;
    let pos = 0;
    if (this.bomsLeft > 0) {
      while (this.bomsLeft > 0) {
        const bom = bomBytesAt(buf, pos);
        if (bom === 3) {
          pos += 3;
          this.bomsLeft--;
        } else if (bom === len - pos && !final) {
          // The start of a BOM (or no bytes yet): wait for the rest.
          if (pos < len) this.carry = buf.subarray(pos);
          return;
        } else {
          this.bomsLeft = 0;
        }
      }
      this.headerStart = base + pos;
    }

    let delimiter = this.delimiter;
    let quoting = this.quoting;
    let fields = this.fields;
    let line = this.line;
    let recordStartLine = this.recordStartLine;
    let lastEndLine = this.lastEndLine;
    let records = this.records;
    let headerLength = this.headerLength;
    // The current field is empty while pos === fieldStart; -1 when it was not empty at the start of `buf`.
    let fieldStart = this.fieldEmpty ? pos : -1;

    scan: while (pos < len) {
      if (quoting) {
        // Inside a quoted field: everything up to the next quote is content, line breaks included.
        let c = 0;
        while (pos < len) {
          c = buf[pos]!;
          if (c === QUOTE) break;
          if (c === LF) line++;
          else if (c === CR) {
            if (pos + 1 === len && !final) break scan; // is it `\r\n`? the next chunk tells
            if (buf[pos + 1] !== LF) line++;
          }
          pos++;
        }
        if (pos === len) break;
        // A quote: `""` is an escaped quote; otherwise it closes the field, and a comma, the record delimiter
        // or the end of the file must follow.
        if (pos + 1 === len) {
          if (!final) break;
          quoting = false;
          fieldStart = pos++;
          continue;
        }
        const next = buf[pos + 1]!;
        if (next === QUOTE) {
          pos += 2;
          continue;
        }
        if (next === COMMA) {
          quoting = false;
          fields++;
          pos += 2;
          fieldStart = pos;
          continue;
        }
        let closes = false;
        if (next === LF) closes = delimiter === DELIMITER_UNKNOWN || delimiter === DELIMITER_LF;
        else if (next === CR) {
          if (delimiter === DELIMITER_CRLF) {
            if (pos + 2 === len && !final) break;
            closes = buf[pos + 2] === LF;
          } else closes = delimiter === DELIMITER_UNKNOWN || delimiter === DELIMITER_CR;
        }
        if (!closes) {
          throw new InvalidInputError(
            `${this.path}: unexpected character after a closing quote at line ${line}; expected a comma or the end of the line (write a quote inside a quoted field as "").`,
            'files',
          );
        }
        quoting = false;
        // The field is not empty (it was quoted); the record delimiter comes next.
        fieldStart = pos++;
        continue;
      }

      // Outside quotes: skip plain content, then handle the special byte.
      let c = 0;
      while (pos < len) {
        c = buf[pos]!;
        if (SPECIAL[c] !== 0) break;
        pos++;
      }
      if (pos === len) break;
      if (c === COMMA) {
        fields++;
        fieldStart = ++pos;
        continue;
      }
      if (c === QUOTE) {
        if (pos !== fieldStart) {
          throw new InvalidInputError(
            `${this.path}: a quote appears inside an unquoted field at line ${line}; wrap the field in quotes and write the quote as "".`,
            'files',
          );
        }
        quoting = true;
        pos++;
        continue;
      }
      // A line-ending byte: the record delimiter (length 1 or 2), or field content.
      let delimiterLength: number;
      let lineBreak = 1;
      if (c === LF) {
        if (delimiter === DELIMITER_UNKNOWN) delimiter = DELIMITER_LF;
        delimiterLength = delimiter === DELIMITER_LF ? 1 : 0;
      } else {
        if (pos + 1 === len && !final) break; // is it `\r\n`? the next chunk tells
        const crlf = buf[pos + 1] === LF;
        if (delimiter === DELIMITER_UNKNOWN) delimiter = crlf ? DELIMITER_CRLF : DELIMITER_CR;
        if (delimiter === DELIMITER_CR) delimiterLength = 1;
        else delimiterLength = delimiter === DELIMITER_CRLF && crlf ? 2 : 0;
        // In a `\r\n` that is not read as one delimiter, the line ends with the `\n`.
        if (crlf && delimiterLength !== 2) lineBreak = 0;
      }
      if (delimiterLength === 0) {
        pos++;
        line += lineBreak;
        continue;
      }
      if (fields === 0 && pos === fieldStart) {
        // An empty line: skipped.
        pos += delimiterLength;
        line += lineBreak;
        fieldStart = pos;
        recordStartLine = line;
        if (headerLength < 0) this.headerStart = base + pos;
        continue;
      }
      const count = fields + 1;
      if (count === headerLength) records++;
      else if (headerLength >= 0) throw this.raggedRow(count, recordStartLine, line);
      else {
        this.recordStartLine = recordStartLine;
        this.readHeader(count, base + pos);
        headerLength = count;
      }
      lastEndLine = line;
      pos += delimiterLength;
      line += lineBreak;
      fields = 0;
      fieldStart = pos;
      recordStartLine = line;
    }

    if (pos < len) this.carry = buf.subarray(pos);
    this.delimiter = delimiter;
    this.quoting = quoting;
    this.fields = fields;
    this.fieldEmpty = pos === fieldStart;
    this.line = line;
    this.recordStartLine = recordStartLine;
    this.lastEndLine = lastEndLine;
    this.records = records;
  }

  /** Ends a record (`fieldCount` fields; its last byte is on `endLine`; its delimiter is at file offset `end`). */
  private endRecord(fieldCount: number, endLine: number, end: number): void {
    if (this.headerLength < 0) this.readHeader(fieldCount, end);
    else if (fieldCount !== this.headerLength)
      throw this.raggedRow(fieldCount, this.recordStartLine, endLine);
    else this.records++;
    this.lastEndLine = endLine;
  }

  private raggedRow(fieldCount: number, startLine: number, endLine: number): InvalidInputError {
    const where = startLine === endLine ? `line ${startLine}` : `the record on lines ${startLine}-${endLine}`;
    return new InvalidInputError(
      `${this.path}: ${where} has ${plural(fieldCount, 'field')}, the header has ${this.headerLength}.`,
      'files',
    );
  }

  /** Decodes the header record, the bytes from `headerStart` to `end`, and checks its names. */
  private readHeader(fieldCount: number, end: number): void {
    const parts: Buffer[] = [];
    for (const { offset, bytes } of this.headerChunks) {
      const from = Math.max(this.headerStart, offset);
      const to = Math.min(end, offset + bytes.length);
      if (from < to) parts.push(bytes.subarray(from - offset, to - offset));
    }
    this.headerChunks = [];
    const names = splitRecord(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    if (names.length !== fieldCount) {
      throw new Error(`CsvScanner: the header has ${fieldCount} fields but ${names.length} were decoded`);
    }
    this.header = checkHeader(names, this.path, this.recordStartLine);
    this.headerLength = fieldCount;
  }
}

/** How many bytes of a UTF-8 BOM (EF BB BF) start at `buf[pos]`: 3 for a whole one. */
function bomBytesAt(buf: Buffer, pos: number): number {
  if (buf[pos] !== 0xef) return 0;
  if (buf[pos + 1] !== 0xbb) return 1;
  return buf[pos + 2] === 0xbf ? 3 : 2;
}

/** The fields of one record that the scanner has already validated (so every quote is where it may be). */
function splitRecord(raw: Buffer): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (raw[i] === QUOTE) {
      let value = '';
      i++;
      for (;;) {
        const close = raw.indexOf(QUOTE, i);
        if (close === -1) throw new Error('CsvScanner: a header field has no closing quote');
        value += raw.toString('utf8', i, close);
        if (raw[close + 1] === QUOTE) {
          value += '"';
          i = close + 2;
        } else {
          i = close + 1;
          break;
        }
      }
      fields.push(value);
    } else {
      let comma = raw.indexOf(COMMA, i);
      if (comma === -1) comma = raw.length;
      fields.push(raw.toString('utf8', i, comma));
      i = comma;
    }
    if (i >= raw.length) return fields;
    i++; // the comma
  }
}

/** Header names must be unique and not blank. */
export function checkHeader(record: string[], path: string, line: number): string[] {
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
