import type { generateText, LanguageModel, SystemModelMessage } from 'ai';
import { createHttpFetch } from './http-fetch.js';
import type { LlmModel } from './models.js';
import type { Route } from './routing.js';

type ProviderOptions = NonNullable<Parameters<typeof generateText>[0]['providerOptions']>;

/** Thinking budget (tokens) per stage for `-thinking` models when the request names none. */
export const DEFAULT_THINKING_BUDGETS: Readonly<Record<string, number>> = Object.freeze({
  spec: 16_000,
  generation: 8_000,
  outline: 4_000,
  revision: 4_000,
  evaluation: 4_000,
  red_team: 4_000,
  chat: 4_000,
  anonymization: 4_000,
  default: 4_000,
});

/** Anthropic refuses budgets under 1024 tokens. */
const MIN_THINKING_BUDGET = 1_024;

export function thinkingBudgetFor(stage: string, requested: number | null | undefined): number {
  const budget = requested ?? DEFAULT_THINKING_BUDGETS[stage] ?? DEFAULT_THINKING_BUDGETS.default ?? 4_000;
  return Math.max(MIN_THINKING_BUDGET, Math.floor(budget));
}

/**
 * OpenAI-compatible servers take no token budget; `reasoning_effort` is the one knob LiteLLM, OpenRouter
 * and vLLM all map onto their providers' thinking settings.
 */
export function reasoningEffortFor(budget: number): 'low' | 'medium' | 'high' {
  if (budget <= 2_048) return 'low';
  if (budget <= 8_192) return 'medium';
  return 'high';
}

export interface CallShape {
  system: string | SystemModelMessage | undefined;
  providerOptions: ProviderOptions;
  temperature: number | undefined;
}

/**
 * The provider-specific parts of one call: thinking, prompt caching, strict schemas. `strict` is whether
 * the JSON Schema (if any) passes OpenAI's strict-mode rules.
 */
export function callShape(
  route: Route,
  model: LlmModel,
  request: { stage: string; system?: string; thinkingBudget?: number | null; temperature?: number },
  strict: boolean,
): CallShape {
  const budget = model.thinking ? thinkingBudgetFor(request.stage, request.thinkingBudget) : undefined;
  switch (route.api) {
    case 'anthropic':
      return {
        // A cache breakpoint after the system prompt: the stable instructions are then billed at the
        // cached price on every later call that shares them.
        system:
          request.system === undefined
            ? undefined
            : {
                role: 'system',
                content: request.system,
                providerOptions: { anthropic: { cacheControl: { type: 'ephemeral' } } },
              },
        providerOptions:
          budget === undefined ? {} : { anthropic: { thinking: { type: 'enabled', budgetTokens: budget } } },
        // Anthropic rejects a temperature while thinking.
        temperature: budget === undefined ? request.temperature : undefined,
      };
    case 'google':
      return {
        system: request.system,
        providerOptions:
          budget === undefined
            ? {}
            : { google: { thinkingConfig: { thinkingBudget: budget, includeThoughts: false } } },
        temperature: request.temperature,
      };
    case 'openai':
      return {
        system: request.system,
        providerOptions: {
          openai: {
            strictJsonSchema: strict,
            ...(budget !== undefined && { reasoningEffort: reasoningEffortFor(budget) }),
          },
        },
        temperature: request.temperature,
      };
    case 'compatible':
      return {
        system: request.system,
        providerOptions: {
          openaiCompatible: {
            strictJsonSchema: strict,
            ...(budget !== undefined && { reasoningEffort: reasoningEffortFor(budget) }),
          },
        },
        temperature: request.temperature,
      };
  }
}

let sharedFetch: typeof fetch | undefined;

function defaultFetch(): typeof fetch {
  sharedFetch ??= createHttpFetch();
  return sharedFetch;
}

type ModelFactory = (modelId: string) => LanguageModel;

/**
 * AI SDK provider instances, one per (route, key), so connection settings are built once. Every base URL
 * and key is passed explicitly: left undefined, the SDK would read the process environment itself.
 *
 * Each provider package is imported the first time a route uses it: together they hold ~10 MB of heap
 * (code, sources and zod schemas) that a server talking to one provider, or to none, never needs.
 */
export class ProviderPool {
  readonly #fetch: typeof fetch | undefined;
  readonly #cache = new Map<string, ModelFactory | Promise<ModelFactory>>();

  /** Without `fetchImpl`, model calls go through `createHttpFetch` (node:http), shared by every pool. */
  constructor(fetchImpl?: typeof fetch) {
    this.#fetch = fetchImpl ?? defaultFetch();
  }

  async model(route: Route, bearerToken?: string): Promise<LanguageModel> {
    const apiKey = bearerToken ?? route.apiKey;
    const cacheKey = `${route.api}\n${route.via}\n${route.baseUrl}\n${apiKey ?? ''}`;
    let factory = this.#cache.get(cacheKey);
    if (!factory) {
      const pending = this.#create(route, apiKey);
      this.#cache.set(cacheKey, pending);
      try {
        factory = await pending;
      } catch (err) {
        this.#cache.delete(cacheKey);
        throw err;
      }
      this.#cache.set(cacheKey, factory);
    } else if (typeof factory !== 'function') {
      factory = await factory;
    }
    return factory(route.wireModel);
  }

  async #create(route: Route, apiKey: string | undefined): Promise<ModelFactory> {
    // Model objects are stateless between calls, and building one builds its response schemas: reuse them.
    const make = await this.#provider(route, apiKey);
    const models = new Map<string, LanguageModel>();
    return (id) => {
      let model = models.get(id);
      if (!model) {
        model = make(id);
        models.set(id, model);
      }
      return model;
    };
  }

  async #provider(route: Route, apiKey: string | undefined): Promise<ModelFactory> {
    const common = {
      baseURL: route.baseUrl,
      ...(route.headers && { headers: route.headers }),
      ...(this.#fetch && { fetch: this.#fetch }),
    };
    switch (route.api) {
      case 'anthropic': {
        const { createAnthropic } = await import('@ai-sdk/anthropic');
        const provider = createAnthropic({ ...common, apiKey: apiKey ?? '' });
        return (id) => provider.messages(id);
      }
      case 'google': {
        const { createGoogleGenerativeAI } = await import('@ai-sdk/google');
        const provider = createGoogleGenerativeAI({ ...common, apiKey: apiKey ?? '' });
        return (id) => provider.chat(id);
      }
      case 'openai': {
        // Chat Completions rather than Responses: the one API every OpenAI-compatible server implements,
        // so OPENAI_BASE_URL can point at any of them.
        const { createOpenAI } = await import('@ai-sdk/openai');
        const provider = createOpenAI({ ...common, apiKey: apiKey ?? '' });
        return (id) => provider.chat(id);
      }
      case 'compatible': {
        const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
        const provider = createOpenAICompatible({
          ...common,
          name: route.via.replace(/[^A-Za-z0-9_-]/g, '_'),
          ...(apiKey !== undefined && { apiKey }),
          supportsStructuredOutputs: route.structuredOutputs,
          includeUsage: true,
        });
        return (id) => provider.chatModel(id);
      }
    }
  }
}
