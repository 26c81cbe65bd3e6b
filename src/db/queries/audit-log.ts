import { and, desc, eq } from 'drizzle-orm';
import { redactCredentialsDeep } from '../../contracts/redact-credentials.js';
import type { Db } from '../db.js';
import { auditLog } from '../schema.js';

export type AuditLogRow = typeof auditLog.$inferSelect;

/** Audit data is shown to admins: credential-named values and credential-shaped text never enter it. */
export async function insertAuditLog(db: Db, row: typeof auditLog.$inferInsert): Promise<void> {
  await db.insert(auditLog).values({ ...row, data: row.data == null ? row.data : redactCredentialsDeep(row.data) });
}

export async function listAuditLog(db: Db, workspaceId: string, targetId?: string): Promise<AuditLogRow[]> {
  const condition = targetId ? and(eq(auditLog.workspaceId, workspaceId), eq(auditLog.targetId, targetId)) : eq(auditLog.workspaceId, workspaceId);
  return db.select().from(auditLog).where(condition).orderBy(desc(auditLog.id)).limit(100);
}
