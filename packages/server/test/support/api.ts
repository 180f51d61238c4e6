import { once } from 'node:events';
import { expect } from 'vitest';
import yauzl from 'yauzl';
import type { Harness } from './harness.js';

/** Creates a spec, waits for its job, and returns its id; the spec must succeed. */
export async function settledSpec(h: Harness, body: Record<string, unknown>): Promise<string> {
  const res = await h.request({ method: 'POST', url: '/api/dataframer/specs/', payload: body });
  expect(res.statusCode, res.body).toBe(202);
  await h.ctx.jobs.idle(30_000);
  const spec = (await h.request({ method: 'GET', url: `/api/dataframer/specs/${res.json().id}/` })).json();
  expect(spec.status, spec.error).toBe('SUCCEEDED');
  return spec.id;
}

/**
 * Starts a run, waits for its job, and returns the run. Automatic evaluation is off unless the body turns it
 * on: its model calls would otherwise land in the fake provider's log of the test.
 */
export async function runToEnd(h: Harness, body: Record<string, unknown>) {
  const res = await h.request({
    method: 'POST',
    url: '/api/dataframer/runs/',
    payload: { evaluate_after: false, ...body },
  });
  expect(res.statusCode, res.body).toBe(202);
  await h.ctx.jobs.idle(60_000);
  return (await h.request({ method: 'GET', url: `/api/dataframer/runs/${res.json().id}/` })).json();
}

/** Every entry of a ZIP as text, by path. */
export async function unzip(buffer: Buffer): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z!))),
  );
  const out = new Map<string, string>();
  zip.readEntry();
  zip.on('entry', (entry: yauzl.Entry) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) throw err;
      const chunks: Buffer[] = [];
      stream!.on('data', (c: Buffer) => chunks.push(c));
      stream!.on('end', () => {
        out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
        zip.readEntry();
      });
    });
  });
  await once(zip, 'end');
  return out;
}
