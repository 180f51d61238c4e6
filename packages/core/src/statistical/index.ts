export type { ColumnRole } from './columns.js';
export { parseBinLabel } from './conditions.js';
export { type ColumnDependencies, columnDependencies, normalisedMutualInformation } from './dependencies.js';
export {
  type SynthesizeFromSpecInput,
  type SynthesizeFromSpecResult,
  synthesizeFromSpec,
} from './from-spec.js';
export {
  type ColumnKind,
  type ColumnProfile,
  cellText,
  isMissing,
  type PiiKind,
  profileTable,
  quantile,
} from './profile.js';
export { cramersV, type StatisticalSpecOptions, statisticalSpec } from './spec.js';
export {
  fitTabularSynthesizer,
  type SampleOptions,
  type SynthesisMethod,
  type SynthesizerColumn,
  type TabularSynthesizer,
  type TabularSynthesizerOptions,
} from './synthesizer.js';
export {
  NgramTextModel,
  splitSentences,
  type TextFallbackMetadata,
  type TextFallbackOptions,
  type TextFallbackResult,
  textFallback,
} from './text.js';
