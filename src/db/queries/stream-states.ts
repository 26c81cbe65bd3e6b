import { and, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { streamStates } from '../schema.js';

export type StreamStateRow = typeof streamStates.$inferSelect;

export async function listStreamStates(db: Db, connectionId: string): Promise<StreamStateRow[]> {
  return db.select().from(streamStates).where(eq(streamStates.connectionId, connectionId)).orderBy(streamStates.stream);
}

export async function getStreamState(db: Db, connectionId: string, stream: string): Promise<Record<string, unknown> | null> {
  const [row] = await db
    .select()
    .from(streamStates)
    .where(and(eq(streamStates.connectionId, connectionId), eq(streamStates.stream, stream)));
  return row?.state ?? null;
}

export async function putStreamState(db: Db, connectionId: string, stream: string, state: Record<string, unknown>): Promise<void> {
  await db
    .insert(streamStates)
    .values({ connectionId, stream, state, updatedAt: new Date() })
    .onConflictDoUpdate({ target: [streamStates.connectionId, streamStates.stream], set: { state, updatedAt: new Date() } });
}

export async function deleteStreamState(db: Db, connectionId: string, stream?: string): Promise<void> {
  const condition = stream
    ? and(eq(streamStates.connectionId, connectionId), eq(streamStates.stream, stream))
    : eq(streamStates.connectionId, connectionId);
  await db.delete(streamStates).where(condition);
}
