export { DEFAULT_SAMPLE_CONCURRENCY, type GenerateSamplesOptions, generateSamples } from './batch.js';
export {
  createDuplicateFilter,
  fileFormatProblem,
  formatProblem as sampleFormatProblem,
  rejection as filterRejection,
  sqlProblem,
} from './filters.js';
export {
  DEFAULT_FILTERING_TYPES,
  DEFAULT_MAX_REVISION_CYCLES,
  DEFAULT_REVISION_TYPES,
  FILTERING_TYPES,
  type FilteringType,
  generationParamProblems,
  isFilteringType,
  isRevisionType,
  REVISION_TYPES,
  type RevisionType,
  resolveOptions as resolveGenerationOptions,
  SAMPLE_DUPLICATE_THRESHOLD,
  SEED_DUPLICATE_THRESHOLD,
} from './options.js';
export { documentFileName, duplicateText, sampleText, stripCodeFences } from './output.js';
export { generateSample, PART_BY_PART_MIN_WORDS } from './sample.js';
export { Critique as SampleCritique, Outline as SampleOutline } from './schemas.js';
export {
  clipText,
  estimateTokens,
  type SeedCallKey,
  SeedSelector,
  seedBlock,
  seedSelectorFor,
  seedTokenBudget,
  selectionLabel,
} from './seed-selection.js';
export { definedTables, referencedTables, sqlSyntaxProblem, tokenizeSql, undefinedTables } from './sql.js';
export {
  type ColumnKind as GenerationColumnKind,
  type ColumnProfile as GenerationColumnProfile,
  profileColumns,
} from './table.js';
export {
  evaluateArithmetic,
  GENERATION_TOOLS,
  type GenerationToolId,
  generationTools,
  isGenerationTool,
} from './tools.js';
export * from './types.js';
