import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { auditLog } from '../schema.js';

export type AuditLogRow = typeof auditLog.$inferSelect;

export async function insertAuditLog(db: Db, row: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values(row);
}

export async function listAuditLog(db: Db, workspaceId: string, targetId?: string): Promise<AuditLogRow[]> {
  const condition = targetId ? and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.targetId, targetId)) : eq(auditLog.workspaceId, workspaceId);
  return db.select().from(auditLog).where(condition).orderBy(desc(auditLog.id)).limit(100);
}
