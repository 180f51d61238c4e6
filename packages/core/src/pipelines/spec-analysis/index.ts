export {
  analyzeSeeds,
  finish as specFromReply,
  type SpecAnalysisInput,
  type SpecAnalysisOptions,
  type SpecAnalysisPorts,
  type SpecAnalysisResult,
  STATISTICAL_MODEL,
} from './analyze.js';
export { chunkSamples, corpusSamples, type SampleText, type SeedCorpus } from './corpus.js';
export { SpecReply } from './schemas.js';
