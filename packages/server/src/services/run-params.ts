import {
  checkModelConfigured,
  DEFAULT_FILTERING_TYPES,
  DEFAULT_MAX_REVISION_CYCLES,
  DEFAULT_REVISION_TYPES,
  FILTERING_TYPES,
  GENERATION_TOOLS,
  InvalidInputError,
  isGenerationTool,
  type LlmConfig,
  type LlmModel,
  REVISION_TYPES,
  type RunParams,
  type SeedShufflingLevel,
  type SqlValidationLevel,
  STATISTICAL_MODEL,
} from '@openframer/core';

/** The request body of `POST /runs/` (validated for types by the route's schema). */
export interface CreateRunInput {
  spec_id: string;
  number_of_samples: number;
  spec_version?: number;
  generation_model?: string;
  outline_model?: string;
  revision_model?: string | null;
  enable_revisions?: boolean;
  max_revision_cycles?: number | null;
  revision_types?: string[];
  filtering_types?: string[];
  seed_shuffling_level?: SeedShufflingLevel;
  max_examples_in_prompt?: number | null;
  unified_multifield?: boolean;
  generation_thinking_budget?: number | null;
  outline_thinking_budget?: number | null;
  revision_thinking_budget?: number | null;
  skip_outline?: boolean;
  tools?: string[] | null;
  sql_validation_level?: SqlValidationLevel | null;
  /** Evaluate the run when it succeeds (default true). */
  evaluate_after?: boolean;
  databricks_client_id?: string;
  databricks_client_secret?: string;
  databricks_api_base?: string;
}

interface Checks {
  catalog: readonly LlmModel[];
  llmConfig: LlmConfig;
  defaultModel: string;
  hasSql: boolean;
}

/**
 * Turns a request into the parameters the run uses, with DataFramer's defaults; impossible combinations
 * are 400s naming the field. What comes out is echoed as `runtime_params`.
 */
export function resolveRunParams(input: CreateRunInput, checks: Checks): RunParams {
  const fail = (field: string, message: string): never => {
    throw new InvalidInputError(`${field}: ${message}`, field);
  };
  const model = (field: string, id: string) => {
    const entry = checks.catalog.find((m) => m.id === id);
    if (!entry) return fail(field, `unknown model "${id}"; GET /api/dataframer/models/ lists the models`);
    if (!entry.supported_for.includes('generation')) return fail(field, `${id} cannot generate samples`);
    if (id === STATISTICAL_MODEL) return entry;
    const databricksPerRequest = entry.provider === 'databricks' && input.databricks_client_id;
    if (databricksPerRequest) {
      if (!input.databricks_client_secret || !input.databricks_api_base) {
        fail(
          'databricks_client_secret',
          'databricks models need databricks_client_id, databricks_client_secret and databricks_api_base together',
        );
      }
      return entry;
    }
    const problem = checkModelConfigured(id, checks.llmConfig, checks.catalog);
    if (problem) fail(field, problem);
    return entry;
  };

  const generationModel = input.generation_model ?? checks.defaultModel;
  model('generation_model', generationModel);
  const offline = generationModel === STATISTICAL_MODEL;
  const outlineModel = input.outline_model ?? generationModel;
  model('outline_model', outlineModel);

  const enableRevisions = input.enable_revisions ?? false;
  if (!enableRevisions) {
    if (input.revision_model) fail('revision_model', 'set enable_revisions to true to use a revision model');
    if (input.max_revision_cycles)
      fail('max_revision_cycles', 'set enable_revisions to true to use revision cycles');
    if (input.revision_types?.length)
      fail('revision_types', 'set enable_revisions to true to use revision types');
    if (input.revision_thinking_budget) fail('revision_thinking_budget', 'set enable_revisions to true');
  }
  if (enableRevisions && offline) {
    fail(
      'enable_revisions',
      'openframer/statistical does not revise samples; choose a language model for generation_model',
    );
  }
  const revisionModel = enableRevisions ? (input.revision_model ?? generationModel) : null;
  if (revisionModel) model('revision_model', revisionModel);
  const maxCycles = enableRevisions ? (input.max_revision_cycles ?? DEFAULT_MAX_REVISION_CYCLES) : null;
  if (maxCycles !== null && (maxCycles < 1 || maxCycles > 5))
    fail('max_revision_cycles', 'must be between 1 and 5');

  const revisionTypes = enableRevisions ? (input.revision_types ?? [...DEFAULT_REVISION_TYPES]) : [];
  for (const t of revisionTypes) {
    if (!Object.hasOwn(REVISION_TYPES, t))
      fail(
        'revision_types',
        `unknown revision type "${t}"; expected ${Object.keys(REVISION_TYPES).join(', ')}`,
      );
  }
  const filteringTypes = input.filtering_types ?? [...DEFAULT_FILTERING_TYPES];
  for (const t of filteringTypes) {
    if (!Object.hasOwn(FILTERING_TYPES, t))
      fail(
        'filtering_types',
        `unknown filtering type "${t}"; expected ${Object.keys(FILTERING_TYPES).join(', ')}`,
      );
  }
  if (filteringTypes.includes('sql') && !input.sql_validation_level) {
    fail('filtering_types', 'the sql filter needs sql_validation_level');
  }
  if (input.sql_validation_level && !checks.hasSql) {
    fail('sql_validation_level', 'the spec has no selected_sql_query_columns to validate');
  }
  const sqlFilters =
    input.sql_validation_level && !filteringTypes.includes('sql')
      ? [...filteringTypes, 'sql']
      : filteringTypes;

  const tools = input.tools?.length ? [...new Set(input.tools)] : null;
  for (const t of tools ?? []) {
    if (!isGenerationTool(t))
      fail('tools', `unknown tool "${t}"; expected ${Object.keys(GENERATION_TOOLS).join(', ')}`);
  }
  if (tools && offline) fail('tools', 'openframer/statistical does not call tools; choose a language model');
  const budget = (field: string, value: number | null | undefined, id: string | null) => {
    if (value === undefined || value === null) return null;
    if (!isThinking(id))
      fail(field, `${id} is not a thinking model; use a -thinking model id or drop ${field}`);
    if (value < 1024 || value > 64_000) fail(field, 'must be between 1024 and 64000 tokens');
    return value;
  };

  return {
    number_of_samples: input.number_of_samples,
    generation_model: generationModel,
    outline_model: outlineModel,
    revision_model: revisionModel,
    enable_revisions: enableRevisions,
    max_revision_cycles: maxCycles,
    revision_types: revisionTypes,
    filtering_types: sqlFilters,
    seed_shuffling_level: input.seed_shuffling_level ?? 'none',
    max_examples_in_prompt: input.max_examples_in_prompt ?? null,
    unified_multifield: input.unified_multifield ?? true,
    generation_thinking_budget: budget(
      'generation_thinking_budget',
      input.generation_thinking_budget,
      generationModel,
    ),
    outline_thinking_budget: budget('outline_thinking_budget', input.outline_thinking_budget, outlineModel),
    revision_thinking_budget: budget(
      'revision_thinking_budget',
      input.revision_thinking_budget,
      revisionModel,
    ),
    skip_outline: input.skip_outline ?? false,
    tools,
    sql_validation_level: input.sql_validation_level ?? null,
  };
}

const isThinking = (id: string | null) => Boolean(id?.endsWith('-thinking'));
