import { type ErrorKind, OpenFramerError } from '../errors.js';

/**
 * A provider call that failed: retries ran out on a transient error, or the provider refused the request
 * (bad key, unknown model, prompt too long). `status` is the provider's HTTP status when there was one.
 */
export class LlmError extends OpenFramerError {
  readonly model: string;
  readonly stage: string;
  readonly status: number | undefined;
  /** HTTP round trips made before giving up. */
  readonly attempts: number;

  constructor(
    kind: ErrorKind,
    message: string,
    details: { model: string; stage: string; status?: number; attempts: number; cause?: unknown },
  ) {
    super(kind, message);
    this.name = 'LlmError';
    this.model = details.model;
    this.stage = details.stage;
    this.status = details.status;
    this.attempts = details.attempts;
    if (details.cause !== undefined) this.cause = details.cause;
  }
}

/** The model kept answering with output that does not parse or does not match the schema. */
export class LlmOutputError extends OpenFramerError {
  readonly model: string;
  readonly stage: string;
  /** Replies that were checked and rejected. */
  readonly attempts: number;
  readonly lastError: string;
  /** The last reply, kept for logs (the message itself stays short). */
  readonly lastText: string;

  constructor(details: {
    model: string;
    stage: string;
    attempts: number;
    lastError: string;
    lastText: string;
  }) {
    const what = details.lastError.startsWith('reply is not valid JSON')
      ? 'returned invalid JSON'
      : 'returned JSON that does not match the schema';
    super(
      'invalid',
      `${details.model} (${details.stage} stage) ${what} ${details.attempts} ${details.attempts === 1 ? 'time' : 'times'}; last error: ${details.lastError}`,
    );
    this.name = 'LlmOutputError';
    this.model = details.model;
    this.stage = details.stage;
    this.attempts = details.attempts;
    this.lastError = details.lastError;
    this.lastText = details.lastText;
  }
}
