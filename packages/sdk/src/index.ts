import { Dataframer } from './client.js';

export default Dataframer;
export {
  type ClientOptions,
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  type Fetch,
  type RequestOptions,
  resolveApiKey,
  resolveBaseURL,
  VERSION,
} from './core/api-client.js';
export {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  DataframerError,
  type ErrorBody,
  InternalServerError,
  JobFailedError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './core/errors.js';
export type { components, paths } from './generated/api.js';
export type { JobKind, RunHandle, SpecHandle } from './lib/jobs.js';
export { extractZip } from './lib/unzip.js';
export { datasetNameFor, fileFromPath, type PlannedFile, planUpload, type UploadPlan } from './lib/upload.js';
export {
  type AnonymizationRunTarget,
  DEFAULT_POLL_INTERVAL_MS,
  type EvaluationTarget,
  type JobProgress,
  type JobTarget,
  type RedTeamRunTarget,
  type RunTarget,
  type SpecTarget,
  type WaitOptions,
} from './lib/wait.js';
export type { RedTeamPromptIterateParams } from './resources/dataframer/red-team-runs.js';
export type { DownloadedRun, DownloadToOptions } from './resources/dataframer/runs.js';
export type {
  SeedDatasetCreateFromPathParams,
  SeedDatasetCreateFromZipParams,
  SeedDatasetCreateParams,
  Uploadable,
} from './resources/dataframer/seed-datasets.js';
export type * from './types.js';
export { Dataframer };
