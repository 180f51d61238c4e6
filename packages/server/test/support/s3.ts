import crypto from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface FakeS3 {
  endpoint: string;
  bucket: string;
  /** The OPENFRAMER_S3_* variables that point a server at this bucket. */
  env(prefix?: string): Record<string, string>;
  close(): Promise<void>;
}

/**
 * s3rver makes ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node 17+) no longer
 * offers, so any listing longer than a page fails with a 500. Triple DES with the key repeated three
 * times is the same cipher as single DES and is still available: map the one onto the other, for 'des' only.
 */
function allowS3rverDes(): void {
  const marked = crypto as unknown as { s3rverDes?: boolean };
  if (marked.s3rverDes) return;
  marked.s3rverDes = true;
  const triple = (key: crypto.CipherKey) => {
    const k = Buffer.from(key as Buffer);
    return Buffer.concat([k, k, k]);
  };
  const { createCipheriv, createDecipheriv } = crypto;
  crypto.createCipheriv = ((algorithm: string, key: crypto.CipherKey, iv: Buffer, options?: object) =>
    algorithm === 'des'
      ? createCipheriv('des-ede3-cbc', triple(key), iv)
      : createCipheriv(algorithm, key, iv, options as never)) as typeof crypto.createCipheriv;
  crypto.createDecipheriv = ((algorithm: string, key: crypto.CipherKey, iv: Buffer, options?: object) =>
    algorithm === 'des'
      ? createDecipheriv('des-ede3-cbc', triple(key), iv)
      : createDecipheriv(algorithm, key, iv, options as never)) as typeof crypto.createDecipheriv;
}

/** A fake S3 (s3rver) on 127.0.0.1, on a free port, storing in a temp dir, with one empty bucket. */
export async function startFakeS3(bucket = 'openframer-test'): Promise<FakeS3> {
  allowS3rverDes();
  // The SDK warns once per process that its 2027 releases need Node 22; the pinned version is what we test.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const directory = await mkdtemp(join(tmpdir(), 'openframer-s3-'));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  });
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    env: (prefix?: string) => ({
      OPENFRAMER_S3_BUCKET: bucket,
      OPENFRAMER_S3_ENDPOINT: endpoint,
      // s3rver's fixed credentials.
      OPENFRAMER_S3_ACCESS_KEY_ID: 'S3RVER',
      OPENFRAMER_S3_SECRET_ACCESS_KEY: 'S3RVER',
      ...(prefix ? { OPENFRAMER_S3_PREFIX: prefix } : {}),
    }),
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
