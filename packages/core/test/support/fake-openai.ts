/**
 * A fake OpenAI-compatible server on 127.0.0.1 for tests that go through real HTTP: `POST .../chat/completions`
 * (plain JSON and SSE streaming), plus Databricks' `POST /oidc/v1/token`. By default it answers structured
 * requests with an object built from the request's JSON Schema; tests script failures, bad output, latency,
 * a concurrency cap and usage numbers.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
  /** Sent as `prompt_tokens_details.cached_tokens`. */
  cached_tokens?: number;
  /** Sent as `completion_tokens_details.reasoning_tokens`. */
  reasoning_tokens?: number;
}

export interface RecordedRequest {
  /** Position among chat completion requests (0-based); -1 for other endpoints. */
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when the body is not JSON (form posts). */
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are inspected freely in tests
  body: any;
}

/** One scripted answer. Everything is optional; unset parts fall back to the server's defaults. */
export interface FakeReply {
  status?: number;
  headers?: Record<string, string>;
  /** The assistant message content, sent as is (malformed JSON included). */
  content?: string | null;
  /** Shorthand for `content: JSON.stringify(json)`. */
  json?: unknown;
  /** Reasoning text, sent as `reasoning_content`. */
  reasoning?: string;
  finishReason?: string;
  /** Error message for a status >= 400. */
  error?: string;
  /** A whole JSON body, sent instead of a chat completion. */
  body?: unknown;
  /** A whole raw body, sent as is. */
  rawBody?: string;
  usage?: Partial<FakeUsage>;
  /** Wait before answering; overrides the server latency. */
  delayMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the parsed Chat Completions request body
export type ChatBody = any;

export interface FakeHandlerContext {
  /** Position among chat completion requests (0-based). */
  index: number;
  request: RecordedRequest;
  /** What the server would answer by default (schema-shaped JSON, or a sentence). */
  defaultReply: () => FakeReply;
}

/** Returns the reply for one request; `undefined` means the default reply. */
export type FakeHandler = (
  body: ChatBody,
  context: FakeHandlerContext,
) => FakeReply | undefined | Promise<FakeReply | undefined>;

export interface FakeOpenAIOptions {
  /** Delay before every answer. */
  latencyMs?: number;
  /** Requests in flight above this get 429 at once. */
  maxConcurrent?: number;
  /** `Retry-After` on those 429s; default '0'. */
  retryAfter?: string;
  usage?: Partial<FakeUsage>;
  handler?: FakeHandler;
  /** `expires_in` of OAuth tokens, seconds. */
  tokenExpiresIn?: number;
}

export interface FakeOpenAI {
  /** Base URL for OpenAI-compatible clients, ending in `/v1`. */
  url: string;
  /** `http://127.0.0.1:<port>`, for clients that add their own path (Databricks). */
  origin: string;
  /** Every request, in arrival order. */
  requests: RecordedRequest[];
  /** The chat completion requests only. */
  chatRequests(): RecordedRequest[];
  setHandler(handler: FakeHandler | undefined): void;
  /** Queue replies for the next chat requests, in order; they win over the handler. */
  reply(...replies: FakeReply[]): void;
  /** The next `count` chat requests fail with `status`. */
  failNext(
    count: number,
    status: number,
    options?: { retryAfter?: string; retryAfterMs?: string; message?: string },
  ): void;
  setLatency(ms: number): void;
  setMaxConcurrent(limit: number | undefined): void;
  setUsage(usage: Partial<FakeUsage>): void;
  /** Chat requests being served now (those about to be refused for the cap included). */
  readonly inFlight: number;
  /** Most chat requests ever in flight at once, refused ones included. */
  readonly peakInFlight: number;
  /** Requests refused for exceeding `maxConcurrent`. */
  readonly rejected: number;
  resetStats(): void;
  close(): Promise<void>;
}

/** Ready-made replies for the usual failure cases. */
export const fakeReplies = {
  malformedJson: (): FakeReply => ({ content: '{"a": ' }),
  /** Valid JSON that matches no useful schema. */
  wrongSchema: (value: unknown = { unexpected: true }): FakeReply => ({ json: value }),
  slow: (delayMs: number): FakeReply => ({ delayMs }),
  status: (status: number, retryAfter?: string): FakeReply => ({
    status,
    ...(retryAfter !== undefined && { headers: { 'retry-after': retryAfter } }),
  }),
};

type JsonSchema = Record<string, unknown>;

function resolveRef(ref: string, root: JsonSchema): JsonSchema {
  if (!ref.startsWith('#/')) return {};
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return (node as JsonSchema | undefined) ?? {};
}

/**
 * A value that satisfies `schema`, built the simplest way: required properties only, `minItems` items
 * (at least one), the first enum value, the first non-null branch of a union, numbers at their minimum
 * (or 1).
 */
export function exampleFromSchema(
  schema: unknown,
  root: JsonSchema = schema as JsonSchema,
  depth = 0,
): unknown {
  if (depth > 32 || schema === true || schema === undefined || schema === null) return 'example';
  const s = schema as JsonSchema;
  if (typeof s.$ref === 'string') return exampleFromSchema(resolveRef(s.$ref, root), root, depth + 1);
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ('default' in s && s.default !== undefined) return s.default;
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = s[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const branch = branches.find((b) => (b as JsonSchema).type !== 'null') ?? branches[0];
      return exampleFromSchema(branch, root, depth + 1);
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    // Merge object branches; anything else takes the first branch.
    const parts = s.allOf.map((b) => exampleFromSchema(b, root, depth + 1));
    if (parts.every((p) => p !== null && typeof p === 'object' && !Array.isArray(p)))
      return Object.assign({}, ...parts);
    return parts[0];
  }
  let type = s.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? type[0];
  if (type === undefined) {
    if (s.properties) type = 'object';
    else if (s.items || s.prefixItems) type = 'array';
  }
  switch (type) {
    case 'object': {
      const props = (s.properties as Record<string, unknown> | undefined) ?? {};
      const required = Array.isArray(s.required) ? (s.required as string[]) : [];
      const out: Record<string, unknown> = {};
      for (const name of required) out[name] = exampleFromSchema(props[name], root, depth + 1);
      const minProps = typeof s.minProperties === 'number' ? s.minProperties : 0;
      const extra = s.additionalProperties;
      for (let i = Object.keys(out).length; i < minProps; i++) {
        const name = Object.keys(props).find((k) => !(k in out));
        if (name) out[name] = exampleFromSchema(props[name], root, depth + 1);
        else out[`key${i}`] = exampleFromSchema(typeof extra === 'object' ? extra : {}, root, depth + 1);
      }
      return out;
    }
    case 'array': {
      // Tuples: `prefixItems` (2020-12) or an `items` array (draft-07).
      const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
      const rest = Array.isArray(s.items) ? s.additionalItems : s.items;
      const min = typeof s.minItems === 'number' ? s.minItems : 1;
      const max = typeof s.maxItems === 'number' ? s.maxItems : Number.POSITIVE_INFINITY;
      const count = Math.min(Math.max(min, prefix.length, 1), max);
      return Array.from({ length: count }, (_, i) =>
        exampleFromSchema(i < prefix.length ? prefix[i] : rest, root, depth + 1),
      );
    }
    case 'string': {
      if (s.format === 'date-time') return '2026-01-01T00:00:00Z';
      if (s.format === 'date') return '2026-01-01';
      if (s.format === 'email') return 'person@example.com';
      if (s.format === 'uri' || s.format === 'url') return 'https://example.com/';
      if (s.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      const min = typeof s.minLength === 'number' ? s.minLength : 0;
      const max = typeof s.maxLength === 'number' ? s.maxLength : Number.POSITIVE_INFINITY;
      const text = 'example'.padEnd(min, 'x');
      return text.slice(0, Math.max(min, Math.min(text.length, max)));
    }
    case 'integer':
    case 'number': {
      let value = 1;
      if (typeof s.minimum === 'number' && value < s.minimum) value = s.minimum;
      if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum)
        value = s.exclusiveMinimum + 1;
      if (typeof s.maximum === 'number' && value > s.maximum) value = s.maximum;
      if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum)
        value = s.exclusiveMaximum - 1;
      return type === 'integer' ? Math.ceil(value) : value;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'example';
  }
}

function defaultReplyFor(body: ChatBody): FakeReply {
  const format = body?.response_format;
  if (format?.type === 'json_schema' && format.json_schema?.schema) {
    return { json: exampleFromSchema(format.json_schema.schema) };
  }
  if (format?.type === 'json_object') return { json: {} };
  return { content: 'This is a reply from the fake OpenAI-compatible server.' };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function wait(ms: number, cancelled: AbortSignal): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    cancelled.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

function usageBody(usage: FakeUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: usage.completion_tokens,
    total_tokens: usage.prompt_tokens + usage.completion_tokens,
    ...(usage.cached_tokens !== undefined && {
      prompt_tokens_details: { cached_tokens: usage.cached_tokens },
    }),
    ...(usage.reasoning_tokens !== undefined && {
      completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
    }),
  };
}

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const queue: FakeReply[] = [];
  let handler = options.handler;
  let latencyMs = options.latencyMs ?? 0;
  let maxConcurrent = options.maxConcurrent;
  let usageDefaults: FakeUsage = { prompt_tokens: 10, completion_tokens: 5, ...options.usage };
  let chatCount = 0;
  let tokenCount = 0;
  let inFlight = 0;
  let peakInFlight = 0;
  let rejected = 0;

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };

  const sendError = (
    res: ServerResponse,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) => send(res, status, JSON.stringify({ error: { message, type: 'fake_error', code: status } }), headers);

  async function chat(res: ServerResponse, record: RecordedRequest): Promise<void> {
    const body = record.body;
    const index = record.index;
    const closed = new AbortController();
    let counted = true;
    inFlight += 1;
    peakInFlight = Math.max(peakInFlight, inFlight);
    res.on('close', () => {
      closed.abort();
      if (counted) {
        counted = false;
        inFlight -= 1;
      }
    });
    if (maxConcurrent !== undefined && inFlight > maxConcurrent) {
      rejected += 1;
      sendError(res, 429, `too many concurrent requests (limit ${maxConcurrent})`, {
        'retry-after': options.retryAfter ?? '0',
      });
      return;
    }
    const defaultReply = () => defaultReplyFor(body);
    let reply = queue.shift();
    if (!reply && handler) reply = await handler(body, { index, request: record, defaultReply });
    reply ??= defaultReply();

    await wait(reply.delayMs ?? latencyMs, closed.signal);
    if (closed.signal.aborted) return;

    const status = reply.status ?? 200;
    const headers = reply.headers ?? {};
    if (reply.rawBody !== undefined) return send(res, status, reply.rawBody, headers);
    if (reply.body !== undefined) return send(res, status, JSON.stringify(reply.body), headers);
    if (status >= 400) return sendError(res, status, reply.error ?? `fake failure ${status}`, headers);

    const base =
      reply.content !== undefined || reply.json !== undefined ? reply : { ...defaultReply(), ...reply };
    const content = base.json !== undefined ? JSON.stringify(base.json) : (base.content ?? null);
    const usage: FakeUsage = { ...usageDefaults, ...reply.usage };
    const id = `chatcmpl-fake-${index}`;
    const created = Math.floor(Date.now() / 1000);
    const finishReason = reply.finishReason ?? 'stop';

    if (body?.stream === true) {
      res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      const chunk = (
        delta: Record<string, unknown>,
        finish: string | null,
        extra: Record<string, unknown> = {},
      ) =>
        res.write(
          `data: ${JSON.stringify({
            id,
            object: 'chat.completion.chunk',
            created,
            model: body.model,
            choices: [{ index: 0, delta, finish_reason: finish }],
            ...extra,
          })}\n\n`,
        );
      chunk({ role: 'assistant', content: '' }, null);
      if (reply.reasoning) chunk({ reasoning_content: reply.reasoning }, null);
      // Two pieces, so clients really have to join deltas.
      const text = content ?? '';
      const half = Math.ceil(text.length / 2);
      for (const piece of [text.slice(0, half), text.slice(half)]) if (piece) chunk({ content: piece }, null);
      chunk({}, finishReason);
      if (body.stream_options?.include_usage) {
        res.write(
          `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage: usageBody(usage) })}\n\n`,
        );
      }
      res.end('data: [DONE]\n\n');
      return;
    }

    send(
      res,
      status,
      JSON.stringify({
        id,
        object: 'chat.completion',
        created,
        model: body?.model,
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content,
              ...(reply.reasoning && { reasoning_content: reply.reasoning }),
            },
            finish_reason: finishReason,
          },
        ],
        usage: usageBody(usage),
      }),
      headers,
    );
  }

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // Form posts (OAuth) stay text.
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const isChat = req.method === 'POST' && path.endsWith('/chat/completions');
      const record: RecordedRequest = {
        index: isChat ? chatCount++ : -1,
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body,
      };
      requests.push(record);
      if (isChat) return chat(res, record);
      if (req.method === 'POST' && path.endsWith('/oidc/v1/token')) {
        tokenCount += 1;
        return send(
          res,
          200,
          JSON.stringify({
            access_token: `fake-oauth-token-${tokenCount}`,
            token_type: 'Bearer',
            expires_in: options.tokenExpiresIn ?? 3600,
          }),
        );
      }
      if (req.method === 'GET' && path.endsWith('/models')) {
        return send(res, 200, JSON.stringify({ object: 'list', data: [] }));
      }
      sendError(res, 404, `no route for ${req.method} ${path}`);
    })().catch((err: unknown) => {
      if (!res.headersSent) sendError(res, 500, err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/v1`,
    origin,
    requests,
    chatRequests: () => requests.filter((r) => r.index >= 0),
    setHandler: (fn) => {
      handler = fn;
    },
    reply: (...replies) => {
      queue.push(...replies);
    },
    failNext: (count, status, opts = {}) => {
      const headers: Record<string, string> = {};
      if (opts.retryAfter !== undefined) headers['retry-after'] = opts.retryAfter;
      if (opts.retryAfterMs !== undefined) headers['retry-after-ms'] = opts.retryAfterMs;
      for (let i = 0; i < count; i++) {
        queue.push({ status, headers, ...(opts.message !== undefined && { error: opts.message }) });
      }
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    setMaxConcurrent: (limit) => {
      maxConcurrent = limit;
    },
    setUsage: (usage) => {
      usageDefaults = { ...usageDefaults, ...usage };
    },
    get inFlight() {
      return inFlight;
    },
    get peakInFlight() {
      return peakInFlight;
    },
    get rejected() {
      return rejected;
    },
    resetStats: () => {
      peakInFlight = inFlight;
      rejected = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
