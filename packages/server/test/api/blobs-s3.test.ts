import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3BlobStore } from '../../src/blobs/s3.js';
import { folderOfFiles, readExample } from '../support/examples.js';
import { type Harness, startHarness } from '../support/harness.js';
import { file, multipart } from '../support/multipart.js';
import { type FakeS3, startFakeS3 } from '../support/s3.js';

let s3: FakeS3;
let h: Harness;
beforeAll(async () => {
  s3 = await startFakeS3();
  h = await startHarness(s3.env('openframer'));
});
afterAll(async () => {
  await h?.close();
  await s3?.close();
});

describe('a server whose blob store is S3', () => {
  it('uses the bucket, and says so in health', async () => {
    expect(h.ctx.blobs).toBeInstanceOf(S3BlobStore);
    const health = await h.request({ method: 'GET', url: '/api/dataframer/health/', key: null });
    expect(health.json().blobs).toEqual({ kind: 's3' });
  });

  it('stores an uploaded seed dataset in the bucket and serves it back through a signed link', async () => {
    const before = await h.footprint();
    const created = await h.request({
      method: 'POST',
      url: '/api/dataframer/seed-datasets/create/',
      ...multipart([
        ['name', 'claims in s3'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('insurance-claims.csv', readExample('insurance-claims.csv'))],
      ]),
    });
    expect(created.statusCode, created.body).toBe(201);
    const ds = created.json();
    expect(ds.files[0]).toMatchObject({
      record_count: 12,
      size_bytes: readExample('insurance-claims.csv').length,
    });
    const after = await h.footprint();
    // The upload's staging file moved into the bucket: nothing is left in tmp/.
    expect(after).toMatchObject({ datasets: before.datasets + 1, files: before.files + 1, tmp: 0 });
    expect(after.blobs).toBeGreaterThan(before.blobs);
    expect(await h.ctx.blobs.count(`datasets/${ds.id}`)).toBe(after.blobs - before.blobs);

    const link = await h.request({
      method: 'GET',
      url: `/api/dataframer/seed-datasets/${ds.id}/files/${ds.files[0].id}/download/`,
    });
    expect(link.statusCode).toBe(200);
    const url = new URL(link.json().download_url);
    expect(url.pathname).toBe('/api/dataframer/downloads/');
    const fetched = await h.request({ method: 'GET', url: url.pathname + url.search, key: null });
    expect(fetched.statusCode).toBe(200);
    expect(fetched.rawPayload.equals(readExample('insurance-claims.csv'))).toBe(true);
    expect(fetched.headers['content-disposition']).toContain('insurance-claims.csv');

    const content = await h.request({
      method: 'GET',
      url: `/api/dataframer/seed-datasets/${ds.id}/files/${ds.files[0].id}/content/`,
    });
    expect(content.statusCode).toBe(200);
    expect(content.body).toContain('CLM-10001');
  });

  it('deletes a dataset and its objects', async () => {
    const created = await h.request({
      method: 'POST',
      url: '/api/dataframer/seed-datasets/create/',
      ...multipart([
        ['name', 'tickets in s3'],
        ['dataset_type', 'MULTI_FILE'],
        ...folderOfFiles('support-tickets'),
      ]),
    });
    expect(created.statusCode, created.body).toBe(201);
    const ds = created.json();
    expect(await h.ctx.blobs.count(`datasets/${ds.id}`)).toBe(3);
    const deleted = await h.request({ method: 'DELETE', url: `/api/dataframer/seed-datasets/${ds.id}/` });
    expect(deleted.statusCode).toBe(204);
    expect(await h.ctx.blobs.count(`datasets/${ds.id}`)).toBe(0);
  });

  it('leaves nothing in the bucket when an upload is refused', async () => {
    const before = await h.footprint();
    const res = await h.request({
      method: 'POST',
      url: '/api/dataframer/seed-datasets/create/',
      ...multipart([
        ['name', 'bad'],
        ['dataset_type', 'SINGLE_FILE'],
        ['files', file('a.csv', 'a\n1\n')],
        ['files', file('b.csv', 'b\n2\n')],
      ]),
    });
    expect(res.statusCode).toBe(400);
    expect(await h.footprint()).toEqual(before);
  });

  it('refuses to start when the bucket does not exist', async () => {
    await expect(startHarness({ ...s3.env(), OPENFRAMER_S3_BUCKET: 'missing-bucket' })).rejects.toThrow(
      /S3 bucket missing-bucket is not reachable/,
    );
  });
});
