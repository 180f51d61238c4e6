import { type CatalogModel, checkModelConfigured, type LlmConfig, MODEL_CATALOG } from '@openframer/core';

export interface ModelView extends CatalogModel {
  /** True when this server has what it needs to call the model (a key, a gateway, or nothing for offline). */
  available: boolean;
  /** What to set when it is not available. */
  requires: string | null;
}

/** The catalog as this server sees it: which models can be called with the configured keys. */
export class ModelService {
  constructor(private readonly llmConfig: LlmConfig) {}

  list(): { models: ModelView[] } {
    return { models: MODEL_CATALOG.map((m) => this.view(m)) };
  }

  private view(model: CatalogModel): ModelView {
    const problem = model.offline ? undefined : checkModelConfigured(model.id, this.llmConfig);
    return { ...model, available: problem === undefined, requires: problem ?? null };
  }
}
