import { type CatalogModel, MODEL_CATALOG, PROVIDER_KEY_VARIABLES, type Provider } from '@openframer/core';

export interface ModelView extends CatalogModel {
  /** True when this server has what it needs to call the model (a key, a gateway, or nothing for offline). */
  available: boolean;
  /** What to set when it is not available. */
  requires: string | null;
}

/** The catalog as this server sees it: which models can be called with the configured keys. */
export class ModelService {
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly llmBaseUrl: string | undefined,
  ) {}

  list(): { models: ModelView[] } {
    return { models: MODEL_CATALOG.map((m) => this.view(m)) };
  }

  private view(model: CatalogModel): ModelView {
    const variable = PROVIDER_KEY_VARIABLES[model.provider as Provider];
    // One OpenAI-compatible gateway routes every model id; Databricks credentials may also come per request.
    const available =
      model.offline || Boolean(this.llmBaseUrl) || (variable !== null && Boolean(this.env[variable]));
    return { ...model, available, requires: available ? null : `${variable} or OPENFRAMER_LLM_BASE_URL` };
  }
}
