export { describeSpec } from './describe.js';
export { effectivePercentages, largestRemainder, uniformDistribution } from './distribution.js';
export { type NormaliseOptions, normaliseSpec } from './normalise.js';
export { parseSpecYaml } from './parse.js';
export {
  formatSpecPath,
  formatSpecProblem,
  formatSpecProblems,
  type SpecPath,
  type SpecProblem,
  SpecValidationError,
} from './problems.js';
export { serialiseSpec } from './serialise.js';
export type { SpecContent, SpecMetadata, SpecProperty } from './types.js';
export { validateSpec } from './validate.js';
