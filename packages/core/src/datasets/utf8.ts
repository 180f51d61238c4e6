import { InvalidInputError } from '../errors.js';

const NEWLINE = 0x0a;

/**
 * Index of the first byte that starts an invalid UTF-8 sequence in `bytes`, or -1 when all of it is valid.
 * A sequence cut off by the end of `bytes` is invalid only when `final` is set (more bytes may follow otherwise).
 * Follows the WHATWG decoder's rules, so it agrees with `TextDecoder('utf-8', { fatal: true })`.
 */
export function findInvalidUtf8(bytes: Uint8Array, final = true): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      // E0 would allow overlong forms, ED would encode surrogates.
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      // F0 would allow overlong forms, F4 would go past U+10FFFF.
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= bytes.length) return final ? i : -1;
      const c = bytes[i + k]!;
      if (c < lo || c > hi) return i;
      lo = 0x80;
      hi = 0xbf;
    }
    i += need + 1;
  }
  return -1;
}

/** The trailing bytes of a valid chunk that begin a character the next chunk completes. */
function pendingTail(chunk: Uint8Array): Uint8Array {
  // A character is at most 4 bytes, so only the last 3 bytes can be an unfinished one.
  for (let back = 1; back <= Math.min(3, chunk.length); back++) {
    const b = chunk[chunk.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead byte
    const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return length > back ? chunk.subarray(chunk.length - back) : new Uint8Array(0);
  }
  return new Uint8Array(0);
}

function countNewlines(bytes: Uint8Array, end = bytes.length): number {
  let n = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1 && i < end; i = bytes.indexOf(NEWLINE, i + 1)) n++;
  return n;
}

function countNewlinesInString(text: string, end = text.length): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function hex(b: number): string {
  return `0x${b.toString(16).toUpperCase().padStart(2, '0')}`;
}

const HOW_TO_FIX = 'save the file with UTF-8 encoding and upload it again';

/**
 * Decodes a byte stream as strict UTF-8, yielding text chunks. A leading BOM is dropped.
 * Invalid bytes and NUL characters (a sign of a binary file) stop it with an InvalidInputError that names
 * the line and byte offset, so the person can find the problem in their editor.
 */
export async function* decodeUtf8(chunks: AsyncIterable<Buffer>, path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytesBefore = 0;
  let linesBefore = 0;
  let previous: Uint8Array = new Uint8Array(0);
  for await (const chunk of chunks) {
    let text: string;
    try {
      text = decoder.decode(chunk, { stream: true });
    } catch {
      throw invalidUtf8Error(path, previous, chunk, bytesBefore, linesBefore);
    }
    checkNoNul(text, path, linesBefore);
    bytesBefore += chunk.length;
    linesBefore += countNewlines(chunk);
    previous = chunk;
    if (text.length > 0) yield text;
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw new InvalidInputError(
      `${path}: is not valid UTF-8 text (it ends in the middle of a character); ${HOW_TO_FIX}.`,
      'files',
    );
  }
  if (rest.length > 0) yield rest;
}

function invalidUtf8Error(
  path: string,
  previous: Uint8Array,
  chunk: Uint8Array,
  bytesBefore: number,
  linesBefore: number,
): InvalidInputError {
  // The decoder may hold the start of a character from the previous chunk: check from there.
  const tail = pendingTail(previous);
  const bytes = Buffer.concat([tail, chunk]);
  const at = findInvalidUtf8(bytes, false);
  if (at === -1) return new InvalidInputError(`${path}: is not valid UTF-8 text; ${HOW_TO_FIX}.`, 'files');
  const offset = bytesBefore - tail.length + at;
  const line = linesBefore + countNewlines(bytes, at) + 1;
  return new InvalidInputError(
    `${path}: is not valid UTF-8 text (byte ${hex(bytes[at]!)} at line ${line}, byte offset ${offset}); ${HOW_TO_FIX}.`,
    'files',
  );
}

function checkNoNul(text: string, path: string, linesBefore: number): void {
  const at = text.indexOf('\u0000');
  if (at === -1) return;
  const line = linesBefore + countNewlinesInString(text, at) + 1;
  throw new InvalidInputError(
    `${path}: contains a NUL character at line ${line}; it looks like a binary file, not text.`,
    'files',
  );
}
