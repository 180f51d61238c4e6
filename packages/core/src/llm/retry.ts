import { APICallError, InvalidResponseDataError } from '@ai-sdk/provider';
import type { LlmCallOutcome } from './types.js';

export interface RetryOptions {
  /** HTTP attempts per reply, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: Readonly<RetryOptions> = Object.freeze({
  maxAttempts: 6,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
});

/** 529 is Anthropic's "overloaded"; 408/409 are transient on OpenAI and Anthropic. */
const RETRYABLE_STATUS = new Set([408, 409, 429, 529]);
/** Statuses that mean "too many of you": the concurrency limit shrinks. */
const THROTTLE_STATUS = new Set([429, 503, 529]);

export interface FailureInfo {
  outcome: LlmCallOutcome;
  retryable: boolean;
  /** The provider pushed back on load: the concurrency limit should shrink. */
  throttle: boolean;
  status: number | undefined;
  /** The provider's own wait, from `retry-after-ms` or `Retry-After`. */
  retryAfterMs: number | undefined;
  message: string;
}

/** `retry-after-ms` (OpenAI) wins over `Retry-After` (seconds or an HTTP date). Undefined when absent or unreadable. */
export function retryAfterMs(
  headers: Record<string, string> | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const get = (name: string) => {
    for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value.trim();
    return undefined;
  };
  const ms = get('retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Math.max(0, Number(ms));
  const after = get('retry-after');
  if (!after) return undefined;
  if (/^\d+(\.\d+)?$/.test(after)) return Math.max(0, Number(after) * 1000);
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * Wait before retry number `retry` (0 for the first retry): full jitter over an exponential ceiling, or the
 * provider's Retry-After when it sent one. Either way never longer than `maxDelayMs`.
 */
export function retryDelayMs(
  retry: number,
  options: RetryOptions,
  random: () => number,
  providerWaitMs?: number,
): number {
  if (providerWaitMs !== undefined) return Math.min(Math.max(providerWaitMs, 0), options.maxDelayMs);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

function shortBody(body: string | undefined): string | undefined {
  if (!body) return undefined;
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}...` : flat;
}

/**
 * What one failed round trip means. `timedOut` says the per-call timer fired (the SDK reports that as an
 * abort); aborts by the caller are handled before this is asked.
 */
export function classifyFailure(error: unknown, timedOut: boolean, timeoutMs: number): FailureInfo {
  if (timedOut) {
    return {
      outcome: 'timeout',
      retryable: true,
      throttle: false,
      status: undefined,
      retryAfterMs: undefined,
      message: `no reply within ${timeoutMs} ms`,
    };
  }
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const wait = retryAfterMs(error.responseHeaders);
    if (status === undefined) {
      // No status: the connection failed (refused, reset, DNS).
      return {
        outcome: 'error',
        retryable: true,
        throttle: false,
        status,
        retryAfterMs: wait,
        message: error.message,
      };
    }
    const detail = error.message || shortBody(error.responseBody) || 'no message';
    if (status >= 200 && status < 300) {
      // A 2xx whose body could not be read (truncated, not JSON): a server glitch, worth another try.
      return {
        outcome: 'server_error',
        retryable: true,
        throttle: false,
        status,
        retryAfterMs: wait,
        message: `unreadable reply (HTTP ${status}): ${detail}`,
      };
    }
    const retryable = RETRYABLE_STATUS.has(status) || status >= 500;
    const rateLimited = status === 429 || status === 529;
    return {
      outcome: rateLimited ? 'rate_limited' : status >= 500 ? 'server_error' : 'error',
      retryable,
      throttle: THROTTLE_STATUS.has(status),
      status,
      retryAfterMs: wait,
      message: `HTTP ${status}: ${detail}`,
    };
  }
  if (InvalidResponseDataError.isInstance(error)) {
    return {
      outcome: 'server_error',
      retryable: true,
      throttle: false,
      status: undefined,
      retryAfterMs: undefined,
      message: error.message,
    };
  }
  return {
    outcome: 'error',
    retryable: false,
    throttle: false,
    status: undefined,
    retryAfterMs: undefined,
    message: error instanceof Error ? error.message : String(error),
  };
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
