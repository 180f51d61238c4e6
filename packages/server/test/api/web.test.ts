import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

// The web UI at / (docs/web.md): a built dist/ stands in for packages/web's Vite build.
const INDEX =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/index-abc123.js"></script></body></html>';

describe('the web UI with a build', () => {
  let h: Harness;
  let dist: string;
  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'openframer-web-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), INDEX);
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log("ui");');
    await writeFile(join(dist, 'assets', 'index-def456.css'), 'body{margin:0}');
    await writeFile(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    h = await startHarness({ OPENFRAMER_WEB_DIR: dist });
  });
  afterAll(async () => {
    await h?.close();
    await rm(dist, { recursive: true, force: true });
  });

  it('serves index.html at / without caching it', async () => {
    const res = await h.request({ method: 'GET', url: '/', key: null });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(INDEX);
  });

  it('answers client-side routes with index.html (single-page app)', async () => {
    for (const url of ['/runs/abc', '/specs/3f1c1b8e-8a7e-4a53-9f53-0d8f5b2b6a11/', '/datasets?x=1']) {
      const res = await h.request({ method: 'GET', url, key: null });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toBe(INDEX);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('serves hashed assets with their content type and a year-long immutable cache', async () => {
    const js = await h.request({ method: 'GET', url: '/assets/index-abc123.js', key: null });
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log("ui");');
    const css = await h.request({ method: 'GET', url: '/assets/index-def456.css', key: null });
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    expect(css.headers['cache-control']).toContain('immutable');
    // Files outside assets/ are not hashed: revalidated every time.
    const icon = await h.request({ method: 'GET', url: '/favicon.svg', key: null });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('answers a missing asset with 404, not with the page', async () => {
    const res = await h.request({ method: 'GET', url: '/assets/index-old999.js', key: null });
    expect(res.statusCode).toBe(404);
  });

  it('never serves files outside the build', async () => {
    for (const url of ['/../package.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json']) {
      const res = await h.request({ method: 'GET', url, key: null });
      expect(res.body, url).not.toContain('"name"');
    }
  });

  it('leaves the API alone: unknown API paths are JSON 404s, docs and schema still answer', async () => {
    const nope = await h.request({ method: 'GET', url: '/api/dataframer/nope' });
    expect(nope.statusCode).toBe(404);
    expect(nope.headers['content-type']).toMatch(/^application\/json/);
    expect(nope.json().detail).toContain('/api/dataframer/nope');
    const other = await h.request({ method: 'GET', url: '/api/other/', key: null });
    expect(other.statusCode).toBe(404);
    expect(other.json()).toHaveProperty('detail');
    expect((await h.request({ method: 'GET', url: '/api/docs/', key: null })).body).toMatch(/swagger/i);
    expect((await h.request({ method: 'GET', url: '/api/schema/', key: null })).json().openapi).toMatch(
      /^3\./,
    );
    const health = await h.request({ method: 'GET', url: '/api/dataframer/health/', key: null });
    expect(health.json().status).toBe('ok');
  });

  it('keeps its routes out of the OpenAPI document', async () => {
    const doc = (await h.request({ method: 'GET', url: '/api/schema/', key: null })).json();
    expect(Object.keys(doc.paths).filter((p) => !p.startsWith('/api/'))).toEqual([]);
  });
});

describe('the web UI without a build', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ OPENFRAMER_WEB_DIR: join(tmpdir(), 'openframer-web-missing-dist') });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('answers / and client routes with a page saying how to build the UI', async () => {
    for (const url of ['/', '/runs/abc']) {
      const res = await h.request({ method: 'GET', url, key: null });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('npm run build -w @openframer/web');
    }
    const api = await h.request({ method: 'GET', url: '/api/dataframer/nope' });
    expect(api.statusCode).toBe(404);
    expect(api.json()).toHaveProperty('detail');
  });
});
