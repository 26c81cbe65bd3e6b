import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorBody } from '../contracts/errors.js';
import { isTransientDbError } from '../core/transient-error.js';
import { fastifyErrorCode } from './fastify-error-code.js';
import { failureLogFields } from './failure-log-fields.js';

/** Renders every error as `{ error: { code, message } }`; 5xx details go to the log only. */
export function errorHandler(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const path = first?.instancePath?.replace(/^\//, '').replaceAll('/', '.') || (first?.params as { issue?: { path?: unknown[] } } | undefined)?.issue?.path?.join('.') || '';
    const where = error.validationContext ?? 'body';
    const field = path ? `${where === 'body' ? '' : `${where}.`}${path}` : where;
    const body: ErrorBody = {
      error: { code: 'validation_failed', message: `${field}: ${first?.message ?? 'is invalid'}`, field },
    };
    return reply.status(400).send(body);
  }
  if (error instanceof AppError) {
    if (error.status >= 500) request.log.error({ err: { message: error.message, code: error.code }, route: `${request.method} ${request.routeOptions.url ?? '(no route)'}` }, 'request failed');
    const body: ErrorBody = { error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
    return reply.status(error.status).send(body);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.statusCode && fastifyError.statusCode < 500) {
    const code = fastifyErrorCode(fastifyError.code, fastifyError.statusCode);
    const message = code === 'unsupported_media_type' ? 'Unsupported Media Type: send the body as application/json.' : fastifyError.message;
    return reply.status(fastifyError.statusCode).send({ error: { code, message } } satisfies ErrorBody);
  }
  // The database dropped the connection, shut down, or chose this request as a deadlock victim: the same request
  // may well succeed a moment later, so say that (503, Retry-After) rather than report an internal error.
  if (isTransientDbError(error)) {
    request.log.warn({ err: failureLogFields(error), route: `${request.method} ${request.routeOptions.url ?? '(no route)'}` }, 'database unavailable for a request');
    reply.header('retry-after', '1');
    return reply.status(503).send({ error: { code: 'database_unavailable', message: 'The database is unavailable for a moment; retry the request.' } } satisfies ErrorBody);
  }
  // Unknown errors may carry anything (SQL parameters, provider bodies): the log gets the database error's message,
  // SQLSTATE and the route, never the query's parameters; the answer stays generic.
  request.log.error({ err: failureLogFields(error), route: `${request.method} ${request.routeOptions.url ?? '(no route)'}` }, 'unexpected error');
  return reply.status(500).send({ error: { code: 'internal', message: 'Internal error; see the server log.' } } satisfies ErrorBody);
}
