import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.js';
import { roleAtLeast, type Role } from '../contracts/roles.js';
import { authenticateApiKey, type ApiKeyIdentity, type LastUsedWrites } from '../services/keys/authenticate-api-key.js';
import { checkInstallationOwner } from '../services/keys/check-installation-owner.js';
import type { ServiceDeps } from '../services/service-deps.js';

/** Who the request's API key is (see authenticateApiKey). */
export type AuthContext = ApiKeyIdentity;

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | undefined;
  }
}

function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(.+)$/i.exec(header);
    return match?.[1]?.trim();
  }
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}

/** Resolves the API key on every /api/v1 request; routes then ask for a minimum role. */
export function authenticate(deps: Pick<ServiceDeps, 'db'>) {
  // One per app: when each key's last_used_at was last written, so a busy key writes it once a minute.
  const lastUsedWrites: LastUsedWrites = new Map();
  return async (request: FastifyRequest): Promise<void> => {
    const key = presentedKey(request);
    if (!key) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key".');
    request.auth = await authenticateApiKey(deps, { key, lastUsedWrites });
  };
}

/** A preHandler that checks a role, carrying that role so the OpenAPI document can state it (see describeRequiredRole). */
export type RoleCheck = ((request: FastifyRequest, reply: FastifyReply) => Promise<void>) & { requiredRole: Role; installationOwner?: true };

export function requireRole(minimum: Role): RoleCheck {
  const check = async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    if (!request.auth) throw new AppError('unauthorized', 'Authentication required.');
    if (!roleAtLeast(request.auth.role, minimum)) {
      throw new AppError('forbidden', `This needs the ${minimum} role or above; this key has ${request.auth.role}.`);
    }
  };
  return Object.assign(check, { requiredRole: minimum });
}

/**
 * For what belongs to the whole installation rather than a workspace (the vault's key ring): an owner of the
 * installation's first workspace, which bootstrap created for the operator. Owners of other workspaces are
 * refused, since rotating or retiring keys touches every workspace's secrets.
 */
export function requireInstallationOwner(deps: Pick<ServiceDeps, 'db'>): RoleCheck {
  const owner = requireRole('owner');
  const check = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await owner(request, reply);
    await checkInstallationOwner(deps, { workspaceId: request.auth!.workspaceId });
  };
  return Object.assign(check, { requiredRole: 'owner' as const, installationOwner: true as const });
}

export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new AppError('unauthorized', 'Authentication required.');
  return request.auth;
}
