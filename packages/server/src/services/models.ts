import { checkModelConfigured, type LlmConfig, type LlmModel } from '@openframer/core';

export interface ModelView extends LlmModel {
  /** True when this server has what it needs to call the model (a key, a gateway, or nothing for offline). */
  available: boolean;
  /** What to set when it is not available. */
  requires: string | null;
}

/** The catalog as this server sees it (built-in models plus configured ones), and which can be called. */
export class ModelService {
  constructor(
    private readonly llmConfig: LlmConfig,
    private readonly catalog: readonly LlmModel[],
  ) {}

  list(): { models: ModelView[] } {
    return { models: this.catalog.map((m) => this.view(m)) };
  }

  private view(model: LlmModel): ModelView {
    const problem = model.offline ? undefined : checkModelConfigured(model.id, this.llmConfig, this.catalog);
    return { ...model, available: problem === undefined, requires: problem ?? null };
  }
}
