import type { RequestOptions } from '../core/api-client.js';
import type { RotatedApiKey } from '../types.js';
import { APIResource } from './resource.js';

export class ApiKeys extends APIResource {
  /**
   * Issues a new key and revokes the one this client used, at once (5 per hour per IP). The client keeps
   * the old key: build a new client with `api_key` from the answer.
   */
  rotate(options?: RequestOptions): Promise<RotatedApiKey> {
    return this._client.request({ method: 'POST', path: '/api/users/api-key/rotate' }, options);
  }
}
