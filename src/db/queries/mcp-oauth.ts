import { and, eq, gt, isNull, lt, notExists, or } from 'drizzle-orm';
import type { Db } from '../db.js';
import { mcpOauthClients, mcpOauthCodes, mcpOauthGrants, mcpOauthTokens } from '../mcp-oauth-schema.js';
import { apiKeys, workspaces } from '../schema.js';

export type McpOauthClientRow = typeof mcpOauthClients.$inferSelect;
export type McpOauthGrantRow = typeof mcpOauthGrants.$inferSelect;
export type McpOauthTokenRow = typeof mcpOauthTokens.$inferSelect;

export async function insertMcpOauthClient(db: Db, row: typeof mcpOauthClients.$inferInsert): Promise<void> {
  await db.insert(mcpOauthClients).values(row);
}

export async function getMcpOauthClient(db: Db, id: string): Promise<McpOauthClientRow | undefined> {
  const [row] = await db.select().from(mcpOauthClients).where(eq(mcpOauthClients.id, id));
  return row;
}

export async function insertMcpOauthGrant(db: Db, row: typeof mcpOauthGrants.$inferInsert): Promise<void> {
  await db.insert(mcpOauthGrants).values(row);
}

export async function insertMcpOauthCode(db: Db, row: typeof mcpOauthCodes.$inferInsert): Promise<void> {
  await db.insert(mcpOauthCodes).values(row);
}

/**
 * Marks a code used and returns it with its grant, in one statement: of two token requests racing with one code,
 * exactly one gets it. Expired and used codes return nothing (see findMcpOauthCode to tell a replay).
 */
export async function consumeMcpOauthCode(
  db: Db,
  hash: string,
  now: Date,
): Promise<{ code: typeof mcpOauthCodes.$inferSelect; grant: McpOauthGrantRow } | undefined> {
  const [code] = await db
    .update(mcpOauthCodes)
    .set({ usedAt: now })
    .where(and(eq(mcpOauthCodes.hash, hash), isNull(mcpOauthCodes.usedAt), gt(mcpOauthCodes.expiresAt, now)))
    .returning();
  if (!code) return undefined;
  const [grant] = await db.select().from(mcpOauthGrants).where(and(eq(mcpOauthGrants.id, code.grantId), isNull(mcpOauthGrants.revokedAt)));
  return grant ? { code, grant } : undefined;
}

/** Only to tell a replayed code (whose grant is then revoked) from an unknown one; the decision was the update above. */
export async function findMcpOauthCode(db: Db, hash: string): Promise<typeof mcpOauthCodes.$inferSelect | undefined> {
  const [row] = await db.select().from(mcpOauthCodes).where(eq(mcpOauthCodes.hash, hash));
  return row;
}

export async function insertMcpOauthTokens(db: Db, rows: (typeof mcpOauthTokens.$inferInsert)[]): Promise<void> {
  await db.insert(mcpOauthTokens).values(rows);
}

/**
 * Rotates a refresh token: marks it used and returns it with its live grant, in one statement, so two refreshes
 * racing with one token cannot both succeed. Nothing for an unknown, expired, revoked or already rotated token.
 */
export async function rotateMcpRefreshToken(db: Db, hash: string, now: Date): Promise<{ token: McpOauthTokenRow; grant: McpOauthGrantRow } | undefined> {
  const [token] = await db
    .update(mcpOauthTokens)
    .set({ rotatedAt: now })
    .where(
      and(
        eq(mcpOauthTokens.hash, hash),
        eq(mcpOauthTokens.kind, 'refresh'),
        isNull(mcpOauthTokens.rotatedAt),
        isNull(mcpOauthTokens.revokedAt),
        gt(mcpOauthTokens.expiresAt, now),
      ),
    )
    .returning();
  if (!token) return undefined;
  const [grant] = await db.select().from(mcpOauthGrants).where(and(eq(mcpOauthGrants.id, token.grantId), isNull(mcpOauthGrants.revokedAt)));
  return grant ? { token, grant } : undefined;
}

/** A token by hash whatever its state, with its grant's client: to recognise reuse of a rotated refresh token and for revocation. */
export async function findMcpOauthToken(db: Db, hash: string): Promise<(McpOauthTokenRow & { clientId: string }) | undefined> {
  const [row] = await db
    .select({ token: mcpOauthTokens, clientId: mcpOauthGrants.clientId })
    .from(mcpOauthTokens)
    .innerJoin(mcpOauthGrants, eq(mcpOauthGrants.id, mcpOauthTokens.grantId))
    .where(eq(mcpOauthTokens.hash, hash));
  return row ? { ...row.token, clientId: row.clientId } : undefined;
}

export async function revokeMcpOauthGrant(db: Db, grantId: string, now: Date): Promise<void> {
  await db.update(mcpOauthGrants).set({ revokedAt: now }).where(and(eq(mcpOauthGrants.id, grantId), isNull(mcpOauthGrants.revokedAt)));
}

export async function revokeMcpOauthToken(db: Db, tokenId: string, now: Date): Promise<void> {
  await db.update(mcpOauthTokens).set({ revokedAt: now }).where(and(eq(mcpOauthTokens.id, tokenId), isNull(mcpOauthTokens.revokedAt)));
}

/**
 * A live access token with what /mcp needs to serve it: its grant (not revoked), the API key that approved the
 * grant (not revoked: a grant lives no longer than that key, and its role is the ceiling's ceiling) and the
 * workspace's data schema. One query per MCP request.
 */
export async function findLiveMcpAccessToken(
  db: Db,
  hash: string,
  now: Date,
): Promise<{ token: McpOauthTokenRow; grant: McpOauthGrantRow; keyRole: string; dataSchema: string } | undefined> {
  const [row] = await db
    .select({ token: mcpOauthTokens, grant: mcpOauthGrants, keyRole: apiKeys.role, dataSchema: workspaces.dataSchema })
    .from(mcpOauthTokens)
    .innerJoin(mcpOauthGrants, eq(mcpOauthGrants.id, mcpOauthTokens.grantId))
    .innerJoin(apiKeys, eq(apiKeys.id, mcpOauthGrants.apiKeyId))
    .innerJoin(workspaces, eq(workspaces.id, mcpOauthGrants.workspaceId))
    .where(
      and(
        eq(mcpOauthTokens.hash, hash),
        eq(mcpOauthTokens.kind, 'access'),
        isNull(mcpOauthTokens.revokedAt),
        gt(mcpOauthTokens.expiresAt, now),
        isNull(mcpOauthGrants.revokedAt),
        isNull(apiKeys.revokedAt),
      ),
    );
  return row;
}

/** A live API key by id, for the consent page's second step (the key itself was checked at the first). */
export async function findLiveApiKeyById(db: Db, id: string): Promise<{ id: string; workspaceId: string; memberId: string | null; role: string } | undefined> {
  const [row] = await db
    .select({ id: apiKeys.id, workspaceId: apiKeys.workspaceId, memberId: apiKeys.memberId, role: apiKeys.role })
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt)));
  return row;
}

/**
 * Codes and tokens a day past their expiry or revocation explain nothing any more (a rotated refresh token is kept
 * until it expires, to recognise its reuse). Grants revoked a day ago go with everything under them, and so do
 * grants a day old with no token left (approved but never redeemed, or whose tokens all expired).
 */
export async function deleteStaleMcpOauthRows(db: Db, now: Date): Promise<void> {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  await db.delete(mcpOauthGrants).where(lt(mcpOauthGrants.revokedAt, dayAgo));
  await db.delete(mcpOauthCodes).where(lt(mcpOauthCodes.expiresAt, dayAgo));
  await db.delete(mcpOauthTokens).where(or(lt(mcpOauthTokens.expiresAt, dayAgo), lt(mcpOauthTokens.revokedAt, dayAgo)));
  await db
    .delete(mcpOauthGrants)
    .where(and(lt(mcpOauthGrants.createdAt, dayAgo), notExists(db.select({ one: mcpOauthTokens.id }).from(mcpOauthTokens).where(eq(mcpOauthTokens.grantId, mcpOauthGrants.id)))));
}
