import type { RequestOptions } from '../../core/api-client.js';
import { APIConnectionError } from '../../core/errors.js';
import { path } from '../../core/path.js';
import { serverSentEvents } from '../../core/sse.js';
import {
  type DownloadedRun,
  type DownloadToOptions,
  downloadZipTo,
  waitForZipLink,
} from '../../lib/download.js';
import { type RunHandle, tagJob } from '../../lib/jobs.js';
import { type WaitOptions, waitForRun } from '../../lib/wait.js';
import type {
  DownloadLink,
  Evaluation,
  EvaluationSummary,
  HumanLabel,
  HumanLabelCreateParams,
  HumanLabelListParams,
  Run,
  RunCreateParams,
  RunEvaluationCreateParams,
  RunEvaluationListParams,
  RunEvent,
  RunListParams,
  RunProgress,
  RunSampleListParams,
  RunSamplesByIndex,
  RunSamplesByIndexParams,
  RunSamplesPage,
  RunSummary,
  RunZipLink,
  RunZipPending,
} from '../../types.js';
import { APIResource } from '../resource.js';

export type { DownloadedRun, DownloadToOptions };

export class RunFiles extends APIResource {
  /**
   * The ZIP of all generated files: `{download_url, size_bytes, expires_at}` when ready, or
   * `{status: 'building', detail}` (HTTP 202) while the server builds it; call again shortly.
   */
  download(runId: string, options?: RequestOptions): Promise<RunZipLink | RunZipPending> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/runs/${runId}/files/download/` },
      options,
    );
  }

  /** A signed link to one generated file (`generated_files[].id`), valid one hour. */
  downloadFile(runId: string, fileId: string, options?: RequestOptions): Promise<DownloadLink> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/runs/${runId}/files/${fileId}/download/` },
      options,
    );
  }

  /** Asks for the ZIP until it is ready (the 202 → 200 dance) and returns its link. */
  waitForZip(runId: string, options: DownloadToOptions = {}): Promise<RunZipLink> {
    return waitForZipLink<RunZipLink>((signal) => this.download(runId, { signal }), options);
  }
}

export class RunSamples extends APIResource {
  /** Finished samples in finish order (index 0 = first finished); `limit` up to 1000, `offset`. */
  list(runId: string, query: RunSampleListParams = {}, options?: RequestOptions): Promise<RunSamplesPage> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/runs/${runId}/samples/`, query },
      options,
    );
  }

  /** Samples by finish-order index (up to 1000); a missing one is null with status `out_of_range`. */
  retrieveByIndices(
    runId: string,
    body: RunSamplesByIndexParams,
    options?: RequestOptions,
  ): Promise<RunSamplesByIndex> {
    return this._client.request(
      { method: 'POST', path: path`/api/dataframer/runs/${runId}/samples/`, body },
      options,
    );
  }
}

export class RunEvaluations extends APIResource {
  /** Evaluates this run (it must be SUCCEEDED); answers the PENDING evaluation at once (poll with `waitFor`). */
  async create(
    runId: string,
    body: RunEvaluationCreateParams = {},
    options?: RequestOptions,
  ): Promise<Evaluation> {
    const created = await this._client.request<Evaluation>(
      { method: 'POST', path: path`/api/dataframer/runs/${runId}/evaluations/`, body },
      options,
    );
    return tagJob(created, 'evaluation');
  }

  /** The run's evaluations, newest first (without sample classifications). */
  list(
    runId: string,
    query: RunEvaluationListParams = {},
    options?: RequestOptions,
  ): Promise<EvaluationSummary[]> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/runs/${runId}/evaluations/`, query },
      options,
    );
  }
}

export class RunHumanLabels extends APIResource {
  /** Labels a generated file (or a row/sample of it) with free-form JSON. */
  create(runId: string, body: HumanLabelCreateParams, options?: RequestOptions): Promise<HumanLabel> {
    return this._client.request(
      { method: 'POST', path: path`/api/dataframer/runs/${runId}/human-labels/`, body },
      options,
    );
  }

  /** The run's human labels, oldest first; filter by `file_identifier` or `sample_identifier`. */
  list(runId: string, query: HumanLabelListParams = {}, options?: RequestOptions): Promise<HumanLabel[]> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/runs/${runId}/human-labels/`, query },
      options,
    );
  }
}

export class Runs extends APIResource {
  readonly files = new RunFiles(this._client);
  readonly samples = new RunSamples(this._client);
  readonly evaluations = new RunEvaluations(this._client);
  readonly humanLabels = new RunHumanLabels(this._client);

  /** Starts generating from a SUCCEEDED spec; answers `{id}` at once. */
  async create(body: RunCreateParams, options?: RequestOptions): Promise<RunHandle> {
    const created = await this._client.request<{ id: string }>(
      { method: 'POST', path: '/api/dataframer/runs/', body },
      options,
    );
    return tagJob(created, 'run');
  }

  /** A run: status, counters, runtime parameters and generated files. */
  retrieve(runId: string, options?: RequestOptions): Promise<Run> {
    return this._client.request({ method: 'GET', path: path`/api/dataframer/runs/${runId}/` }, options);
  }

  /** Runs, newest first. */
  list(query: RunListParams = {}, options?: RequestOptions): Promise<RunSummary[]> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/runs/', query }, options);
  }

  /** Cancels a PENDING or PROCESSING run (finished samples are kept); BadRequestError when already over. */
  cancel(runId: string, options?: RequestOptions): Promise<Run> {
    return this._client.request(
      { method: 'POST', path: path`/api/dataframer/runs/${runId}/cancel/` },
      options,
    );
  }

  /** Deletes a run and its files. */
  delete(runId: string, options?: RequestOptions): Promise<void> {
    return this._client.request({ method: 'DELETE', path: path`/api/dataframer/runs/${runId}/` }, options);
  }

  /**
   * The run's progress as it happens (server-sent events): `progress` on every change, then `done` when
   * the run ends. An OpenFramer endpoint; DataFramer's hosted API has no stream (use `waitFor`, which
   * falls back to polling).
   */
  async *events(runId: string, options: RequestOptions = {}): AsyncGenerator<RunEvent> {
    const res = await this._client.send(
      { method: 'GET', path: path`/api/dataframer/runs/${runId}/events/`, accept: 'text/event-stream' },
      options,
    );
    if (!res.headers.get('content-type')?.includes('text/event-stream')) {
      await res.body?.cancel();
      throw new APIConnectionError({ message: 'the events endpoint did not answer with an event stream' });
    }
    for await (const message of serverSentEvents(res, options.signal)) {
      if (message.event !== 'progress' && message.event !== 'done') continue;
      yield { event: message.event, data: JSON.parse(message.data) as RunProgress };
    }
  }

  /** Waits until the run ends: resolves with the Run when SUCCEEDED, throws JobFailedError when FAILED or CANCELED. */
  waitFor(runId: string, options?: WaitOptions): Promise<Run> {
    return waitForRun(this._client, runId, options);
  }

  /**
   * Downloads the ZIP of a finished run and extracts it into `dir` (created if needed): waits while the
   * server builds it, streams it through a temporary file, and refuses entries that would escape `dir`.
   */
  async downloadTo(runId: string, dir: string, options: DownloadToOptions = {}): Promise<DownloadedRun> {
    const link = await this.files.waitForZip(runId, options);
    return downloadZipTo(this._client, link, dir, options.signal);
  }
}
