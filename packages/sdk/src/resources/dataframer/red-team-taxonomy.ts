import type { RequestOptions } from '../../core/api-client.js';
import type { RedTeamTaxonomy } from '../../types.js';
import { APIResource } from '../resource.js';

/** `GET /red-team-taxonomy/`, a resource of its own as the official SDK names resources after their path. */
export class RedTeamTaxonomyResource extends APIResource {
  /** The behaviour categories (with OWASP LLM Top 10 ids), the attack strategies and the OWASP titles. */
  retrieve(options?: RequestOptions): Promise<RedTeamTaxonomy> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/red-team-taxonomy/' }, options);
  }
}
