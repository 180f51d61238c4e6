/**
 * The model catalog: every model id users may name, its provider, context size and price. Ids follow
 * DataFramer (`<provider>/<model>`); a `-thinking` suffix is the same model with extended thinking on.
 */
export const PROVIDERS = ['anthropic', 'openai', 'gemini', 'together', 'databricks', 'openframer'] as const;
export type Provider = (typeof PROVIDERS)[number];

export const MODEL_STAGES = [
  'spec',
  'generation',
  'evaluation',
  'red_team',
  'chat',
  'anonymization',
] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** US dollars per million tokens. */
export interface ModelPricing {
  input: number;
  output: number;
  cached_input: number | null;
}

export interface CatalogModel {
  id: string;
  display_name: string;
  provider: Provider;
  /** The id the provider's API knows the model by. */
  provider_model: string;
  context_window: number;
  max_output_tokens: number;
  supports_thinking: boolean;
  /** True for a `-thinking` id: extended thinking is on, with each stage's budget. */
  thinking: boolean;
  supports_structured_output: boolean;
  /** Null where the provider bills another way (Databricks DBUs). */
  pricing: ModelPricing | null;
  supported_for: ModelStage[];
  /** Runs with no network and no key. */
  offline: boolean;
}

type BaseModel = Omit<CatalogModel, 'id' | 'thinking'> & { id: string };

const ALL_LLM_STAGES: ModelStage[] = [
  'spec',
  'generation',
  'evaluation',
  'red_team',
  'chat',
  'anonymization',
];
const OPEN_MODEL_STAGES: ModelStage[] = ['spec', 'generation', 'evaluation', 'red_team', 'anonymization'];

const anthropic = (id: string, name: string, pricing: ModelPricing, maxOut = 64_000): BaseModel => ({
  id: `anthropic/${id}`,
  display_name: name,
  provider: 'anthropic',
  provider_model: id,
  context_window: 200_000,
  max_output_tokens: maxOut,
  supports_thinking: true,
  supports_structured_output: true,
  pricing,
  supported_for: ALL_LLM_STAGES,
  offline: false,
});

const together = (
  id: string,
  name: string,
  context: number,
  pricing: ModelPricing,
  stages: ModelStage[] = OPEN_MODEL_STAGES,
): BaseModel => ({
  id,
  display_name: name,
  provider: 'together',
  provider_model: id,
  context_window: context,
  max_output_tokens: 16_384,
  supports_thinking: false,
  supports_structured_output: true,
  pricing,
  supported_for: stages,
  offline: false,
});

const databricks = (endpoint: string, name: string, context: number): BaseModel => ({
  id: `databricks/${endpoint}`,
  display_name: name,
  provider: 'databricks',
  provider_model: endpoint,
  context_window: context,
  max_output_tokens: 32_000,
  supports_thinking: false,
  supports_structured_output: true,
  pricing: null,
  supported_for: ['spec', 'generation', 'evaluation'],
  offline: false,
});

const OPUS: ModelPricing = { input: 5, output: 25, cached_input: 0.5 };
const SONNET: ModelPricing = { input: 3, output: 15, cached_input: 0.3 };
const HAIKU: ModelPricing = { input: 1, output: 5, cached_input: 0.1 };

const BASE_MODELS: BaseModel[] = [
  {
    id: 'openframer/statistical',
    display_name: 'OpenFramer statistical engine (offline)',
    provider: 'openframer',
    provider_model: 'statistical',
    context_window: 0,
    max_output_tokens: 0,
    supports_thinking: false,
    supports_structured_output: true,
    pricing: { input: 0, output: 0, cached_input: 0 },
    supported_for: ['spec', 'generation', 'evaluation', 'anonymization'],
    offline: true,
  },
  anthropic('claude-opus-4-6', 'Claude Opus 4.6', OPUS, 128_000),
  anthropic('claude-sonnet-4-6', 'Claude Sonnet 4.6', SONNET),
  anthropic('claude-haiku-4-5', 'Claude Haiku 4.5', HAIKU),
  anthropic('claude-opus-4-5', 'Claude Opus 4.5', OPUS),
  anthropic('claude-sonnet-4-5', 'Claude Sonnet 4.5', SONNET),
  together('deepseek-ai/DeepSeek-V3.1', 'DeepSeek V3.1', 131_072, {
    input: 0.6,
    output: 1.7,
    cached_input: null,
  }),
  together('deepseek-ai/DeepSeek-R1-0528-tput', 'DeepSeek R1 (0528, throughput)', 163_840, {
    input: 0.55,
    output: 2.19,
    cached_input: null,
  }),
  together('moonshotai/Kimi-K2-Instruct', 'Kimi K2 Instruct', 131_072, {
    input: 1,
    output: 3,
    cached_input: null,
  }),
  together('openai/gpt-oss-120b', 'gpt-oss-120b', 131_072, { input: 0.15, output: 0.6, cached_input: null }),
  together('Qwen/Qwen2.5-72B-Instruct-Turbo', 'Qwen2.5 72B Instruct Turbo', 32_768, {
    input: 1.2,
    output: 1.2,
    cached_input: null,
  }),
  {
    id: 'openai/gpt-4.1',
    display_name: 'GPT-4.1',
    provider: 'openai',
    provider_model: 'gpt-4.1',
    context_window: 1_047_576,
    max_output_tokens: 32_768,
    supports_thinking: false,
    supports_structured_output: true,
    pricing: { input: 2, output: 8, cached_input: 0.5 },
    supported_for: ALL_LLM_STAGES,
    offline: false,
  },
  {
    id: 'gemini/gemini-3-pro-preview',
    display_name: 'Gemini 3 Pro (preview)',
    provider: 'gemini',
    provider_model: 'gemini-3-pro-preview',
    context_window: 1_048_576,
    max_output_tokens: 65_536,
    supports_thinking: true,
    supports_structured_output: true,
    pricing: { input: 2, output: 12, cached_input: 0.2 },
    supported_for: ALL_LLM_STAGES,
    offline: false,
  },
  {
    id: 'gemini/gemini-2.5-pro',
    display_name: 'Gemini 2.5 Pro',
    provider: 'gemini',
    provider_model: 'gemini-2.5-pro',
    context_window: 1_048_576,
    max_output_tokens: 65_536,
    supports_thinking: false,
    supports_structured_output: true,
    pricing: { input: 1.25, output: 10, cached_input: 0.125 },
    supported_for: ['evaluation', 'chat'],
    offline: false,
  },
  databricks('databricks-claude-3-7-sonnet', 'Claude 3.7 Sonnet on Databricks', 200_000),
  databricks('databricks-claude-haiku-4-5', 'Claude Haiku 4.5 on Databricks', 200_000),
  databricks('databricks-claude-opus-4-1', 'Claude Opus 4.1 on Databricks', 200_000),
  databricks('databricks-claude-opus-4-5', 'Claude Opus 4.5 on Databricks', 200_000),
  databricks('databricks-claude-opus-4-6', 'Claude Opus 4.6 on Databricks', 200_000),
  databricks('databricks-claude-sonnet-4', 'Claude Sonnet 4 on Databricks', 200_000),
  databricks('databricks-claude-sonnet-4-5', 'Claude Sonnet 4.5 on Databricks', 200_000),
  databricks('databricks-gemini-2-5-flash', 'Gemini 2.5 Flash on Databricks', 1_048_576),
  databricks('databricks-gemini-2-5-pro', 'Gemini 2.5 Pro on Databricks', 1_048_576),
  databricks('databricks-gemini-3-flash', 'Gemini 3 Flash on Databricks', 1_048_576),
  databricks('databricks-gemini-3-pro', 'Gemini 3 Pro on Databricks', 1_048_576),
  databricks('databricks-gpt-5', 'GPT-5 on Databricks', 400_000),
];

export const THINKING_SUFFIX = '-thinking';

/** Expands each thinking-capable model into its plain id and its `-thinking` id. */
export function buildCatalog(extra: BaseModel[] = []): CatalogModel[] {
  const models: CatalogModel[] = [];
  for (const base of [...BASE_MODELS, ...extra]) {
    models.push({ ...base, thinking: false });
    if (base.supports_thinking) {
      models.push({
        ...base,
        id: `${base.id}${THINKING_SUFFIX}`,
        display_name: `${base.display_name} (thinking)`,
        thinking: true,
      });
    }
  }
  return models;
}

export const MODEL_CATALOG: readonly CatalogModel[] = buildCatalog();

export function findModel(
  id: string,
  catalog: readonly CatalogModel[] = MODEL_CATALOG,
): CatalogModel | undefined {
  return catalog.find((m) => m.id === id);
}

/** The environment variable a provider's key comes from, so errors can say which one to set. */
export const PROVIDER_KEY_VARIABLES: Record<Provider, string | null> = {
  anthropic: 'ANTHROPIC_API_KEY',
  openai: 'OPENAI_API_KEY',
  gemini: 'GEMINI_API_KEY',
  together: 'TOGETHER_API_KEY',
  databricks: 'DATABRICKS_TOKEN',
  openframer: null,
};

/** Default model per stage (DataFramer's newest defaults). */
export const DEFAULT_MODELS = {
  spec: 'anthropic/claude-sonnet-4-6-thinking',
  generation: 'anthropic/claude-sonnet-4-6',
  evaluation: 'gemini/gemini-3-pro-preview',
  red_team: 'deepseek-ai/DeepSeek-V3.1',
  chat: 'anthropic/claude-sonnet-4-6',
} as const;
