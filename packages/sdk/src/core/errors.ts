import type { AnonymizationRun, Evaluation, RedTeamRun, Run, Spec } from '../types.js';

/**
 * Error classes with the names and fields of DataFramer's official SDK, so `catch` blocks written for it
 * keep working: every failure the client raises is a `DataframerError`.
 */

/** Base of every error this SDK throws. */
export class DataframerError extends Error {
  override name = 'DataframerError';
}

/** The server's error body: `{detail, errors?}`. */
export interface ErrorBody {
  detail?: string;
  errors?: Record<string, string[]>;
  [key: string]: unknown;
}

/** The server answered with an error status (or the request never got an answer: see the subclasses). */
export class APIError extends DataframerError {
  override name = 'APIError';
  /** HTTP status; undefined when no response was received. */
  readonly status: number | undefined;
  readonly headers: Headers | undefined;
  /** The parsed error body, when there was one. */
  readonly error: ErrorBody | undefined;
  /** The server's message for a person (`detail`). */
  readonly detail: string | undefined;
  /** Problems per request field (`errors`), when the server listed them. */
  readonly errors: Record<string, string[]> | undefined;

  constructor(
    status: number | undefined,
    error: ErrorBody | undefined,
    message: string | undefined,
    headers: Headers | undefined,
  ) {
    super(APIError.makeMessage(status, error, message));
    this.status = status;
    this.headers = headers;
    this.error = error;
    this.detail = typeof error?.detail === 'string' ? error.detail : undefined;
    this.errors = error?.errors;
  }

  private static makeMessage(status: number | undefined, error: ErrorBody | undefined, message?: string) {
    const text = typeof error?.detail === 'string' ? error.detail : message;
    if (status && text) return `${status} ${text}`;
    if (status) return `${status} status code (no body)`;
    return text ?? '(no status code or body)';
  }

  /** The subclass for a status, as the official SDK picks it. */
  static generate(
    status: number,
    error: ErrorBody | undefined,
    message: string | undefined,
    headers: Headers,
  ) {
    const Class = ERROR_BY_STATUS[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Class(status, error, message, headers);
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

const ERROR_BY_STATUS: Record<number, typeof APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

/** No response: the server could not be reached, or the connection broke. */
export class APIConnectionError extends APIError {
  override name = 'APIConnectionError';
  constructor({ message, cause }: { message?: string; cause?: unknown } = {}) {
    super(undefined, undefined, message ?? 'Connection error.', undefined);
    if (cause !== undefined) this.cause = cause;
  }
}

/** No response within the client's `timeout`. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
  constructor({ message }: { message?: string } = {}) {
    super({ message: message ?? 'Request timed out.' });
  }
}

/** The caller's AbortSignal fired. */
export class APIUserAbortError extends APIError {
  override name = 'APIUserAbortError';
  constructor({ message }: { message?: string } = {}) {
    super(undefined, undefined, message ?? 'Request was aborted.', undefined);
  }
}

/**
 * `waitFor` saw the job end FAILED or CANCELED. `job` is the final object (a Run, Spec, Evaluation,
 * AnonymizationRun or RedTeamRun) and
 * `jobError` the server's reason, so callers can report it without another request.
 */
export class JobFailedError extends DataframerError {
  override name = 'JobFailedError';
  constructor(
    readonly kind: 'run' | 'spec' | 'evaluation' | 'anonymization_run' | 'red_team_run',
    readonly id: string,
    readonly status: 'FAILED' | 'CANCELED',
    readonly jobError: string | null,
    readonly job: Run | Spec | Evaluation | AnonymizationRun | RedTeamRun,
  ) {
    super(`${kind} ${id} ended ${status}${jobError ? `: ${jobError}` : ''}`);
  }
}
