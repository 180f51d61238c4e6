import type { RequestOptions } from '../../core/api-client.js';
import { path } from '../../core/path.js';
import {
  type DownloadedRun,
  type DownloadToOptions,
  downloadZipTo,
  waitForZipLink,
} from '../../lib/download.js';
import { tagJob } from '../../lib/jobs.js';
import { type WaitOptions, waitForAnonymizationRun } from '../../lib/wait.js';
import type {
  AnonymizationDatasetCreateParams,
  AnonymizationRun,
  AnonymizationRunCreateParams,
  AnonymizationRunListParams,
  AnonymizationZipLink,
  AnonymizationZipPending,
  DownloadLink,
  SeedDataset,
} from '../../types.js';
import { APIResource } from '../resource.js';

export class AnonymizationRuns extends APIResource {
  /** Starts anonymizing a seed dataset (PII/PHI detection and masking); answers the PENDING run at once. */
  async create(body: AnonymizationRunCreateParams, options?: RequestOptions): Promise<AnonymizationRun> {
    const created = await this._client.request<AnonymizationRun>(
      { method: 'POST', path: '/api/dataframer/anonymization-runs/', body },
      options,
    );
    return tagJob(created, 'anonymization_run');
  }

  /** An anonymization run; poll it while PENDING or PROCESSING (or use `waitFor`). */
  retrieve(runId: string, options?: RequestOptions): Promise<AnonymizationRun> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/anonymization-runs/${runId}/` },
      options,
    );
  }

  /** Anonymization runs, newest first (results without `entities_found`). */
  list(query: AnonymizationRunListParams = {}, options?: RequestOptions): Promise<AnonymizationRun[]> {
    return this._client.request(
      { method: 'GET', path: '/api/dataframer/anonymization-runs/', query },
      options,
    );
  }

  /** Deletes an anonymization run and its files. */
  delete(runId: string, options?: RequestOptions): Promise<void> {
    return this._client.request(
      { method: 'DELETE', path: path`/api/dataframer/anonymization-runs/${runId}/` },
      options,
    );
  }

  /** A signed link to one anonymized file (`anonymized_files[].id`), valid one hour. */
  fileDownloadLink(runId: string, fileId: string, options?: RequestOptions): Promise<DownloadLink> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/anonymization-runs/${runId}/files/${fileId}/download/` },
      options,
    );
  }

  /**
   * The ZIP of all anonymized files: `{download_url, size_bytes, expires_at}` when ready, or
   * `{status: 'building', detail}` (HTTP 202) while the server builds it; call again shortly.
   */
  download(runId: string, options?: RequestOptions): Promise<AnonymizationZipLink | AnonymizationZipPending> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/anonymization-runs/${runId}/files/download/` },
      options,
    );
  }

  /**
   * Downloads the ZIP of a SUCCEEDED run's anonymized files and extracts it into `dir` (created if
   * needed), like `runs.downloadTo`.
   */
  async downloadTo(runId: string, dir: string, options: DownloadToOptions = {}): Promise<DownloadedRun> {
    const link = await waitForZipLink<AnonymizationZipLink>(
      (signal) => this.download(runId, { signal }),
      options,
    );
    return downloadZipTo(this._client, link, dir, options.signal);
  }

  /** Makes a new seed dataset of the anonymized files (same type, folders and names). */
  createDataset(
    runId: string,
    body: AnonymizationDatasetCreateParams,
    options?: RequestOptions,
  ): Promise<SeedDataset> {
    return this._client.request(
      { method: 'POST', path: path`/api/dataframer/anonymization-runs/${runId}/create-dataset/`, body },
      options,
    );
  }

  /** Polls until the run is SUCCEEDED (resolves with it) or FAILED (throws JobFailedError). */
  waitFor(runId: string, options?: WaitOptions): Promise<AnonymizationRun> {
    return waitForAnonymizationRun(this._client, runId, options);
  }
}
