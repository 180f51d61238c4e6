import type { RequestOptions } from '../../core/api-client.js';
import type { Health } from '../../types.js';
import { APIResource } from '../resource.js';

export class HealthResource extends APIResource {
  /** Server, database and job-runner state. Needs no key; a degraded server answers 503 (InternalServerError). */
  check(options?: RequestOptions): Promise<Health> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/health/', auth: false }, options);
  }
}
