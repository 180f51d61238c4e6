import { createReadStream } from 'node:fs';
import { TooLargeError } from '../errors.js';
import { formatBytes } from './limits.js';
import type { StagedFile } from './types.js';

/** A StagedFile backed by a file on disk: each `open()` starts a fresh read from the beginning. */
export function stagedFileFromPath(
  path: string,
  name: string,
  folder: string | null,
  size: number,
): StagedFile {
  return { name, folder, size, open: () => createReadStream(path) };
}

/** Counts the bytes a reader has seen, so callers can report the real size instead of the claimed one. */
export interface ByteCount {
  bytes: number;
}

/**
 * Reads a staged file chunk by chunk, stopping with TooLargeError as soon as it passes `limit` bytes.
 * The declared `size` is not trusted: the bytes are counted as they arrive.
 */
export async function* readLimited(
  file: StagedFile,
  path: string,
  limit: number,
  limitName: string,
  count: ByteCount,
): AsyncGenerator<Buffer> {
  // Breaking out of `for await` destroys the stream, so an early error does not leave the file open.
  for await (const chunk of file.open()) {
    const buf: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : (chunk as Buffer);
    count.bytes += buf.length;
    if (count.bytes > limit) {
      throw new TooLargeError(`${path}: is larger than the ${formatBytes(limit)} ${limitName}.`, 'files');
    }
    yield buf;
  }
}

/** Reads a whole (size-limited) source into one Buffer, for formats that need all bytes at once. */
export async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return Buffer.concat(parts);
}
