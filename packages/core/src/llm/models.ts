import { type CatalogModel, MODEL_CATALOG, type ModelStage, THINKING_SUFFIX } from './catalog.js';
import type { LlmConfig, ModelDefinition } from './config.js';

/** A catalog entry whose provider may also be a custom provider named in configuration. */
export type LlmModel = Omit<CatalogModel, 'provider'> & { provider: string };

const CONFIGURED_MODEL_STAGES: ModelStage[] = [
  'spec',
  'generation',
  'evaluation',
  'red_team',
  'chat',
  'anonymization',
];

function fromDefinition(def: ModelDefinition): LlmModel[] {
  const prefix = `${def.provider}/`;
  const base: LlmModel = {
    id: def.id,
    display_name: def.display_name ?? def.id,
    provider: def.provider,
    provider_model: def.provider_model ?? (def.id.startsWith(prefix) ? def.id.slice(prefix.length) : def.id),
    context_window: def.context_window ?? 128_000,
    max_output_tokens: def.max_output_tokens ?? 8_192,
    supports_thinking: def.supports_thinking ?? false,
    thinking: false,
    supports_structured_output: def.supports_structured_output ?? true,
    pricing: def.pricing ?? null,
    supported_for: def.supported_for ?? CONFIGURED_MODEL_STAGES,
    offline: false,
  };
  if (!base.supports_thinking) return [base];
  return [
    base,
    {
      ...base,
      id: `${base.id}${THINKING_SUFFIX}`,
      display_name: `${base.display_name} (thinking)`,
      thinking: true,
    },
  ];
}

/**
 * The catalog the gateway serves: `base` (the built-in catalog unless given) plus the models in `config`,
 * a configured model replacing a built-in one of the same id (and its `-thinking` twin).
 */
export function resolveCatalog(
  config: Pick<LlmConfig, 'models'>,
  base: readonly LlmModel[] = MODEL_CATALOG,
): LlmModel[] {
  const added = (config.models ?? []).flatMap(fromDefinition);
  if (added.length === 0) return [...base];
  const replaced = new Set<string>();
  for (const def of config.models ?? []) {
    replaced.add(def.id);
    replaced.add(`${def.id}${THINKING_SUFFIX}`);
  }
  return [...base.filter((m) => !replaced.has(m.id)), ...added];
}

/** The id without its `-thinking` suffix: the name OpenAI-compatible gateways know the model by. */
export function baseModelId(id: string): string {
  return id.endsWith(THINKING_SUFFIX) ? id.slice(0, -THINKING_SUFFIX.length) : id;
}
