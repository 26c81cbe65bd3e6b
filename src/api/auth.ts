import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../contracts/errors.js';
import { roleAtLeast, type Role } from '../contracts/roles.js';
import { hashToken } from '../core/api-key-hash.js';
import type { Db } from '../db/db.js';
import { findActiveApiKeyByHash, firstWorkspaceId, touchApiKey } from '../db/queries/workspaces.js';

export interface AuthContext {
  workspaceId: string;
  /** The schema holding the workspace's record tables. */
  dataSchema: string;
  keyId: string;
  role: Role;
}

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
export function authenticate(db: Db) {
  const touched = new Map<string, number>();
  return async (request: FastifyRequest): Promise<void> => {
    const key = presentedKey(request);
    if (!key) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>" or "X-API-Key".');
    const row = await findActiveApiKeyByHash(db, hashToken(key));
    if (!row) throw new AppError('unauthorized', 'The API key is not valid or has been revoked.');
    request.auth = { workspaceId: row.workspaceId, dataSchema: row.dataSchema, keyId: row.id, role: row.role as Role };
    // last_used_at is informative; once a minute per key is plenty and keeps reads from writing.
    const now = Date.now();
    if ((touched.get(row.id) ?? 0) < now - 60_000) {
      touched.set(row.id, now);
      await touchApiKey(db, row.id);
    }
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
export function requireInstallationOwner(db: Db): RoleCheck {
  const owner = requireRole('owner');
  const check = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await owner(request, reply);
    if ((await firstWorkspaceId(db)) !== request.auth!.workspaceId) {
      throw new AppError('forbidden', "Encryption keys belong to the whole installation: this needs an owner of the installation's first workspace.");
    }
  };
  return Object.assign(check, { requiredRole: 'owner' as const, installationOwner: true as const });
}

export function authOf(request: FastifyRequest): AuthContext {
  if (!request.auth) throw new AppError('unauthorized', 'Authentication required.');
  return request.auth;
}
