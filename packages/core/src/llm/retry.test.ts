import { APICallError } from 'ai';
import { describe, expect, it } from 'vitest';
import { classifyFailure, DEFAULT_RETRY, retryAfterMs, retryDelayMs } from './retry.js';

function apiError(statusCode: number | undefined, headers: Record<string, string> = {}, message = 'boom') {
  return new APICallError({
    message,
    url: 'http://x/v1/chat/completions',
    requestBodyValues: {},
    ...(statusCode !== undefined && { statusCode }),
    responseHeaders: headers,
  });
}

describe('retryAfterMs', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');

  it('reads seconds, HTTP dates and retry-after-ms, preferring the latter', () => {
    expect(retryAfterMs({ 'retry-after': '2' }, now)).toBe(2000);
    expect(retryAfterMs({ 'Retry-After': '0.5' }, now)).toBe(500);
    expect(retryAfterMs({ 'retry-after': 'Sun, 01 Mar 2026 12:00:03 GMT' }, now)).toBe(3000);
    expect(retryAfterMs({ 'retry-after': 'Sun, 01 Mar 2026 11:00:00 GMT' }, now)).toBe(0);
    expect(retryAfterMs({ 'retry-after': '5', 'retry-after-ms': '250' }, now)).toBe(250);
  });

  it('is undefined when absent or unreadable', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs({})).toBeUndefined();
    expect(retryAfterMs({ 'retry-after': 'soon' })).toBeUndefined();
  });
});

describe('retryDelayMs', () => {
  it('uses full jitter under an exponential ceiling capped at maxDelayMs', () => {
    const opts = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 4_000 };
    expect(retryDelayMs(0, opts, () => 0.999)).toBe(499);
    expect(retryDelayMs(2, opts, () => 0.5)).toBe(1000);
    expect(retryDelayMs(10, opts, () => 0.5)).toBe(2000);
    expect(retryDelayMs(3, opts, () => 0)).toBe(0);
  });

  it('follows the provider wait instead, capped too', () => {
    expect(retryDelayMs(0, DEFAULT_RETRY, () => 0.5, 1500)).toBe(1500);
    expect(retryDelayMs(0, DEFAULT_RETRY, () => 0.5, 0)).toBe(0);
    expect(retryDelayMs(0, DEFAULT_RETRY, () => 0.5, 10 * 60_000)).toBe(60_000);
  });
});

describe('classifyFailure', () => {
  it('retries throttles, overloads, timeouts, server and network errors', () => {
    expect(classifyFailure(apiError(429, { 'retry-after': '1' }), false, 1000)).toMatchObject({
      outcome: 'rate_limited',
      retryable: true,
      throttle: true,
      status: 429,
      retryAfterMs: 1000,
    });
    expect(classifyFailure(apiError(529), false, 1000)).toMatchObject({
      outcome: 'rate_limited',
      throttle: true,
    });
    expect(classifyFailure(apiError(503), false, 1000)).toMatchObject({
      outcome: 'server_error',
      retryable: true,
      throttle: true,
    });
    expect(classifyFailure(apiError(500), false, 1000)).toMatchObject({ retryable: true, throttle: false });
    for (const status of [408, 409]) expect(classifyFailure(apiError(status), false, 1).retryable).toBe(true);
    expect(classifyFailure(apiError(undefined), false, 1000)).toMatchObject({
      outcome: 'error',
      retryable: true,
    });
    expect(classifyFailure(new Error('aborted'), true, 250)).toMatchObject({
      outcome: 'timeout',
      retryable: true,
      message: 'no reply within 250 ms',
    });
  });

  it('does not retry client errors or unknown failures', () => {
    for (const status of [400, 401, 403, 404, 422]) {
      expect(classifyFailure(apiError(status), false, 1000)).toMatchObject({
        outcome: 'error',
        retryable: false,
      });
    }
    expect(classifyFailure(new TypeError('bad'), false, 1000)).toMatchObject({
      retryable: false,
      message: 'bad',
    });
  });
});
