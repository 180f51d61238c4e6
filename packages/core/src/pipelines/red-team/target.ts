import { abortableSleep, retryAfterMs } from '../../llm/retry.js';
import type { RedTeamTarget } from './types.js';

export const DEFAULT_TARGET_CONCURRENCY = 8;
export const DEFAULT_TARGET_TIMEOUT_MS = 60_000;
/** Retries after a 429, a 5xx or a network failure (so up to three attempts). */
export const TARGET_RETRIES = 2;
/** Stored replies are cut to this many characters. */
export const MAX_TARGET_RESPONSE = 4000;
const MAX_RETRY_WAIT_MS = 30_000;

export type TargetReply = { ok: true; text: string } | { ok: false; error: string };

export interface TargetCaller {
  call(prompt: string, signal?: AbortSignal): Promise<TargetReply>;
}

/** Replaces every secret (the API key, header values) in `text` with `[redacted]`. */
export function redactor(target: RedTeamTarget): (text: string) => string {
  const secrets = [target.apiKey ?? '', ...Object.values(target.headers ?? {})]
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out;
  };
}

function short(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The text of a chat completion: the message content, plus any tool calls the app chose to make. */
function replyText(body: unknown): string | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: an arbitrary provider's JSON, read defensively
  const message = (body as any)?.choices?.[0]?.message;
  if (!message || typeof message !== 'object') return undefined;
  const parts: string[] = [];
  const content: unknown = message.content;
  if (typeof content === 'string') parts.push(content);
  else if (Array.isArray(content)) {
    for (const part of content) if (typeof part?.text === 'string') parts.push(part.text);
  }
  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      const fn = call?.function;
      if (fn && typeof fn.name === 'string')
        parts.push(`[tool call] ${fn.name}(${typeof fn.arguments === 'string' ? fn.arguments : ''})`);
    }
  }
  if (parts.length === 0 && content !== null && content !== undefined) return undefined;
  return parts.join('\n');
}

function errorMessage(body: string): string {
  try {
    const json = JSON.parse(body) as { error?: { message?: unknown } | string; message?: unknown };
    if (typeof json.error === 'string') return json.error;
    if (typeof json.error?.message === 'string') return json.error.message;
    if (typeof json.message === 'string') return json.message;
  } catch {
    // Not JSON: use the text.
  }
  return body;
}

/**
 * Calls the app under test: `POST {baseUrl}/chat/completions` with the adversarial prompt as the user turn.
 * Failures come back as a short, redacted reason (`HTTP 500: ...`), never thrown, except an abort of the
 * run itself. Secrets never appear in what it returns.
 */
export function createTargetCaller(
  target: RedTeamTarget,
  fetchImpl: typeof fetch = fetch,
  options: { baseDelayMs?: number } = {},
): TargetCaller {
  const url = `${target.baseUrl.replace(/\/+$/, '')}/chat/completions`;
  const redact = redactor(target);
  const timeoutMs = target.timeoutMs ?? DEFAULT_TARGET_TIMEOUT_MS;
  const baseDelayMs = options.baseDelayMs ?? 500;
  // The caller's headers, minus any that would clash with the ones set here (names are case-insensitive).
  const own = new Set(['content-type', ...(target.apiKey ? ['authorization'] : [])]);
  const headers: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(target.headers ?? {}).filter(([name]) => !own.has(name.toLowerCase())),
    ),
    'content-type': 'application/json',
    ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
  };

  async function attempt(
    body: string,
    signal: AbortSignal | undefined,
  ): Promise<TargetReply & { retry?: boolean; waitMs?: number }> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const res = await fetchImpl(url, { method: 'POST', headers, body, signal: controller.signal });
      const text = await res.text();
      if (!res.ok) {
        const retry = res.status === 429 || res.status >= 500;
        return {
          ok: false,
          error: `HTTP ${res.status}: ${short(redact(errorMessage(text))) || res.statusText || 'no reason given'}`,
          retry,
          waitMs: retryAfterMs(Object.fromEntries(res.headers)),
        };
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        return { ok: false, error: `the target's reply is not JSON: ${short(redact(text), 120)}` };
      }
      const reply = replyText(json);
      if (reply === undefined)
        return { ok: false, error: 'the target replied without a chat completion message' };
      return { ok: true, text: redact(reply).slice(0, MAX_TARGET_RESPONSE) };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (timedOut) return { ok: false, error: `no reply within ${timeoutMs} ms`, retry: true };
      const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
      const detail =
        typeof cause?.code === 'string'
          ? cause.code
          : typeof cause?.message === 'string'
            ? cause.message
            : err instanceof Error
              ? err.message
              : String(err);
      return { ok: false, error: `request failed: ${short(redact(detail), 120)}`, retry: true };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  return {
    async call(prompt, signal) {
      const messages = [
        ...(target.systemPrompt ? [{ role: 'system', content: target.systemPrompt }] : []),
        { role: 'user', content: prompt },
      ];
      const body = JSON.stringify({ model: target.model, messages });
      for (let n = 0; ; n++) {
        const result = await attempt(body, signal);
        if (result.ok || !result.retry || n >= TARGET_RETRIES) {
          if (result.ok) return { ok: true, text: result.text };
          const tries = n + 1;
          return { ok: false, error: tries > 1 ? `${result.error} (after ${tries} attempts)` : result.error };
        }
        const backoff = baseDelayMs * 2 ** n * (0.5 + Math.random() / 2);
        await abortableSleep(Math.min(MAX_RETRY_WAIT_MS, result.waitMs ?? backoff), signal);
      }
    },
  };
}
