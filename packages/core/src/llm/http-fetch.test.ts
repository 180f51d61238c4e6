import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpFetch } from './http-fetch.js';

let server: Server;
let base: string;
const seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  switch (req.url) {
    case '/echo':
      res.writeHead(201, 'Made', { 'content-type': 'application/json', 'x-extra': 'yes' });
      res.end(JSON.stringify({ body, method: req.method }));
      return;
    case '/gzip':
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      res.end(gzipSync('compressed hello'));
      return;
    case '/empty':
      res.writeHead(204);
      res.end();
      return;
    case '/slow':
      setTimeout(() => res.end('late'), 2_000).unref();
      return;
    case '/moved':
      res.writeHead(307, { location: '/echo' });
      res.end();
      return;
    default:
      res.writeHead(429, { 'retry-after': '0' });
      res.end('{"error":{"message":"slow down"}}');
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('createHttpFetch', () => {
  const fetchHttp = createHttpFetch();

  it('posts a body with its headers and returns a standard Response', async () => {
    const res = await fetchHttp(`${base}/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer k', skipped: undefined } as never,
      body: '{"a":"é"}',
    });
    expect(res).toBeInstanceOf(Response);
    expect(res.status).toBe(201);
    expect(res.statusText).toBe('Made');
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await res.json()).toEqual({ body: '{"a":"é"}', method: 'POST' });
    const request = seen.at(-1)!;
    expect(request.headers.authorization).toBe('Bearer k');
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength('{"a":"é"}')));
    expect(request.headers).not.toHaveProperty('skipped');
  });

  it('returns error statuses as responses, decodes gzip and handles bodiless statuses', async () => {
    const refused = await fetchHttp(`${base}/limited`, { method: 'POST', body: '{}' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('0');
    expect(await refused.text()).toContain('slow down');
    expect(await (await fetchHttp(`${base}/gzip`)).text()).toBe('compressed hello');
    const empty = await fetchHttp(`${base}/empty`, { method: 'POST', body: '' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('rejects with the signal reason on abort, before and during the request', async () => {
    const early = new AbortController();
    early.abort(new Error('not now'));
    await expect(fetchHttp(`${base}/echo`, { signal: early.signal })).rejects.toThrow('not now');
    const late = new AbortController();
    const pending = fetchHttp(`${base}/slow`, { method: 'POST', body: 'x', signal: late.signal });
    setTimeout(() => late.abort(new DOMException('gone', 'TimeoutError')), 50);
    await expect(pending).rejects.toMatchObject({ name: 'TimeoutError' });
  });

  it('fails like fetch when it cannot connect', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const err = await fetchHttp(`http://127.0.0.1:${port}/`, { method: 'POST', body: '{}' }).catch((e) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
    expect(err.cause).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('leaves redirects and request objects to the built-in fetch', async () => {
    const fallback = vi.fn(async () => new Response('from fallback'));
    const withFallback = createHttpFetch(fallback as unknown as typeof fetch);
    expect(await (await withFallback(`${base}/moved`, { method: 'POST', body: '{}' })).text()).toBe(
      'from fallback',
    );
    await withFallback(new Request(`${base}/echo`));
    expect(fallback).toHaveBeenCalledTimes(2);
  });
});
