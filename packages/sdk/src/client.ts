import { APIClient, type ClientOptions } from './core/api-client.js';
import * as Errors from './core/errors.js';
import {
  type AnonymizationRunTarget,
  type EvaluationTarget,
  type JobTarget,
  type RedTeamRunTarget,
  type RunTarget,
  resolveTarget,
  type SpecTarget,
  type WaitOptions,
  waitForAnonymizationRun,
  waitForEvaluation,
  waitForRedTeamRun,
  waitForRun,
  waitForSpec,
} from './lib/wait.js';
import { ApiKeys } from './resources/api-keys.js';
import { DataframerResource } from './resources/dataframer/index.js';
import type { AnonymizationRun, Evaluation, RedTeamRun, Run, Spec } from './types.js';

/**
 * Client for the DataFramer REST API as OpenFramer serves it, shaped like DataFramer's official SDK:
 *
 * ```ts
 * import Dataframer from '@openframer/sdk';
 * const client = new Dataframer(); // OPENFRAMER_API_KEY / DATAFRAMER_API_KEY, http://127.0.0.1:8000
 * const dataset = await client.dataframer.seedDatasets.createFromPath('examples/insurance-claims.csv');
 * const spec = await client.waitFor(await client.dataframer.specs.create({ name: 'claims', dataset_id: dataset.id }));
 * ```
 */
export class Dataframer extends APIClient {
  readonly dataframer: DataframerResource;
  readonly apiKeys: ApiKeys;

  static readonly DataframerError = Errors.DataframerError;
  static readonly APIError = Errors.APIError;
  static readonly APIConnectionError = Errors.APIConnectionError;
  static readonly APIConnectionTimeoutError = Errors.APIConnectionTimeoutError;
  static readonly APIUserAbortError = Errors.APIUserAbortError;
  static readonly BadRequestError = Errors.BadRequestError;
  static readonly AuthenticationError = Errors.AuthenticationError;
  static readonly PermissionDeniedError = Errors.PermissionDeniedError;
  static readonly NotFoundError = Errors.NotFoundError;
  static readonly ConflictError = Errors.ConflictError;
  static readonly UnprocessableEntityError = Errors.UnprocessableEntityError;
  static readonly RateLimitError = Errors.RateLimitError;
  static readonly InternalServerError = Errors.InternalServerError;
  static readonly JobFailedError = Errors.JobFailedError;

  constructor(options: ClientOptions = {}) {
    super(options);
    this.dataframer = new DataframerResource(this);
    this.apiKeys = new ApiKeys(this);
  }

  /** A client with the same settings except those given (e.g. a rotated key). */
  withOptions(options: ClientOptions): Dataframer {
    return new Dataframer({
      apiKey: this.apiKey,
      baseURL: this.baseURL,
      timeout: this.timeout,
      maxRetries: this.maxRetries,
      fetch: this.fetchImpl,
      defaultHeaders: this.defaultHeaders,
      ...options,
    });
  }

  /**
   * Waits for a run, spec, evaluation, anonymization run or red-team run to finish and resolves with its
   * final state. Runs are followed through the event stream, with polling when it is unavailable; the
   * others are polled (a red-team run through its `/status/`, so it resolves without the prompts map). A job that ends FAILED or CANCELED throws `JobFailedError` (its `job` holds the final object,
   * `jobError` the reason).
   *
   * Pass what the SDK returned (`runs.create(...)`, `specs.create(...)`, `evaluations.create(...)`,
   * `anonymizationRuns.create(...)`, `redTeamRuns.create(...)`, ...), or `{ run_id }` / `{ spec_id }` /
   * `{ evaluation_id }` / `{ anonymization_run_id }` / `{ red_team_run_id }`.
   */
  waitFor(target: EvaluationTarget, options?: WaitOptions): Promise<Evaluation>;
  waitFor(target: AnonymizationRunTarget, options?: WaitOptions): Promise<AnonymizationRun>;
  waitFor(target: RedTeamRunTarget, options?: WaitOptions): Promise<RedTeamRun>;
  waitFor(target: RunTarget, options?: WaitOptions): Promise<Run>;
  waitFor(target: SpecTarget, options?: WaitOptions): Promise<Spec>;
  waitFor(
    target: JobTarget,
    options?: WaitOptions,
  ): Promise<Run | Spec | Evaluation | AnonymizationRun | RedTeamRun> {
    let job: ReturnType<typeof resolveTarget>;
    try {
      job = resolveTarget(target);
    } catch (err) {
      return Promise.reject(err);
    }
    switch (job.kind) {
      case 'run':
        return waitForRun(this, job.id, options);
      case 'spec':
        return waitForSpec(this, job.id, options);
      case 'evaluation':
        return waitForEvaluation(this, job.id, options);
      case 'anonymization_run':
        return waitForAnonymizationRun(this, job.id, options);
      case 'red_team_run':
        return waitForRedTeamRun(this, job.id, options);
    }
  }
}
