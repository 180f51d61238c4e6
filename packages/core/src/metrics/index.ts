export {
  type AccuracyOptions,
  type AccuracyReport,
  type AccuracyScores,
  accuracy,
  accuracyOfCounts,
  binCodes,
  type ColumnBins,
  fitColumnBins,
} from './accuracy.js';
export { inferMetricType, isNa, type MetricColumnType, type MetricRecord } from './columns.js';
export {
  type ChiSquare,
  type ConformanceReport,
  conformance,
  type DistributionConformance,
  distributionConformance,
  observeRecord,
  type PropertyConformance,
} from './conformance.js';
export { type DistanceOptions, type DistanceReport, distances, identicalRowShare } from './distances.js';
export {
  compressionRatio,
  type DiversityOptions,
  type DiversityReport,
  distinctN,
  diversity,
  nearDuplicateOfSeedRate,
  nearDuplicateRate,
} from './diversity.js';
export {
  jaccard,
  type MinHashSignature,
  minhash,
  type NearDuplicate,
  NearDuplicateIndex,
  shingles,
  similarity,
} from './minhash.js';
export {
  contingencySimilarity,
  correlationSimilarity,
  ksComplement,
  type QualityOptions,
  type QualityReport,
  qualityReport,
  type SdMetadata,
  type SdType,
  singleTableMetadata,
  tvComplement,
} from './sdmetrics.js';
export { chiSquareTail, totalVariation } from './stats.js';
