import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  DataframerError,
  type ErrorBody,
} from './errors.js';
import { sleep } from './sleep.js';

export const VERSION = '0.1.0';
export const DEFAULT_BASE_URL = 'http://127.0.0.1:8000';
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Defaults to OPENFRAMER_API_KEY, then DATAFRAMER_API_KEY. `null` sends no key (health, signed links). */
  apiKey?: string | null | undefined;
  /** Defaults to OPENFRAMER_BASE_URL, then DATAFRAMER_BASE_URL, then http://127.0.0.1:8000. */
  baseURL?: string | null | undefined;
  /** Milliseconds to wait for a response (its headers) before giving up on an attempt. Default 60 s. */
  timeout?: number | undefined;
  /** Retries of a retryable failure (connection error, timeout, 408, 429, 5xx). Default 2. */
  maxRetries?: number | undefined;
  /** A fetch implementation (default: the global one). */
  fetch?: Fetch | undefined;
  /** Headers sent with every request. */
  defaultHeaders?: Record<string, string> | undefined;
}

/** Per-call options, accepted as the last argument of every method. */
export interface RequestOptions {
  signal?: AbortSignal | undefined;
  timeout?: number | undefined;
  maxRetries?: number | undefined;
  headers?: Record<string, string> | undefined;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  method: HttpMethod;
  path: string;
  query?: Record<string, string | number | boolean | null | undefined> | undefined;
  /** A JSON body. */
  body?: unknown;
  /** A multipart body; built per attempt so a retry sends the files again from the start. */
  form?: (() => FormData) | undefined;
  /** Send the API key (default true). */
  auth?: boolean;
  /** Sent as Accept (default application/json). */
  accept?: string;
}

type Env = Record<string, string | undefined>;

function fromEnv(env: Env, ...names: string[]): string | undefined {
  for (const name of names) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** Resolves the base URL as the client will: option, then environment, then the local default. */
export function resolveBaseURL(given?: string | null, env: Env = process.env): string {
  const url = given ?? fromEnv(env, 'OPENFRAMER_BASE_URL', 'DATAFRAMER_BASE_URL') ?? DEFAULT_BASE_URL;
  return url.replace(/\/+$/, '');
}

/** The key the client would use; undefined when none is configured. */
export function resolveApiKey(given?: string | null, env: Env = process.env): string | undefined {
  if (given === null) return undefined;
  return given ?? fromEnv(env, 'OPENFRAMER_API_KEY', 'DATAFRAMER_API_KEY');
}

/**
 * The transport every resource uses: URL building, authentication, timeouts, retries with backoff,
 * and turning error statuses into the typed errors of `errors.ts`.
 */
export class APIClient {
  readonly baseURL: string;
  readonly apiKey: string | null;
  readonly timeout: number;
  readonly maxRetries: number;
  protected readonly fetchImpl: Fetch;
  protected readonly defaultHeaders: Record<string, string>;

  constructor(options: ClientOptions = {}) {
    const apiKey = resolveApiKey(options.apiKey);
    if (apiKey === undefined && options.apiKey !== null) {
      throw new DataframerError(
        'No API key: set OPENFRAMER_API_KEY (or DATAFRAMER_API_KEY), or pass `apiKey` to the client (`apiKey: null` for calls that need none).',
      );
    }
    this.apiKey = apiKey ?? null;
    this.baseURL = resolveBaseURL(options.baseURL);
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.defaultHeaders = options.defaultHeaders ?? {};
    if (!Number.isInteger(this.maxRetries) || this.maxRetries < 0) {
      throw new DataframerError('maxRetries must be a non-negative integer');
    }
  }

  /** Sends a request and parses the JSON answer (undefined for 204). */
  async request<T>(spec: RequestSpec, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(spec, options);
    if (res.status === 204) {
      await res.body?.cancel();
      return undefined as T;
    }
    const text = await readBody(res, options.signal);
    if (!text) return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new APIError(
        res.status,
        undefined,
        `the server answered ${res.status} with a body that is not JSON`,
        res.headers,
      );
    }
  }

  /** Sends a request and hands back the successful Response unread (downloads, event streams). */
  async send(spec: RequestSpec, options: RequestOptions = {}): Promise<Response> {
    const maxRetries = options.maxRetries ?? this.maxRetries;
    for (let attempt = 0; ; attempt++) {
      const retriesLeft = maxRetries - attempt;
      let res: Response;
      try {
        res = await this.attempt(spec, options, attempt);
      } catch (err) {
        if (err instanceof APIConnectionError && retriesLeft > 0) {
          await sleep(defaultRetryDelay(attempt), options.signal);
          continue;
        }
        throw err;
      }
      if (res.ok) return res;
      if (retriesLeft > 0 && shouldRetry(res)) {
        await res.body?.cancel().catch(() => {});
        await sleep(retryDelay(res, attempt), options.signal);
        continue;
      }
      throw await errorFrom(res, options.signal);
    }
  }

  buildURL(path: string, query?: RequestSpec['query']): string {
    // Absolute URLs are signed download links, which may point at another host.
    const url = /^https?:\/\//i.test(path)
      ? new URL(path)
      : new URL(this.baseURL + (path.startsWith('/') ? path : `/${path}`));
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  private async attempt(spec: RequestSpec, options: RequestOptions, attempt: number): Promise<Response> {
    if (options.signal?.aborted) throw new APIUserAbortError();
    const headers: Record<string, string> = {
      accept: spec.accept ?? 'application/json',
      'user-agent': `OpenFramer-SDK/${VERSION} node/${process.version}`,
      ...this.defaultHeaders,
      ...options.headers,
    };
    if (attempt > 0) headers['x-retry-count'] = String(attempt);
    if (spec.auth !== false && this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    let body: RequestInit['body'];
    if (spec.form) body = spec.form();
    else if (spec.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(spec.body);
    }
    const timeout = options.timeout ?? this.timeout;
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(), timeout);
    const signal = options.signal ? AbortSignal.any([options.signal, timer.signal]) : timer.signal;
    const url = this.buildURL(spec.path, spec.query);
    try {
      return await this.fetchImpl(url, {
        method: spec.method,
        headers,
        body: body ?? null,
        signal,
      });
    } catch (err) {
      if (options.signal?.aborted) throw new APIUserAbortError();
      if (timer.signal.aborted) throw new APIConnectionTimeoutError();
      throw new APIConnectionError({
        message: `Connection error: could not reach ${new URL(url).origin} (${describeCause(err)})`,
        cause: err,
      });
    } finally {
      // As in the official SDK, the timeout covers waiting for the response, not reading a long body.
      clearTimeout(handle);
    }
  }
}

function describeCause(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** Reads a body, turning a broken connection or an abort into the SDK's errors. */
export async function readBody(res: Response, signal?: AbortSignal): Promise<string> {
  try {
    return await res.text();
  } catch (err) {
    if (signal?.aborted) throw new APIUserAbortError();
    throw new APIConnectionError({ message: `the connection broke while reading the response`, cause: err });
  }
}

async function errorFrom(res: Response, signal?: AbortSignal): Promise<APIError> {
  const text = await readBody(res, signal).catch(() => '');
  let body: ErrorBody | undefined;
  try {
    const parsed = text ? (JSON.parse(text) as unknown) : undefined;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as ErrorBody;
  } catch {
    // Not JSON (a proxy's HTML page, say): keep the start of the text as the message.
  }
  return APIError.generate(res.status, body, body ? undefined : text.slice(0, 500) || undefined, res.headers);
}

/**
 * The official SDK's rule, except 409: OpenFramer's 409s (a name in use, something still in use, a run
 * not finished) are decisions, not lock timeouts, so repeating the request cannot change the answer.
 */
function shouldRetry(res: Response): boolean {
  const hint = res.headers.get('x-should-retry');
  if (hint === 'true') return true;
  if (hint === 'false') return false;
  return res.status === 408 || res.status === 429 || res.status >= 500;
}

/** Honours retry-after-ms / Retry-After (seconds or a date) when under a minute; else exponential backoff. */
export function retryDelay(res: Response, attempt: number): number {
  let ms: number | undefined;
  const afterMs = Number.parseFloat(res.headers.get('retry-after-ms') ?? '');
  if (!Number.isNaN(afterMs)) ms = afterMs;
  else {
    const after = res.headers.get('retry-after');
    if (after) {
      const seconds = Number.parseFloat(after);
      ms = Number.isNaN(seconds) ? Date.parse(after) - Date.now() : seconds * 1000;
    }
  }
  if (ms !== undefined && !Number.isNaN(ms) && ms >= 0 && ms < 60_000) return ms;
  return defaultRetryDelay(attempt);
}

/** 0.5 s, 1 s, 2 s, ... capped at 8 s, less up to 25% jitter so clients do not retry in step. */
export function defaultRetryDelay(attempt: number): number {
  const seconds = Math.min(0.5 * 2 ** attempt, 8);
  return seconds * (1 - Math.random() * 0.25) * 1000;
}
