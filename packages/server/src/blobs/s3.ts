import { createReadStream } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NotFoundError } from '@openframer/core';
import type { S3Config } from '../config.js';
import { type BlobInfo, type BlobStore, bodyStream, checkBlobKey, meter } from './store.js';

export interface S3BlobStoreOptions extends S3Config {
  /** Multipart part size in bytes (S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts uploaded at once per blob. */
  queueSize?: number;
}

/**
 * Blobs as objects in an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, ...), under an optional key
 * prefix. An object appears whole when its upload completes, so readers never see a partial blob.
 * Downloads still go through our server's signed links (the bucket can stay private).
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3' as const;
  readonly bucket: string;
  private readonly prefix: string;
  private readonly client: S3Client;
  private readonly partSize: number;
  private readonly queueSize: number;

  constructor(options: S3BlobStoreOptions) {
    this.bucket = options.bucket;
    this.prefix = options.prefix;
    this.partSize = Math.max(options.partSize ?? 8 * 1024 * 1024, 5 * 1024 * 1024);
    this.queueSize = options.queueSize ?? 4;
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle,
      // Undefined: the SDK's default chain (environment, shared config, instance or task role).
      ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
      // The SDK's default CRC checksums are refused by several S3-compatible servers.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Fails when the bucket cannot be reached with these settings (run at start, like a database ping). */
  async verify(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
      const status = e.$metadata?.httpStatusCode;
      throw new Error(
        `S3 bucket ${this.bucket} is not reachable${status ? ` (HTTP ${status})` : ''}: ${e.name ?? ''} ${e.message ?? ''}`.trim(),
      );
    }
  }

  /** Where the store points, without credentials (for logs). */
  describe(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  private objectKey(key: string): string {
    return this.prefix + checkBlobKey(key);
  }

  private dirKey(prefix: string): string {
    return `${this.objectKey(prefix.replace(/\/+$/, ''))}/`;
  }

  async put(key: string, body: Readable | Buffer | string): Promise<BlobInfo> {
    const Key = this.objectKey(key);
    const measured = meter();
    // A source error destroys the meter, which fails (and aborts) the upload.
    const metered = pipeline(bodyStream(body), measured.stream, () => {});
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key, Body: metered },
      partSize: this.partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    await upload.done();
    return measured.info();
  }

  async putFile(key: string, path: string): Promise<BlobInfo> {
    const info = await this.put(key, createReadStream(path));
    await unlink(path);
    return info;
  }

  async get(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      if (!out.Body) throw new NotFoundError(`blob ${key} not found`);
      // In Node the body is an http.IncomingMessage: a Readable.
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new NotFoundError(`blob ${key} not found`);
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | undefined> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    // Deleting a missing object succeeds in S3.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  async deletePrefix(prefix: string): Promise<void> {
    const dir = this.dirKey(prefix);
    // Each page is deleted before the next is listed, so continuation is not needed: list from the start.
    for (;;) {
      const keys: string[] = [];
      for await (const key of this.list(dir, 1000)) keys.push(key);
      if (keys.length === 0) return;
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      if (out.Errors?.length) {
        const first = out.Errors[0]!;
        throw new Error(
          `could not delete ${out.Errors.length} blob(s) under ${prefix}: ${first.Key}: ${first.Code} ${first.Message ?? ''}`.trim(),
        );
      }
      if (keys.length < 1000) return;
    }
  }

  async count(prefix?: string): Promise<number> {
    let total = 0;
    for await (const _ of this.list(prefix ? this.dirKey(prefix) : this.prefix)) total++;
    return total;
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  /** Object keys under `prefix`, page by page; stops after `limit` keys when given. */
  private async *list(prefix: string, limit = Number.POSITIVE_INFINITY): AsyncGenerator<string> {
    let token: string | undefined;
    let seen = 0;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          ContinuationToken: token,
          MaxKeys: Math.min(1000, limit - seen),
        }),
      );
      for (const object of page.Contents ?? []) {
        if (!object.Key) continue;
        yield object.Key;
        if (++seen >= limit) return;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  // HeadObject has no body, so its 404 is a bare `NotFound`; a missing bucket on GET stays an error.
  return e?.name === 'NoSuchKey' || e?.Code === 'NoSuchKey' || e?.name === 'NotFound';
}
