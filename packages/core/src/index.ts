export * from './datasets/index.js';
export { readTableRecords, type TableRead, type TableRecord } from './datasets/records.js';
export * from './errors.js';
export * from './llm/index.js';
export * from './metrics/index.js';
export * from './pipelines/spec-analysis/index.js';
export * from './sampling/index.js';
export * from './spec/index.js';
export * from './statistical/index.js';
