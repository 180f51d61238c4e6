/** Exit codes, so scripts can tell a typo from a server refusal from a failed job. */
export const EXIT = {
  ok: 0,
  /** Anything else: an unexpected error. */
  failure: 1,
  /** Bad command line or configuration. */
  usage: 2,
  /** The API answered with an error (4xx/5xx). */
  api: 3,
  /** A job (spec, run, evaluation) ended FAILED or CANCELED. */
  jobFailed: 4,
} as const;

export class UsageError extends Error {}
