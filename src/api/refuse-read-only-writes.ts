import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../contracts/errors.js';

/**
 * The POSTs a read-only key may still send: they probe credentials and save nothing. Everything else that is not a
 * read changes data. Listed by route pattern, so a new route is refused to read-only keys until it is added here.
 */
export const readOnlySafeRoutes: ReadonlySet<string> = new Set(['POST /api/v1/connectors/:id/verify', 'POST /api/v1/connections/test']);

const readMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

type Hook = NonNullable<RouteOptions['preValidation']>;
const asList = (hooks: Hook | undefined) => (hooks === undefined ? [] : Array.isArray(hooks) ? [...hooks] : [hooks]);

async function refuseReadOnlyKey(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
  if (request.auth?.readOnly) {
    throw new AppError('read_only_key', `This API key is read-only: ${request.method} ${request.routeOptions.url ?? ''} changes data. Use a key created without read_only.`);
  }
}

/**
 * An onRoute hook for the authenticated scope, the one place read-only keys are enforced over REST: every route
 * that is not a read (nor in readOnlySafeRoutes) refuses them with 403 `read_only_key`, first in preValidation so
 * the body is not even looked at. The OpenAPI document states it per operation as `x-read-only-keys`
 * (`allowed` or `refused`), taken from the very decision that enforces it.
 */
export function refuseReadOnlyWrites(route: RouteOptions): void {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  const writes = methods.some((m) => !readMethods.has(m.toUpperCase()) && !readOnlySafeRoutes.has(`${m.toUpperCase()} ${route.url}`));
  route.schema = { ...route.schema, 'x-read-only-keys': writes ? 'refused' : 'allowed' } as RouteOptions['schema'];
  if (!writes) return;
  route.preValidation = [refuseReadOnlyKey as unknown as Hook, ...asList(route.preValidation as Hook | undefined)] as RouteOptions['preValidation'];
}
