import type { Readable } from 'node:stream';

export interface BlobInfo {
  size: number;
  sha256: string;
}

/**
 * Where file bytes live (seed files, generated outputs, ZIPs). Keys are `/`-separated paths chosen by
 * the services, e.g. `datasets/<id>/<file id>`. Implementations: local files (default), S3 (scale-out).
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Stores the stream's bytes under `key`, atomically: a reader never sees a partial blob. */
  put(key: string, body: Readable | Buffer | string): Promise<BlobInfo>;
  /** Moves a local file into the store (cheap rename when the store is on the same disk). */
  putFile(key: string, path: string): Promise<BlobInfo>;
  get(key: string): Promise<Readable>;
  stat(key: string): Promise<{ size: number } | undefined>;
  delete(key: string): Promise<void>;
  /** Deletes every blob whose key starts with `prefix/`. */
  deletePrefix(prefix: string): Promise<void>;
  /** Counts blobs (for tests and health checks that look for orphans). */
  count(prefix?: string): Promise<number>;
}
