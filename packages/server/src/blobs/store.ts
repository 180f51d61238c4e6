import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';

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
  /** Releases connections (a store on the network); the local store has none. */
  close?(): Promise<void>;
}

/** The body as a stream, whatever form it was given in. */
export const bodyStream = (body: Readable | Buffer | string): Readable =>
  typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;

/** A pass-through that measures what flows through it: size and sha256, read with `info()` at the end. */
export function meter(): { stream: Transform; info(): BlobInfo } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, info: () => ({ size, sha256: hash.digest('hex') }) };
}

const KEY_PATTERN = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

/** Keys are relative `/`-separated paths of safe characters, never `.` or `..`: every store accepts the same. */
export function checkBlobKey(key: string): string {
  if (!KEY_PATTERN.test(key) || key.split('/').some((part) => part === '..' || part === '.')) {
    throw new Error(`invalid blob key: ${key}`);
  }
  return key;
}
