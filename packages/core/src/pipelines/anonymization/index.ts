// The anonymization pipeline's public surface. Names carry a Pii/Mask prefix where a bare name would be
// ambiguous next to the rest of core.
export {
  Analyzer as PiiAnalyzer,
  type AnalyzerOptions as PiiAnalyzerOptions,
  type Detection as PiiDetection,
} from './analyzer.js';
export {
  type AnonymizableFormat,
  type AnonymizeInput,
  Anonymizer,
  type AnonymizerOptions,
  type FileOutcome as AnonymizedFileOutcome,
  MAX_LINE_CHARS as ANONYMIZE_MAX_LINE_CHARS,
} from './anonymizer.js';
export { type ColumnType as PiiColumnType, voteColumnType } from './columns.js';
export { DetectionPool as PiiDetectionPool } from './detection-pool.js';
export {
  LLM_SCORE as LLM_PII_SCORE,
  LlmDetector as LlmPiiDetector,
  type LlmDetectorOptions as LlmPiiDetectorOptions,
  verifySpans as verifyPiiSpans,
} from './llm.js';
export { mergeEntities as mergePiiEntities } from './merge.js';
export {
  DETECTION_METHOD_NAMES,
  DETECTION_METHODS,
  type DetectionMethod,
  type Detector as PiiDetector,
  detectorsOf,
  usesLlm,
} from './methods.js';
export {
  createOperators as createMaskOperators,
  DEFAULT_KEEP_LAST,
  type MaskPlan,
  OPERATOR_NAMES as MASK_OPERATORS,
  type OperatorConfig as MaskOperatorConfig,
  type OperatorName as MaskOperatorName,
  parseMaskConfig,
} from './operators/index.js';
export {
  isPiiType,
  PII_TYPE_DESCRIPTIONS,
  PII_TYPES,
  type PiiType,
  recognizers as piiRecognizers,
} from './recognizers/index.js';
export type {
  Entity as PiiEntity,
  Recognizer as PiiRecognizer,
  RecognizerResult as PiiRecognizerResult,
} from './types.js';
