import { OpenFramerError } from '../errors.js';
import { PROVIDER_KEY_VARIABLES, type Provider } from './catalog.js';
import {
  DEFAULT_BASE_URLS,
  LLM_ENV,
  type LlmConfig,
  NETWORK_PROVIDERS,
  type NetworkProvider,
} from './config.js';
import { baseModelId, type LlmModel, resolveCatalog } from './models.js';
import type { DatabricksCredentials } from './types.js';

/** Which wire protocol, and so which AI SDK provider, a route speaks. */
export type RouteApi = 'anthropic' | 'google' | 'openai' | 'compatible';

/** Where one model's calls go, resolved from the catalog entry, the configuration and the request. */
export interface Route {
  /** `gateway`, a catalog provider, `custom:<name>`, or `databricks@<host>`. */
  via: string;
  api: RouteApi;
  baseUrl: string;
  apiKey: string | undefined;
  headers: Record<string, string> | undefined;
  /** Set when the bearer token comes from a Databricks OAuth exchange for each call. */
  databricks: DatabricksCredentials | undefined;
  /** The model name sent on the wire. */
  wireModel: string;
  /** False when the server only knows `json_object`: the schema then goes in the prompt. */
  structuredOutputs: boolean;
  /** What to check when the provider rejects the credentials. */
  keyHint: string;
  /** Concurrency key: calls to the same model at the same place share one limit. */
  key: string;
}

const GATEWAY_HINT = `${LLM_ENV.gatewayBaseUrl} to route every model through one OpenAI-compatible endpoint`;

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** `DATABRICKS_HOST` is often given bare (`adb-123.azuredatabricks.net`). */
export function databricksApiBase(host: string): string {
  const withScheme = /^https?:\/\//i.test(host) ? host : `https://${host}`;
  return trimSlash(withScheme);
}

function isNetworkProvider(provider: string): provider is NetworkProvider {
  return (NETWORK_PROVIDERS as readonly string[]).includes(provider);
}

export function unknownModelError(id: string): OpenFramerError {
  return new OpenFramerError('invalid', `unknown model "${id}"; see GET /api/dataframer/models/`);
}

export function offlineModelError(id: string): OpenFramerError {
  return new OpenFramerError(
    'invalid',
    `model ${id} is the offline statistical engine, not a language model; it cannot be called through the LLM gateway`,
  );
}

function notConfigured(model: LlmModel): string {
  if (model.provider === 'databricks') {
    return `model ${model.id} is not configured: set ${LLM_ENV.databricks.apiKey} and ${LLM_ENV.databricks.baseUrl}, or send Databricks client credentials with the request (or ${GATEWAY_HINT})`;
  }
  if (isNetworkProvider(model.provider)) {
    const variable = PROVIDER_KEY_VARIABLES[model.provider as Provider] ?? LLM_ENV[model.provider].apiKey;
    return `model ${model.id} is not configured: set ${variable} (or ${GATEWAY_HINT})`;
  }
  return `model ${model.id} is not configured: its provider "${model.provider}" is not a known provider; add a custom provider named "${model.provider}" (an OpenAI-compatible base URL) to the LLM configuration (or set ${GATEWAY_HINT})`;
}

function route(
  partial: Omit<Route, 'key' | 'headers' | 'databricks'> & Partial<Pick<Route, 'headers' | 'databricks'>>,
): Route {
  return {
    headers: undefined,
    databricks: undefined,
    ...partial,
    key: `${partial.via}:${partial.wireModel}`,
  };
}

/**
 * Where a call for `model` goes, or why it cannot go anywhere. Order: Databricks credentials sent with the
 * request (the caller's own workspace), a custom provider named by the model, the one-endpoint gateway,
 * then the provider's own key.
 */
export function resolveRoute(
  model: LlmModel,
  config: LlmConfig,
  credentials?: { databricks?: DatabricksCredentials },
): { route: Route } | { problem: string } {
  const creds = credentials?.databricks;
  if (model.provider === 'databricks' && creds) {
    const apiBase = databricksApiBase(creds.apiBase);
    return {
      route: route({
        via: `databricks@${new URL(apiBase).host}`,
        api: 'compatible',
        baseUrl: `${apiBase}/serving-endpoints`,
        apiKey: undefined,
        databricks: { ...creds, apiBase },
        wireModel: model.provider_model,
        structuredOutputs: model.supports_structured_output,
        keyHint: 'check the Databricks client id and secret sent with the request',
      }),
    };
  }

  const custom = config.customProviders?.[model.provider];
  if (custom) {
    return {
      route: route({
        via: `custom:${model.provider}`,
        api: 'compatible',
        baseUrl: trimSlash(custom.baseUrl),
        apiKey: custom.apiKey,
        headers: custom.headers,
        wireModel: model.provider_model,
        structuredOutputs: (custom.supportsStructuredOutputs ?? true) && model.supports_structured_output,
        keyHint: custom.apiKeyVariable
          ? `check ${custom.apiKeyVariable}`
          : `check the API key of custom provider "${model.provider}"`,
      }),
    };
  }

  if (config.gatewayBaseUrl) {
    return {
      route: route({
        via: 'gateway',
        api: 'compatible',
        baseUrl: trimSlash(config.gatewayBaseUrl),
        apiKey: config.gatewayApiKey,
        // LiteLLM and OpenRouter know models by `<provider>/<model>`, the catalog's own form.
        wireModel: baseModelId(model.id),
        structuredOutputs: model.supports_structured_output,
        keyHint: `check ${LLM_ENV.gatewayApiKey}`,
      }),
    };
  }

  if (!isNetworkProvider(model.provider)) return { problem: notConfigured(model) };
  const provider = model.provider;
  const conn = config.providers?.[provider];
  const names = LLM_ENV[provider];
  const keyHint = `check ${names.apiKey}`;

  if (provider === 'databricks') {
    if (!conn?.apiKey || !conn.baseUrl) return { problem: notConfigured(model) };
    const apiBase = databricksApiBase(conn.baseUrl);
    return {
      route: route({
        via: `databricks@${new URL(apiBase).host}`,
        api: 'compatible',
        baseUrl: `${apiBase}/serving-endpoints`,
        apiKey: conn.apiKey,
        headers: conn.headers,
        wireModel: model.provider_model,
        structuredOutputs: model.supports_structured_output,
        keyHint,
      }),
    };
  }

  // OpenAI and Together speak the protocol self-hosted servers copy, so a base URL alone (no key) is a
  // usable setup; Anthropic and Gemini always need a key.
  const keyOptional = provider === 'openai' || provider === 'together';
  if (!conn?.apiKey && !(keyOptional && conn?.baseUrl)) return { problem: notConfigured(model) };
  const baseUrl = trimSlash(conn.baseUrl ?? DEFAULT_BASE_URLS[provider]);
  const common = {
    via: provider,
    baseUrl,
    apiKey: conn.apiKey,
    headers: conn.headers,
    wireModel: model.provider_model,
    structuredOutputs: model.supports_structured_output,
    keyHint,
  };
  switch (provider) {
    case 'anthropic':
      return { route: route({ ...common, api: 'anthropic' }) };
    case 'gemini':
      return { route: route({ ...common, api: 'google' }) };
    case 'openai':
      // Without a key this is a self-hosted server behind OPENAI_BASE_URL: the generic client sends no
      // empty bearer token.
      return { route: route({ ...common, api: conn.apiKey ? 'openai' : 'compatible' }) };
    case 'together':
      return { route: route({ ...common, api: 'compatible' }) };
  }
}

/**
 * Why `modelId` cannot be used with this configuration, or undefined when it can. The offline engine needs
 * no configuration, so it passes; the server calls this to reject a request before queueing a job.
 */
export function checkModelConfigured(
  modelId: string,
  config: LlmConfig,
  catalog?: readonly LlmModel[],
  credentials?: { databricks?: DatabricksCredentials },
): string | undefined {
  const model = resolveCatalog(config, catalog).find((m) => m.id === modelId);
  if (!model) return unknownModelError(modelId).message;
  if (model.offline) return undefined;
  const resolved = resolveRoute(model, config, credentials);
  return 'problem' in resolved ? resolved.problem : undefined;
}
