export { shortSampleCompatibility } from './compatibility.js';
export {
  allowedFormats,
  contentTypeForFormat,
  describeAllowedExtensions,
  FORMAT_EXTENSIONS,
  fileExtension,
  formatFromFileName,
  formatProblem,
} from './formats.js';
export { inspectSeedFile } from './inspect.js';
export {
  DATASET_LIMITS,
  type DatasetTypeLimits,
  formatBytes,
  formatSizeOver,
  MAX_NAME_BYTES,
  MB,
  SHORT_SAMPLE_MAX_CHARS,
  ZIP_LIMITS,
} from './limits.js';
export { joinPath, nameProblem } from './names.js';
export { checkDatasetShape, type DatasetFileShape } from './shape.js';
export { stagedFileFromPath } from './staged.js';
export * from './types.js';
export {
  type ExtractedZip,
  type ExtractedZipFile,
  extractZipArchive,
  type ZipExtractOptions,
} from './zip.js';
