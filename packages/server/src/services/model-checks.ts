import {
  checkModelConfigured,
  InvalidInputError,
  type LlmConfig,
  type LlmModel,
  type ModelStage,
} from '@openframer/core';

/**
 * A language model for `stage`, as a request named it in `field`: in the catalog (the offline engine does not
 * count), suited to the stage (`purpose` says what for in the message) and configured. Otherwise a 400.
 */
export function requireLanguageModel(
  id: string,
  stage: ModelStage,
  purpose: string,
  field: string,
  catalog: readonly LlmModel[],
  llmConfig: LlmConfig,
): LlmModel {
  const entry = catalog.find((m) => m.id === id);
  if (!entry || entry.offline) {
    throw new InvalidInputError(`unknown model "${id}"; GET /api/dataframer/models/ lists the models`, field);
  }
  if (!entry.supported_for.includes(stage)) {
    throw new InvalidInputError(`${id} cannot be used for ${purpose}`, field);
  }
  const problem = checkModelConfigured(id, llmConfig, catalog);
  if (problem) throw new InvalidInputError(problem, field);
  return entry;
}
