export * from './catalog.js';
export {
  AdaptiveLimiter,
  type ConcurrencyOptions,
  DEFAULT_CONCURRENCY,
  type LimiterStats,
  type Permit,
  type PermitOutcome,
} from './concurrency.js';
export {
  type CustomProviderConfig,
  DEFAULT_BASE_URLS,
  LLM_ENV,
  type LlmConfig,
  llmConfigFromEnv,
  type ModelDefinition,
  NETWORK_PROVIDERS,
  type NetworkProvider,
  type ProviderConnection,
} from './config.js';
export { addUsage, costOf, usageFromSdk, ZERO_USAGE } from './cost.js';
export { LlmError, LlmOutputError } from './errors.js';
export {
  createLlmGateway,
  DEFAULT_MAX_VALIDATION_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type LlmGatewayOptions,
  type LlmGatewayWithStats,
} from './gateway.js';
export { baseModelId, type LlmModel, resolveCatalog } from './models.js';
export { DEFAULT_THINKING_BUDGETS, thinkingBudgetFor } from './providers.js';
export { DEFAULT_RETRY, type RetryOptions, retryAfterMs, retryDelayMs } from './retry.js';
export { checkModelConfigured, type Route, resolveRoute } from './routing.js';
export { describeIssues, extractJson } from './structured.js';
export * from './types.js';
