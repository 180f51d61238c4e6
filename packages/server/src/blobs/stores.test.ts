import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { NotFoundError } from '@openframer/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeS3, startFakeS3 } from '../../test/support/s3.js';
import { loadConfig } from '../config.js';
import { LocalBlobStore } from './local.js';
import { S3BlobStore } from './s3.js';
import type { BlobStore } from './store.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

let s3: FakeS3;
let scratch: string;
beforeAll(async () => {
  s3 = await startFakeS3();
  scratch = await mkdtemp(join(tmpdir(), 'openframer-blobs-'));
});
afterAll(async () => {
  await s3?.close();
  await rm(scratch, { recursive: true, force: true });
});

/** The same behaviour from every store. */
const stores: [string, () => Promise<BlobStore>][] = [
  ['local', async () => new LocalBlobStore(await mkdtemp(join(scratch, 'local-')))],
  [
    's3',
    async () => {
      const config = loadConfig({ ...s3.env(`t${randomBytes(4).toString('hex')}/blobs`) });
      return new S3BlobStore({ ...config.s3!, partSize: 5 * 1024 * 1024 });
    },
  ],
];

describe.each(stores)('%s blob store', (_kind, make) => {
  let store: BlobStore;
  beforeAll(async () => {
    store = await make();
  });
  afterAll(async () => {
    await store?.close?.();
  });

  it('puts a string, a buffer and a stream, and gets the same bytes back with size and sha256', async () => {
    const text = 'name,age\nAda,36\n';
    expect(await store.put('datasets/d1/a.csv', text)).toEqual({
      size: Buffer.byteLength(text),
      sha256: sha256(text),
    });
    const bytes = randomBytes(1000);
    expect(await store.put('datasets/d1/b.bin', bytes)).toEqual({ size: 1000, sha256: sha256(bytes) });
    const parts = [Buffer.from('one '), Buffer.from('two '), Buffer.from('three')];
    expect(await store.put('datasets/d1/c.txt', Readable.from(parts))).toEqual({
      size: 13,
      sha256: sha256('one two three'),
    });
    expect((await buffer(await store.get('datasets/d1/a.csv'))).toString()).toBe(text);
    expect(await buffer(await store.get('datasets/d1/b.bin'))).toEqual(bytes);
    expect((await buffer(await store.get('datasets/d1/c.txt'))).toString()).toBe('one two three');
    expect(await store.stat('datasets/d1/b.bin')).toEqual({ size: 1000 });
  });

  it('stores an empty blob', async () => {
    expect(await store.put('empty/e.txt', '')).toEqual({ size: 0, sha256: sha256('') });
    expect(await store.stat('empty/e.txt')).toEqual({ size: 0 });
    expect((await buffer(await store.get('empty/e.txt'))).length).toBe(0);
  });

  it('overwrites a blob whole', async () => {
    await store.put('over/x.txt', 'first version, longer');
    await store.put('over/x.txt', 'second');
    expect((await buffer(await store.get('over/x.txt'))).toString()).toBe('second');
  });

  it('reports a missing blob: stat undefined, get NotFoundError, delete is a no-op', async () => {
    expect(await store.stat('nothing/here.txt')).toBeUndefined();
    await expect(store.get('nothing/here.txt')).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.delete('nothing/here.txt')).resolves.toBeUndefined();
  });

  it('refuses keys that escape or are malformed', async () => {
    for (const key of ['../x', 'a/../b', '/abs', 'a//b', 'sp ace', '']) {
      await expect(store.put(key, 'x')).rejects.toThrow(/invalid blob key/);
    }
  });

  it('moves a local file in (the source is gone afterwards)', async () => {
    const path = join(scratch, `upload-${randomBytes(4).toString('hex')}.csv`);
    await writeFile(path, 'a,b\n1,2\n');
    expect(await store.putFile('files/f1/data.csv', path)).toEqual({ size: 8, sha256: sha256('a,b\n1,2\n') });
    await expect(stat(path)).rejects.toThrow();
    expect((await buffer(await store.get('files/f1/data.csv'))).toString()).toBe('a,b\n1,2\n');
  });

  it('counts and deletes by prefix, leaving neighbours alone', async () => {
    for (let i = 0; i < 5; i++) await store.put(`runs/r1/files/${i}.jsonl`, `{"i":${i}}`);
    await store.put('runs/r1/output.zip', 'zip');
    await store.put('runs/r10/output.zip', 'neighbour with a longer id');
    await store.put('runs/r2/output.zip', 'other run');
    expect(await store.count('runs/r1')).toBe(6);
    expect(await store.count('runs/r1/files')).toBe(5);
    expect(await store.count('runs/r10')).toBe(1);
    const before = await store.count();
    await store.deletePrefix('runs/r1/files');
    expect(await store.count('runs/r1')).toBe(1);
    await store.deletePrefix('runs/r1');
    expect(await store.count('runs/r1')).toBe(0);
    expect(await store.count('runs/r10')).toBe(1);
    expect(await store.count('runs/r2')).toBe(1);
    expect(await store.count()).toBe(before - 6);
    await expect(store.deletePrefix('runs/none')).resolves.toBeUndefined();
  });

  it('deletes a prefix holding more than one listing page (1000 keys)', { timeout: 120_000 }, async () => {
    const keys = Array.from({ length: 1005 }, (_, i) => `many/m1/${i}`);
    for (let i = 0; i < keys.length; i += 50) {
      await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, k)));
    }
    expect(await store.count('many/m1')).toBe(1005);
    await store.deletePrefix('many/m1');
    expect(await store.count('many/m1')).toBe(0);
  });

  it('streams a 12 MiB blob in (multipart on S3) with the right sha256', async () => {
    const chunk = randomBytes(1024 * 1024);
    const hash = createHash('sha256');
    const chunks: Buffer[] = [];
    for (let i = 0; i < 12; i++) {
      const c = Buffer.from(chunk);
      c[0] = i;
      hash.update(c);
      chunks.push(c);
    }
    const info = await store.put('big/b1/data.bin', Readable.from(chunks));
    expect(info).toEqual({ size: 12 * 1024 * 1024, sha256: hash.digest('hex') });
    expect(await store.stat('big/b1/data.bin')).toEqual({ size: 12 * 1024 * 1024 });
    const back = await buffer(await store.get('big/b1/data.bin'));
    expect(sha256(back)).toBe(info.sha256);
  });

  it('keeps no blob when the source stream fails', async () => {
    let sent = 0;
    const failing = new Readable({
      read() {
        if (sent++ < 3) this.push(randomBytes(64 * 1024));
        else this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put('broken/x.bin', failing)).rejects.toThrow(/client went away/);
    expect(await store.stat('broken/x.bin')).toBeUndefined();
  });
});

describe('S3 blob store settings', () => {
  it('keeps blobs under its key prefix, so two prefixes in one bucket do not see each other', async () => {
    const a = new S3BlobStore(loadConfig(s3.env('tenant-a')).s3!);
    const b = new S3BlobStore(loadConfig(s3.env('/tenant-b/')).s3!);
    await a.put('k/one.txt', 'a');
    expect(await b.stat('k/one.txt')).toBeUndefined();
    expect(await b.count()).toBe(0);
    expect(await a.count()).toBe(1);
    await a.deletePrefix('k');
    await a.close();
    await b.close();
  });

  it('verifies the bucket at start and names it when unreachable', async () => {
    await new S3BlobStore(loadConfig(s3.env()).s3!).verify();
    const missing = new S3BlobStore({ ...loadConfig(s3.env()).s3!, bucket: 'no-such-bucket' });
    await expect(missing.verify()).rejects.toThrow(/no-such-bucket is not reachable \(HTTP 404\)/);
    await missing.close();
  });

  it('reads its variables: path style by default with an endpoint, credentials only in pairs', () => {
    const withEndpoint = loadConfig({
      OPENFRAMER_S3_BUCKET: 'bkt',
      OPENFRAMER_S3_ENDPOINT: 'http://minio:9000/',
    });
    expect(withEndpoint.s3).toEqual({
      bucket: 'bkt',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      credentials: undefined,
      prefix: '',
      forcePathStyle: true,
    });
    const aws = loadConfig({
      OPENFRAMER_S3_BUCKET: 'bkt',
      OPENFRAMER_S3_REGION: 'eu-west-3',
      OPENFRAMER_S3_PREFIX: 'of',
    });
    expect(aws.s3).toMatchObject({
      endpoint: undefined,
      region: 'eu-west-3',
      prefix: 'of/',
      forcePathStyle: false,
    });
    expect(
      loadConfig({
        OPENFRAMER_S3_BUCKET: 'bkt',
        OPENFRAMER_S3_ENDPOINT: 'http://x:1',
        OPENFRAMER_S3_FORCE_PATH_STYLE: 'false',
      }).s3?.forcePathStyle,
    ).toBe(false);
    expect(loadConfig({}).s3).toBeUndefined();
    expect(() => loadConfig({ OPENFRAMER_S3_BUCKET: 'bkt', OPENFRAMER_S3_ACCESS_KEY_ID: 'AKIA' })).toThrow(
      /must be set together/,
    );
    expect(() => loadConfig({ OPENFRAMER_S3_ENDPOINT: 'http://x:1' })).toThrow(/OPENFRAMER_S3_BUCKET is not/);
    expect(() =>
      loadConfig({ OPENFRAMER_S3_BUCKET: 'bkt', OPENFRAMER_S3_FORCE_PATH_STYLE: 'maybe' }),
    ).toThrow(/OPENFRAMER_S3_FORCE_PATH_STYLE/);
  });
});

describe('local blob store files', () => {
  it('creates its temp and target directories when they are missing, and leaves no temp file behind', async () => {
    const dataDir = await mkdtemp(join(scratch, 'local-dirs-'));
    const store = new LocalBlobStore(dataDir);
    expect(await store.put('a/b/c.txt', 'one')).toEqual({ size: 3, sha256: sha256('one') });
    // Someone removes the temp dir and the blobs between two puts.
    await rm(join(dataDir, 'tmp'), { recursive: true });
    await rm(join(dataDir, 'blobs'), { recursive: true });
    const bytes = Buffer.from('two ünïcode');
    expect(await store.put('a/b/d.txt', bytes)).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    await rm(join(dataDir, 'tmp'), { recursive: true });
    expect(await store.put('a/e.txt', Readable.from([Buffer.from('three')]))).toEqual({
      size: 5,
      sha256: sha256('three'),
    });
    expect((await buffer(await store.get('a/b/d.txt'))).toString()).toBe('two ünïcode');
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  });

  it('removes its temp file when the rename fails', async () => {
    const dataDir = await mkdtemp(join(scratch, 'local-fail-'));
    const store = new LocalBlobStore(dataDir);
    await store.put('x/y.txt', 'a file where a directory is wanted');
    await expect(store.put('x/y.txt/z.txt', 'below a file')).rejects.toThrow();
    expect(await readdir(join(dataDir, 'tmp'))).toEqual([]);
  });
});
