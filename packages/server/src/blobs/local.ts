import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { NotFoundError } from '@openframer/core';
import { type BlobInfo, type BlobStore, bodyStream, checkBlobKey, meter } from './store.js';

/** Blobs as files under `<dataDir>/blobs`, written to a temp file and renamed into place. */
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
    await mkdir(this.tmp, { recursive: true });
    const temp = join(this.tmp, `blob-${randomUUID()}`);
    const measured = meter();
    try {
      await pipeline(bodyStream(body), measured.stream, createWriteStream(temp));
      await mkdir(dirname(target), { recursive: true });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
    return measured.info();
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
