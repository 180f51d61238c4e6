import type { RequestOptions } from '../../core/api-client.js';
import type { ModelListResponse } from '../../types.js';
import { APIResource } from '../resource.js';

export class Models extends APIResource {
  /** The model catalog with prices, stages and whether this server can call each model (`available`). */
  list(options?: RequestOptions): Promise<ModelListResponse> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/models/' }, options);
  }
}
