import type { RequestOptions } from '../../core/api-client.js';
import { path } from '../../core/path.js';
import type { HumanLabel, HumanLabelUpdateParams } from '../../types.js';
import { APIResource } from '../resource.js';

/** Labels by id; create and list them through `runs.humanLabels`. */
export class HumanLabels extends APIResource {
  /** A human label. */
  retrieve(labelId: string, options?: RequestOptions): Promise<HumanLabel> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/human-labels/${labelId}/` },
      options,
    );
  }

  /** Replaces the labels (and optionally the identifiers) of a human label. */
  update(labelId: string, body: HumanLabelUpdateParams, options?: RequestOptions): Promise<HumanLabel> {
    return this._client.request(
      { method: 'PUT', path: path`/api/dataframer/human-labels/${labelId}/`, body },
      options,
    );
  }

  /** Deletes a human label. */
  delete(labelId: string, options?: RequestOptions): Promise<void> {
    return this._client.request(
      { method: 'DELETE', path: path`/api/dataframer/human-labels/${labelId}/` },
      options,
    );
  }
}
