import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { APIClient } from '../core/api-client.js';
import { APIConnectionError, APIUserAbortError } from '../core/errors.js';
import { sleep } from '../core/sleep.js';
import { extractZip } from './unzip.js';

export interface DownloadToOptions {
  signal?: AbortSignal;
  /** How often to ask again while the server builds the ZIP. Default 500 ms. */
  pollIntervalMs?: number;
}

export interface DownloadedRun {
  /** The folder the files were extracted into (absolute). */
  directory: string;
  /** Extracted files, relative to `directory`, with `/` separators. */
  files: string[];
  zipBytes: number;
}

interface ZipLink {
  download_url: string;
  size_bytes: number;
}

/** Asks for a ZIP until it is ready (the 202 → 200 dance) and returns its link. */
export async function waitForZipLink<L extends ZipLink>(
  ask: (signal?: AbortSignal) => Promise<L | { status: string }>,
  options: DownloadToOptions = {},
): Promise<L> {
  const interval = options.pollIntervalMs ?? 500;
  for (;;) {
    const answer = await ask(options.signal);
    if ('download_url' in answer) return answer;
    await sleep(interval, options.signal);
  }
}

/**
 * Downloads a ZIP behind a signed link and extracts it into `dir` (created if needed): streams it
 * through a temporary file, and refuses entries that would escape `dir`.
 */
export async function downloadZipTo(
  client: APIClient,
  link: ZipLink,
  dir: string,
  signal?: AbortSignal,
): Promise<DownloadedRun> {
  const directory = resolve(dir);
  await mkdir(directory, { recursive: true });
  // Beside the target, so the move stays on one filesystem and a failure leaves `dir` untouched.
  const staging = await mkdtemp(join(directory, '.openframer-download-'));
  try {
    const zipPath = join(staging, 'files.zip');
    // Signed links need no key; none is sent, as the link may point at another host (object storage).
    const res = await client.send(
      { method: 'GET', path: link.download_url, auth: false, accept: 'application/zip' },
      { signal },
    );
    if (!res.body) throw new APIConnectionError({ message: 'the download had no body' });
    try {
      await pipeline(
        Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
        createWriteStream(zipPath),
        { signal },
      );
    } catch (err) {
      if (signal?.aborted) throw new APIUserAbortError();
      throw new APIConnectionError({ message: 'the download broke off', cause: err });
    }
    const files = await extractZip(zipPath, directory, signal);
    return { directory, files, zipBytes: link.size_bytes };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
