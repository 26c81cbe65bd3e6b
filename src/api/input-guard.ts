import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.js';
import { describePath, findUnsafeText, MAX_JSON_DEPTH, type UnsafeText } from '../core/unsafe-text.js';

/**
 * Refuses, for every route at once, input that PostgreSQL cannot store (U+0000, lone surrogates, absurd nesting)
 * with a 400 naming the field, before any route schema or handler sees it. Route schemas cannot each be trusted to
 * remember it: free-form objects (`config`, `metadata`, `custom`) accept any string at any depth.
 *
 * Registered on the root instance before the routes, so every scope (and the not-found handler) inherits it.
 */
export function installInputGuard(app: FastifyInstance): void {
  // Earliest point: before authentication reads a header and before any route looks anything up.
  app.addHook('onRequest', async (request) => {
    check('headers', request.headers);
    check('params', request.params);
    check('query', request.query);
  });
  // The body exists once parsed; routes that keep it raw (signed webhook deliveries) get a Buffer, left alone.
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (request.body !== undefined && !Buffer.isBuffer(request.body)) check('body', request.body);
  });
}

function check(part: 'headers' | 'params' | 'query' | 'body', value: unknown): void {
  const found = findUnsafeText(value);
  if (found) throw unsafeInputError(part, found);
}

function unsafeInputError(part: string, found: UnsafeText): AppError {
  // Body fields are named bare (`config.a`) as validation errors name them; other parts keep their prefix.
  const path = describePath(found.path);
  const field = part === 'body' ? path || 'body' : path ? `${part}.${path}` : part;
  switch (found.problem) {
    case 'nul':
      return new AppError('invalid_characters', `${field}: contains a NUL character (\\u0000), which cannot be stored.`, { field });
    case 'lone_surrogate':
      return new AppError('invalid_characters', `${field}: contains a lone UTF-16 surrogate (not valid Unicode), which cannot be stored.`, { field });
    case 'too_deep':
      return new AppError('validation_failed', `${field}: nested deeper than ${MAX_JSON_DEPTH} levels.`, { field });
  }
}
