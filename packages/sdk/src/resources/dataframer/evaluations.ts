import type { RequestOptions } from '../../core/api-client.js';
import { path } from '../../core/path.js';
import { tagJob } from '../../lib/jobs.js';
import { type WaitOptions, waitForEvaluation } from '../../lib/wait.js';
import type {
  Evaluation,
  EvaluationChatMessage,
  EvaluationChatParams,
  EvaluationCreateParams,
  EvaluationListParams,
  EvaluationRetrieveParams,
  EvaluationSummary,
} from '../../types.js';
import { APIResource } from '../resource.js';

export class EvaluationChat extends APIResource {
  /** Asks a model about a SUCCEEDED evaluation; earlier turns are sent along. Answers the stored turn. */
  send(
    evaluationId: string,
    body: EvaluationChatParams,
    options?: RequestOptions,
  ): Promise<EvaluationChatMessage> {
    return this._client.request(
      { method: 'POST', path: path`/api/dataframer/evaluations/${evaluationId}/chat/`, body },
      options,
    );
  }

  /** The chat history of an evaluation, oldest first. */
  history(evaluationId: string, options?: RequestOptions): Promise<EvaluationChatMessage[]> {
    return this._client.request(
      { method: 'GET', path: path`/api/dataframer/evaluations/${evaluationId}/chat/` },
      options,
    );
  }
}

export class Evaluations extends APIResource {
  readonly chat = new EvaluationChat(this._client);

  /** Evaluates a SUCCEEDED run against its spec; answers the PENDING evaluation at once (poll with `waitFor`). */
  async create(body: EvaluationCreateParams, options?: RequestOptions): Promise<Evaluation> {
    const created = await this._client.request<Evaluation>(
      { method: 'POST', path: '/api/dataframer/evaluations/', body },
      options,
    );
    return tagJob(created, 'evaluation');
  }

  /** An evaluation: status, score, distribution analysis, sample classifications, quality. */
  retrieve(
    evaluationId: string,
    query: EvaluationRetrieveParams = {},
    options?: RequestOptions,
  ): Promise<Evaluation> {
    return this._client.request(
      {
        method: 'GET',
        path: path`/api/dataframer/evaluations/${evaluationId}/`,
        query: query.include_samples === undefined ? {} : { include_samples: query.include_samples },
      },
      options,
    );
  }

  /** Evaluations, newest first (without sample classifications); `run_id` filters. */
  list(query: EvaluationListParams = {}, options?: RequestOptions): Promise<EvaluationSummary[]> {
    return this._client.request({ method: 'GET', path: '/api/dataframer/evaluations/', query }, options);
  }

  /** Deletes an evaluation (a running one is stopped). */
  delete(evaluationId: string, options?: RequestOptions): Promise<void> {
    return this._client.request(
      { method: 'DELETE', path: path`/api/dataframer/evaluations/${evaluationId}/` },
      options,
    );
  }

  /** Polls until the evaluation is SUCCEEDED (resolves with it) or FAILED (throws JobFailedError). */
  waitFor(evaluationId: string, options?: WaitOptions): Promise<Evaluation> {
    return waitForEvaluation(this._client, evaluationId, options);
  }
}
