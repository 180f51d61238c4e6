export * from './datasets/index.js';
export * from './errors.js';
export * from './llm/catalog.js';
