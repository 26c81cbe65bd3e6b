import { and, asc, count, desc, eq, gt, inArray, isNotNull, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { preparedQuery, type Db } from '../db.js';
import { connections } from '../schema.js';

export type ConnectionRow = typeof connections.$inferSelect;
export type ConnectionInsert = typeof connections.$inferInsert;
export type ConnectionPatch = Partial<Omit<ConnectionInsert, 'id' | 'workspaceId' | 'createdAt'>>;

export interface ConnectionFilters {
  connectorId?: string | undefined;
  status?: string | undefined;
  product?: string | undefined;
  companyId?: string | undefined;
  crewId?: string | undefined;
  /** Without product or company filters: true lists everything, false only the workspace's own connections. */
  includeAll?: boolean | undefined;
  /**
   * The caller's products: only connections tagged with one of them (untagged ones are the workspace's own admin
   * data, which a scoped caller never sees); null or absent: every product.
   */
  products?: readonly string[] | null | undefined;
}

export async function insertConnection(db: Db, row: ConnectionInsert): Promise<ConnectionRow> {
  const [created] = await db.insert(connections).values(row).returning();
  return created!;
}

export async function getConnection(db: Db, workspaceId: string, id: string): Promise<ConnectionRow | undefined> {
  const query = preparedQuery(db, 'connection_in_workspace', () =>
    db
      .select()
      .from(connections)
      .where(and(eq(connections.workspaceId, sql.placeholder('workspaceId')), eq(connections.id, sql.placeholder('id'))))
      .prepare('connection_in_workspace'),
  );
  const [row] = await query.execute({ workspaceId, id });
  return row;
}

/** For workers, which act on a job's connection whatever its workspace. */
export async function getConnectionById(db: Db, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await db.select().from(connections).where(eq(connections.id, id));
  return row;
}

export async function listConnections(
  db: Db,
  workspaceId: string,
  filters: ConnectionFilters,
  page: { limit: number; offset: number },
): Promise<{ rows: ConnectionRow[]; total: number }> {
  const where: SQL[] = [eq(connections.workspaceId, workspaceId)];
  if (filters.connectorId) where.push(eq(connections.connectorId, filters.connectorId));
  if (filters.status) where.push(eq(connections.status, filters.status));
  if (filters.product) where.push(eq(connections.product, filters.product));
  if (filters.companyId) where.push(eq(connections.companyId, filters.companyId));
  if (filters.crewId) where.push(eq(connections.crewId, filters.crewId));
  // A scoped caller's default view is its products' connections: the workspace's own ones are not its to see.
  if (filters.products) where.push(inArray(connections.product, [...filters.products]));
  // The workspace's own connections are the default view; a client's or a product's are asked for by name.
  else if (!filters.product && !filters.companyId && !filters.includeAll) where.push(isNull(connections.product), isNull(connections.companyId));
  const condition = and(...where);
  // The total rides along with the page (a window count): one query per list instead of two. Only a page past
  // the end, which has no row to carry it, needs the count on its own.
  const found = await db
    .select({ row: connections, total: sql<string>`count(*) over ()` })
    .from(connections)
    .where(condition)
    .orderBy(desc(connections.createdAt), desc(connections.id))
    .limit(page.limit)
    .offset(page.offset);
  if (found.length > 0) return { rows: found.map((f) => f.row), total: Number(found[0]!.total) };
  if (page.offset === 0) return { rows: [], total: 0 };
  const [total] = await db.select({ n: count() }).from(connections).where(condition);
  return { rows: [], total: total?.n ?? 0 };
}

export async function updateConnection(db: Db, workspaceId: string, id: string, patch: ConnectionPatch): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .update(connections)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(connections.workspaceId, workspaceId), eq(connections.id, id)))
    .returning();
  return row;
}

export async function updateConnectionById(db: Db, id: string, patch: ConnectionPatch): Promise<void> {
  await db
    .update(connections)
    .set({ ...patch, updatedAt: new Date() })
    .where(eq(connections.id, id));
}

/**
 * The engine's status writes: `status` only if the connection is still in one of `from` (so the end of a run
 * never resurrects a connection disconnected or disabled meanwhile), the rest of `patch` always, in one statement.
 */
export async function settleConnectionStatus(db: Db, id: string, status: string, from: readonly string[], patch: ConnectionPatch = {}): Promise<void> {
  await db
    .update(connections)
    .set({ ...patch, status: sql`case when ${inArray(connections.status, [...from])} then ${status}::text else ${connections.status} end`, updatedAt: new Date() })
    .where(eq(connections.id, id));
}

export async function deleteConnection(db: Db, workspaceId: string, id: string): Promise<boolean> {
  const rows = await db
    .delete(connections)
    .where(and(eq(connections.workspaceId, workspaceId), eq(connections.id, id)))
    .returning({ id: connections.id });
  return rows.length > 0;
}

/**
 * The connection whose current webhook token, or previous one still in its grace period, hashes to `hash`. One
 * query for both, by hash (the presented token never meets a comparison), so an answer's timing says nothing about
 * which token matched; an expired previous token finds nothing, like a token that never existed.
 */
export async function findConnectionByWebhookHash(db: Db, hash: string): Promise<ConnectionRow | undefined> {
  const [row] = await db
    .select()
    .from(connections)
    .where(
      or(
        eq(connections.webhookTokenHash, hash),
        and(eq(connections.previousWebhookTokenHash, hash), gt(connections.previousWebhookTokenExpiresAt, sql`now()`)),
      ),
    )
    .limit(1);
  return row;
}

/**
 * Replaces the webhook token in one statement (so two rotations at once cannot interleave): the current token
 * becomes the previous one for `graceSeconds`, by the database's clock, and whatever previous token was still in
 * its grace period dies now. `graceSeconds` 0 keeps no previous token.
 */
export async function rotateWebhookToken(
  db: Db,
  workspaceId: string,
  id: string,
  next: { hash: string; ciphertext: string; graceSeconds: number },
): Promise<ConnectionRow | undefined> {
  const keepsPrevious = next.graceSeconds > 0;
  const [row] = await db
    .update(connections)
    .set({
      previousWebhookTokenHash: keepsPrevious ? sql`${connections.webhookTokenHash}` : null,
      previousWebhookTokenExpiresAt: keepsPrevious ? sql`case when ${connections.webhookTokenHash} is null then null else now() + make_interval(secs => ${next.graceSeconds}) end` : null,
      webhookTokenHash: next.hash,
      webhookToken: next.ciphertext,
      updatedAt: new Date(),
    })
    .where(and(eq(connections.workspaceId, workspaceId), eq(connections.id, id)))
    .returning();
  return row;
}

/**
 * The row, locked until the caller's transaction ends (`select … for update`): token refreshes take it so two
 * workers never refresh one connection at once; the second one waits, then reads the tokens the first stored.
 */
export async function lockConnectionById(tx: Db, id: string): Promise<ConnectionRow | undefined> {
  const [row] = await tx.select().from(connections).where(eq(connections.id, id)).for('update');
  return row;
}

/** Every connection of a variant group (the base's id is the group's id), oldest first. */
export async function listVariantGroup(db: Db, workspaceId: string, groupId: string): Promise<ConnectionRow[]> {
  return db
    .select()
    .from(connections)
    .where(and(eq(connections.workspaceId, workspaceId), eq(connections.variantGroupId, groupId)))
    .orderBy(connections.createdAt, connections.id);
}

/**
 * Up to `limit` connections whose scheduled slot is due at `now` and that may sync, earliest slot first, locked
 * until the caller's transaction ends with SKIP LOCKED: processes ticking at once each claim different rows.
 */
export async function claimDueConnections(tx: Db, now: Date, limit: number): Promise<ConnectionRow[]> {
  return tx
    .select()
    .from(connections)
    .where(and(isNotNull(connections.nextSyncAt), lte(connections.nextSyncAt, now), inArray(connections.status, ['connected', 'syncing', 'error'])))
    .orderBy(asc(connections.nextSyncAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Moves a connection's schedule on to its next slot (null: no further slot). */
export async function setConnectionNextSyncAt(tx: Db, id: string, next: Date | null): Promise<void> {
  await tx.update(connections).set({ nextSyncAt: next }).where(inArray(connections.id, [id]));
}

/**
 * The connection of a run its worker abandoned goes to `error`, but only while it still shows that sync as in
 * progress (`syncing`): a status a user set meanwhile (disabled, …) stays.
 */
export async function markAbandonedSyncFailed(db: Db, id: string, error: string, now: Date): Promise<void> {
  await db
    .update(connections)
    .set({ status: 'error', lastSyncStatus: 'FAILED', lastSyncError: error, updatedAt: now })
    .where(and(eq(connections.id, id), eq(connections.status, 'syncing')));
}
