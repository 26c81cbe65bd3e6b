import { and, asc, count, eq, isNull, sql } from 'drizzle-orm';
import { preparedQuery, type Db } from '../db.js';
import { apiKeys, members, workspaces } from '../schema.js';

export type WorkspaceRow = typeof workspaces.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type MemberRow = typeof members.$inferSelect;

export async function countWorkspaces(db: Db): Promise<number> {
  const [row] = await db.select({ n: count() }).from(workspaces);
  return row?.n ?? 0;
}

export async function insertWorkspace(db: Db, row: typeof workspaces.$inferInsert): Promise<WorkspaceRow> {
  const [created] = await db.insert(workspaces).values(row).returning();
  return created!;
}

export async function getWorkspace(db: Db, id: string): Promise<WorkspaceRow | undefined> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, id));
  return row;
}

export async function insertMember(db: Db, row: typeof members.$inferInsert): Promise<MemberRow> {
  const [created] = await db.insert(members).values(row).returning();
  return created!;
}

export async function insertApiKey(db: Db, row: typeof apiKeys.$inferInsert): Promise<ApiKeyRow> {
  const [created] = await db.insert(apiKeys).values(row).returning();
  return created!;
}

/**
 * The live key with this hash, and the schema its workspace's data lives in: one query for what every API
 * request needs (the change feed used to look the workspace up again).
 */
export async function findActiveApiKeyByHash(db: Db, hash: string): Promise<(ApiKeyRow & { dataSchema: string }) | undefined> {
  const query = preparedQuery(db, 'api_key_by_hash', () =>
    db
      .select({ key: apiKeys, dataSchema: workspaces.dataSchema })
      .from(apiKeys)
      .innerJoin(workspaces, eq(workspaces.id, apiKeys.workspaceId))
      .where(and(eq(apiKeys.hash, sql.placeholder('hash')), isNull(apiKeys.revokedAt)))
      .prepare('api_key_by_hash'),
  );
  const [row] = await query.execute({ hash });
  return row ? { ...row.key, dataSchema: row.dataSchema } : undefined;
}

export async function listApiKeys(db: Db, workspaceId: string): Promise<ApiKeyRow[]> {
  return db.select().from(apiKeys).where(eq(apiKeys.workspaceId, workspaceId)).orderBy(apiKeys.createdAt);
}

export async function revokeApiKey(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.id, id), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id });
  return rows.length > 0;
}

export async function touchApiKey(db: Db, id: string): Promise<void> {
  await db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
}

/** The installation's first workspace (the one bootstrap made): its owners administer installation-wide things. */
export async function firstWorkspaceId(db: Db): Promise<string | undefined> {
  const [row] = await db.select({ id: workspaces.id }).from(workspaces).orderBy(asc(workspaces.createdAt), asc(workspaces.id)).limit(1);
  return row?.id;
}

/** The workspace's first owner member, the one a recovered owner key belongs to. */
export async function firstOwnerMember(db: Db, workspaceId: string): Promise<MemberRow | undefined> {
  const [row] = await db
    .select()
    .from(members)
    .where(and(eq(members.workspaceId, workspaceId), eq(members.role, 'owner')))
    .orderBy(asc(members.createdAt), asc(members.id))
    .limit(1);
  return row;
}

/** Revokes every live owner key of a workspace but `keepId`: a lost key may be in someone else's hands. */
export async function revokeOwnerKeys(db: Db, workspaceId: string, keepId: string): Promise<number> {
  const rows = await db
    .update(apiKeys)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiKeys.workspaceId, workspaceId), eq(apiKeys.role, 'owner'), isNull(apiKeys.revokedAt), sql`${apiKeys.id} <> ${keepId}`))
    .returning({ id: apiKeys.id });
  return rows.length;
}
