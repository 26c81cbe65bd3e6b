import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { oauthStates } from '../schema.js';

export type OAuthStateRow = typeof oauthStates.$inferSelect;

export async function insertOAuthState(db: Db, row: typeof oauthStates.$inferInsert): Promise<void> {
  await db.insert(oauthStates).values(row);
}

/**
 * Marks a state used and returns it, in one statement: of two callbacks racing with the same state, exactly
 * one gets the row. Expired or already used states return nothing.
 */
export async function consumeOAuthState(db: Db, id: string, now = new Date()): Promise<OAuthStateRow | undefined> {
  const [row] = await db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(and(eq(oauthStates.id, id), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, now)))
    .returning();
  return row;
}

/** The newest pending state of a connection (a pasted code without its state), consumed the same atomic way. */
export async function consumeLatestOAuthState(db: Db, workspaceId: string, connectionId: string, now = new Date()): Promise<OAuthStateRow | undefined> {
  const latest = db
    .select({ id: oauthStates.id })
    .from(oauthStates)
    .where(and(eq(oauthStates.workspaceId, workspaceId), eq(oauthStates.connectionId, connectionId), isNull(oauthStates.usedAt), gt(oauthStates.expiresAt, now)))
    .orderBy(desc(oauthStates.createdAt))
    .limit(1);
  const [row] = await db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(and(sql`${oauthStates.id} = (${latest})`, isNull(oauthStates.usedAt)))
    .returning();
  return row;
}

/** Only to word a refusal (replayed or expired); the decision itself was the atomic update above. */
export async function getOAuthState(db: Db, id: string): Promise<OAuthStateRow | undefined> {
  const [row] = await db.select().from(oauthStates).where(eq(oauthStates.id, id));
  return row;
}

/** Rows a day past their expiry serve no purpose, not even to explain a refusal. */
export async function deleteStaleOAuthStates(db: Db, now = new Date()): Promise<void> {
  await db.delete(oauthStates).where(lt(oauthStates.expiresAt, new Date(now.getTime() - 24 * 3600_000)));
}
