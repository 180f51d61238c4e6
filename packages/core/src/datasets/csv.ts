import { CsvScanner } from './csv-scanner.js';
import type { TableSummary } from './table.js';
import { decodeUtf8, findInvalidUtf8 } from './utf8.js';

/**
 * Checks a CSV file as it streams: a header row with unique, non-empty names, then rows with exactly as many
 * fields, well-formed quotes, strict UTF-8 without NUL characters. Records are counted, never kept, and only
 * the header row is decoded to strings (see CsvScanner for the CSV rules), so a 50 MB file costs little
 * memory and time.
 *
 * The first problem in the file is reported, whatever the chunking: when a chunk has bad UTF-8 (or a NUL),
 * its bytes up to the bad one are scanned first, and a CSV problem there wins over the encoding error.
 */
export async function inspectCsv(
  chunks: AsyncIterable<Buffer>,
  path: string,
  minRecords: number,
): Promise<TableSummary> {
  const scanner = new CsvScanner(path);
  // decodeUtf8 validates each chunk (strict UTF-8, no NUL) before it yields its text, and yields nothing
  // for a chunk that completes no character: chunks wait here until decodeUtf8 has accepted them.
  const waiting: Buffer[] = [];
  let previous: Buffer | undefined;
  async function* tap(): AsyncGenerator<Buffer> {
    for await (const chunk of chunks) {
      if (chunk.length === 0) continue; // decodeUtf8 would lose track of a character split around it
      // decodeUtf8 checks a whole chunk for bad UTF-8 before it looks for NUL: a NUL goes in a chunk of its
      // own, so that whichever comes first in the file is reported, however the file is chunked.
      const nul = chunk.indexOf(0);
      const pieces =
        nul === -1
          ? [chunk]
          : [chunk.subarray(0, nul), chunk.subarray(nul, nul + 1), chunk.subarray(nul + 1)];
      for (const piece of pieces) {
        if (piece.length === 0) continue;
        waiting.push(piece);
        yield piece;
      }
    }
  }
  const scanWaiting = () => {
    for (const chunk of waiting) {
      scanner.push(chunk);
      previous = chunk;
    }
    waiting.length = 0;
  };

  let scanning = false;
  try {
    for await (const _text of decodeUtf8(tap(), path)) {
      scanning = true;
      scanWaiting();
      scanning = false;
    }
  } catch (err) {
    if (!scanning) scanValidPrefix(scanner, waiting, previous);
    throw err;
  }
  scanWaiting();
  return scanner.finish(minRecords);
}

/**
 * decodeUtf8 failed on the waiting chunks (or the source failed): scans them up to and including the first
 * byte that does not start a complete, valid character, or a NUL. So a CSV problem before it is reported
 * instead, and the outcome does not depend on where the chunks end: in chunks that were scanned whole, the
 * bytes past that point are all part of a broken character (0x80 and above), which can end a quote or a
 * `\r` held for the next byte but are otherwise plain field content.
 */
function scanValidPrefix(scanner: CsvScanner, waiting: Buffer[], previous: Buffer | undefined): void {
  if (waiting.length === 0) return;
  const bytes = waiting.length === 1 ? waiting[0]! : Buffer.concat(waiting);
  const tail = previous === undefined ? 0 : unfinishedCharLength(previous);
  const checked = tail === 0 ? bytes : Buffer.concat([previous!.subarray(previous!.length - tail), bytes]);
  const invalid = findInvalidUtf8(checked, true);
  if (invalid !== -1 && invalid < tail) return; // the broken character starts in a chunk already scanned
  let end = invalid === -1 ? bytes.length : invalid - tail + 1;
  const nul = bytes.indexOf(0);
  if (nul !== -1 && nul < end) end = nul + 1;
  scanner.push(bytes.subarray(0, end));
}

/** How many bytes at the end of `chunk` begin a character that the next chunk would complete. */
function unfinishedCharLength(chunk: Buffer): number {
  // A character is at most 4 bytes, so only the last 3 bytes can be an unfinished one.
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const b = chunk[chunk.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look for the lead byte
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}
