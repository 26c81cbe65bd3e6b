import { and, count, eq, sql } from 'drizzle-orm';
import { crmEntities, crmEntityTypes, type CrmEntityType } from '../../contracts/crm.js';
import { type Db, queryRows } from '../db.js';
import { ident } from '../identifiers.js';
import { connections, crmFieldMappings, crmSources } from '../schema.js';

/** Provenance reads: where an entity came from, and what a connection contributed. */
export interface EntitySource {
  connection_id: string;
  connector_id: string | null;
  connection_name: string | null;
  stream: string;
  record_id: string;
  source_key: string;
  fields: Record<string, unknown>;
  first_seen_at: Date | string;
  last_seen_at: Date | string;
}

/** The first `limit` sources of an entity (a contact seen in thousands of emails has thousands), and how many there are. */
export async function sourcesOfEntity(db: Db, type: CrmEntityType, id: string, limit = 100): Promise<{ rows: EntitySource[]; total: number }> {
  const ofEntity = and(eq(crmSources.entityType, type), eq(crmSources.entityId, id));
  const rows = await db
    .select({
      connection_id: crmSources.connectionId,
      connector_id: connections.connectorId,
      connection_name: connections.name,
      stream: crmSources.stream,
      record_id: crmSources.recordId,
      source_key: crmSources.sourceKey,
      fields: crmSources.fields,
      first_seen_at: crmSources.firstSeenAt,
      last_seen_at: crmSources.lastSeenAt,
    })
    .from(crmSources)
    .leftJoin(connections, eq(connections.id, crmSources.connectionId))
    .where(ofEntity)
    .orderBy(crmSources.firstSeenAt, crmSources.connectionId, crmSources.stream, crmSources.recordId)
    .limit(limit);
  const [total] = await db.select({ n: count() }).from(crmSources).where(ofEntity);
  return { rows, total: total?.n ?? 0 };
}

/** Live entities of each type that at least one record of the connection supports. */
export async function entityCountsOfConnection(db: Db, connectionId: string): Promise<Record<CrmEntityType, number>> {
  const parts = crmEntityTypes.map(
    (type) => sql`select ${type}::text as entity_type, count(distinct s.entity_id) as n from crm_sources s
        join ${ident(crmEntities[type].table)} e on e.id = s.entity_id and e.deleted_at is null
        where s.connection_id = ${connectionId} and s.entity_type = ${type}`,
  );
  const rows = await queryRows<{ entity_type: CrmEntityType; n: number | string }>(db, sql.join(parts, sql` union all `));
  const counts = Object.fromEntries(crmEntityTypes.map((t) => [t, 0])) as Record<CrmEntityType, number>;
  for (const row of rows) counts[row.entity_type] = Number(row.n);
  return counts;
}

export async function getConnectionMappings(db: Db, connectionId: string): Promise<{ mappings: unknown[]; updated_at: Date | string } | undefined> {
  const [row] = await db
    .select({ mappings: crmFieldMappings.mappings, updated_at: crmFieldMappings.updatedAt })
    .from(crmFieldMappings)
    .where(eq(crmFieldMappings.connectionId, connectionId));
  return row;
}

/** Replaces the connection's own mappings; `null` deletes them, so the connector's defaults apply again. */
export async function putConnectionMappings(db: Db, workspaceId: string, connectionId: string, mappings: unknown[] | null): Promise<void> {
  if (mappings === null) {
    await db.delete(crmFieldMappings).where(eq(crmFieldMappings.connectionId, connectionId));
    return;
  }
  await db
    .insert(crmFieldMappings)
    .values({ connectionId, workspaceId, mappings, updatedAt: sql`now()` })
    .onConflictDoUpdate({ target: crmFieldMappings.connectionId, set: { mappings, updatedAt: sql`now()` } });
}
