/**
 * Named types for the API's objects, all derived from the generated OpenAPI types so they cannot drift
 * from the server (scripts/gen-sdk-types.ts regenerates them; CI checks they are current).
 */
import type { components, paths } from './generated/api.js';

type Schemas = components['schemas'];
type Operation<P extends keyof paths, M extends keyof paths[P]> = paths[P][M];

/** The JSON body an operation takes. */
export type JsonBody<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { requestBody?: infer B }
    ? NonNullable<B> extends { content: { 'application/json': infer J } }
      ? J
      : never
    : never;

/** The JSON an operation answers with for one status. */
export type JsonResponse<P extends keyof paths, M extends keyof paths[P], S extends number> =
  Operation<P, M> extends { responses: infer R }
    ? S extends keyof R
      ? R[S] extends { content: { 'application/json': infer J } }
        ? J
        : never
      : never
    : never;

/** The query parameters an operation takes. */
export type QueryParams<P extends keyof paths, M extends keyof paths[P]> =
  Operation<P, M> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type ErrorResponse = Schemas['Error'];

// Seed datasets
export type DatasetType = Schemas['SeedDataset']['dataset_type'];
export type SeedDataset = Schemas['SeedDataset'];
export type SeedDatasetSummary = Schemas['SeedDatasetSummary'];
export type SeedDatasetFile = Schemas['SeedDatasetFile'];
export type DownloadLink = Schemas['DownloadLink'];
export type SeedDatasetUpdateParams = JsonBody<'/api/dataframer/seed-datasets/{dataset_id}/', 'patch'>;
export type SeedDatasetListParams = QueryParams<'/api/dataframer/seed-datasets/', 'get'>;

// Specs
export type Spec = Schemas['Spec'];
export type SpecVersion = Schemas['SpecVersionPublic'];
export type SpecStatus = Spec['status'];
export type SpecCreateParams = JsonBody<'/api/dataframer/specs/', 'post'>;
export type SpecCreateResponse = JsonResponse<'/api/dataframer/specs/', 'post', 202>;
export type SpecUpdateParams = JsonBody<'/api/dataframer/specs/{spec_id}/', 'put'>;
export type SpecListParams = QueryParams<'/api/dataframer/specs/', 'get'>;
/** `include_versions` as a boolean; it travels as a query string. */
export interface SpecRetrieveParams {
  include_versions?: boolean;
}

// Runs
export type Run = Schemas['Run'];
export type RunSummary = Schemas['RunSummary'];
export type RunStatus = Run['status'];
export type RunRuntimeParams = Schemas['RunRuntimeParams'];
export type GeneratedFile = Schemas['GeneratedFile'];
export type RunSample = Schemas['RunSample'];
export type RunCreateParams = JsonBody<'/api/dataframer/runs/', 'post'>;
export type RunCreateResponse = JsonResponse<'/api/dataframer/runs/', 'post', 202>;
export type RunListParams = QueryParams<'/api/dataframer/runs/', 'get'>;
export type RunSamplesPage = JsonResponse<'/api/dataframer/runs/{run_id}/samples/', 'get', 200>;
export type RunSampleListParams = QueryParams<'/api/dataframer/runs/{run_id}/samples/', 'get'>;
export type RunSamplesByIndex = JsonResponse<'/api/dataframer/runs/{run_id}/samples/', 'post', 200>;
export type RunSamplesByIndexParams = JsonBody<'/api/dataframer/runs/{run_id}/samples/', 'post'>;
/** 200: the ZIP is ready behind a signed link valid one hour. */
export type RunZipLink = JsonResponse<'/api/dataframer/runs/{run_id}/files/download/', 'get', 200>;
/** 202: the ZIP is being built; call again shortly. */
export type RunZipPending = JsonResponse<'/api/dataframer/runs/{run_id}/files/download/', 'get', 202>;

/** What the run's event stream (and `waitFor`'s onProgress) reports. */
export interface RunProgress {
  status: RunStatus;
  samples_completed: number;
  samples_failed: number;
  number_of_samples: number;
  total_cost: number | null;
  error: string | null;
}

export type RunEvent = { event: 'progress'; data: RunProgress } | { event: 'done'; data: RunProgress };

// Platform
export type Health = Schemas['Health'];
export type Model = Schemas['Model'];
export type ModelListResponse = JsonResponse<'/api/dataframer/models/', 'get', 200>;
export type RotatedApiKey = Schemas['RotatedApiKey'];

// Evaluations
export type Evaluation = Schemas['Evaluation'];
export type EvaluationSummary = Schemas['EvaluationSummary'];
export type EvaluationStatus = Evaluation['status'];
export type EvaluationChatMessage = Schemas['EvaluationChatMessage'];
export type EvaluationCreateParams = JsonBody<'/api/dataframer/evaluations/', 'post'>;
export type EvaluationListParams = QueryParams<'/api/dataframer/evaluations/', 'get'>;
/** `include_samples: false` leaves `sample_classifications` out; it travels as a query string. */
export interface EvaluationRetrieveParams {
  include_samples?: boolean;
}
export type EvaluationChatParams = JsonBody<'/api/dataframer/evaluations/{evaluation_id}/chat/', 'post'>;
export type RunEvaluationCreateParams = JsonBody<'/api/dataframer/runs/{run_id}/evaluations/', 'post'>;
export type RunEvaluationListParams = QueryParams<'/api/dataframer/runs/{run_id}/evaluations/', 'get'>;

// Human labels
export type HumanLabel = Schemas['HumanLabel'];
export type HumanLabelCreateParams = JsonBody<'/api/dataframer/runs/{run_id}/human-labels/', 'post'>;
export type HumanLabelListParams = QueryParams<'/api/dataframer/runs/{run_id}/human-labels/', 'get'>;
export type HumanLabelUpdateParams = JsonBody<'/api/dataframer/human-labels/{label_id}/', 'put'>;

// Anonymization runs
export type AnonymizationRun = Schemas['AnonymizationRun'];
export type AnonymizationStatus = AnonymizationRun['status'];
export type AnonymizedFile = AnonymizationRun['anonymized_files'][number];
export type AnonymizationRunCreateParams = JsonBody<'/api/dataframer/anonymization-runs/', 'post'>;
export type AnonymizationRunListParams = QueryParams<'/api/dataframer/anonymization-runs/', 'get'>;
export type AnonymizationDatasetCreateParams = JsonBody<
  '/api/dataframer/anonymization-runs/{run_id}/create-dataset/',
  'post'
>;
/** 200: the ZIP of anonymized files is ready behind a signed link valid one hour. */
export type AnonymizationZipLink = JsonResponse<
  '/api/dataframer/anonymization-runs/{run_id}/files/download/',
  'get',
  200
>;
/** 202: the ZIP is being built; call again shortly. */
export type AnonymizationZipPending = JsonResponse<
  '/api/dataframer/anonymization-runs/{run_id}/files/download/',
  'get',
  202
>;

// Red teaming
export type RedTeamSpec = Schemas['RedTeamSpec'];
export type RedTeamSpecCreateParams = JsonBody<'/api/dataframer/red-team-specs/', 'post'>;
export type RedTeamSpecUpdateParams = JsonBody<'/api/dataframer/red-team-specs/{spec_id}/', 'patch'>;
export type RedTeamSpecListParams = QueryParams<'/api/dataframer/red-team-specs/', 'get'>;
export type RedTeamRun = Schemas['RedTeamRun'];
export type RedTeamRunStatus = RedTeamRun['status'];
/** Behaviours and prompts finished so far, and the totals asked for. */
export type RedTeamRunCounts = RedTeamRun['progress'];
export type RedTeamResults = NonNullable<RedTeamRun['results_json']>;
/** Graded replies and how many showed the behaviour (`rate` is null when nothing was graded). */
export type RedTeamAttackSuccess = NonNullable<RedTeamResults['attack_success']>['overall'];
export type RedTeamRunCreateParams = JsonBody<'/api/dataframer/red-team-runs/', 'post'>;
/** Where a run sends its prompts to be graded: an OpenAI-compatible endpoint of the app under test. */
export type RedTeamTarget = NonNullable<RedTeamRunCreateParams['target']>;
export type RedTeamRunListParams = QueryParams<'/api/dataframer/red-team-runs/', 'get'>;
/** One prompt of a run, with its behaviour and place (`behavior_index`, `position`). */
export type RedTeamPrompt = JsonResponse<
  '/api/dataframer/red-team-runs/{run_id}/prompts/',
  'get',
  200
>[number];
export type RedTeamPromptListParams = QueryParams<'/api/dataframer/red-team-runs/{run_id}/prompts/', 'get'>;
export type RedTeamExportParams = QueryParams<
  '/api/dataframer/red-team-runs/{run_id}/prompts/export/',
  'get'
>;
export type RedTeamTaxonomy = JsonResponse<'/api/dataframer/red-team-taxonomy/', 'get', 200>;

/** What `redTeamRuns.waitFor`'s onProgress reports: the run's status, counters and cost. */
export interface RedTeamRunProgress extends RedTeamRunCounts {
  status: RedTeamRunStatus;
  total_cost: number;
  error: string | null;
}
