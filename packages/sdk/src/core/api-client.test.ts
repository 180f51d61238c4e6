import { afterEach, describe, expect, it } from 'vitest';
import { json, scriptedServer } from '../../test/support/scripted-server.js';
import { Dataframer } from '../client.js';
import { resolveApiKey, resolveBaseURL, retryDelay } from './api-client.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  type APIError,
  APIUserAbortError,
  BadRequestError,
  ConflictError,
  DataframerError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from './errors.js';

type Scripted = Awaited<ReturnType<typeof scriptedServer>>;
let server: Scripted | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const KEY = 'k'.repeat(64);
const clientFor = (s: Scripted, options: ConstructorParameters<typeof Dataframer>[0] = {}) =>
  new Dataframer({ apiKey: KEY, baseURL: s.url, ...options });

describe('retries', () => {
  it('retries a 429 after its Retry-After, then returns the answer', async () => {
    server = await scriptedServer((_req, res, i) =>
      i === 0
        ? json(res, 429, { detail: 'slow down' }, { 'retry-after': '0' })
        : json(res, 200, { models: [] }),
    );
    const result = await clientFor(server).dataframer.models.list();
    expect(result).toEqual({ models: [] });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(server.requests[1]!.headers['x-retry-count']).toBe('1');
  });

  it('gives up after maxRetries on 5xx with the last error, typed by status', async () => {
    server = await scriptedServer((_req, res) =>
      json(res, 503, { detail: 'busy' }, { 'retry-after-ms': '1' }),
    );
    const err = await clientFor(server)
      .dataframer.runs.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(503);
    expect((err as InternalServerError).detail).toBe('busy');
    expect(server.requests).toHaveLength(3);
  });

  it('retries POST creates too, as the official SDK does', async () => {
    server = await scriptedServer((_req, res, i) =>
      i === 0
        ? json(res, 502, { detail: 'bad gateway' }, { 'retry-after-ms': '1' })
        : json(res, 202, { id: 'r1' }),
    );
    const created = await clientFor(server).dataframer.runs.create({
      spec_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      number_of_samples: 3,
    });
    expect(created.id).toBe('r1');
    expect(server.requests.map((r) => r.method)).toEqual(['POST', 'POST']);
    expect(JSON.parse(server.requests[1]!.body)).toMatchObject({ number_of_samples: 3 });
  });

  it('does not retry 4xx answers (409 included), nor when the server says x-should-retry: false', async () => {
    server = await scriptedServer((req, res) =>
      req.url.startsWith('/api/dataframer/specs/')
        ? json(res, 409, { detail: 'name in use', errors: { name: ['name in use'] } })
        : json(res, 500, { detail: 'no' }, { 'x-should-retry': 'false' }),
    );
    const client = clientFor(server);
    const conflict = await client.dataframer.specs.create({ name: 'x' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(ConflictError);
    expect((conflict as ConflictError).errors).toEqual({ name: ['name in use'] });
    await expect(client.dataframer.runs.list()).rejects.toBeInstanceOf(InternalServerError);
    expect(server.requests).toHaveLength(2);
  });

  it('retries connection errors and reports APIConnectionError in the end', async () => {
    // A port that was just free: nothing listens there.
    const closed = await scriptedServer(() => {});
    const url = closed.url;
    await closed.close();
    const client = new Dataframer({ apiKey: KEY, baseURL: url, maxRetries: 1 });
    const err = await client.dataframer.runs.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIConnectionError);
    expect((err as Error).message).toContain(url);
  });

  it('honours Retry-After in seconds or as a date, and falls back to backoff past a minute', () => {
    const res = (headers: Record<string, string>) => new Response(null, { status: 429, headers });
    expect(retryDelay(res({ 'retry-after': '2' }), 0)).toBe(2000);
    expect(retryDelay(res({ 'retry-after-ms': '150' }), 0)).toBe(150);
    const inThree = new Date(Date.now() + 3000).toUTCString();
    expect(retryDelay(res({ 'retry-after': inThree }), 0)).toBeGreaterThan(1000);
    const backoff = retryDelay(res({ 'retry-after': '3600' }), 1);
    expect(backoff).toBeGreaterThanOrEqual(750);
    expect(backoff).toBeLessThanOrEqual(1000);
    expect(retryDelay(res({}), 10)).toBeLessThanOrEqual(8000);
  });
});

describe('timeouts and aborts', () => {
  it('times out waiting for a response with APIConnectionTimeoutError', async () => {
    server = await scriptedServer((_req, res) => {
      setTimeout(() => json(res, 200, []), 2000).unref();
    });
    const client = clientFor(server, { timeout: 100, maxRetries: 0 });
    await expect(client.dataframer.runs.list()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('stops on the caller’s AbortSignal with APIUserAbortError, without retrying', async () => {
    server = await scriptedServer((_req, res) => {
      setTimeout(() => json(res, 200, []), 2000).unref();
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await clientFor(server)
      .dataframer.runs.list({}, { signal: controller.signal })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(APIUserAbortError);
    expect(server.requests).toHaveLength(1);
  });
});

describe('requests and errors', () => {
  it('encodes ids in paths, sends queries, and types every error status', async () => {
    server = await scriptedServer((req, res) => {
      if (req.url.includes('include_versions=true')) return json(res, 200, { id: 'spec' });
      if (req.url.startsWith('/api/dataframer/seed-datasets/')) return json(res, 404, { detail: 'gone' });
      json(res, 400, { detail: 'number_of_samples: too big', errors: { number_of_samples: ['too big'] } });
    });
    const client = clientFor(server);
    expect(await client.dataframer.specs.retrieve('abc', { include_versions: true })).toEqual({ id: 'spec' });
    const missing = await client.dataframer.seedDatasets.retrieve('../runs').catch((e: unknown) => e);
    expect(server.requests.at(-1)!.url).toBe('/api/dataframer/seed-datasets/..%2Fruns/');
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).message).toBe('404 gone');
    const bad = await client.dataframer.runs.samples.list('r', { limit: 5000 }).catch((e: unknown) => e);
    expect(server.requests.at(-1)!.url).toBe('/api/dataframer/runs/r/samples/?limit=5000');
    expect(bad).toBeInstanceOf(BadRequestError);
    expect((bad as BadRequestError).errors).toEqual({ number_of_samples: ['too big'] });
  });

  it('keeps the start of a non-JSON error page as the message', async () => {
    server = await scriptedServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'text/html' });
      res.end('<html>Too many</html>');
    });
    const err = await clientFor(server, { maxRetries: 0 })
      .dataframer.models.list()
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as APIError).message).toBe('429 <html>Too many</html>');
  });

  it('health needs no key, and apiKey: null sends none', async () => {
    server = await scriptedServer((_req, res) => json(res, 200, { status: 'ok' }));
    const client = new Dataframer({ apiKey: null, baseURL: server.url });
    await client.dataframer.health.check();
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('configuration', () => {
  it('reads the key and URL from OPENFRAMER_* first, then DATAFRAMER_*, then the local default', () => {
    expect(resolveApiKey(undefined, { DATAFRAMER_API_KEY: 'd', OPENFRAMER_API_KEY: 'o' })).toBe('o');
    expect(resolveApiKey(undefined, { DATAFRAMER_API_KEY: 'd', OPENFRAMER_API_KEY: '' })).toBe('d');
    expect(resolveApiKey('given', { OPENFRAMER_API_KEY: 'o' })).toBe('given');
    expect(resolveApiKey(null, { OPENFRAMER_API_KEY: 'o' })).toBeUndefined();
    expect(resolveBaseURL(undefined, {})).toBe('http://127.0.0.1:8000');
    expect(resolveBaseURL(undefined, { DATAFRAMER_BASE_URL: 'https://df.example/' })).toBe(
      'https://df.example',
    );
    expect(resolveBaseURL('http://h:1//', { OPENFRAMER_BASE_URL: 'http://o' })).toBe('http://h:1');
  });

  it('refuses to build a client with no key at all, naming the variables', () => {
    const saved = { o: process.env.OPENFRAMER_API_KEY, d: process.env.DATAFRAMER_API_KEY };
    process.env.OPENFRAMER_API_KEY = '';
    process.env.DATAFRAMER_API_KEY = '';
    try {
      expect(() => new Dataframer()).toThrow(DataframerError);
      expect(() => new Dataframer()).toThrow(/OPENFRAMER_API_KEY/);
    } finally {
      process.env.OPENFRAMER_API_KEY = saved.o;
      process.env.DATAFRAMER_API_KEY = saved.d;
      if (saved.o === undefined) delete process.env.OPENFRAMER_API_KEY;
      if (saved.d === undefined) delete process.env.DATAFRAMER_API_KEY;
    }
  });

  it('exposes the error classes on the client class, as the official SDK does', () => {
    expect(Dataframer.NotFoundError).toBe(NotFoundError);
    expect(new NotFoundError(404, { detail: 'x' }, undefined, new Headers())).toBeInstanceOf(
      Dataframer.APIError,
    );
  });
});
