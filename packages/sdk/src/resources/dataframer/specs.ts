import type { RequestOptions } from '../../core/api-client.js';
import { path } from '../../core/path.js';
import { type SpecHandle, tagJob } from '../../lib/jobs.js';
import { type WaitOptions, waitForSpec } from '../../lib/wait.js';
import type {
  Spec,
  SpecCreateParams,
  SpecListParams,
  SpecRetrieveParams,
  SpecUpdateParams,
} from '../../types.js';
import { APIResource } from '../resource.js';

export class Specs extends APIResource {
  /** Starts creating a spec from a dataset (or from objectives alone); answers `{id}` at once. */
  async create(body: SpecCreateParams, options?: RequestOptions): Promise<SpecHandle> {
    const created = await this._client.request<{ id: string }>(
      { method: 'POST', path: '/api/dataframer/specs/', body },
      options,
    );
    return tagJob(created, 'spec');
  }

  /** A spec; poll it while PROCESSING (or use `waitFor`). */
  retrieve(specId: string, query: SpecRetrieveParams = {}, options?: RequestOptions): Promise<Spec> {
    return this._client.request(
      {
        method: 'GET',
        path: path`/api/dataframer/specs/${specId}/`,
        query: query.include_versions === undefined ? {} : { include_versions: query.include_versions },
      },
      options,
    );
  }

  /** Specs, newest first. */
  list(query: SpecListParams = {}, options?: RequestOptions): Promise<Spec[]> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/specs/', query }, options);
  }

  /** Stores `content_yaml` as a new version (BadRequestError listing every problem when it does not hold). */
  update(specId: string, body: SpecUpdateParams, options?: RequestOptions): Promise<Spec> {
    return this._client.request(
      { method: 'PUT', path: path`/api/dataframer/specs/${specId}/`, body },
      options,
    );
  }

  /** Deletes a spec and its versions (ConflictError while a run uses it). */
  delete(specId: string, options?: RequestOptions): Promise<void> {
    return this._client.request({ method: 'DELETE', path: path`/api/dataframer/specs/${specId}/` }, options);
  }

  /** Polls until the spec is SUCCEEDED (resolves with it) or FAILED (throws JobFailedError). */
  waitFor(specId: string, options?: WaitOptions): Promise<Spec> {
    return waitForSpec(this._client, specId, options);
  }
}
