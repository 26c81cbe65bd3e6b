import type { RouteOptions } from 'fastify';
import type { RoleCheck } from './auth.js';

type Hook = NonNullable<RouteOptions['preValidation']>;
const asList = (hooks: Hook | undefined) => (hooks === undefined ? [] : Array.isArray(hooks) ? [...hooks] : [hooks]);

/**
 * An onRoute hook for the authenticated scope. Routes declare their minimum role as `preHandler: requireRole(…)`;
 * this hook (1) moves that check to the front of preValidation, so a key without the role gets 403 whatever it
 * sends (otherwise a viewer's malformed body would be answered 400 with the schema's complaints before the role is
 * looked at), and (2) states the role in the OpenAPI document as `x-required-role` (`x-installation-owner` for
 * what only the installation's first workspace may do), taken from the very check that enforces it. The docs and
 * test/access-matrix.test.ts read it there, so no table of roles is kept by hand; a route registered without a
 * role check has no `x-required-role`, which that test refuses.
 */
export function hoistRoleCheck(route: RouteOptions): void {
  const preHandlers = asList(route.preHandler as Hook | undefined);
  const index = preHandlers.findIndex((h) => typeof h === 'function' && 'requiredRole' in h);
  if (index < 0) return;
  const check = preHandlers.splice(index, 1)[0] as unknown as RoleCheck;
  route.preHandler = preHandlers as RouteOptions['preHandler'];
  route.preValidation = [check as unknown as Hook, ...asList(route.preValidation)] as RouteOptions['preValidation'];
  route.schema = {
    ...route.schema,
    'x-required-role': check.requiredRole,
    ...(check.installationOwner ? { 'x-installation-owner': true } : {}),
  } as RouteOptions['schema'];
}
