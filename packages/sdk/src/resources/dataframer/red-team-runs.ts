import type { RequestOptions } from '../../core/api-client.js';
import { readBody } from '../../core/api-client.js';
import { path } from '../../core/path.js';
import { tagJob } from '../../lib/jobs.js';
import { type WaitOptions, waitForRedTeamRun } from '../../lib/wait.js';
import type {
  RedTeamExportParams,
  RedTeamPrompt,
  RedTeamPromptListParams,
  RedTeamRun,
  RedTeamRunCreateParams,
  RedTeamRunListParams,
} from '../../types.js';
import { APIResource } from '../resource.js';

export interface RedTeamPromptIterateParams {
  /** Prompts per request (1-1000). Default 100. */
  pageSize?: number;
  /** Start after this many prompts. Default 0. */
  offset?: number;
}

/** Red-team runs: `number_of_behaviors` × `number_of_prompts_per_behavior` adversarial prompts, optionally graded. */
export class RedTeamRuns extends APIResource {
  /** Starts a run from a red-team spec; answers the PENDING run at once (follow it with `waitFor`). */
  async create(body: RedTeamRunCreateParams, options?: RequestOptions): Promise<RedTeamRun> {
    const created = await this._client.request<RedTeamRun>(
      { method: 'POST', path: '/api/dataframer/red-team-runs/', body },
      options,
    );
    return tagJob(created, 'red_team_run');
  }

  /** A run with `results_json.behavior_to_enhanced_queries` (every prompt done so far). */
  retrieve(runId: string, options?: RequestOptions): Promise<RedTeamRun> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/red-team-runs/${runId}/` },
      options,
    );
  }

  /** A run's status, progress, cost and error, with results but without the prompts map (cheap to poll). */
  status(runId: string, options?: RequestOptions): Promise<RedTeamRun> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/red-team-runs/${runId}/status/` },
      options,
    );
  }

  /** Runs, newest first (results without the prompts map). */
  list(query: RedTeamRunListParams = {}, options?: RequestOptions): Promise<RedTeamRun[]> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/red-team-runs/', query }, options);
  }

  /** Deletes a run and its prompts. */
  delete(runId: string, options?: RequestOptions): Promise<void> {
    return this._client.request(
      { method: 'DELETE', path: path`/api/dataframer/red-team-runs/${runId}/` },
      options,
    );
  }

  /** Cancels a PENDING or PROCESSING run (finished behaviours are kept); BadRequestError when already over. */
  cancel(runId: string, options?: RequestOptions): Promise<RedTeamRun> {
    return this._client.request(
      { method: 'POST', path: path`/api/dataframer/red-team-runs/${runId}/cancel/` },
      options,
    );
  }

  /** One page of the run's prompts in order (behaviour, then position); `limit` 1-1000 (default 100), `offset`. */
  prompts(
    runId: string,
    query: RedTeamPromptListParams = {},
    options?: RequestOptions,
  ): Promise<RedTeamPrompt[]> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/red-team-runs/${runId}/prompts/`, query },
      options,
    );
  }

  /** Every prompt of the run, in order, fetched a page at a time: `for await (const p of iteratePrompts(id))`. */
  async *iteratePrompts(
    runId: string,
    params: RedTeamPromptIterateParams = {},
    options?: RequestOptions,
  ): AsyncGenerator<RedTeamPrompt> {
    const limit = params.pageSize ?? 100;
    let offset = params.offset ?? 0;
    for (;;) {
      const page = await this.prompts(runId, { limit, offset }, options);
      yield* page;
      if (page.length < limit) return;
      offset += page.length;
    }
  }

  /**
   * Every prompt as one file's text: JSON Lines (`format: 'jsonl'`, the default; one prompt object a line)
   * or CSV (grade flattened into `attack_succeeded` and `grade_reason` columns).
   */
  async export(
    runId: string,
    query: RedTeamExportParams = {},
    options: RequestOptions = {},
  ): Promise<string> {
    const res = await this._client.send(
      {
        method: 'GET',
        path: path`/api/dataframer/red-team-runs/${runId}/prompts/export/`,
        query,
        accept: query.format === 'csv' ? 'text/csv' : 'application/x-ndjson',
      },
      options,
    );
    return readBody(res, options.signal);
  }

  /**
   * Polls `/status/` until the run ends (there is no event stream for red-team runs): resolves with the
   * SUCCEEDED run as `status` answers it (without the prompts map), throws JobFailedError when it ends
   * FAILED or CANCELED.
   */
  waitFor(runId: string, options?: WaitOptions): Promise<RedTeamRun> {
    return waitForRedTeamRun(this._client, runId, options);
  }
}
