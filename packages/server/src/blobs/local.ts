import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '@openframer/core';
import { type BlobInfo, type BlobStore, checkBlobKey, meter } from './store.js';

/**
 * Blobs as files under `<dataDir>/blobs`, written to a temp file under `<dataDir>/tmp` and renamed into
 * place (no fsync). Directories are created when a write or rename finds them missing, rather than by a
 * recursive mkdir before every put.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  private readonly root: string;
  private readonly tmp: string;

  constructor(dataDir: string) {
    this.root = resolve(dataDir, 'blobs');
    this.tmp = resolve(dataDir, 'tmp');
  }

  private pathOf(key: string): string {
    return join(this.root, ...checkBlobKey(key).split('/'));
  }

  async put(key: string, body: Readable | Buffer | string): Promise<BlobInfo> {
    const target = this.pathOf(key);
    const temp = join(this.tmp, `blob-${randomUUID()}`);
    try {
      if (typeof body === 'string' || Buffer.isBuffer(body)) {
        // Bytes in hand (a generated sample's file, an export): one write, no stream pipeline.
        const bytes = typeof body === 'string' ? Buffer.from(body) : body;
        await this.#inTmp(() => writeFile(temp, bytes));
        await moveInto(temp, target);
        return { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
      }
      // A stream cannot be replayed after a failed attempt, so its temp dir is made first.
      await mkdir(this.tmp, { recursive: true });
      const measured = meter();
      await pipeline(body, measured.stream, createWriteStream(temp));
      await moveInto(temp, target);
      return measured.info();
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** Runs `write` (which creates a file in the temp dir), again after creating the temp dir if it is missing. */
  async #inTmp(write: () => Promise<unknown>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      await mkdir(this.tmp, { recursive: true });
      await write();
    }
  }

  async putFile(key: string, path: string): Promise<BlobInfo> {
    const target = this.pathOf(key);
    const hash = createHash('sha256');
    await pipeline(createReadStream(path), hash);
    const { size } = await stat(path);
    await mkdir(dirname(target), { recursive: true });
    try {
      await rename(path, target);
    } catch (err) {
      // Another filesystem: copy, then drop the source.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await copyFile(path, target);
      await unlink(path);
    }
    return { size, sha256: hash.digest('hex') };
  }

  async get(key: string): Promise<Readable> {
    const path = this.pathOf(key);
    try {
      await stat(path);
    } catch {
      throw new NotFoundError(`blob ${key} not found`);
    }
    return createReadStream(path);
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      const s = await stat(this.pathOf(key));
      return { size: s.size };
    } catch {
      return undefined;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async deletePrefix(prefix: string): Promise<void> {
    const path = this.pathOf(prefix.replace(/\/+$/, ''));
    if (!path.startsWith(this.root + sep)) throw new Error(`invalid blob prefix: ${prefix}`);
    await rm(path, { recursive: true, force: true });
  }

  async count(prefix?: string): Promise<number> {
    const start = prefix ? this.pathOf(prefix.replace(/\/+$/, '')) : this.root;
    return countFiles(start);
  }
}

/** Renames `temp` to `target`, creating the target's directory when the rename says it is missing. */
async function moveInto(temp: string, target: string): Promise<void> {
  try {
    await rename(temp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    await mkdir(dirname(target), { recursive: true });
    await rename(temp, target);
  }
}

async function countFiles(dir: string): Promise<number> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let total = 0;
  for (const entry of entries) {
    total += entry.isDirectory() ? await countFiles(join(dir, entry.name)) : 1;
  }
  return total;
}
