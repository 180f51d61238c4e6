/**
 * Domain errors. Core knows nothing of HTTP: each error carries a `kind` that the server maps to a status
 * code, and a message written for the person who sent the input (which field, which file, which line).
 */
export type ErrorKind =
  | 'invalid'
  | 'too_large'
  | 'not_found'
  | 'conflict'
  | 'unauthenticated'
  | 'rate_limited'
  | 'unavailable';

export type FieldErrors = Record<string, string[]>;

export class OpenFramerError extends Error {
  readonly kind: ErrorKind;
  readonly fieldErrors: FieldErrors | undefined;

  constructor(kind: ErrorKind, message: string, fieldErrors?: FieldErrors) {
    super(message);
    this.name = 'OpenFramerError';
    this.kind = kind;
    this.fieldErrors = fieldErrors;
  }
}

/** Input that breaks a rule. `field` names the request field it belongs to, when there is one. */
export class InvalidInputError extends OpenFramerError {
  constructor(message: string, field?: string) {
    super('invalid', message, field ? { [field]: [message] } : undefined);
    this.name = 'InvalidInputError';
  }
}

export class TooLargeError extends OpenFramerError {
  constructor(message: string, field?: string) {
    super('too_large', message, field ? { [field]: [message] } : undefined);
    this.name = 'TooLargeError';
  }
}

export class NotFoundError extends OpenFramerError {
  constructor(message: string) {
    super('not_found', message);
    this.name = 'NotFoundError';
  }
}

export class ConflictError extends OpenFramerError {
  constructor(message: string, field?: string) {
    super('conflict', message, field ? { [field]: [message] } : undefined);
    this.name = 'ConflictError';
  }
}

export function isOpenFramerError(err: unknown): err is OpenFramerError {
  return err instanceof OpenFramerError;
}
