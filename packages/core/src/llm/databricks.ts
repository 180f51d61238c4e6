import { APICallError } from '@ai-sdk/provider';
import type { DatabricksCredentials } from './types.js';

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Renew this long before the server's expiry, so a token never lapses mid-call. */
const EXPIRY_MARGIN_MS = 60_000;
const TOKEN_TIMEOUT_MS = 30_000;

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/**
 * OAuth machine-to-machine tokens for Databricks service principals, one per (workspace, client), shared
 * by concurrent calls and kept until shortly before they expire.
 */
export class DatabricksTokens {
  readonly #fetch: typeof fetch;
  readonly #now: () => number;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<CachedToken>>();

  constructor(fetchImpl: typeof fetch = globalThis.fetch, now: () => number = Date.now) {
    this.#fetch = fetchImpl;
    this.#now = now;
  }

  #key(creds: DatabricksCredentials): string {
    return `${creds.apiBase}\n${creds.clientId}\n${creds.clientSecret}`;
  }

  async token(creds: DatabricksCredentials, signal?: AbortSignal): Promise<string> {
    const key = this.#key(creds);
    const cached = this.#tokens.get(key);
    if (cached && cached.expiresAt > this.#now()) return cached.token;
    let pending = this.#pending.get(key);
    if (!pending) {
      // Shared by every caller waiting for this client's token, so one caller's abort must not end it.
      pending = this.#request(creds).then(
        (fresh) => {
          this.#tokens.set(key, fresh);
          this.#pending.delete(key);
          return fresh;
        },
        (err: unknown) => {
          this.#pending.delete(key);
          throw err;
        },
      );
      this.#pending.set(key, pending);
    }
    return (await abortable(pending, signal)).token;
  }

  /** Drops a token the serving endpoint refused, so the next call asks for a new one. */
  invalidate(creds: DatabricksCredentials): void {
    this.#tokens.delete(this.#key(creds));
  }

  async #request(creds: DatabricksCredentials): Promise<CachedToken> {
    const url = `${creds.apiBase}/oidc/v1/token`;
    const basic = Buffer.from(`${creds.clientId}:${creds.clientSecret}`).toString('base64');
    const requestBodyValues = { grant_type: 'client_credentials', scope: 'all-apis' };
    let response: Response;
    let text: string;
    try {
      response = await this.#fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: 'grant_type=client_credentials&scope=all-apis',
        signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
      });
      text = await response.text();
    } catch (err) {
      // No status: the gateway treats it as a network failure and retries.
      throw new APICallError({
        message: `Databricks OAuth token request failed: ${err instanceof Error ? err.message : String(err)}`,
        url,
        requestBodyValues,
        cause: err,
        isRetryable: true,
      });
    }
    const headers = Object.fromEntries(response.headers);
    // Errors take the AI SDK's shape so the gateway's retry rules apply to the token request too.
    const fail = (message: string) =>
      new APICallError({
        message: `Databricks OAuth token request failed: ${message}`,
        url,
        requestBodyValues,
        statusCode: response.status,
        responseHeaders: headers,
        responseBody: text,
      });
    if (!response.ok) throw fail(text.slice(0, 300) || response.statusText);
    let body: { access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw fail('the reply is not JSON');
    }
    if (typeof body.access_token !== 'string') throw fail('the reply has no access_token');
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 3_600_000;
    return {
      token: body.access_token,
      expiresAt: this.#now() + Math.max(0, lifetimeMs - EXPIRY_MARGIN_MS),
    };
  }
}
