export { type EvaluationChatFacts, evaluationChatSystem } from './chat.js';
export {
  batchSamples as batchEvaluationSamples,
  classifyByColumns,
  classifyWithModel,
  DEFAULT_BATCH_SIZE as DEFAULT_EVALUATION_BATCH_SIZE,
  sampleIdentifier,
} from './classify.js';
export { evaluateSamples } from './evaluate.js';
export { qualityOf, tableQuality, textQuality } from './quality.js';
export { batchReplySchema as evaluationBatchSchema, EvaluationSummaryReply } from './schemas.js';
export { analyseDistributions, conformanceScore, propertyScore, SCORE_FORMULA } from './score.js';
export { CONFORMANT_PROPERTY_SCORE, templateSummary as evaluationTemplateSummary } from './summary.js';
export type {
  EvaluationInput,
  EvaluationPorts,
  EvaluationResult,
  EvaluationSample,
  LengthSummary,
  PropertyAnalysis,
  QualityBlock,
  SampleClassification,
  TableQuality,
  TextQuality,
} from './types.js';
