import type { LanguageModelV3, LanguageModelV3Prompt } from '@ai-sdk/provider';
import type { LanguageModel, LanguageModelUsage, ModelMessage, Output, Tool } from 'ai';
import type { z } from 'zod';
import { OpenFramerError } from '../errors.js';
import {
  type ConcurrencyOptions,
  DEFAULT_CONCURRENCY,
  LimiterRegistry,
  type LimiterStats,
} from './concurrency.js';
import type { LlmConfig } from './config.js';
import { addUsage, costOf, usageFromSdk, usageFromV3, ZERO_USAGE } from './cost.js';
import { DatabricksTokens } from './databricks.js';
import { LlmError, LlmOutputError } from './errors.js';
import { type LlmModel, resolveCatalog } from './models.js';
import { type CallShape, callShape, ProviderPool } from './providers.js';
import {
  abortableSleep,
  classifyFailure,
  DEFAULT_RETRY,
  type FailureInfo,
  type RetryOptions,
  retryDelayMs,
} from './retry.js';
import { offlineModelError, type Route, resolveRoute, unknownModelError } from './routing.js';
import {
  correctionPrompt,
  describeIssues,
  isStrictCompatible,
  parseReply,
  schemaInstruction,
} from './structured.js';
import type {
  LlmCallOutcome,
  LlmCallRecord,
  LlmGateway,
  LlmRequest,
  LlmResult,
  LlmUsage,
  StructuredRequest,
} from './types.js';

export interface LlmGatewayOptions {
  config: LlmConfig;
  /** The base catalog; `config.models` is added to it. Defaults to the built-in catalog. */
  catalog?: readonly LlmModel[];
  /** Called once per HTTP round trip, failed ones included. */
  onCall?: (record: LlmCallRecord) => void;
  retry?: Partial<RetryOptions>;
  /** Per HTTP round trip. */
  timeoutMs?: number;
  /** Corrected replies asked for after the first one fails validation. */
  maxValidationRetries?: number;
  concurrency?: Partial<ConcurrencyOptions>;
  fetch?: typeof fetch;
  /** Waits between retries; must reject with `signal.reason` when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  /**
   * Supplies the AI SDK model for a route instead of the provider packages: tests pass the SDK's
   * `MockLanguageModelV3`; an embedder could plug in a model of its own.
   */
  languageModel?: (route: Route) => LanguageModel;
}

export interface LlmGatewayWithStats extends LlmGateway {
  /** Concurrency per provider+model key, e.g. `anthropic:claude-sonnet-4-6` or `gateway:openai/gpt-4.1`. */
  stats(): Record<string, LimiterStats>;
  /** The catalog this gateway serves: the base catalog plus configured models. */
  readonly catalog: readonly LlmModel[];
}

export const DEFAULT_TIMEOUT_MS = 180_000;
export const DEFAULT_MAX_VALIDATION_RETRIES = 2;

/** The abort signal of one round trip: the caller's signal or the per-call timeout, whichever fires first. */
class CallSignal {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #outer: AbortSignal | undefined;
  readonly #onAbort = () => this.#controller.abort(this.#outer?.reason);
  timedOut = false;

  constructor(outer: AbortSignal | undefined, timeoutMs: number) {
    this.#outer = outer;
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.#controller.abort(new DOMException('The operation timed out.', 'TimeoutError'));
    }, timeoutMs);
    if (outer?.aborted) this.#onAbort();
    else outer?.addEventListener('abort', this.#onAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  dispose(): void {
    clearTimeout(this.#timer);
    this.#outer?.removeEventListener('abort', this.#onAbort);
  }
}

/** One logical request: its model, route and the running totals of every round trip it took. */
interface Job {
  request: LlmRequest;
  model: LlmModel;
  route: Route;
  calls: number;
  usage: LlmUsage;
  costUsd: number;
}

type Reply<T> = { ok: true; text: string; value: T } | { ok: false; text: string; error: string };

interface StructuredPart<T> {
  schema: z.ZodType<T>;
  /** `Output.object` validates against the schema; `Output.json` only parses, so the value is checked here. */
  output: ReturnType<typeof Output.object<T>> | ReturnType<typeof Output.json>;
  validatedBySdk: boolean;
}

const NAME_PATTERN = /[^A-Za-z0-9_-]/g;

/** The parts of the AI SDK's result read here; `output` is a getter that throws when there is none. */
interface SdkResult {
  text: string;
  usage: LanguageModelUsage;
  /** Summed over the steps of a tool loop (`usage` is the last step's). */
  totalUsage: LanguageModelUsage;
  finishReason: string;
  readonly output: unknown;
}

type Ai = typeof import('ai');

let aiModule: Promise<Ai> | undefined;
/** Set once `aiModule` has loaded, for the synchronous checks in `send`. */
let ai: Ai | undefined;

/**
 * The AI SDK's `generateText` layer, imported on first use. Plain-text replies from the provider packages'
 * models do not go through it (see `send`); structured replies, and models that are not V3, still do.
 */
function loadAi(): Promise<Ai> {
  aiModule ??= import('ai').then((mod) => {
    warmPromptSchema(mod);
    ai = mod;
    return mod;
  });
  return aiModule;
}

/**
 * `generateText` validates every prompt against a new `z.array(modelMessageSchema)`, and zod first walks
 * the whole message schema to learn whether it is recursive. It caches that answer only once the lazy
 * JSON-value schema inside provider options has been resolved, which happens only when a message carrying
 * provider options is parsed; ours carry none, so every call walked the tree again (about 100 KB of
 * garbage and a quarter of the SDK's CPU per call). Parsing one such message up front settles it.
 */
function warmPromptSchema(mod: Ai): void {
  try {
    mod.modelMessageSchema.safeParse({
      role: 'user',
      content: '',
      providerOptions: { warm: { up: [null] } },
    });
  } catch {
    // Only an optimisation.
  }
}

/** A model the provider packages (or a test's `MockLanguageModelV3`) built, which `send` can call itself. */
function isV3(model: LanguageModel): model is LanguageModelV3 {
  return typeof model === 'object' && model.specificationVersion === 'v3';
}

export const DEFAULT_MAX_TOOL_STEPS = 4;

/**
 * The request's tools as AI SDK tools, and a stop after `maxToolSteps` rounds of calls plus the answer. A
 * tool that throws answers with its error, so the model can correct its input.
 */
function toolLoop(mod: Ai, request: LlmRequest, signal: AbortSignal) {
  const tools: Record<string, Tool> = {};
  for (const [name, t] of Object.entries(request.tools ?? {})) {
    tools[name] = mod.tool<unknown, string>({
      description: t.description,
      inputSchema: t.inputSchema,
      execute: async (input: unknown) => {
        try {
          return await t.execute(input, { signal });
        } catch (err) {
          if (signal.aborted) throw err;
          return `error: ${err instanceof Error ? err.message : String(err)}`;
        }
      },
    });
  }
  const steps = Math.max(0, request.maxToolSteps ?? DEFAULT_MAX_TOOL_STEPS);
  return { tools, stopWhen: mod.stepCountIs(steps + 1) };
}

/** What `generateText` would send for a prompt of plain-text turns (`convertToLanguageModelPrompt`). */
function toPrompt(system: CallShape['system'], messages: readonly ModelMessage[]): LanguageModelV3Prompt {
  const prompt: LanguageModelV3Prompt = [];
  if (typeof system === 'string') prompt.push({ role: 'system', content: system });
  else if (system !== undefined) {
    prompt.push({
      role: 'system',
      content: system.content,
      ...(system.providerOptions && { providerOptions: system.providerOptions }),
    });
  }
  for (const message of messages) {
    if (
      (message.role !== 'user' && message.role !== 'assistant') ||
      typeof message.content !== 'string' ||
      message.providerOptions !== undefined
    ) {
      return [];
    }
    prompt.push({ role: message.role, content: [{ type: 'text', text: message.content }] });
  }
  return prompt;
}

/** The settings `generateText` accepts without complaint; anything else goes to it, to fail as before. */
function plainSettings(request: LlmRequest, temperature: number | undefined): boolean {
  const max = request.maxOutputTokens;
  return (
    request.tools === undefined &&
    (max === undefined || (Number.isInteger(max) && max >= 1)) &&
    (temperature === undefined || typeof temperature === 'number')
  );
}

export function createLlmGateway(options: LlmGatewayOptions): LlmGatewayWithStats {
  const config = options.config;
  const catalog = resolveCatalog(config, options.catalog);
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry };
  retry.maxAttempts = Math.max(1, Math.floor(retry.maxAttempts));
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxValidationRetries = Math.max(0, options.maxValidationRetries ?? DEFAULT_MAX_VALIDATION_RETRIES);
  const limiters = new LimiterRegistry({ ...DEFAULT_CONCURRENCY, ...options.concurrency });
  const providers = new ProviderPool(options.fetch);
  const tokens = new DatabricksTokens(options.fetch);
  const sleep = options.sleep ?? abortableSleep;
  const random = options.random ?? Math.random;

  function prepare(request: LlmRequest): Job {
    const model = catalog.find((m) => m.id === request.model);
    if (!model) throw unknownModelError(request.model);
    if (model.offline) throw offlineModelError(model.id);
    const resolved = resolveRoute(model, config, request.credentials);
    if ('problem' in resolved) throw new OpenFramerError('invalid', resolved.problem);
    if (request.messages.length === 0) {
      throw new OpenFramerError(
        'invalid',
        `an LLM request needs at least one message (${request.stage} stage)`,
      );
    }
    return { request, model, route: resolved.route, calls: 0, usage: { ...ZERO_USAGE }, costUsd: 0 };
  }

  function report(
    job: Job,
    outcome: LlmCallOutcome,
    usage: LlmUsage,
    started: number,
    failure?: { message: string; status?: number | undefined },
  ): void {
    const costUsd = costOf(job.model, usage);
    job.usage = addUsage(job.usage, usage);
    job.costUsd += costUsd;
    if (!options.onCall) return;
    const record: LlmCallRecord = {
      model: job.model.id,
      provider: job.model.provider,
      stage: job.request.stage,
      attempt: job.calls,
      outcome,
      usage,
      costUsd,
      latencyMs: Math.round(performance.now() - started),
      route: job.route.via,
      ...(failure && { error: failure.message }),
      ...(failure?.status !== undefined && { status: failure.status }),
      ...(job.request.tag !== undefined && { tag: job.request.tag }),
    };
    try {
      options.onCall(record);
    } catch {
      // Accounting must not turn a paid, successful call into a failed one.
    }
  }

  async function languageModel(route: Route, signal: AbortSignal): Promise<LanguageModel> {
    if (options.languageModel) return options.languageModel(route);
    if (!route.databricks) return providers.model(route);
    return providers.model(route, await tokens.token(route.databricks, signal));
  }

  function failure(job: Job, info: FailureInfo, attempts: number, cause: unknown): LlmError {
    const who = `${job.model.id} (${job.request.stage} stage)`;
    const details = { model: job.model.id, stage: job.request.stage, attempts, cause, status: info.status };
    if (info.status === 401 || info.status === 403) {
      return new LlmError(
        'unavailable',
        `${who}: the provider refused the credentials (${info.message}); ${job.route.keyHint}`,
        details,
      );
    }
    if (!info.retryable && info.status !== undefined) {
      // The provider understood and refused this request (prompt too long, unknown model name, bad schema).
      const kind = [400, 404, 413, 422].includes(info.status) ? 'invalid' : 'unavailable';
      return new LlmError(kind, `${who} was refused by the provider: ${info.message}`, details);
    }
    if (!info.retryable) return new LlmError('unavailable', `${who} failed: ${info.message}`, details);
    return new LlmError(
      'unavailable',
      `${who} failed after ${attempts} ${attempts === 1 ? 'attempt' : 'attempts'}; last error: ${info.message}`,
      details,
    );
  }

  /**
   * One reply: HTTP round trips until one succeeds, with backoff between transient failures. A reply that
   * does not validate is returned (not thrown), since asking again is the caller's decision.
   */
  async function send<T>(
    job: Job,
    system: string | undefined,
    messages: ModelMessage[],
    structured: StructuredPart<T> | undefined,
    strict: boolean,
  ): Promise<Reply<T>> {
    const { request, route } = job;
    const limiter = limiters.get(route.key);
    const shape = callShape(route, job.model, { ...request, system }, strict);
    // Plain text from a V3 model: call the model itself. `generateText` adds nothing such a call needs
    // (one step, no tools, no telemetry) but allocates ~60 KB per call around it (prompt validation,
    // telemetry attributes, retry and step state), which at 200 ms per call all lives long enough to be
    // promoted to the old generation.
    const prompt =
      structured === undefined && plainSettings(request, shape.temperature)
        ? toPrompt(shape.system, messages)
        : [];
    for (let attempt = 0; ; attempt++) {
      if (request.signal?.aborted) throw request.signal.reason;
      const permit = await limiter.acquire(request.signal);
      // One controller and timer per round trip, both dropped when it ends (AbortSignal.timeout keeps its
      // timer, and AbortSignal.any a reference in the caller's signal, long after the call).
      const call = new CallSignal(request.signal, timeoutMs);
      const signal = call.signal;
      const started = performance.now();
      job.calls += 1;
      let text: string;
      let usage: LlmUsage;
      let result: SdkResult | undefined;
      try {
        const model = await languageModel(route, signal);
        if (prompt.length > 0 && isV3(model)) {
          const reply = await model.doGenerate({
            prompt,
            providerOptions: shape.providerOptions,
            ...(shape.temperature !== undefined && { temperature: shape.temperature }),
            ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }),
            abortSignal: signal,
          });
          text = '';
          for (const part of reply.content) if (part.type === 'text') text += part.text;
          usage = usageFromV3(reply.usage);
        } else {
          const { generateText } = await loadAi();
          result = await generateText({
            model,
            ...(shape.system !== undefined && { system: shape.system }),
            messages,
            ...(structured && { output: structured.output }),
            ...(request.tools && toolLoop(await loadAi(), request, signal)),
            providerOptions: shape.providerOptions,
            ...(shape.temperature !== undefined && { temperature: shape.temperature }),
            ...(request.maxOutputTokens !== undefined && { maxOutputTokens: request.maxOutputTokens }),
            maxRetries: 0,
            abortSignal: signal,
          });
          text = result.text;
          usage = usageFromSdk(request.tools ? result.totalUsage : result.usage);
        }
      } catch (err) {
        call.dispose();
        if (structured && ai?.NoObjectGeneratedError.isInstance(err)) {
          // The round trip worked; the content did not parse or validate.
          permit.release('success');
          return checkReply(
            job,
            err.text ?? '',
            structured.schema,
            usageFromSdk(err.usage),
            started,
            err.finishReason,
          );
        }
        if (request.signal?.aborted) {
          permit.release('other');
          report(job, 'aborted', { ...ZERO_USAGE }, started, { message: 'aborted by the caller' });
          throw request.signal.reason;
        }
        const info = classifyFailure(err, call.timedOut, timeoutMs);
        permit.release(info.throttle ? 'throttled' : 'other');
        report(job, info.outcome, { ...ZERO_USAGE }, started, info);
        if (route.databricks && (info.status === 401 || info.status === 403))
          tokens.invalidate(route.databricks);
        if (!info.retryable || attempt + 1 >= retry.maxAttempts) throw failure(job, info, attempt + 1, err);
        await sleep(retryDelayMs(attempt, retry, random, info.retryAfterMs), request.signal);
        continue;
      }
      call.dispose();
      permit.release('success');
      if (!structured || !result) {
        report(job, 'ok', usage, started);
        return { ok: true, text, value: text as T };
      }
      let value: unknown;
      try {
        value = result.output;
      } catch (err) {
        if (!ai?.NoOutputGeneratedError.isInstance(err)) throw err;
        return checkReply(job, result.text, structured.schema, usage, started, result.finishReason);
      }
      if (!structured.validatedBySdk) {
        const checked = structured.schema.safeParse(value);
        if (!checked.success) {
          const error = describeIssues(checked.error.issues);
          report(job, 'invalid_output', usage, started, { message: error });
          return { ok: false, text: result.text, error };
        }
        value = checked.data;
      }
      report(job, 'ok', usage, started);
      return { ok: true, text: result.text, value: value as T };
    }
  }

  /** Second look at a rejected reply: JSON inside code fences or prose still counts. */
  function checkReply<T>(
    job: Job,
    text: string,
    schema: z.ZodType<T>,
    usage: LlmUsage,
    started: number,
    finishReason: string | undefined,
  ): Reply<T> {
    const parsed = parseReply(text, schema);
    if (parsed.ok) {
      report(job, 'ok', usage, started);
      return { ok: true, text, value: parsed.value };
    }
    const error =
      finishReason === 'length'
        ? `${parsed.error} (the reply was cut off at the output token limit)`
        : parsed.error;
    report(job, 'invalid_output', usage, started, { message: error });
    return { ok: false, text, error };
  }

  function result(job: Job): LlmResult {
    return { usage: job.usage, costUsd: job.costUsd, calls: job.calls };
  }

  const schemaCache = new WeakMap<object, Promise<{ strict: boolean; jsonSchema: object }>>();
  function describeSchema(schema: z.ZodType): Promise<{ strict: boolean; jsonSchema: object }> {
    let described = schemaCache.get(schema);
    if (!described) {
      described = loadAi()
        .then((mod) => mod.asSchema(schema).jsonSchema)
        .then((jsonSchema) => ({
          jsonSchema,
          strict: isStrictCompatible(jsonSchema),
        }));
      schemaCache.set(schema, described);
    }
    return described;
  }

  return {
    catalog,

    stats: () => limiters.stats(),

    async generateText(request) {
      const job = prepare(request);
      const reply = await send<string>(job, request.system, [...request.messages], undefined, false);
      return { ...result(job), text: reply.text };
    },

    async generateObject<T>(request: StructuredRequest<T>) {
      const job = prepare(request);
      const { jsonSchema, strict } = await describeSchema(request.schema);
      const { Output } = await loadAi();
      const name = request.schemaName.replace(NAME_PATTERN, '_') || 'response';
      const structured: StructuredPart<T> = job.route.structuredOutputs
        ? {
            schema: request.schema,
            output: Output.object({ schema: request.schema, name }),
            validatedBySdk: true,
          }
        : { schema: request.schema, output: Output.json({ name }), validatedBySdk: false };
      // Without schema-constrained decoding the model only knows the schema if the prompt shows it.
      const system = job.route.structuredOutputs
        ? request.system
        : [request.system, schemaInstruction(name, jsonSchema)].filter(Boolean).join('\n\n');
      const original: ModelMessage[] = [...request.messages];
      let messages = original;
      let last: { text: string; error: string } = { text: '', error: '' };
      for (let round = 0; round <= maxValidationRetries; round++) {
        const reply = await send(job, system, messages, structured, strict);
        if (reply.ok) return { ...result(job), object: reply.value };
        last = reply;
        // Only the latest bad reply is quoted back: the prompt stays short and its prefix stays cacheable.
        messages = [
          ...original,
          { role: 'assistant', content: reply.text.trim() === '' ? '(empty reply)' : reply.text },
          { role: 'user', content: correctionPrompt(reply.error) },
        ];
      }
      throw new LlmOutputError({
        model: job.model.id,
        stage: request.stage,
        attempts: maxValidationRetries + 1,
        lastError: last.error,
        lastText: last.text,
      });
    },
  };
}
