import type { RequestOptions } from '../../core/api-client.js';
import { path } from '../../core/path.js';
import type {
  RedTeamSpec,
  RedTeamSpecCreateParams,
  RedTeamSpecListParams,
  RedTeamSpecUpdateParams,
} from '../../types.js';
import { APIResource } from '../resource.js';

/** Red-team specs: the application under test (domain, what it does, what it must not do). */
export class RedTeamSpecs extends APIResource {
  /** Creates a spec; the name is stored in snake_case and must be unique in the company (else ConflictError). */
  create(body: RedTeamSpecCreateParams, options?: RequestOptions): Promise<RedTeamSpec> {
    return this._client.request({ method: 'POST', path: '/api/dataframer/red-team-specs/', body }, options);
  }

  /** A red-team spec. */
  retrieve(specId: string, options?: RequestOptions): Promise<RedTeamSpec> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/red-team-specs/${specId}/` },
      options,
    );
  }

  /** Red-team specs, newest first. */
  list(query: RedTeamSpecListParams = {}, options?: RequestOptions): Promise<RedTeamSpec[]> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/red-team-specs/', query }, options);
  }

  /** Changes only the fields given (PATCH); runs already started keep their copy of the spec. */
  update(specId: string, body: RedTeamSpecUpdateParams, options?: RequestOptions): Promise<RedTeamSpec> {
    return this._client.request(
      { method: 'PATCH', path: path`/api/dataframer/red-team-specs/${specId}/`, body },
      options,
    );
  }

  /** Deletes a spec; ConflictError while one of its runs is PENDING or PROCESSING. */
  delete(specId: string, options?: RequestOptions): Promise<void> {
    return this._client.request(
      { method: 'DELETE', path: path`/api/dataframer/red-team-specs/${specId}/` },
      options,
    );
  }
}
