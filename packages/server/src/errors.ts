import { type ErrorKind, isOpenFramerError } from '@openframer/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';

const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  too_large: 413,
  not_found: 404,
  conflict: 409,
  unauthenticated: 401,
  rate_limited: 429,
  unavailable: 503,
};

// Errors raised by Fastify and its plugins before our handlers run, turned into messages for people.
const FASTIFY_MESSAGES: Record<string, (err: FastifyError) => string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: () => 'the request body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: () => 'the request body is empty; send a JSON object',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: (e) =>
    `unsupported Content-Type: ${e.message.replace(/^Unsupported Media Type:\s*/, '')}`,
  FST_ERR_CTP_BODY_TOO_LARGE: () => 'the request body is too large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: () => 'this endpoint takes multipart/form-data',
  FST_REQ_FILE_TOO_LARGE: () => 'an uploaded file is larger than the limit',
  FST_FILES_LIMIT: () => 'too many files in one request',
  FST_FIELDS_LIMIT: () => 'too many form fields in one request',
  FST_PARTS_LIMIT: () => 'too many parts in one multipart request',
  FST_PROTO_VIOLATION: () => 'a form field name is not allowed',
};

/** Every error leaves as `{detail, errors?}` with the status a client can act on; 5xx only for our faults. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (hasZodFastifySchemaValidationErrors(err)) {
    const errors: Record<string, string[]> = {};
    for (const issue of err.validation) {
      const field =
        issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || (err.validationContext ?? 'body');
      const message = issue.message ?? 'is invalid';
      errors[field] = [...(errors[field] ?? []), message];
    }
    const [field, messages] = Object.entries(errors)[0] ?? ['body', ['is invalid']];
    const detail = messages[0]!.startsWith(field) ? messages[0]! : `${field}: ${messages[0]}`;
    return reply.code(400).send({ detail, errors });
  }
  if (isOpenFramerError(err)) {
    const status = STATUS_BY_KIND[err.kind];
    return reply
      .code(status)
      .send(err.fieldErrors ? { detail: err.message, errors: err.fieldErrors } : { detail: err.message });
  }
  if (isResponseSerializationError(err)) {
    req.log.error({ err, issues: err.cause.issues }, 'response did not match its schema');
    return reply.code(500).send({ detail: 'Internal server error' });
  }
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const describe = err.code ? FASTIFY_MESSAGES[err.code] : undefined;
    // Multipart content-type problems are the client's: say 415 rather than the plugin's 406.
    const code = err.code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' ? 415 : status;
    return reply.code(code).send({ detail: describe ? describe(err) : err.message });
  }
  req.log.error({ err }, 'request failed');
  return reply.code(500).send({ detail: 'Internal server error' });
}
