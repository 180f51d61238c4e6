import type { ModelPricing, ModelStage } from './catalog.js';

/** How to reach one provider. A base URL alone is enough for self-hosted servers that need no key. */
export interface ProviderConnection {
  apiKey?: string;
  baseUrl?: string;
  headers?: Record<string, string>;
}

/** The providers the catalog names, minus the offline engine. */
export const NETWORK_PROVIDERS = ['openai', 'anthropic', 'gemini', 'together', 'databricks'] as const;
export type NetworkProvider = (typeof NETWORK_PROVIDERS)[number];

/** Any OpenAI-compatible Chat Completions server (Ollama, vLLM, llama.cpp, LM Studio, OpenRouter, ...). */
export interface CustomProviderConfig {
  /** Base URL up to and including `/v1`, e.g. `http://localhost:11434/v1`. */
  baseUrl: string;
  apiKey?: string;
  /** Named in errors when the server rejects the key, e.g. `OLLAMA_API_KEY`. */
  apiKeyVariable?: string;
  headers?: Record<string, string>;
  /** False for servers that only know `response_format: {type: "json_object"}`; the schema then goes in the prompt. */
  supportsStructuredOutputs?: boolean;
}

/**
 * A model added in configuration. Only `id` and `provider` are required; `provider` is a catalog provider
 * or the name of a custom provider.
 */
export interface ModelDefinition {
  id: string;
  provider: string;
  /** Defaults to the id without its `<provider>/` prefix. */
  provider_model?: string;
  display_name?: string;
  context_window?: number;
  max_output_tokens?: number;
  supports_thinking?: boolean;
  supports_structured_output?: boolean;
  pricing?: ModelPricing | null;
  supported_for?: ModelStage[];
}

/** What the gateway may reach. Core reads no environment; the server builds this (see `llmConfigFromEnv`). */
export interface LlmConfig {
  /** One OpenAI-compatible endpoint (LiteLLM, OpenRouter, ...) that serves every model id. */
  gatewayBaseUrl?: string;
  gatewayApiKey?: string;
  providers?: Partial<Record<NetworkProvider, ProviderConnection>>;
  /** Catalog additions; an entry with an existing id replaces that model. */
  models?: ModelDefinition[];
  customProviders?: Record<string, CustomProviderConfig>;
}

export const DEFAULT_BASE_URLS: Record<Exclude<NetworkProvider, 'databricks'>, string> = {
  openai: 'https://api.openai.com/v1',
  anthropic: 'https://api.anthropic.com/v1',
  gemini: 'https://generativelanguage.googleapis.com/v1beta',
  together: 'https://api.together.xyz/v1',
};

/** Environment variables by purpose, so error messages and docs name the same ones the server reads. */
export const LLM_ENV = {
  gatewayBaseUrl: 'OPENFRAMER_LLM_BASE_URL',
  gatewayApiKey: 'OPENFRAMER_LLM_API_KEY',
  openai: { apiKey: 'OPENAI_API_KEY', baseUrl: 'OPENAI_BASE_URL' },
  anthropic: { apiKey: 'ANTHROPIC_API_KEY', baseUrl: 'ANTHROPIC_BASE_URL' },
  gemini: { apiKey: 'GEMINI_API_KEY', baseUrl: 'GEMINI_BASE_URL' },
  together: { apiKey: 'TOGETHER_API_KEY', baseUrl: 'TOGETHER_BASE_URL' },
  databricks: { apiKey: 'DATABRICKS_TOKEN', baseUrl: 'DATABRICKS_HOST' },
} as const;

function value(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

function connection(apiKey: string | undefined, baseUrl: string | undefined): ProviderConnection | undefined {
  if (apiKey === undefined && baseUrl === undefined) return undefined;
  return { ...(apiKey !== undefined && { apiKey }), ...(baseUrl !== undefined && { baseUrl }) };
}

/** Reads the variables documented in `LLM_ENV`; empty values count as unset. */
export function llmConfigFromEnv(env: Record<string, string | undefined>): LlmConfig {
  const providers: Partial<Record<NetworkProvider, ProviderConnection>> = {};
  for (const provider of NETWORK_PROVIDERS) {
    const names = LLM_ENV[provider];
    let apiKey = value(env, names.apiKey);
    // The AI SDK's own variable for Gemini, accepted so existing setups keep working.
    if (provider === 'gemini') apiKey ??= value(env, 'GOOGLE_GENERATIVE_AI_API_KEY');
    const conn = connection(apiKey, value(env, names.baseUrl));
    if (conn) providers[provider] = conn;
  }
  const config: LlmConfig = { providers };
  const gatewayBaseUrl = value(env, LLM_ENV.gatewayBaseUrl);
  const gatewayApiKey = value(env, LLM_ENV.gatewayApiKey);
  if (gatewayBaseUrl) config.gatewayBaseUrl = gatewayBaseUrl;
  if (gatewayApiKey) config.gatewayApiKey = gatewayApiKey;
  return config;
}
